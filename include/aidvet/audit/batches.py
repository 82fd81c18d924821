"""Automatic decisions in the audit trail: one chained `decision.batch` event per batch of
decisions, carrying the RFC 6962 Merkle root of the batch's stored decision rows.

A decide stage appends `decision.started` (its `seq` names this attempt), then per batch of
decisions, ordered by disbursement id, one `decision.batch` event: {decide_seq, batch, size,
first, last, merkle_root, leaf_encoding, outcomes}. `verify_runs` re-derives every root of each
run's newest attempt from the `decisions` table, so altering, deleting, adding or swapping one
stored decision is detected, and names it by comparing the batch with the run's items.
`prove` gives one decision's inclusion proof, checkable by hand (docs/audit.md).

Leaf encoding "aidvet-decision-v1": the UTF-8 bytes of the compact JSON array
    [run_id, disbursement_id, outcome, reason, decided_by, policy_hash, list_version_ids, score]
(`json.dumps(..., separators=(",", ":"), ensure_ascii=False)`; score a JSON number or null;
list_version_ids a JSON array of integers). Leaves are ordered by disbursement id.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.audit import chain, merkle
from aidvet.errors import AidvetError
from aidvet.store.models import AuditEvent, Decision, RunItem

LEAF_ENCODING = "aidvet-decision-v1"
LEAF_FIELDS = ("run_id", "disbursement_id", "outcome", "reason", "decided_by", "policy_hash", "list_version_ids",
               "score")
STARTED, BATCH = "decision.started", "decision.batch"


def leaf_bytes(row: Mapping[str, Any]) -> bytes:
    """A decision row's canonical bytes (encoding "aidvet-decision-v1")."""
    values = [row["run_id"], row["disbursement_id"], row["outcome"], row["reason"], row["decided_by"],
              row["policy_hash"], [int(v) for v in row["list_version_ids"] or []],
              None if row["score"] is None else float(row["score"])]
    return json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def batch_root(rows: Iterable[Mapping[str, Any]]) -> str:
    return merkle.root(merkle.leaf_hash(leaf_bytes(row)) for row in rows).hex()


def start(session: Session, run_id: str, payload: dict[str, Any]) -> int:
    """Open a decide attempt for the run; returns the seq that its batch events cite."""
    return chain.append(session, STARTED, run_id=run_id, payload=payload).seq


def record(session: Session, run_id: str, decide_seq: int, number: int, rows: list[Mapping[str, Any]]) -> AuditEvent:
    """Append the chained event of one batch (rows ordered by disbursement id, inside the batch's transaction)."""
    return chain.append(session, BATCH, run_id=run_id, subject=f"{run_id}/batch {number}", payload={
        "decide_seq": decide_seq, "batch": number, "size": len(rows), "first": rows[0]["disbursement_id"],
        "last": rows[-1]["disbursement_id"], "merkle_root": batch_root(rows), "leaf_encoding": LEAF_ENCODING,
        "outcomes": dict(Counter(row["outcome"] for row in rows))})


@dataclass
class BatchProblem:
    run_id: str
    seq: int | None  # the batch event, None for a decision outside every batch
    batch: int | None
    problem: str

    def __str__(self) -> str:
        where = f"batch {self.batch} (event {self.seq})" if self.seq is not None else "no batch"
        return f"run {self.run_id}, {where}: {self.problem}"


