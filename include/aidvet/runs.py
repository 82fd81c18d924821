"""A vetting run's identity and lifecycle in the store: start (or restart), finish, fail."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from aidvet.audit import chain
from aidvet.config import PROJECT_HOME
from aidvet.policy import Policy
from aidvet.store.models import Decision, PolicyVersion, Run, RunItem, ScreeningHit


def safe_run_id(dag_run_id: str) -> str:
    """Airflow run ids hold ':' and '+'; artifact paths and URLs want neither."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", dag_run_id).strip("_")


def code_version() -> str:
    """The package version, plus the git commit when running from a checkout (e.g. 0.1.0+g1a2b3c4)."""
    try:
        release = version("aidvet")
    except PackageNotFoundError:
        release = "unknown"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=PROJECT_HOME, capture_output=True,
                                text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{release}+g{commit}" if commit else release


def record_policy(session: Session, policy: Policy, run_id: str) -> None:
    """Keep the policy text behind its hash; a policy that differs from the last run's is an audit event."""
    if session.get(PolicyVersion, policy.sha256) is None:
        session.add(PolicyVersion(sha256=policy.sha256, content=policy.content))
    previous = session.scalar(select(Run.policy_hash).where(Run.run_id != run_id, Run.policy_hash.is_not(None))
                              .order_by(Run.started_at.desc()).limit(1))
    if previous is not None and previous != policy.sha256:
        chain.append(session, "policy.changed", run_id=run_id, subject="policy",
                     payload={"previous_sha256": previous, "sha256": policy.sha256})


def start(session: Session, run_id: str, *, dag_run_id: str | None, policy: Policy) -> Run:
    """Create the run, or reset an earlier attempt of it so a rerun replaces, never duplicates."""
    record_policy(session, policy, run_id)
    policy_hash = policy.sha256
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
           manifest_uri: str | None = None, reason: str | None = None, manifest_sha256: str | None = None) -> None:
    run = session.get(Run, run_id)
    run.status, run.finished_at = status, datetime.now(timezone.utc)
    if counts is not None:
        run.counts = {**run.counts, **counts}
    if manifest_uri:
        run.manifest_uri = manifest_uri
    payload = {"counts": counts or {}, "reason": reason, "manifest_uri": manifest_uri}
    if manifest_sha256:  # `aidvet audit verify` compares the published manifest with it
        payload["manifest_sha256"] = manifest_sha256
    chain.append(session, f"run.{status}", run_id=run_id, payload=payload)
