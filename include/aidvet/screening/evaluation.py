"""Evaluation of the screening engine against rapidfuzz baselines, on real data.

    python -m aidvet.screening.evaluation [--data ../shared/data] [--json report.json]

Six measurements, each for aidvet and for rapidfuzz `token_sort_ratio` and `WRatio` on plainly
normalized names (transliterated, case-folded, punctuation removed), over a threshold sweep:

1. UN typo positives (eval/un_positives_dev.csv) screened against the real UN consolidated list
   plus the OFAC SDN list: recall of the listed person; name only, and with DOB + nationality.
2. The 1,000 synthetic negatives (eval/negatives_dev.csv): share of persons held.
3. Labeled pairs from the real OFAC SDN files: the primary name and a strong alias of one entity
   are a true pair; two names of different entities of the same kind that share a word are a
   false pair. Precision, recall, F1 and the best F1.
4. The real IATI recipient names (receiver-org and participating-org): legitimate partners, the
   share held.
5. The cartel names with Spanish/English variants and legitimate look-alikes.
6. The cross-script pairs (eval/cross_script_pairs.csv): mean score and share at the default.
7. The labeled pair benchmark (benchmarks/pairs/pairs.csv, made by benchmarks/make_pairs.py from
   the real lists and partner names): F1 per category and split (dev / heldout), beside the
   previous engine version's scores (benchmarks/pairs/previous_scores.csv).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from rapidfuzz import fuzz, process

from aidvet.lists import Alias, Entity, load_files
from aidvet.screening.engine import DEFAULT_THRESHOLD, Query, Screener, score_names
from aidvet.screening.prepare import normalize, prepare

THRESHOLDS = tuple(range(60, 101, 1))
SWEEP_SHOWN = (75, 80, 82, 84, 85, 86, 87, 88, 90, 92, 95)
BASELINES: dict[str, Callable] = {"token_sort_ratio": fuzz.token_sort_ratio, "WRatio": fuzz.WRatio}
METHODS = ("aidvet", *BASELINES)
REFERENCE_LISTS = ("lists/ofac/2021-04-25", "lists/un/consolidated-2025-04-19.xml")
CARTEL_LISTS = ("lists/ofac/2026-04-23-excerpt/sdn.csv", "lists/ofac/2025-12-24/alt.csv")
# ent_nums of designated cartels whose 2025 aliases are in the Dec 2025 alt.csv but whose sdn.csv
# row is not available (orphans): their entity is rebuilt from those alias rows.
CARTEL_ORPHANS = {"10386": ("GULF CARTEL", ["SDNTK", "FTO", "SDGT"]), "49756": ("TREN DE ARAGUA", ["FTO", "SDGT", "TCO"])}
# Designated in Feb 2025 (FTO) but in none of the available files: built by hand from the
# designation notice so the variants below have something to hit.
CARTELES_UNIDOS = Entity(id="eval:carteles-unidos", source="eval", kind="organization",
                         name="CARTELES UNIDOS", programs=["FTO", "SDGT"], countries=["Mexico"])

# (variant as a payee might write it, entity id it must hit)
CARTEL_POSITIVES = (
    ("Cartel de Sinaloa", "ofac:11440"), ("Cártel de Sinaloa", "ofac:11440"), ("El Cartel de Sinaloa", "ofac:11440"),
    ("Sinaloa Cartel", "ofac:11440"), ("CARTEL DE SINALOA S.A. DE C.V.", "ofac:11440"), ("Cartel Sinaloa", "ofac:11440"),
    ("Cartel del Noreste", "ofac:11438"), ("CARTEL DEL NORESTE", "ofac:11438"), ("Cártel del Noreste", "ofac:11438"),
    ("Northeast Cartel", "ofac:11438"), ("Los Zetas", "ofac:11438"), ("Zetas", "ofac:11438"), ("C.D.N.", "ofac:11438"),
    ("Cartel de Jalisco Nueva Generación", "ofac:17671"), ("Cártel Jalisco Nueva Generación", "ofac:17671"),
    ("CJNG", "ofac:17671"), ("C.J.N.G.", "ofac:17671"), ("Jalisco New Generation Cartel", "ofac:17671"),
    ("New Generation Cartel of Jalisco", "ofac:17671"), ("Cartel Jalisco Nueva Generacion", "ofac:17671"),
    ("Cartel del Golfo", "ofac:10386"), ("Cártel del Golfo", "ofac:10386"), ("Gulf Cartel", "ofac:10386"),
    ("El Cartel del Golfo", "ofac:10386"),
    ("Tren de Aragua", "ofac:49756"), ("El Tren de Aragua", "ofac:49756"), ("Tren De Aragua", "ofac:49756"),
    ("Mara Salvatrucha", "ofac:15412"), ("MS-13", "ofac:15412"), ("MS 13", "ofac:15412"), ("Mara Salvatrucha 13", "ofac:15412"),
    ("La Mara Salvatrucha", "ofac:15412"),
    ("Carteles Unidos", "eval:carteles-unidos"), ("Cárteles Unidos", "eval:carteles-unidos"),
    ("Los Carteles Unidos", "eval:carteles-unidos"),
    ("La Familia Michoacana", "ofac:11439"), ("Familia Michoacana", "ofac:11439"), ("La Nueva Familia Michoacana", "ofac:11439"),
)
# Legitimate organizations in Mexico and Central America that share words with the cartels.
CARTEL_NEGATIVES = (
    "Universidad Autónoma de Sinaloa", "Gobierno del Estado de Sinaloa", "Sinaloa Agricultural Association",
    "Cartelera Cultural de Jalisco", "Carteles y Publicidad del Norte, S.A. de C.V.", "Fundación Jalisco Nueva Era, A.C.",
    "Universidad de Guadalajara, Jalisco", "Tren Maya, S.A. de C.V.", "Fundación Aragua Solidaria", "Golfo de México Pesca, S.C.",
    "Noreste Logística, S. de R.L. de C.V.", "Consejo Empresarial del Noreste", "Familia Unida por Michoacán, A.C.",
    "Mara Group International", "Salvatore Marra", "Cartel Nacional de Artistas", "Productores Unidos de Jalisco",
    "Estados Unidos Mexicanos", "Caritas Unidas de Honduras", "Nueva Generación Educativa, A.C.",
    "Generación Jalisco Emprende", "Zeta Gas del Pacífico, S.A. de C.V.", "Grupo Golfo Centro", "Aragua Trading Company LLC",
    "Red de Familias Michoacanas", "Cooperativa Sinaloense de Pescadores", "Hospital Civil de Jalisco",
    "Jalisco Nuevo Desarrollo, S.C.", "Tren Suburbano del Valle de México", "Clínica del Noreste, S.A.",
)


@dataclass
class Scored:
    """Per query: best score of the intended entity (positives) and best score of any entity."""

    target: float
    any: float


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def reference_entities(data: Path) -> list[Entity]:
    entities: list[Entity] = []
    for path in REFERENCE_LISTS:
        entities.extend(load_files([data / path]).entities)
    return entities


def cartel_entities(data: Path) -> list[Entity]:
    entities = list(load_files([data / path for path in CARTEL_LISTS]).entities)
    for ent_num, (name, programs) in CARTEL_ORPHANS.items():
        aliases = [Alias(alias, "strong", "aka") for alias in _orphan_aliases(data / CARTEL_LISTS[1], ent_num)]
        entities.append(Entity(id=f"ofac:{ent_num}", source="ofac", kind="organization", name=name,
                               aliases=aliases, programs=programs))
    entities.append(CARTELES_UNIDOS)
    return entities


def _orphan_aliases(alt_csv: Path, ent_num: str) -> list[str]:
    with open(alt_csv, encoding="latin-1", newline="") as handle:
        return [row[3] for row in csv.reader(handle) if row and row[0] == ent_num and len(row) > 3]


def merged(*groups: Sequence[Entity]) -> list[Entity]:
    """Later groups replace entities of the same id."""
    by_id: dict[str, Entity] = {}
    for group in groups:
        for entity in group:
            by_id[entity.id] = entity
    return list(by_id.values())


class Evaluator:
    def __init__(self, entities: Sequence[Entity], floor: float = min(THRESHOLDS)):
        self.screener = Screener(entities, threshold=floor)
        self.names = [name for entity in entities for name, _ in entity.all_names()]
        self.name_entity = [entity.id for entity in entities for _ in entity.all_names()]
        self.normalized_names = [normalize(name) for name in self.names]
        self.names_of: dict[str, list[int]] = {}
        for number, entity_id in enumerate(self.name_entity):
            self.names_of.setdefault(entity_id, []).append(number)

    def screen(self, queries: Sequence[Query], targets: Sequence[str | None]) -> dict[str, list[Scored]]:
        results = {"aidvet": self._screen_aidvet(queries, targets)}
        for method, scorer in BASELINES.items():
            results[method] = self._screen_baseline(scorer, queries, targets)
        return results

    def _screen_aidvet(self, queries, targets) -> list[Scored]:
        scored = []
        for query, target in zip(queries, targets):
            hits = self.screener.screen_one(query)
            target_score = max((hit.score for hit in hits if hit.entity_id == target), default=0.0)
            scored.append(Scored(target_score, max((hit.score for hit in hits), default=0.0)))
        return scored

    def _screen_baseline(self, scorer, queries, targets) -> list[Scored]:
        matrix = process.cdist([normalize(query.name) for query in queries], self.normalized_names,
                               scorer=scorer, processor=None, workers=-1, dtype="uint8")
        scored = []
        for row, target in zip(matrix, targets):
            best_any = float(row.max()) if len(row) else 0.0
            best_target = max((float(row[i]) for i in self.names_of.get(target, ())), default=0.0)
            scored.append(Scored(best_target, best_any))
        return scored


def share(values: Sequence[bool]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0


def sweep_recall(scored: list[Scored]) -> dict[int, float]:
    return {t: share([s.target >= t for s in scored]) for t in THRESHOLDS}


def sweep_held(scored: list[Scored]) -> dict[int, float]:
    return {t: share([s.any >= t for s in scored]) for t in THRESHOLDS}


def prf(positives: list[float], negatives: list[float],
        thresholds: Sequence[int] = THRESHOLDS) -> dict[int, dict[str, float]]:
    """Precision/recall/F1 per threshold, a positive found when its score >= threshold."""
    table = {}
    for t in thresholds:
        true_positives = sum(score >= t for score in positives)
        false_positives = sum(score >= t for score in negatives)
        precision = true_positives / (true_positives + false_positives) if true_positives + false_positives else 1.0
        recall = true_positives / len(positives) if positives else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[t] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}
    return table


def best_f1(table: dict[int, dict[str, float]]) -> dict[str, float]:
    threshold, row = max(table.items(), key=lambda item: (item[1]["f1"], -item[0]))
    return {"threshold": threshold, **row}


# --- the five measurements -------------------------------------------------------------------

def un_positives(data: Path, evaluator: Evaluator, un: Sequence[Entity]) -> dict:
    rows = read_csv(data / "eval/un_positives_dev.csv")
    by_tokens: dict[frozenset[str], str] = {}
    for entity in un:
        for name, _ in entity.all_names():
            by_tokens.setdefault(frozenset(prepare(name, "person").tokens), entity.id)
    targets = [by_tokens.get(frozenset(prepare(row["listed_name"], "person").tokens)) for row in rows]
    found = [(row, target) for row, target in zip(rows, targets) if target]
    name_only = [Query(row["case_id"], row["query_name"], "person") for row, _ in found]
    with_attributes = [Query(row["case_id"], row["query_name"], "person", row["nationality"] or None,
                             row["date_of_birth"] or None) for row, _ in found]
    ids = [target for _, target in found]
    result = {"cases": len(rows), "matched_to_un_entity": len(found)}
    for label, queries in (("name_only", name_only), ("with_dob_nationality", with_attributes)):
        screened = evaluator.screen(queries, ids)
        result[label] = {method: sweep_recall(screened[method]) for method in METHODS}
    return result


def negatives(data: Path, evaluator: Evaluator) -> dict:
    rows = read_csv(data / "eval/negatives_dev.csv")
    name_only = [Query(str(i), row["full_name"], "person") for i, row in enumerate(rows)]
    with_attributes = [Query(str(i), row["full_name"], "person", row["nationality"] or None, row["date_of_birth"] or None)
                       for i, row in enumerate(rows)]
    result = {"cases": len(rows)}
    for label, queries in (("name_only", name_only), ("with_dob_nationality", with_attributes)):
        screened = evaluator.screen(queries, [None] * len(queries))
        result[label] = {method: sweep_held(screened[method]) for method in METHODS}
    return result


def ofac_pairs(data: Path, sample: int = 1500, seed: int = 11) -> tuple[dict, list[tuple[str, str, str, bool]]]:
    """True pairs: primary name and a strong alias of one entity; false pairs: names of two
    entities of the same kind sharing at least one word (the hard case for a screener)."""
    entities = load_files([data / REFERENCE_LISTS[0]]).entities
    rng = random.Random(seed)
    true_pairs = [
        (entity.name, rng.choice(strong), entity.kind)
        for entity in entities
        if (strong := [alias.name for alias in entity.aliases if alias.strength == "strong"])
    ]
    true_pairs = rng.sample(true_pairs, min(sample, len(true_pairs)))
    by_token: dict[tuple[str, str], list[int]] = {}
    for number, entity in enumerate(entities):
        for token in set(prepare(entity.name, entity.kind).tokens):
            by_token.setdefault((entity.kind, token), []).append(number)
    false_pairs = []
    attempts = 0
    while len(false_pairs) < len(true_pairs) and attempts < 50 * sample:
        attempts += 1
        entity = rng.choice(entities)
        tokens = [t for t in prepare(entity.name, entity.kind).tokens if len(t) > 2]
        if not tokens:
            continue
        others = [n for n in by_token.get((entity.kind, rng.choice(tokens)), []) if entities[n].id != entity.id]
        if others:
            other = entities[rng.choice(others)]
            name, _ = rng.choice(other.all_names())
            false_pairs.append((entity.name, name, entity.kind))
    screener = Screener(entities)
    pairs = [(a, b, kind, True) for a, b, kind in true_pairs] + [(a, b, kind, False) for a, b, kind in false_pairs]
    result = {"true_pairs": len(true_pairs), "false_pairs": len(false_pairs)}
    scorers = {"aidvet": lambda a, b, kind: screener.score_names(a, b, kind)}
    scorers.update({method: (lambda scorer: lambda a, b, _kind: scorer(normalize(a), normalize(b)))(scorer)
                    for method, scorer in BASELINES.items()})
    for method, scorer in scorers.items():
        scores = [(scorer(a, b, kind), label) for a, b, kind, label in pairs]
        table = prf([s for s, label in scores if label], [s for s, label in scores if not label])
        result[method] = {"best": best_f1(table), "sweep": table}
    return result, pairs


def iati_names(data: Path) -> list[str]:
    names: set[str] = set()
    for path in sorted((data / "iati").glob("*.xml")):
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
        for element in tree.iterfind(".//receiver-org/narrative"):
            names.add((element.text or "").strip())
        for element in tree.iterfind(".//participating-org/narrative"):
            names.add((element.text or "").strip())
    return sorted(name for name in names if name and name.lower() not in ("nan", "none", "n/a"))


def iati_partners(data: Path, evaluator: Evaluator) -> dict:
    names = iati_names(data)
    queries = [Query(str(i), name, "organization") for i, name in enumerate(names)]
    screened = evaluator.screen(queries, [None] * len(queries))
    held_examples = {
        method: sorted(((round(s.any), name) for s, name in zip(screened[method], names) if s.any >= 85), reverse=True)[:15]
        for method in METHODS
    }
    return {"names": len(names), "held": {method: sweep_held(screened[method]) for method in METHODS},
            "examples_held_at_85": held_examples}


def cartels(evaluator: Evaluator) -> dict:
    positives = [Query(f"p{i}", name) for i, (name, _) in enumerate(CARTEL_POSITIVES)]
    targets = [target for _, target in CARTEL_POSITIVES]
    negatives_ = [Query(f"n{i}", name) for i, name in enumerate(CARTEL_NEGATIVES)]
    found = evaluator.screen(positives, targets)
    held = evaluator.screen(negatives_, [None] * len(negatives_))
    result = {"positives": len(positives), "negatives": len(negatives_)}
    for method in METHODS:
        table = prf([s.target for s in found[method]], [s.any for s in held[method]])
        result[method] = {"best": best_f1(table), "sweep": table,
                          "missed_at_default": [name for (name, _), s in zip(CARTEL_POSITIVES, found[method])
                                                if s.target < DEFAULT_THRESHOLD],
                          "false_hits_at_default": [name for name, s in zip(CARTEL_NEGATIVES, held[method])
                                                    if s.any >= DEFAULT_THRESHOLD]}
    return result


def cross_script(data: Path) -> dict:
    """eval/cross_script_pairs.csv: a name in its own script and its usual Latin spelling."""
    with open(data / "eval/cross_script_pairs.csv", encoding="utf-8") as handle:
        rows = [row for row in csv.reader(line for line in handle if line.strip() and not line.startswith("#"))]
    pairs = [(row[0], row[1]) for row in rows if len(row) >= 2]
    scorers = {"aidvet": lambda a, b: score_names(a, b, "person")}
    scorers.update({method: (lambda scorer: lambda a, b: scorer(normalize(a), normalize(b)))(scorer)
                    for method, scorer in BASELINES.items()})
    result: dict = {"pairs": len(pairs)}
    for method, scorer in scorers.items():
        scores = [scorer(a, b) for a, b in pairs]
        result[method] = {"mean": round(sum(scores) / len(scores), 1) if scores else 0.0,
                          "at_default": share([score >= DEFAULT_THRESHOLD for score in scores])}
    return result


PAIR_METHODS = ("aidvet", "previous", *BASELINES)
PAIR_THRESHOLDS = tuple(range(30, 101))  # aliases can be far apart: best F1 may lie below 60


def read_pairs(path: Path) -> list[dict[str, str]]:
    rows = read_csv(path)
    expected = {"pair_id", "category", "split", "kind", "name1", "name2", "label"}
    for number, row in enumerate(rows, 2):
        if not expected <= set(row) or row["label"] not in ("0", "1") or row["split"] not in ("dev", "heldout"):
            raise ValueError(f"{path}: line {number}: expected columns {sorted(expected)}, label 0|1, "
                             f"split dev|heldout; found {row}")
    return rows


def pair_benchmark(pairs_path: Path, screener: Screener, previous_path: Path | None) -> dict:
    """F1 per category and split of every method on the labeled pairs; `partner` has only false
    pairs, so its row is the share scored at or above the default threshold."""
    rows = read_pairs(pairs_path)
    previous = {}
    if previous_path and previous_path.is_file():
        previous = {row["pair_id"]: float(row["score"]) for row in read_csv(previous_path)}
    scores: dict[str, list[float]] = {
        "aidvet": [screener.score_names(row["name1"], row["name2"], row["kind"]) for row in rows],
        "previous": [previous.get(row["pair_id"], float("nan")) for row in rows],
    }
    for method, scorer in BASELINES.items():
        scores[method] = [scorer(normalize(row["name1"]), normalize(row["name2"])) for row in rows]
    groups: dict[tuple[str, str], list[int]] = {}
    for number, row in enumerate(rows):
        for category in (row["category"], "all"):
            groups.setdefault((category, row["split"]), []).append(number)
    result: dict = {"pairs": len(rows), "categories": {}}
    for (category, split), members in sorted(groups.items()):
        entry = {"true": sum(rows[n]["label"] == "1" for n in members),
                 "false": sum(rows[n]["label"] == "0" for n in members)}
        for method in PAIR_METHODS:
            if method == "previous" and not previous:
                continue
            positives = [scores[method][n] for n in members if rows[n]["label"] == "1"]
            negatives_ = [scores[method][n] for n in members if rows[n]["label"] == "0"]
            table = prf(positives, negatives_, PAIR_THRESHOLDS)
            entry[method] = {"best": best_f1(table), "at_default": table[int(DEFAULT_THRESHOLD)],
                             "false_at_default": share([s >= DEFAULT_THRESHOLD for s in negatives_])}
        result["categories"][f"{category}/{split}"] = entry
    result["errors_at_default"] = [
        {"pair_id": row["pair_id"], "category": row["category"], "label": row["label"],
         "name1": row["name1"], "name2": row["name2"], "score": score}
        for row, score in zip(rows, scores["aidvet"])
        if row["split"] == "dev" and (score >= DEFAULT_THRESHOLD) != (row["label"] == "1")
    ]
    return result


def run(data: Path, pairs_path: Path | None = None, previous_path: Path | None = None) -> dict:
    reference = reference_entities(data)
    un = [entity for entity in reference if entity.source == "un"]
    full = merged(reference, cartel_entities(data))
    evaluator = Evaluator(full)
    pairs, _ = ofac_pairs(data)
    return {
        "default_threshold": DEFAULT_THRESHOLD,
        "list_entities": len(full),
        "list_names": len(evaluator.names),
        "un_positives": un_positives(data, evaluator, un),
        "negatives": negatives(data, evaluator),
        "ofac_pairs": pairs,
        "iati_partners": iati_partners(data, evaluator),
        "cartels": cartels(evaluator),
        "cross_script": cross_script(data),
        "pair_benchmark": pair_benchmark(pairs_path, evaluator.screener, previous_path)
        if pairs_path and pairs_path.is_file() else None,
    }


def print_report(report: dict, out=sys.stdout) -> None:
    def line(text=""):
        print(text, file=out)

    shown = [t for t in SWEEP_SHOWN]
    header = "method".ljust(18) + "".join(f"{t:>7}" for t in shown)
    line(f"list: {report['list_entities']:,} entities, {report['list_names']:,} names; "
         f"default threshold {report['default_threshold']:g}")
    un = report["un_positives"]
    for label in ("name_only", "with_dob_nationality"):
        line(f"\nUN typo positives ({un['matched_to_un_entity']}/{un['cases']} found on the UN list), {label}: recall")
        line(header)
        for method in METHODS:
            line(method.ljust(18) + "".join(f"{un[label][method][t]:>7.3f}" for t in shown))
    neg = report["negatives"]
    for label in ("name_only", "with_dob_nationality"):
        line(f"\nnegatives ({neg['cases']}), {label}: share held")
        line(header)
        for method in METHODS:
            line(method.ljust(18) + "".join(f"{neg[label][method][t]:>7.3f}" for t in shown))
    iati = report["iati_partners"]
    line(f"\nIATI partner names ({iati['names']}): share held")
    line(header)
    for method in METHODS:
        line(method.ljust(18) + "".join(f"{iati['held'][method][t]:>7.3f}" for t in shown))
    for section, title in (("ofac_pairs", "OFAC alias pairs"), ("cartels", "cartel variants")):
        data = report[section]
        line(f"\n{title}: F1 per threshold (best F1 at threshold)")
        line(header + "   best")
        for method in METHODS:
            sweep = data[method]["sweep"]
            best = data[method]["best"]
            line(method.ljust(18) + "".join(f"{sweep[t]['f1']:>7.3f}" for t in shown)
                 + f"   {best['f1']:.3f}@{best['threshold']} (P {best['precision']:.3f} R {best['recall']:.3f})")
    cross = report["cross_script"]
    line(f"\ncross-script pairs ({cross['pairs']}): mean score, share >= default threshold")
    for method in METHODS:
        line(method.ljust(18) + f"{cross[method]['mean']:>7.1f}{cross[method]['at_default']:>7.3f}")
    line("\ncartels missed at the default threshold (aidvet): " + "; ".join(report["cartels"]["aidvet"]["missed_at_default"]))
    line("cartel look-alikes held at the default threshold (aidvet): "
         + "; ".join(report["cartels"]["aidvet"]["false_hits_at_default"]))
    if report.get("pair_benchmark"):
        print_pairs(report["pair_benchmark"], line)
    line("IATI names aidvet holds at 85: " + "; ".join(f"{n} ({s})" for s, n in iati["examples_held_at_85"]["aidvet"]))


def print_pairs(bench: dict, line) -> None:
    line(f"\nlabeled pair benchmark ({bench['pairs']} pairs): best F1 (threshold) | F1 at the default; "
         "partner: share of false pairs at or above the default")
    line("category/split".ljust(24) + "  true false" + "".join(f"{m:>22}" for m in PAIR_METHODS))
    for key, entry in bench["categories"].items():
        cells = []
        for method in PAIR_METHODS:
            if method not in entry:
                cells.append("-".rjust(22))
            elif entry["true"] == 0:
                cells.append(f"held {entry[method]['false_at_default']:.3f}".rjust(22))
            else:
                best, at = entry[method]["best"], entry[method]["at_default"]
                cells.append(f"{best['f1']:.3f}@{best['threshold']} | {at['f1']:.3f}".rjust(22))
        line(key.ljust(24) + f"{entry['true']:>6}{entry['false']:>6}" + "".join(cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parents[3]
    parser.add_argument("--data", type=Path, default=root.parent / "shared" / "data")
    parser.add_argument("--json", type=Path, help="also write the full report (every threshold) here")
    parser.add_argument("--pairs", type=Path, default=root / "benchmarks" / "pairs" / "pairs.csv",
                        help="labeled pair benchmark (benchmarks/make_pairs.py)")
    parser.add_argument("--previous", type=Path, default=root / "benchmarks" / "pairs" / "previous_scores.csv",
                        help="the previous engine version's scores of those pairs (benchmarks/score_pairs.py)")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"evaluation data folder {args.data} is absent", file=sys.stderr)
        return 2
    report = run(args.data, args.pairs, args.previous)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
