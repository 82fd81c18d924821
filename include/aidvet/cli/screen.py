"""`aidvet screen` and `aidvet score`: the screening engine on CSV files (a stable contract).

    aidvet screen --lists PATH... --input NAMES.csv --output HITS.csv [--threshold N]
                  [--thresholds KEY=N...] [--workers N] [--index-dir DIR]
    aidvet score --pairs PAIRS.csv --output SCORED.csv [--lists PATH...]

The index of a set of list files is built once and kept in `--index-dir` (default
`$AIDVET_ARTIFACT_ROOT/screening-index`), keyed by the files' SHA-256 and the engine's code
version: the next call with the same files loads it instead of parsing and indexing again.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console

from aidvet.config import settings
from aidvet.errors import InputError
from aidvet.lists import load_files
from aidvet.lists.model import Entity
from aidvet.lists.parse import combined_sha256, read_paths
from aidvet.screening import DEFAULT_THRESHOLD, Hit, Query, Screener, score_names
from aidvet.screening.stored import IndexStore, StoredIndex, folder_in

NAMES_REQUIRED = ("id", "name")
NAMES_OPTIONAL = ("kind", "country", "date_of_birth", "id_number")
KINDS = ("", "person", "organization")
HITS_HEADER = ("id", "name", "score", "entity_id", "source", "matched_name", "programs", "explanation")
PAIRS_REQUIRED = ("name1", "name2")


def register(subparsers) -> None:
    screen = subparsers.add_parser("screen", help="screen names in a CSV against list files")
    screen.add_argument("--lists", nargs="+", required=True, metavar="PATH",
                        help="list files or folders, anything `aidvet lists load` accepts")
    screen.add_argument("--input", required=True, type=Path, metavar="NAMES.csv",
                        help="header id,name and optional kind,country,date_of_birth,id_number")
    screen.add_argument("--output", required=True, type=Path, metavar="HITS.csv")
    screen.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                        help=f"lowest score reported, 0-100 (default {DEFAULT_THRESHOLD:g})")
    screen.add_argument("--thresholds", nargs="+", default=[], metavar="KEY=N", type=_threshold_override,
                        help="per source or program, e.g. FTO=80 un=88 (the lowest that applies wins)")
    screen.add_argument("--workers", type=int, default=1, help="processes screening in parallel (default 1)")
    _add_index_dir(screen)
    screen.set_defaults(func=run_screen)

    score = subparsers.add_parser("score", help="score name pairs in a CSV (0-100)")
    score.add_argument("--pairs", required=True, type=Path, metavar="PAIRS.csv",
                       help="header name1,name2 and optional kind")
    score.add_argument("--output", required=True, type=Path, metavar="SCORED.csv")
    score.add_argument("--lists", nargs="+", metavar="PATH",
                       help="weigh tokens by these lists, as screening against them does (default: built-in weights)")
    _add_index_dir(score)
    score.set_defaults(func=run_score)


def _add_index_dir(parser) -> None:
    parser.add_argument("--index-dir", metavar="DIR",
                        help="where list indexes are kept, a folder or fsspec URL "
                             "(default $AIDVET_ARTIFACT_ROOT/screening-index)")


def _threshold_override(text: str) -> tuple[str, float]:
    key, _, value = text.partition("=")
    try:
        return key.strip(), float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected KEY=N (e.g. FTO=80), not {text!r}") from None


def load_entities(paths: list[str]) -> list[Entity]:
    """Entities of every path: all paths as one list (an OFAC CSV set given file by file) when
    they form one, else each path on its own (an OFAC folder and a UN XML file together)."""
    try:
        return load_files(paths).entities
    except InputError:
        if len(paths) == 1:
            raise
    entities: list[Entity] = []
    for path in paths:
        entities.extend(load_files([path]).entities)
    return entities


def list_hashes(paths: list[str]) -> list[str]:
    """Per path, the SHA-256 over its files' names and contents: what a stored index is keyed by."""
    hashes = []
    for path in paths:
        raws, _ignored = read_paths([path])
        hashes.append(combined_sha256(f"{Path(raw.path).name}:{raw.sha256}" for raw in raws))
    return hashes