@dataclass
class BatchVerification:
    runs: int = 0
    batches: int = 0
    decisions: int = 0
    problems: list[BatchProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def current_batches(session: Session, run_id: str) -> list[AuditEvent]:
    """The batch events of the run's newest decide attempt, by first disbursement id."""
    latest = session.scalar(select(AuditEvent.seq).where(AuditEvent.kind == STARTED, AuditEvent.run_id == run_id)
                            .order_by(AuditEvent.seq.desc()).limit(1))
    if latest is None:
        return []
    events = session.scalars(select(AuditEvent).where(AuditEvent.kind == BATCH, AuditEvent.run_id == run_id,
                                                      AuditEvent.seq > latest)).all()
    return sorted((e for e in events if e.payload.get("decide_seq") == latest), key=lambda e: e.payload["first"])


def verify_runs(session: Session) -> BatchVerification:
    """Re-derive every batch root of every run's newest decide attempt from the stored decisions."""
    result = BatchVerification()
    run_ids = session.scalars(select(AuditEvent.run_id).where(AuditEvent.kind == STARTED).distinct()).all()
    for run_id in sorted(run_ids):
        result.runs += 1
        verify_run(session, run_id, result)
    return result


def verify_run(session: Session, run_id: str, result: BatchVerification) -> None:
    batches = current_batches(session, run_id)
    result.batches += len(batches)
    position, rows = 0, []
    for row in _policy_decisions(session, run_id):
        result.decisions += 1
        while position < len(batches) and row["disbursement_id"] > batches[position].payload["last"]:
            _check(session, run_id, batches[position], rows, result)
            position, rows = position + 1, []
        if position < len(batches) and row["disbursement_id"] >= batches[position].payload["first"]:
            rows.append(row)
        else:
            result.problems.append(BatchProblem(run_id, None, None, f"decision for {row['disbursement_id']} "
                                                "is in no recorded batch (added after the run decided)"))
    for batch in batches[position:]:
        _check(session, run_id, batch, rows, result)
        rows = []


def by_code_point(session: Session, column):
    """`column` compared in code-point order (as Python compares str): PostgreSQL's "C" collation,
    SQLite's default BINARY. Batches are ranges of disbursement ids in this order."""
    return column.collate("C") if session.get_bind().dialect.name == "postgresql" else column


def _policy_decisions(session: Session, run_id: str, first: str | None = None,
                      last: str | None = None) -> Iterator[dict]:
    columns = [getattr(Decision, name) for name in LEAF_FIELDS]
    key = by_code_point(session, Decision.disbursement_id)
    query = select(*columns).where(Decision.run_id == run_id, Decision.decided_by == "policy")
    if first is not None:
        query = query.where(key >= first, key <= last)
    query = query.order_by(key, Decision.id).execution_options(yield_per=10_000)
    for row in session.execute(query).mappings():
        yield dict(row)


def _check(session: Session, run_id: str, batch: AuditEvent, rows: list[dict], result: BatchVerification) -> None:
    payload = batch.payload
    if len(rows) == payload["size"] and batch_root(rows) == payload["merkle_root"]:
        return
    number = payload["batch"]
    for problem in diagnose(session, run_id, payload, rows):
        result.problems.append(BatchProblem(run_id, batch.seq, number, problem))


def diagnose(session: Session, run_id: str, payload: dict, rows: list[dict]) -> list[str]:
    """Name what changed in a batch whose root no longer matches: each decision compared with the
    run item it decided (outcome, reason, score), and the batch's disbursements with the run's."""
    items = {r.disbursement_id: r for r in session.execute(
        select(RunItem.disbursement_id, RunItem.outcome, RunItem.reason, RunItem.best_score)
        .where(RunItem.run_id == run_id,
               by_code_point(session, RunItem.disbursement_id).between(payload["first"], payload["last"])))}
    seen = Counter(row["disbursement_id"] for row in rows)
    problems = [f"decision for {d} deleted" for d in sorted(set(items) - set(seen))]
    problems += [f"decision for {d} added (no such run item)" for d in sorted(set(seen) - set(items))]
    problems += [f"decision for {d} added ({n} decisions for one item)" for d, n in sorted(seen.items()) if n > 1]
    for row in rows:
        item = items.get(row["disbursement_id"])
        if item is not None and (row["outcome"], row["reason"], row["score"]) != (item.outcome, item.reason,
                                                                                   item.best_score):
            problems.append(f"decision for {row['disbursement_id']} altered (stored outcome {row['outcome']!r}, "
                            f"its run item says {item.outcome!r})")
    summary = (f"{len(rows)} stored decisions from {payload['first']} to {payload['last']} do not give the "
               f"recorded Merkle root ({payload['size']} decisions, root {payload['merkle_root'][:16]}...)")
    return [f"{summary}: {'; '.join(problems)}" if problems else
            f"{summary}: the decisions were altered (their run items were altered alike)"]


@dataclass
class InclusionProof:
    run_id: str
    disbursement_id: str
    leaf: str  # the canonical leaf, as text
    leaf_hash: str
    index: int
    size: int
    path: list[str]
    merkle_root: str  # recorded in the batch event
    event_seq: int
    event_hash: str
    valid: bool  # the stored decision, its path and the recorded root agree

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "disbursement_id": self.disbursement_id, "leaf_encoding": LEAF_ENCODING,
                "leaf": self.leaf, "leaf_hash": self.leaf_hash, "index": self.index, "size": self.size,
                "path": self.path, "merkle_root": self.merkle_root,
                "event": {"seq": self.event_seq, "hash": self.event_hash}, "valid": self.valid}


def prove(session: Session, run_id: str, disbursement_id: str) -> InclusionProof:
    """The inclusion proof of the run's stored automatic decision on `disbursement_id`."""
    batch = next((b for b in current_batches(session, run_id)
                  if b.payload["first"] <= disbursement_id <= b.payload["last"]), None)
    if batch is None:
        raise AidvetError(f"run {run_id!r}: no decision batch covers disbursement {disbursement_id!r}")
    rows = list(_policy_decisions(session, run_id, batch.payload["first"], batch.payload["last"]))
    index = next((i for i, row in enumerate(rows) if row["disbursement_id"] == disbursement_id), None)
    if index is None:
        raise AidvetError(f"run {run_id!r}: no stored automatic decision for {disbursement_id!r} "
                          f"(batch {batch.payload['batch']} records one: it was deleted)")
    hashes = [merkle.leaf_hash(leaf_bytes(row)) for row in rows]
    path = merkle.inclusion_proof(index, hashes)
    recorded = bytes.fromhex(batch.payload["merkle_root"])
    valid = merkle.verify_inclusion(hashes[index], index, batch.payload["size"], path, recorded)
    return InclusionProof(run_id, disbursement_id, leaf_bytes(rows[index]).decode("utf-8"), hashes[index].hex(), index,
                          batch.payload["size"], [h.hex() for h in path], batch.payload["merkle_root"], batch.seq,
                          batch.hash, valid)
