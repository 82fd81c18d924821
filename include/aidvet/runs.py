"""A vetting run's identity and lifecycle in the store: start (or restart), finish, fail."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version

from sqlalchemy import delete
from sqlalchemy.orm import Session

from aidvet.audit import chain
from aidvet.store.models import Decision, Run, RunItem, ScreeningHit


def safe_run_id(dag_run_id: str) -> str:
    """Airflow run ids hold ':' and '+'; artifact paths and URLs want neither."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", dag_run_id).strip("_")


def code_version() -> str:
    try:
        return version("aidvet")
    except PackageNotFoundError:
        return "unknown"


def start(session: Session, run_id: str, *, dag_run_id: str | None, policy_hash: str) -> Run:
    """Create the run, or reset an earlier attempt of it so a rerun replaces, never duplicates."""
    run = session.get(Run, run_id)
    attempt = 1
    if run is None:
        run = Run(run_id=run_id)
        session.add(run)
    else:
        attempt = int(run.counts.get("attempt", 1)) + 1
        for table in (Decision, ScreeningHit, RunItem):
            session.execute(delete(table).where(table.run_id == run_id))
    run.dag_run_id, run.status, run.policy_hash, run.code_version = dag_run_id, "running", policy_hash, code_version()
    run.started_at, run.finished_at, run.screening_unavailable = datetime.now(timezone.utc), None, None
    run.list_version_ids, run.counts, run.manifest_uri = [], {"attempt": attempt}, None
    session.flush()
    chain.append(session, "run.started", run_id=run_id, payload={"dag_run_id": dag_run_id, "attempt": attempt,
                                                                "policy_hash": policy_hash})
    return run


def finish(session: Session, run_id: str, *, status: str, counts: dict | None = None,
           manifest_uri: str | None = None, reason: str | None = None) -> None:
    run = session.get(Run, run_id)
    run.status, run.finished_at = status, datetime.now(timezone.utc)
    if counts is not None:
        run.counts = {**run.counts, **counts}
    if manifest_uri:
        run.manifest_uri = manifest_uri
    chain.append(session, f"run.{status}", run_id=run_id, payload={"counts": counts or {}, "reason": reason,
                                                                  "manifest_uri": manifest_uri})
