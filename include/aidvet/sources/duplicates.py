"""Disbursement ids that occur more than once across a run's inputs.

An id names one disbursement of its source system. Copies with the same content (every field but
where they were read) are one disbursement, counted once: the first copy stays, the others are
dropped and counted per file. Copies that differ are all quarantined, none wins: each becomes a
stand-in under its own id (`<id>@<first 12 hex of its file's SHA-256>:<record>`), keeping its values, with a reason naming
every copy's file and record. The store keys disbursements by id alone, so copies from two
source systems that differ are quarantined too (fail closed), the reason naming both systems.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from aidvet.sources.model import Disbursement, SourceBatch
from aidvet.store.limits import clamp

WHERE_FIELDS = ("source_file", "source_record")
MAX_NAMED = 5
ID_LIMIT = 250


@dataclass
class DuplicateReport:
    identical: dict[int, int] = field(default_factory=dict)  # batch position -> identical copies dropped
    conflicting: dict[int, int] = field(default_factory=dict)  # batch position -> differing copies quarantined
    reasons: dict[str, str] = field(default_factory=dict)  # stand-in id -> reason


def resolve_duplicates(batches: list[tuple[str, SourceBatch]]) -> DuplicateReport:
    """Drop identical copies and turn differing copies into quarantined stand-ins, in place.
    `batches` are (source system, batch) in input order."""
    report = DuplicateReport()
    drop: set[tuple[int, int]] = set()
    replace: dict[tuple[int, int], Disbursement] = {}
    for d_id, places in _places_of_repeated_ids(batches).items():
        rows = [batches[b][1].disbursements[r] for b, r in places]
        if len({_content(row) for row in rows}) == 1:
            for b, r in places[1:]:
                drop.add((b, r))
                report.identical[b] = report.identical.get(b, 0) + 1
            continue
        reason = _conflict_reason(d_id, [(batches[b][0], row) for (b, _r), row in zip(places, rows)])
        for (b, r), row in zip(places, rows):
            stand_in = dataclasses.replace(row, disbursement_id=clamp(
                f"{d_id}@{batches[b][1].sha256[:12]}:{row.source_record}", ID_LIMIT))
            replace[(b, r)] = stand_in
            report.reasons[stand_in.disbursement_id] = reason
            report.conflicting[b] = report.conflicting.get(b, 0) + 1
    for b, (_system, batch) in enumerate(batches):
        if b in report.identical or b in report.conflicting:  # a batch without repeated ids stays as it is
            batch.disbursements = [replace.get((b, r), row) for r, row in enumerate(batch.disbursements)
                                   if (b, r) not in drop]
    return report


def _places_of_repeated_ids(batches: list[tuple[str, SourceBatch]]) -> dict[str, list[tuple[int, int]]]:
    """id -> every (batch, row) position holding it, for the ids held more than once, in input
    order. Only those ids get a list: a million unique ids cost one set, not a million lists."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for _system, batch in batches:
        for row in batch.disbursements:
            if row.disbursement_id in seen:
                repeated.add(row.disbursement_id)
            else:
                seen.add(row.disbursement_id)
    del seen
    places: dict[str, list[tuple[int, int]]] = {}  # ids in the order they are first met
    if repeated:
        for b, (_system, batch) in enumerate(batches):
            for r, row in enumerate(batch.disbursements):
                if row.disbursement_id in repeated:
                    places.setdefault(row.disbursement_id, []).append((b, r))
    return places


def _content(row: Disbursement) -> tuple:
    return tuple(value for name, value in dataclasses.asdict(row).items() if name not in WHERE_FIELDS)


def _conflict_reason(d_id: str, copies: list[tuple[str, Disbursement]]) -> str:
    named = [f"{row.source_file} {row.source_record} ({system})" for system, row in copies[:MAX_NAMED]]
    more = f" and {len(copies) - MAX_NAMED} more" if len(copies) > MAX_NAMED else ""
    return (f"disbursement id {d_id[:80]!r} not unique: {len(copies)} differing copies, in "
            f"{'; '.join(named)}{more}")
