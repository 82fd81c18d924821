"""`aidvet audit export`: everything an auditor needs about one run, in one folder.

Files: manifest.json (as published), decisions.csv (every decision with the evidence behind it),
hits.csv (every screening hit with its explanation), audit_events.jsonl (the run's events, and the
events about its items), verification.json (the whole chain verified, and the run's anchor
checked), airflow_history.json (DAG run and task instances), index.json (SHA-256 of each file).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from aidvet import artifacts
from aidvet.audit import batches, chain
from aidvet.audit.airflow_history import dag_run_history
from aidvet.errors import AidvetError
from aidvet.store.models import AuditEvent, Decision, Run, RunItem, ScreeningHit


def export_run(session: Session, run_id: str, out: Path, airflow_url: str) -> dict[str, str]:
    run = session.get(Run, run_id)
    if run is None:
        raise AidvetError(f"run {run_id!r}: not in the store")
    out.mkdir(parents=True, exist_ok=True)
    manifest = json.loads(artifacts.read_bytes(run.manifest_uri)) if run.manifest_uri else {}
    item_ids = list(session.scalars(select(RunItem.disbursement_id).where(RunItem.run_id == run_id)))
    files = {
        "manifest.json": _json(manifest or {"run_id": run_id, "status": run.status, "note": "run published nothing"}),
        "decisions.csv": _frame_csv(_decisions(session, run_id)),
        "hits.csv": _frame_csv(_rows(session, select(ScreeningHit).where(ScreeningHit.run_id == run_id))),
        "audit_events.jsonl": _events(session, run_id, item_ids),
        "verification.json": _json(_verification(session, manifest)),
        "airflow_history.json": _json(dag_run_history(airflow_url, run.dag_run_id or run_id)),
    }
    for name, data in files.items():
        (out / name).write_bytes(data)
    index = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    (out / "index.json").write_bytes(_json(index))
    return index


def _decisions(session: Session, run_id: str) -> pd.DataFrame:
    decisions = _rows(session, select(Decision).where(Decision.run_id == run_id).order_by(Decision.disbursement_id,
                                                                                          Decision.decided_at))
    hits = _rows(session, select(ScreeningHit).where(ScreeningHit.run_id == run_id))
    if decisions.empty or hits.empty:
        return decisions
    best = (hits.sort_values("score", ascending=False).drop_duplicates("disbursement_id")
            [["disbursement_id", "entity_id", "matched_name", "party_key", "programs", "terrorist", "explanation"]])
    return decisions.merge(best, on="disbursement_id", how="left")


def _rows(session: Session, query) -> pd.DataFrame:
    objects = session.scalars(query).all()
    if not objects:
        return pd.DataFrame()
    columns = objects[0].__table__.columns.keys()
    return pd.DataFrame([{c: getattr(o, c) for c in columns} for o in objects])


def _events(session: Session, run_id: str, item_ids: list[str]) -> bytes:
    query = select(AuditEvent).where(or_(AuditEvent.run_id == run_id, AuditEvent.subject.in_(item_ids)))
    lines = [json.dumps({"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "run_id": e.run_id,
                         "subject": e.subject, "payload": e.payload, "prev_hash": e.prev_hash, "hash": e.hash},
                        ensure_ascii=False, default=str)
             for e in session.scalars(query.order_by(AuditEvent.seq))]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _verification(session: Session, manifest: dict) -> dict:
    result = chain.verify(session)
    anchor = manifest.get("audit_anchor")
    anchored = chain.check_anchor(session, anchor) if anchor else None
    decided = batches.BatchVerification()
    if manifest.get("run_id"):
        batches.verify_run(session, manifest["run_id"], decided)
    return {"decisions_ok": decided.ok, "decision_batches": decided.batches,
            "decision_problems": [str(p) for p in decided.problems], "chain_ok": result.ok, "events": result.events, "first_bad_seq": result.first_bad_seq,
            "problem": result.problem, "run_anchor": anchor, "run_anchor_ok": anchored}


def _frame_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _json(data) -> bytes:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
