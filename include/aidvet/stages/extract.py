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
from aidvet.sources import grants_csv
from aidvet.store import ingest
from aidvet.store.db import session_scope
from aidvet.store.models import RunItem


def load_input(path: Path):
    """(format, SourceBatch) for one input path."""
    return grants_csv.FORMAT, grants_csv.load(path)


def extract(settings: Settings, dag_run_id: str) -> str:
    """Start (or restart) the run and ingest its inputs; returns the run id."""
    run_id = runs.safe_run_id(dag_run_id)
    policy = load_policy(settings.policy_path)
    with session_scope(settings.db_url) as session:
        runs.start(session, run_id, dag_run_id=dag_run_id, policy_hash=policy.sha256)
        enrolled: set[str] = set()
        for path in settings.inputs:
            enrolled |= _ingest_one(session, run_id, Path(path))
        if not enrolled:
            raise InputError(", ".join(settings.inputs), None, "at least one readable input with disbursements")
        session.add_all(RunItem(run_id=run_id, disbursement_id=d) for d in sorted(enrolled))
        chain.append(session, "run.extracted", run_id=run_id, payload={"disbursements": len(enrolled)})
    return run_id


def _ingest_one(session: Session, run_id: str, path: Path) -> set[str]:
    try:
        format, batch = load_input(path)
    except InputError as error:
        digest = hashlib.sha256(_raw_bytes(path)).hexdigest()
        ingest.record_rejected_file(session, str(path), digest, "unknown", str(error))
        chain.append(session, "input.rejected", run_id=run_id, subject=str(path), payload={"reason": str(error)})
        return set()
    source_file = ingest.record_batch(session, batch, format)
    chain.append(session, "input.ingested", run_id=run_id, subject=str(path),
                 payload={"sha256": batch.sha256, "disbursements": len(batch.disbursements),
                          "source_file_id": source_file.id})
    return {row.disbursement_id for row in batch.disbursements}


def _raw_bytes(path: Path) -> bytes:
    if path.is_dir():
        return b"".join(p.read_bytes() for p in sorted(path.iterdir()) if p.is_file())
    return path.read_bytes() if path.exists() else str(path).encode()
