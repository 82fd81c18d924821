"""The owners.csv quality gate: the Great Expectations suite `owners` (ids present, kinds and roles
from their sets, a share a number from 0 to 100), then the checks a suite cannot express over one
table: the shares of one owned party adding up to more than 100, a cycle (A owns B owns A), and
an `owned_id` that is neither a payee of the export nor an owner of another row. A failing row is
stored as quarantined with every reason, and never enters the ownership graph."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.compliance.relations import party_key, share_of
from aidvet.quality.gx_runner import load_suite_json, run_suite
from aidvet.sources.grants_csv import OWNER_COLUMNS
from aidvet.sources.model import SourceBatch
from aidvet.store.models import OwnershipRelation, SourceFile

SUITE = "owners"


def owner_failures(rows: list[tuple[str, dict[str, str]]], payee_ids: set[str],
                   expectations_dir: Path) -> dict[int, list[str]]:
    """row position -> reasons, for every bad row of one owners.csv."""
    frame = pd.DataFrame([row for _record, row in rows], columns=list(OWNER_COLUMNS)).replace({"": None})
    frame["share_value"] = [_number(v) for v in frame["share_percent"]]
    failures: dict[int, list[str]] = {}
    if len(frame):
        result = run_suite(frame, load_suite_json(expectations_dir, SUITE), {})
        for index, reasons in result.row_failures.items():
            failures.setdefault(int(index), []).extend(reasons)
        for reason in result.batch_failures:
            for index in range(len(frame)):
                failures.setdefault(index, []).append(reason)
    for index, reasons in graph_failures([row for _record, row in rows], payee_ids).items():
        failures.setdefault(index, []).extend(reasons)
    return failures


def graph_failures(rows: list[dict[str, str]], payee_ids: set[str]) -> dict[int, list[str]]:
    failures: dict[int, list[str]] = {}
    owner_ids = {row["owner_id"] for row in rows if row["owner_id"]}
    for index, row in enumerate(rows):
        if row["owned_id"] and row["owned_id"] not in payee_ids | owner_ids:
            failures.setdefault(index, []).append(
                f"unknown payee: owned_id {row['owned_id']!r} is neither a payee_id of disbursements.csv "
                "nor the owner_id of another row")
    totals: dict[str, float] = {}
    for row in rows:
        share = _number(row["share_percent"])
        if share is not None and row["role"] == "owner":
            totals[row["owned_id"]] = totals.get(row["owned_id"], 0.0) + share
    for index, row in enumerate(rows):
        total = totals.get(row["owned_id"], 0.0)
        if total > 100 + 1e-9 and row["role"] == "owner" and _number(row["share_percent"]) is not None:
            failures.setdefault(index, []).append(
                f"shares over 100: the owners of {row['owned_id']} hold {total:g} % in all")
    for index, cycle in rows_on_cycles(rows).items():
        failures.setdefault(index, []).append(f"ownership cycle: {' -> '.join(cycle)}")
    return failures


def rows_on_cycles(rows: list[dict[str, str]]) -> dict[int, list[str]]:
    """row position -> the cycle (owner -> owned -> ... -> owner) it lies on."""
    owned_by: dict[str, list[tuple[int, str]]] = {}
    for index, row in enumerate(rows):
        if row["owner_id"] and row["owned_id"]:
            owned_by.setdefault(row["owner_id"], []).append((index, row["owned_id"]))
    found: dict[int, list[str]] = {}
    for index, row in enumerate(rows):
        if not (row["owner_id"] and row["owned_id"]):
            continue
        path = _path(owned_by, row["owned_id"], row["owner_id"])
        if path is not None:
            found[index] = [row["owner_id"], row["owned_id"]] + path
    return found


def _path(owned_by: dict, start: str, goal: str) -> list[str] | None:
    """Nodes after `start` on a path start -> ... -> goal, or None (breadth-first)."""
    queue, seen = [(start, [])], {start}
    while queue:
        node, trail = queue.pop(0)
        if node == goal:
            return trail
        for _index, nxt in owned_by.get(node, []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, trail + [nxt]))
    return None


def _number(text: str | None) -> float | None:
    try:
        return share_of(text)
    except ValueError:
        return None


def record_owners(session: Session, batch: SourceBatch, source_file: SourceFile, expectations_dir: Path) -> int:
    """Store the batch's owners.csv rows (accepted or quarantined with reasons); returns how many were quarantined."""
    payee_ids = {d.payee_key.removeprefix("grants:") for d in batch.disbursements if d.payee_key}
    failures = owner_failures(batch.owners, payee_ids, expectations_dir)
    existing = {row.source_record: row for row in session.scalars(
        select(OwnershipRelation).where(OwnershipRelation.source_file_id == source_file.id))}
    for index, (record, row) in enumerate(batch.owners):
        stored = existing.get(record) or OwnershipRelation(source_file_id=source_file.id, source_record=record)
        stored.owned_key = party_key(row["owned_id"]) if row["owned_id"] else None
        stored.owner_key = party_key(row["owner_id"]) if row["owner_id"] else None
        stored.owner_name, stored.owner_kind = row["owner_name"] or None, row["owner_kind"] or None
        stored.share_percent, stored.role = row["share_percent"] or None, row["role"] or None
        reasons = failures.get(index, [])
        stored.status, stored.reason = ("quarantined", "; ".join(reasons)) if reasons else ("accepted", None)
        session.add(stored)
    session.flush()
    return sum(1 for index in range(len(batch.owners)) if failures.get(index))
