"""Validate: the quality gate. Bad rows are quarantined with the failing expectation named;
a batch-level failure stops the run before screening, so nothing of it is published as cleared."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
from sqlalchemy import or_, select

from aidvet import artifacts, runs
from aidvet.artifacts import ArtifactRoot
from aidvet.audit import chain
from aidvet.config import Settings
from aidvet.errors import BatchRejected
from aidvet.policy import load_policy
from aidvet.quality import validate_disbursements
from aidvet.quality.recipients import (AWARD_COLUMNS, PARTY_COLUMNS, failures_by_disbursement, validate_awards,
                                       validate_parties)
from aidvet.stages.failure import records_failure
from aidvet.gc_pause import cycle_collection_paused
from aidvet.stages.common import run_disbursements
from aidvet.store import bulk
from aidvet.store.db import session_scope
from aidvet.store.models import Award, Party, RunItem


@records_failure("validate")
@cycle_collection_paused
def validate(settings: Settings, run_id: str) -> str:
    policy = load_policy(settings.policy_path)
    with session_scope(settings.db_url) as session:
        frame = run_disbursements(session, run_id)
        known_awards = list(session.scalars(select(Award.award_id)))
        awards, parties = recipients_of(session, frame)
        with tempfile.TemporaryDirectory(prefix="aidvet-data-docs-") as docs:
            result = validate_disbursements(frame, known_award_ids=known_awards, docs_dir=Path(docs, "disbursements"),
                                            expectations_dir=settings.expectations_dir, policy=policy.quality)
            award_result = validate_awards(awards, expectations_dir=settings.expectations_dir,
                                           docs_dir=Path(docs, "grants"))
            party_result = validate_parties(parties, expectations_dir=settings.expectations_dir,
                                            docs_dir=Path(docs, "subrecipients"))
            artifacts.replace_folder(Path(docs), f"{quality_uri(settings, run_id)}/data_docs")
        upstream = failures_by_disbursement(frame, awards, award_result, parties, party_result)
        row_failures = {frame.at[i, "disbursement_id"]: reasons for i, reasons in result.row_failures.items()}
        updates, failing = [], set(row_failures) | set(upstream)
        for index, disbursement_id in enumerate(frame["disbursement_id"] if failing else []):
            if disbursement_id in failing:
                reasons = row_failures.get(disbursement_id, []) + upstream.get(disbursement_id, [])
                known = list(frame.at[frame.index[index], "quality_failures"] or [])  # e.g. "record could not be read"
                updates.append({"run_id": run_id, "disbursement_id": disbursement_id, "quality_failures": known + reasons})
        bulk.update_rows(session, RunItem, updates)  # set-based, not a statement per row
        result.batch_failures += [f"grants: {f}" for f in award_result.batch_failures]
        result.batch_failures += [f"subrecipients: {f}" for f in party_result.batch_failures]
        chain.append(session, "run.validated", run_id=run_id,
                     payload={"rows": len(frame), "quarantined": len(set(row_failures) | set(upstream)),
                              "batch_failures": result.batch_failures})
    _save_report(settings, run_id, result.report)
    if result.batch_failures:
        reason = "; ".join(result.batch_failures)
        with session_scope(settings.db_url) as session:
            runs.finish(session, run_id, status="failed", reason=f"batch rejected by the quality gate: {reason}",
                        stage="validate")
        raise BatchRejected(f"run {run_id}: batch rejected by the quality gate: {reason}")
    return run_id


def recipients_of(session, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The awards and parties (payees, primes, key individuals) the run's disbursements reach."""
    award_ids = set(frame["award_id"].dropna())
    awards = session.scalars(select(Award).where(Award.award_id.in_(award_ids))).all()
    payees = set(frame["payee_key"].dropna())
    primes = {a.prime_party_key for a in awards if a.prime_party_key}
    parties = session.scalars(select(Party).where(or_(Party.party_key.in_(payees | primes),
                                                      Party.parent_key.in_(payees)))).all()
    return (pd.DataFrame([{c: getattr(a, c) for c in AWARD_COLUMNS} for a in awards], columns=AWARD_COLUMNS),
            pd.DataFrame([{c: getattr(p, c) for c in PARTY_COLUMNS} for p in parties], columns=PARTY_COLUMNS))


def quality_uri(settings: Settings, run_id: str) -> str:
    """Where a run's data-quality results live: disbursements.json and data_docs/index.html."""
    return f"{ArtifactRoot(settings.artifact_root).url.rstrip('/')}/quality/{artifacts.checked_folder_name(run_id)}"


def _save_report(settings: Settings, run_id: str, report: dict) -> None:
    """Keep GE's full validation result beside the run's outputs."""
    artifacts.write_bytes(f"{quality_uri(settings, run_id)}/disbursements.json",
                          json.dumps(report, indent=1, default=str).encode())
