"""`aidvet lists load|show|diff|export`: designated-entity list versions in the store."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from aidvet.config import settings
from aidvet.errors import AidvetError, InputError
from aidvet.lists.failures import record_failure
from aidvet.lists.parse import FORMATS, load_files
from aidvet.lists.versions import current_versions, diff_versions, load_entities, store_version
from aidvet.store.db import session_scope
from aidvet.store.models import ListVersion

EXPORT_KEYS = ("id", "kind", "name", "aliases", "programs", "countries", "birth_dates", "identifiers",
               "addresses", "remarks", "terrorist")


def register(subparsers) -> None:
    lists = subparsers.add_parser("lists", help="designated-entity list versions").add_subparsers(
        dest="lists_command", required=True)
    load = lists.add_parser("load", help="parse list files, validate, guard and store them as a version")
    load.add_argument("paths", nargs="+", metavar="PATH", help="list files, or a folder holding an OFAC CSV set")
    load.add_argument("--format", default="auto", choices=FORMATS, help="default: detected from the content")
    load.add_argument("--accept-shrink", action="store_true",
                      help="accept a version with over 10%% fewer entities than its predecessor")
    load.add_argument("--accept-partial-set", action="store_true",
                      help="accept an OFAC CSV set whose files do not all belong together (e.g. an excerpt "
                           "of sdn.csv with a full alt.csv): orphan rows, a missing or cut-short file")
    load.set_defaults(func=_load)
    show = lists.add_parser("show", help="the stored list versions, newest first")
    show.add_argument("--source", help="only this source (ofac, ofac-cons, un, opensanctions, local)")
    show.set_defaults(func=_show)
    diff = lists.add_parser("diff", help="entities added, removed and changed between two versions")
    diff.add_argument("old", type=int, metavar="OLD")
    diff.add_argument("new", type=int, metavar="NEW")
    diff.add_argument("--limit", type=int, default=50, help="ids listed per section (default 50)")
    diff.set_defaults(func=_diff)
    export = lists.add_parser("export", help="one normalized entity per line as JSON")
    export.add_argument("--version", type=int, help="default: the current accepted version of every source")
    export.add_argument("--output", required=True, type=Path, metavar="FILE.jsonl")
    export.set_defaults(func=_export)


def _load(args) -> int:
    console = Console(stderr=True)
    with console.status(f"parsing {len(args.paths)} path(s)"):
        try:
            parsed = load_files(args.paths, format=args.format)
        except InputError as error:
            with session_scope(settings().db_url) as session:
                record_failure(session, args.paths, error)
            raise
    with console.status(f"validating and storing {len(parsed.entities)} {parsed.source} entities"):
        with session_scope(settings().db_url) as session:
            version = store_version(session, parsed, accept_shrink=args.accept_shrink,
                                    accept_partial_set=args.accept_partial_set)
            summary = describe(version)
    print(summary)
    for warning in parsed.warnings[:20]:
        print(f"warning: {warning}")
    if len(parsed.warnings) > 20:
        print(f"... and {len(parsed.warnings) - 20} more warnings")
    return 0


def describe(version: ListVersion) -> str:
    counts = version.counts
    return (f"list version {version.id} ({version.source}) {version.status}: {counts['entities']} entities, "
            f"{counts['aliases_strong']} strong and {counts['aliases_weak']} weak aliases, "
            f"{len(counts['programs'])} programs, {counts['terrorist']} terrorist-designated; "
            f"published {version.published_at or '-'}; sha256 {version.sha256}")


def _show(args) -> int:
    table = Table(title="list versions")
    for column in ("id", "source", "status", "entities", "aliases s/w", "terrorist", "published", "retrieved",
                   "sha256", "reason"):
        table.add_column(column)
    with session_scope(settings().db_url) as session:
        query = select(ListVersion).order_by(ListVersion.id.desc())
        if args.source:
            query = query.where(ListVersion.source == args.source)
        for v in session.scalars(query):
            c = v.counts
            table.add_row(str(v.id), v.source, v.status, str(c.get("entities")),
                          f"{c.get('aliases_strong')}/{c.get('aliases_weak')}", str(c.get("terrorist")),
                          v.published_at or "-", v.retrieved_at.isoformat(timespec="seconds"), v.sha256[:12],
                          v.reason or "")
    console = Console()
    if not console.is_terminal:
        console = Console(width=220)  # piped or captured: do not squeeze columns into 80
    console.print(table)
    return 0


def _diff(args) -> int:
    with session_scope(settings().db_url) as session:
        old, new = (version_or_error(session, i) for i in (args.old, args.new))
        if old.source != new.source:
            raise AidvetError(f"versions {old.id} ({old.source}) and {new.id} ({new.source}) are of different sources")
        diff = diff_versions(session, old.id, new.id)
    print(f"{old.source} version {old.id} -> {new.id}: {len(diff.added)} added, {len(diff.removed)} removed, "
          f"{len(diff.changed)} changed")
    for label, ids in (("added", diff.added), ("removed", diff.removed)):
        for entity_id in ids[: args.limit]:
            print(f"{label} {entity_id}")
    for entity_id, fields in list(diff.changed.items())[: args.limit]:
        print(f"changed {entity_id}: {', '.join(fields)}")
    return 0


def version_or_error(session, version_id: int) -> ListVersion:
    version = session.get(ListVersion, version_id)
    if version is None:
        raise AidvetError(f"no list version {version_id} in the store")
    if version.status != "accepted":
        raise AidvetError(f"list version {version_id} is {version.status} ({version.reason}); it has no stored entities")
    return version


def _export(args) -> int:
    with session_scope(settings().db_url) as session:
        versions = [version_or_error(session, args.version)] if args.version else current_versions(session)
        if not versions:
            raise AidvetError("no accepted list version in the store; load one with `aidvet lists load`")
        entities = load_entities(session, [v.id for v in versions])
        labels = ", ".join(f"{v.id} ({v.source})" for v in versions)
    lines = [json.dumps({key: e.to_dict()[key] for key in EXPORT_KEYS}, ensure_ascii=False) for e in entities]
    write_atomically(args.output, "".join(line + "\n" for line in lines))
    print(f"exported {len(entities)} entities of list version(s) {labels} to {args.output}")
    return 0


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
