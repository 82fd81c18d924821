"""Generate the labeled name-pair benchmark (benchmarks/pairs/pairs.csv) from the real data.

    .venv/bin/python benchmarks/make_pairs.py [--data ../shared/data] [--out benchmarks/pairs/pairs.csv]

Every pair comes from real list entries or real partner names, by category:

- person / organization / vessel: the primary name and a strong a.k.a. (not a former name: a renamed
  vessel or company shares nothing with its old name) of one OFAC SDN or UN
  entity (true), and the primary name of one entity with a name of a different entity of the same
  kind on the same list that shares a word with it (false: the near neighbours a screener must
  tell apart; same list only, since one person on the OFAC and the UN list is one person);
- cross_script: a UN `NAME_ORIGINAL_SCRIPT` and the Latin name of the same entity (true), and of
  a different entity of the same kind sharing a Latin word with it (false);
- partner: a real USAID partner name (IATI receiver-org / participating-org) and its three
  nearest listed names by `token_sort_ratio` (false: a legitimate partner is not the listed one);
- patronymic: a listed person "A bin B" with father and son swapped ("B bin A", false) and the
  same name with a particle spelt differently (ibn/bin, true);
- legal_form: a listed company with its legal form written another way ("Ltd" / "Limited",
  glued "ACMEAG", true) and with a different legal form ("X AG" / "X GmbH", false).

Each pair has a split: `heldout` for about 30% of the entities (by a hash of the entity id, so
all pairs of an entity fall on the same side), `dev` for the rest. Tune on dev only; report both.
The output is deterministic (fixed seed, sorted inputs).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
import sys
from pathlib import Path

from lxml import etree
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "include"))

from aidvet.lists import load_files  # noqa: E402
from aidvet.screening.prepare import normalize  # noqa: E402  (not prepare: pairs must not depend on the engine)

LISTS = ("lists/ofac/2021-04-25", "lists/un/consolidated-2025-04-19.xml")
HELDOUT_SHARE = 30  # percent of entities
PER_KIND = {"person": 500, "organization": 400, "vessel": 60}
COLUMNS = ("pair_id", "category", "split", "kind", "name1", "name2", "label", "origin")
PATRONYMIC = re.compile(r"^(?P<a>[^,]+?)\s+(?P<p>bin|ben|ibn|ould|bint)\s+(?P<b>[A-Za-z'-]+)\b(?P<rest>.*)$", re.I)
LEGAL_SWAPS = (  # (written, the same form written otherwise, a different kind of company, same jurisdiction)
    ("LTD", "LIMITED", "PLC"), ("LIMITED", "LTD.", "PLC"), ("LLC", "L.L.C.", "INC."), ("GMBH", "G.M.B.H.", "AG"),
    ("AG", "A.G.", "GMBH"), ("S.A.", "SA", "S. DE R.L."), ("SA", "S.A.", "S.C."), ("INC.", "INCORPORATED", "LLC"),
    ("CO. LTD.", "COMPANY LIMITED", "PLC"), ("CORP.", "CORPORATION", "LLC"), ("S.A. DE C.V.", "SA DE CV", "S.C."),
    ("PLC", "P.L.C.", "LTD"), ("JSC", "J.S.C.", "OOO"), ("OOO", "O.O.O.", "ZAO"), ("B.V.", "BV", "N.V."),
)


def split_of(entity_id: str) -> str:
    digest = int(hashlib.sha256(entity_id.encode()).hexdigest()[:8], 16)
    return "heldout" if digest % 100 < HELDOUT_SHARE else "dev"


def entities_of(data: Path):
    entities = []
    for path in LISTS:
        entities.extend(load_files([data / path]).entities)
    return sorted(entities, key=lambda entity: entity.id)


def neighbours_by_token(entities):
    by_token: dict[tuple[str, str], list[int]] = {}
    for number, entity in enumerate(entities):
        for token in set(normalize(entity.name).split()):
            if len(token) > 2:
                by_token.setdefault((entity.kind, token), []).append(number)
    return by_token


def alias_pairs(entities, kind: str, count: int, rng: random.Random):
    """Primary name vs a strong alias of the same entity, ASCII names only (scripts: cross_script)."""
    found = []
    for entity in entities:
        if entity.kind != kind or not entity.name.isascii():
            continue
        strong = [a.name for a in entity.aliases if a.strength == "strong" and a.type == "aka" and a.name.isascii()
                  and normalize(a.name) != normalize(entity.name)]
        if strong:
            found.append((entity.id, entity.name, rng.choice(strong)))
    return rng.sample(found, min(count, len(found)))


def neighbour_pairs(entities, by_token, kind: str, count: int, rng: random.Random):
    """A listed name vs a name of another entity of the same kind sharing a word with it."""
    pool = [n for n, entity in enumerate(entities) if entity.kind == kind and entity.name.isascii()]
    found, seen, attempts = [], set(), 0
    while len(found) < count and attempts < 100 * count:
        attempts += 1
        entity = entities[rng.choice(pool)]
        tokens = sorted(t for t in normalize(entity.name).split() if len(t) > 2)
        if not tokens:
            continue
        # Same source only: a person on both the OFAC and the UN list is one person, not two.
        others = [n for n in by_token.get((kind, rng.choice(tokens)), [])
                  if entities[n].id != entity.id and entities[n].source == entity.source]
        if not others:
            continue
        other = entities[rng.choice(others)]
        names = [name for name, alias in other.all_names() if name.isascii() and (alias is None or alias.strength == "strong")]
        if not names:
            continue
        pair = (entity.name, rng.choice(names))
        if pair not in seen and sorted(normalize(pair[0]).split()) != sorted(normalize(pair[1]).split()):
            seen.add(pair)
            found.append((entity.id, *pair))
    return found


def cross_script_pairs(data: Path, entities, rng: random.Random):
    tree = etree.parse(str(data / LISTS[1]), etree.XMLParser(resolve_entities=False, no_network=True))
    originals = {}
    for element in tree.iter("INDIVIDUAL", "ENTITY"):
        data_id = element.findtext("DATAID")
        original = (element.findtext("NAME_ORIGINAL_SCRIPT") or "").strip()
        if data_id and original and not original.isascii():
            originals[f"un:{data_id.strip()}"] = original
    by_id = {entity.id: entity for entity in entities}
    true_pairs = [(eid, originals[eid], by_id[eid].name, by_id[eid].kind) for eid in sorted(originals) if eid in by_id]
    by_token = neighbours_by_token([by_id[eid] for eid in sorted(originals) if eid in by_id])
    un = [by_id[eid] for eid in sorted(originals) if eid in by_id]
    false_pairs = []
    for eid, original, latin, kind in true_pairs:
        tokens = sorted(t for t in normalize(latin).split() if len(t) > 2)
        others = sorted({n for t in tokens for n in by_token.get((kind, t), []) if un[n].id != eid})
        if others:
            other = un[rng.choice(others)]
            false_pairs.append((eid, originals[other.id], latin, kind))
    return true_pairs, false_pairs


def iati_names(data: Path) -> list[str]:
    names: set[str] = set()
    for path in sorted((data / "iati").glob("*.xml")):
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        for xpath in (".//receiver-org/narrative", ".//participating-org/narrative"):
            names.update((element.text or "").strip() for element in tree.iterfind(xpath))
    return sorted(n for n in names if n and n.lower() not in ("nan", "none", "n/a"))


def partner_pairs(data: Path, entities):
    names = iati_names(data)
    listed = sorted({name for entity in entities if entity.kind != "person" for name, _ in entity.all_names()})
    normalized = [normalize(name) for name in listed]
    pairs = []
    for name in names:
        for _, _, index in process.extract(normalize(name), normalized, scorer=fuzz.token_sort_ratio,
                                           processor=None, limit=3):
            pairs.append((f"partner:{name}", name, listed[index]))
    return pairs


def patronymic_pairs(entities, rng: random.Random):
    swaps, spellings = [], []
    other = {"bin": "ibn", "ibn": "bin", "ben": "bin", "ould": "wuld", "bint": "binte"}
    for entity in entities:
        if entity.kind != "person":
            continue
        for name, alias in entity.all_names():
            match = PATRONYMIC.match(name.strip()) if name.isascii() else None
            if not match or len(match["a"].split()) != 1:
                continue
            a, particle, b, rest = match["a"], match["p"], match["b"], match["rest"]
            if normalize(a) == normalize(b):
                continue
            swaps.append((entity.id, name, f"{b} {particle} {a}{rest}"))
            spellings.append((entity.id, name, f"{a} {other[particle.lower()]} {b}{rest}"))
            break
    return swaps, spellings


def legal_form_pairs(entities):
    same, different = [], []
    for entity in entities:
        if entity.kind != "organization" or not entity.name.isascii():
            continue
        name = entity.name.strip().rstrip(".")
        for written, alternative, other_form in LEGAL_SWAPS:
            pattern = re.compile(rf"^(?P<stem>.{{4,}}?)[\s,]+{re.escape(written.rstrip('.'))}$", re.I)
            if (match := pattern.match(name)) and normalize(match["stem"]):
                stem = match["stem"].rstrip(",")
                same.append((entity.id, entity.name, f"{stem} {alternative}"))
                if " " not in written:
                    same.append((entity.id, entity.name, f"{stem}{written.replace('.', '')}"))
                different.append((entity.id, entity.name, f"{stem} {other_form}"))
                break
    return same, different


def build(data: Path, seed: int = 12) -> list[dict[str, str]]:
    rng = random.Random(seed)
    entities = entities_of(data)
    by_token = neighbours_by_token(entities)
    rows: list[tuple[str, str, str, str, str, int, str]] = []  # category, id, kind, a, b, label, origin

    for kind, count in PER_KIND.items():
        for eid, a, b in alias_pairs(entities, kind, count, rng):
            rows.append((kind, eid, kind, a, b, 1, "primary name vs strong alias"))
        for eid, a, b in neighbour_pairs(entities, by_token, kind, count, rng):
            rows.append((kind, eid, kind, a, b, 0, "different entities sharing a word"))
    true_cross, false_cross = cross_script_pairs(data, entities, rng)
    rows += [("cross_script", eid, kind, a, b, 1, "UN original script vs Latin name") for eid, a, b, kind in true_cross]
    rows += [("cross_script", eid, kind, a, b, 0, "original script vs another entity's Latin name")
             for eid, a, b, kind in false_cross]
    rows += [("partner", key, "organization", a, b, 0, "real partner vs nearest listed name")
             for key, a, b in partner_pairs(data, entities)]
    swaps, spellings = patronymic_pairs(entities, rng)
    rows += [("patronymic", eid, "person", a, b, 0, "father and son swapped") for eid, a, b in swaps]
    rows += [("patronymic", eid, "person", a, b, 1, "patronymic particle spelt otherwise") for eid, a, b in spellings]
    same, different = legal_form_pairs(entities)
    same, different = rng.sample(same, min(250, len(same))), rng.sample(different, min(250, len(different)))
    rows += [("legal_form", eid, "organization", a, b, 1, "legal form written otherwise") for eid, a, b in same]
    rows += [("legal_form", eid, "organization", a, b, 0, "different legal form") for eid, a, b in different]

    return [
        {"pair_id": str(number), "category": category, "split": split_of(eid), "kind": kind,
         "name1": a, "name2": b, "label": str(label), "origin": origin}
        for number, (category, eid, kind, a, b, label, origin) in enumerate(rows, 1)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "pairs" / "pairs.csv")
    args = parser.parse_args(argv)
    rows = build(args.data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["category"], row["label"])
        counts[key] = counts.get(key, 0) + 1
    print(f"{len(rows)} pairs -> {args.out}")
    for (category, label), count in sorted(counts.items()):
        print(f"  {category:14} label {label}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
