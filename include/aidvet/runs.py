"""A vetting run's identity and lifecycle in the store: start (or restart), finish, fail."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aidvet.audit import chain
from aidvet.config import PROJECT_HOME
from aidvet.errors import AidvetError
from aidvet.policy import Policy
from aidvet.store.models import Decision, PolicyVersion, Run, RunItem, ScreeningHit
from aidvet.store.run_lock import RunConflict

MAX_RUN_ID = 200  # characters of the folder name (runs.run_id holds 250; file systems allow 255)
_KEPT = re.compile(r"[A-Za-z0-9_-]")


class UnsafeRunId(AidvetError):
    """A run id that cannot name a run folder (empty, or too long once made safe)."""


def safe_run_id(dag_run_id: str) -> str:
    """The run's folder name: injective and reversible, a single path segment of [A-Za-z0-9._~-].

    Letters, digits, '_' and '-' are kept, and '.' except first; every other character (':' and '+'
    of Airflow run ids, '/', '~', a leading '.', non-ASCII) becomes `~XX` per UTF-8 byte. So '.',
    '..', '///' and 'é' map to '~2E', '~2E.', '~2F~2F~2F' and '~C3~A9': never a path outside
    `runs/`, and two different run ids never share a folder. An empty id is refused.
    """
    if not dag_run_id:
        raise UnsafeRunId("a run id must not be empty")
    safe = "".join(char if _KEPT.fullmatch(char) or (char == "." and index)
                   else "".join(f"~{byte:02X}" for byte in char.encode("utf-8"))
                   for index, char in enumerate(dag_run_id))
    if len(safe) > MAX_RUN_ID:
        raise UnsafeRunId(f"run id {dag_run_id[:60]!r}...: at most {MAX_RUN_ID} characters once made safe "
                          f"for a folder name (got {len(safe)})")
    return safe


def is_safe_run_id(run_id: str) -> bool:
    """True for a folder name `safe_run_id` can produce (one segment, never '.' or '..')."""
    return bool(re.fullmatch(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*", run_id or "")) and len(run_id) <= MAX_RUN_ID


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
        # the run's own derived rows are replaced; reviewers' decisions (decided_by a person) never are
        session.execute(delete(Decision).where(Decision.run_id == run_id, Decision.decided_by == "policy"))
        for table in (ScreeningHit, RunItem):
            session.execute(delete(table).where(table.run_id == run_id))
    run.dag_run_id, run.status, run.policy_hash, run.code_version = dag_run_id, "running", policy_hash, code_version()
    run.started_at, run.finished_at, run.screening_unavailable = datetime.now(timezone.utc), None, None
    run.list_version_ids, run.counts, run.manifest_uri = [], {"attempt": attempt}, None
    run.failed_stage, run.inputs = None, None
    try:
        session.flush()
    except IntegrityError as error:  # another process inserted the same run at the same moment
        raise RunConflict(f"run {run_id} was started by another process at the same moment: run it again "
                          "once that one has finished") from error
    chain.append(session, "run.started", run_id=run_id, payload={"dag_run_id": dag_run_id, "attempt": attempt,
                                                                "policy_hash": policy_hash})
    return run


def finish(session: Session, run_id: str, *, status: str, counts: dict | None = None,
           manifest_uri: str | None = None, reason: str | None = None, manifest_sha256: str | None = None,
           stage: str | None = None) -> None:
    run = session.get(Run, run_id)
    run.status, run.finished_at = status, datetime.now(timezone.utc)
    if stage is not None:
        run.failed_stage = stage
    if counts is not None:
        run.counts = {**run.counts, **counts}
    if manifest_uri:
        run.manifest_uri = manifest_uri
    payload = {"counts": counts or {}, "reason": reason, "manifest_uri": manifest_uri}
    if manifest_sha256:  # `aidvet audit verify` compares the published manifest with it
        payload["manifest_sha256"] = manifest_sha256
    chain.append(session, f"run.{status}", run_id=run_id, payload={**payload, "stage": stage} if stage else payload)


def record_failure(session: Session, run_id: str, *, stage: str, reason: str, dag_run_id: str | None = None) -> None:
    """An aborted run is recorded as failed, in the stage it stopped in, with a `run.failed` event —
    also when it stopped before its run row was written (e.g. a value the database refused).
    A failure already recorded for this attempt (a batch the quality gate rejected) is not repeated."""
    run = session.get(Run, run_id)
    if run is None:
        run = Run(run_id=run_id, dag_run_id=dag_run_id, status="running", code_version=code_version(),
                  list_version_ids=[], counts={"attempt": 1})
        session.add(run)
        session.flush()
    elif run.status == "failed":
        run.failed_stage = run.failed_stage or stage
        return
    finish(session, run_id, status="failed", reason=reason, stage=stage)
