"""`aidvet audit export`: everything an auditor needs about one run, in one folder.

Files: manifest.json (as published), decisions.csv (every decision with the evidence behind it;
people's decisions with the policy hash and list versions in force), hits.csv (every screening hit
with its explanation), audit_events.jsonl (the run's events, the events about its items, and the
list versions' acceptance), list_versions.json (each list version used, with its files' SHA-256),
policy.toml (the policy text the run used), publish_released.json (the publish_released DAG runs
since the run started and every `review.published` event since), verification.json (the whole
chain verified, and the run's anchor checked), airflow_history.json (DAG run and task instances),
index.json (SHA-256 of each file). Every timestamp is UTC with its offset (+00:00).
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
from datetime import datetime, timezone

from aidvet.audit.airflow_history import dag_run_history, dag_runs_since
from aidvet.errors import AidvetError
from aidvet.publish.tables import to_csv_bytes
from aidvet.store.models import AuditEvent, Decision, ListVersion, PolicyVersion, Run, RunItem, ScreeningHit

PUBLISH_DAG = "publish_released"


def export_run(session: Session, run_id: str, out: Path, airflow_url: str) -> dict[str, str]:
    run = session.get(Run, run_id)
    if run is None:
        raise AidvetError(f"run {run_id!r}: not in the store")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise AidvetError(f"{out} is not an empty folder: an audit bundle goes into a new or empty folder, "
                          "so nothing of another bundle is mixed in or overwritten")
    out.mkdir(parents=True, exist_ok=True)
    manifest = json.loads(artifacts.read_bytes(run.manifest_uri)) if run.manifest_uri else {}
    item_ids = list(session.scalars(select(RunItem.disbursement_id).where(RunItem.run_id == run_id)))
    files = {
        "manifest.json": _json(manifest or {"run_id": run_id, "status": run.status, "note": "run published nothing"}),
        "decisions.csv": _frame_csv(_decisions(session, run_id)),
        "hits.csv": _frame_csv(_rows(session, select(ScreeningHit).where(ScreeningHit.run_id == run_id))),
        "audit_events.jsonl": _events(session, run, item_ids),
        "list_versions.json": _json(_list_versions(session, run)),
        "policy.toml": _policy_text(session, run),
        "publish_released.json": _json(_publications(session, run, airflow_url)),
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
    return pd.DataFrame([{c: _cell(getattr(o, c)) for c in columns} for o in objects])


def _cell(value):
    return utc_iso(value) if isinstance(value, datetime) else value


def utc_iso(moment: datetime | None) -> str | None:
    """A stored timestamp (UTC; SQLite drops the zone) as ISO 8601 with its +00:00 offset."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).isoformat()


def _events(session: Session, run: Run, item_ids: list[str]) -> bytes:
    """The run's events, events about its disbursements, and the acceptance of the list versions it used."""
    lists = [f"list version {version_id}" for version_id in run.list_version_ids or []]
    query = select(AuditEvent).where(or_(AuditEvent.run_id == run.run_id, AuditEvent.subject.in_(item_ids),
                                         AuditEvent.subject.in_(lists)))
    return _jsonl(list(session.scalars(query.order_by(AuditEvent.seq))))


def _jsonl(events: list[AuditEvent]) -> bytes:
    lines = [json.dumps({"seq": e.seq, "at": utc_iso(e.at), "actor": e.actor, "kind": e.kind, "run_id": e.run_id,
                         "subject": e.subject, "payload": e.payload, "prev_hash": e.prev_hash, "hash": e.hash},
                        ensure_ascii=False, default=str) for e in events]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _list_versions(session: Session, run: Run) -> list[dict]:
    versions = session.scalars(select(ListVersion).where(ListVersion.id.in_(run.list_version_ids or []))
                               .order_by(ListVersion.id))
    return [{"id": v.id, "source": v.source, "sha256": v.sha256,
             "files": [{"path": path, "sha256": digest} for path, digest in v.files or []],
             "published_at": v.published_at, "retrieved_at": utc_iso(v.retrieved_at),
             "confirmed_at": utc_iso(v.confirmed_at), "status": v.status, "counts": v.counts} for v in versions]


def _policy_text(session: Session, run: Run) -> bytes:
    policy = session.get(PolicyVersion, run.policy_hash) if run.policy_hash else None
    if policy is None:
        return f"# run {run.run_id}: no policy text stored for hash {run.policy_hash}\n".encode("utf-8")
    return policy.content.encode("utf-8")


def _publications(session: Session, run: Run, airflow_url: str) -> dict:
    since = run.started_at
    events = session.scalars(select(AuditEvent).where(AuditEvent.kind == "review.published",
                                                      AuditEvent.at >= since).order_by(AuditEvent.seq))
    return {"dag_id": PUBLISH_DAG, **dag_runs_since(airflow_url, PUBLISH_DAG, since),
            "events": [json.loads(line) for line in _jsonl(list(events)).decode("utf-8").splitlines() if line]}


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
    return to_csv_bytes(frame)


def _json(data) -> bytes:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
