"""Extract: read every configured input into canonical records and enrol them in the run."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy.orm import Session

from aidvet import runs
from aidvet.audit import chain
from aidvet.config import Settings
from aidvet.errors import InputError
from aidvet.policy import load_policy
from aidvet.sources import sql
from aidvet.sources.detect import detect_and_load
from aidvet.sources.ingest import UNREADABLE
from aidvet.sources.model import Disbursement, SourceBatch
from aidvet.store import bulk, ingest
from aidvet.store.db import session_scope
from aidvet.store.models import RunItem

SQL_PREFIX = "sql:"


def extract(settings: Settings, dag_run_id: str) -> str:
    """Start (or restart) the run and ingest its inputs; returns the run id."""
    run_id = runs.safe_run_id(dag_run_id)
    policy = load_policy(settings.policy_path)
    with session_scope(settings.db_url) as session:
        runs.start(session, run_id, dag_run_id=dag_run_id, policy=policy)
        enrolled: dict[str, list[str]] = {}  # disbursement id -> failures known before validation
        for spec in settings.inputs:
            enrolled.update(_ingest_one(session, run_id, spec, settings.sql_query))
        if not enrolled:
            raise InputError(", ".join(settings.inputs), None, "at least one readable input with disbursements")
        bulk.upsert(session, RunItem, ({"run_id": run_id, "disbursement_id": d, "quality_failures": failures,
                                          "outcome": None, "reason": None, "best_score": None}
                                         for d, failures in sorted(enrolled.items())))
        chain.append(session, "run.extracted", run_id=run_id, payload={"disbursements": len(enrolled)})
    return run_id


def load_input(spec: str, sql_query: str) -> tuple[str, SourceBatch]:
    """(format, batch) of one input: a file or folder path, or `sql:<SQLAlchemy URL>` (a database
    read with the configured query; the Airflow adapter turns `airflow-conn:<id>` into such a URL)."""
    if spec.startswith(SQL_PREFIX):
        return sql.SOURCE, sql.read_sql(spec.removeprefix(SQL_PREFIX), sql_query)
    return detect_and_load(Path(spec))


def _ingest_one(session: Session, run_id: str, spec: str, sql_query: str) -> dict[str, list[str]]:
    try:
        format, batch = load_input(spec, sql_query)
    except InputError as error:
        label = sql.describe(spec.removeprefix(SQL_PREFIX)) if spec.startswith(SQL_PREFIX) else spec
        raw = label.encode() if spec.startswith(SQL_PREFIX) else _raw_bytes(Path(spec))
        ingest.record_rejected_file(session, label, hashlib.sha256(raw).hexdigest(), "unknown", str(error))
        chain.append(session, "input.rejected", run_id=run_id, subject=label, payload={"reason": str(error)})
        return {}
    unreadable = unreadable_stand_ins(batch)
    batch.disbursements += [stand_in for stand_in, _reason in unreadable.values()]
    source_file = ingest.record_batch(session, batch, format)
    chain.append(session, "input.ingested", run_id=run_id, subject=batch.source_file,
                 payload={"sha256": batch.sha256, "disbursements": len(batch.disbursements),
                          "source_file_id": source_file.id})
    failures = {row.disbursement_id: [] for row in batch.disbursements}
    failures.update({d_id: [f"{UNREADABLE}: {reason}"] for d_id, (_stand_in, reason) in unreadable.items()})
    return failures


def unreadable_stand_ins(batch: SourceBatch) -> dict[str, tuple[Disbursement, str]]:
    """Records a parser could read only in part become stand-ins naming where they are (and why),
    quarantined, so every input record ends in exactly one output."""
    stand_ins = {}
    for record, reason in batch.rejected:
        d_id = f"{Path(batch.source_file).name}@{batch.sha256[:12]}:{record}"
        stand_ins[d_id] = (Disbursement(d_id, None, None, None, None, None, None, None, batch.source_file, record),
                           reason)
    return stand_ins


def _raw_bytes(path: Path) -> bytes:
    if path.is_dir():
        return b"".join(p.read_bytes() for p in sorted(path.iterdir()) if p.is_file())
    return path.read_bytes() if path.exists() else str(path).encode()