def stored_index(paths: list[str], index_dir: str | None) -> StoredIndex:
    """The index of the lists at `paths`: loaded when kept from an earlier call, else built and kept."""
    store = IndexStore(index_dir or folder_in(settings().artifact_root))
    return store.get(list_hashes(paths), lambda: load_entities(paths))


def read_queries(path: Path) -> Iterator[Query]:
    for line, row in _read_rows(path, NAMES_REQUIRED, NAMES_OPTIONAL):
        kind = (row.get("kind") or "").strip().lower()
        if kind not in KINDS:
            raise InputError(path, f"line {line}", f"kind one of person, organization or empty, not {kind!r}")
        if not row["id"].strip() or not row["name"].strip():
            raise InputError(path, f"line {line}", "a non-empty id and name")
        yield Query(
            id=row["id"].strip(),
            name=row["name"],
            kind=kind or None,
            country=(row.get("country") or "").strip() or None,
            date_of_birth=(row.get("date_of_birth") or "").strip() or None,
            id_number=(row.get("id_number") or "").strip() or None,
        )


def hit_row(hit: Hit) -> list[str]:
    return [hit.query_id, hit.query_name, f"{hit.score:.2f}", hit.entity_id, hit.source,
            hit.matched_name, ";".join(hit.programs), hit.explanation]


def run_screen(args) -> int:
    console = Console(stderr=True, soft_wrap=True)  # paths printed whole
    with console.status("loading the lists' index"):
        stored = stored_index(args.lists, args.index_dir)
    screener = Screener(index=stored.index, index_uri=stored.uri, threshold=args.threshold,
                        thresholds=dict(args.thresholds))
    console.print(f"index of {len(screener.entities):,} entities {'built' if stored.built else 'loaded'}: {stored.uri}")
    queries = list(read_queries(args.input))
    with console.status(f"screening {len(queries):,} names"):
        hits = screener.screen(queries, workers=args.workers)
    _write_atomically(args.output, HITS_HEADER, (hit_row(hit) for hit in hits))
    console.print(f"{len(queries):,} names screened against {len(screener.entities):,} entities: "
                  f"{len({hit.query_id for hit in hits}):,} with hits, {len(hits):,} hits -> {args.output}")
    return 0


def run_score(args) -> int:
    scorer = score_names
    if args.lists:
        scorer = Screener(index=stored_index(args.lists, args.index_dir).index).score_names
    rows = list(_read_rows(args.pairs, PAIRS_REQUIRED, ("kind",)))
    header = list(rows[0][1].keys()) if rows else list(PAIRS_REQUIRED)
    header = [column for column in header if column != "score"]
    scored = []
    for line, row in rows:
        kind = (row.get("kind") or "").strip().lower()
        if kind not in KINDS:
            raise InputError(args.pairs, f"line {line}", f"kind one of person, organization or empty, not {kind!r}")
        score = scorer(row["name1"], row["name2"], kind or None)
        scored.append([row[column] for column in header] + [f"{score:.2f}"])
    _write_atomically(args.output, [*header, "score"], scored)
    print(f"{len(scored):,} pairs scored -> {args.output}", file=sys.stderr)
    return 0


def _read_rows(path: Path, required: tuple[str, ...], optional: tuple[str, ...]):
    """(line number, row) of a UTF-8 CSV whose header holds the required columns."""
    try:
        handle = open(path, newline="", encoding="utf-8-sig")
    except OSError as error:
        raise InputError(path, None, f"a readable CSV file ({error.strerror})") from error
    with handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in (reader.fieldnames or [])]
        missing = [name for name in required if name not in header]
        if missing:
            raise InputError(path, "line 1", f"a header with columns {','.join(required)} "
                             f"(optional {','.join(optional)}); missing {','.join(missing)}")
        reader.fieldnames = header
        try:
            for row in reader:
                if None in row:
                    raise InputError(path, f"line {reader.line_num}", f"{len(header)} columns as in the header")
                yield reader.line_num, row
        except UnicodeDecodeError as error:
            raise InputError(path, f"line {reader.line_num + 1}", "UTF-8 text") from error
        except csv.Error as error:
            raise InputError(path, f"line {reader.line_num}", f"valid CSV ({error})") from error


def _write_atomically(path: Path, header, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
