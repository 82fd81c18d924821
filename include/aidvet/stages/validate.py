"""Validate: the quality gate. Bad rows are quarantined with the failing expectation named;
a batch-level failure stops the run before screening, so nothing of it is published as cleared."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from sqlalchemy import select, update

from aidvet import runs
from aidvet import artifacts
from aidvet.artifacts import ArtifactRoot
from aidvet.audit import chain
from aidvet.config import Settings
from aidvet.errors import BatchRejected
from aidvet.policy import load_policy
from aidvet.quality import validate_disbursements
from aidvet.stages.common import run_disbursements
from aidvet.store.db import session_scope
from aidvet.store.models import Award, RunItem


def validate(settings: Settings, run_id: str) -> str:
    policy = load_policy(settings.policy_path)
    with session_scope(settings.db_url) as session:
        frame = run_disbursements(session, run_id)
        known_awards = list(session.scalars(select(Award.award_id)))
        with tempfile.TemporaryDirectory(prefix="aidvet-data-docs-") as docs:
            result = validate_disbursements(frame, known_award_ids=known_awards, docs_dir=Path(docs),
                                            expectations_dir=settings.expectations_dir, policy=policy.quality)
            artifacts.replace_folder(Path(docs), f"{quality_uri(settings, run_id)}/data_docs")
        for index, reasons in result.row_failures.items():
            known = list(frame.at[index, "quality_failures"] or [])  # e.g. "record could not be read"
            session.execute(update(RunItem).where(RunItem.run_id == run_id,
                                                  RunItem.disbursement_id == frame.at[index, "disbursement_id"])
                            .values(quality_failures=known + reasons))
        chain.append(session, "run.validated", run_id=run_id,
                     payload={"rows": len(frame), "quarantined": len(result.row_failures),
                              "batch_failures": result.batch_failures})
    _save_report(settings, run_id, result.report)
    if result.batch_failures:
        reason = "; ".join(result.batch_failures)
        with session_scope(settings.db_url) as session:
            runs.finish(session, run_id, status="failed", reason=f"batch rejected by the quality gate: {reason}")
        raise BatchRejected(f"run {run_id}: batch rejected by the quality gate: {reason}")
    return run_id


def quality_uri(settings: Settings, run_id: str) -> str:
    """Where a run's data-quality results live: disbursements.json and data_docs/index.html."""
    return f"{ArtifactRoot(settings.artifact_root).url.rstrip('/')}/quality/{run_id}"


def _save_report(settings: Settings, run_id: str, report: dict) -> None:
    """Keep GE's full validation result beside the run's outputs."""
    artifacts.write_bytes(f"{quality_uri(settings, run_id)}/disbursements.json",
                          json.dumps(report, indent=1, default=str).encode())
