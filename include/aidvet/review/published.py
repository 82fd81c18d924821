"""The reviewed lists for payment systems: released items (a false positive, approved by a second
person) as a cleared list, blocked items (a confirmed match) as a blocked list.

Written as CSV and Parquet with a manifest under `$AIDVET_ARTIFACT_ROOT/review/latest/`, staged
and moved into place at once, like a run's outputs. Each file is the full current state, so
payment systems read one folder and re-publishing the same state gives the same table bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.artifacts import ArtifactRoot
from aidvet.audit import chain
from aidvet.compliance import reports
from aidvet.config import Settings
from aidvet.policy import load_policy
from aidvet.publish import tables
from aidvet.review import content
from aidvet.store.db import session_scope
from aidvet.store.models import Disbursement, Party, ReviewDecision, ReviewItem, ScreeningHit, SourceFile

REVIEW_COLUMNS = ["item_id", "decision", "reason_code", "justification", "decided_by", "decided_at",
                  "approved_by", "approved_at", "last_run_id"]
COLUMNS = {
    "released": tables.COLUMNS["cleared"] + REVIEW_COLUMNS,
    "blocked": tables.COLUMNS["held"] + REVIEW_COLUMNS,
    "rejected": tables.COLUMNS["held"] + REVIEW_COLUMNS,
}


@dataclass(frozen=True)
class ReviewRoot(ArtifactRoot):
    """An artifact root whose atomic folders live under review/ instead of runs/."""

    def run_uri(self, run_id: str) -> str:
        return f"{self.url.rstrip('/')}/review/{run_id}"


def publish_reviewed(settings: Settings, folder: str = "latest", dag_run_id: str | None = None) -> str:
    """Write released.csv/.parquet, blocked.csv/.parquet and manifest.json; returns the folder URI.
    Each publication is audited (`review.published`: counts, file hashes, the DAG run)."""
    with session_scope(settings.db_url) as session:
        content.void_changed_releases(session)  # a release covers only the content it approved
        reports.sync_reports(session, settings_policy(settings))
        frames = {status: reviewed_frame(session, status) for status in COLUMNS}
        frames["reports"] = reports.reports_frame(session)
    staging = ReviewRoot(settings.artifact_root).stage(folder)
    try:
        for name, frame in frames.items():
            staging.write_bytes(f"{name}.csv", tables.to_csv_bytes(frame))
            staging.write_bytes(f"{name}.parquet", tables.to_parquet_bytes(frame))
        manifest = {"published_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "counts": {name: len(frame) for name, frame in frames.items()},
                    "amounts": {name: tables.amounts_by_currency(frame) for name, frame in frames.items()},
                    "outputs": dict(sorted(staging.sha256.items()))}
        staging.write_bytes("manifest.json", json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8"))
        uri = staging.commit()
    except BaseException:
        staging.abort()
        raise
    with session_scope(settings.db_url) as session:
        chain.append(session, "review.published", subject=f"review:{folder}",
                     payload={"uri": uri, "dag_run_id": dag_run_id, "counts": manifest["counts"],
                              "outputs": manifest["outputs"]})
    return uri


def settings_policy(settings: Settings):
    return load_policy(settings.policy_path)


def reviewed_frame(session: Session, status: str) -> pd.DataFrame:
    """Items in `status` with their disbursement as given, the effective decision and (blocked) the best hit."""
    records = []
    query = (select(ReviewItem, Disbursement, SourceFile)
             .join(Disbursement, Disbursement.disbursement_id == ReviewItem.disbursement_id)
             .outerjoin(SourceFile, SourceFile.id == Disbursement.source_file_id)
             .where(ReviewItem.status == status).order_by(ReviewItem.disbursement_id, ReviewItem.id))
    for item, disbursement, source in session.execute(query).all():
        decision = session.scalar(select(ReviewDecision).where(ReviewDecision.item_id == item.id,
                                                               ReviewDecision.state == "effective")
                                  .order_by(ReviewDecision.id.desc()).limit(1))
        records.append({**_disbursement_fields(disbursement, source), **_decision_fields(item, decision),
                        **(_hit_fields(session, item) if status in ("blocked", "rejected") else {})})
    return pd.DataFrame(records, columns=COLUMNS[status]).astype("object")


def _disbursement_fields(d: Disbursement, source: SourceFile | None) -> dict:
    return {"disbursement_id": d.disbursement_id, "award_id": d.award_id, "payee_key": d.payee_key,
            "payee_name": d.payee_name, "amount": d.amount, "currency": d.currency, "date": d.date,
            "country": d.country, "source_file": source.path if source else None,
            "source_sha256": source.sha256 if source else None, "source_record": d.source_record}


def _decision_fields(item: ReviewItem, decision: ReviewDecision | None) -> dict:
    fields = {"item_id": item.id, "best_score": item.best_score, "last_run_id": item.last_run_id}
    if decision is None:
        return fields
    approved = f", approved by {decision.approved_by}" if decision.approved_by else ""
    return {**fields, "decision": decision.decision, "reason_code": decision.reason_code,
            "justification": decision.justification, "decided_by": decision.decided_by,
            "decided_at": _iso(decision.decided_at), "approved_by": decision.approved_by,
            "approved_at": _iso(decision.approved_at),
            "reason": f"{decision.decision} by {decision.decided_by}{approved}: {decision.justification}"}


def _hit_fields(session: Session, item: ReviewItem) -> dict:
    hit = session.scalar(select(ScreeningHit).where(ScreeningHit.run_id == item.last_run_id,
                                                    ScreeningHit.disbursement_id == item.disbursement_id)
                         .order_by(ScreeningHit.score.desc(), ScreeningHit.id).limit(1))
    if hit is None:
        return {}
    party = session.get(Party, hit.party_key)
    return {"entity_id": hit.entity_id, "matched_name": hit.matched_name,
            "party_name": party.name if party else hit.party_key.removeprefix("name:"),
            "programs": " ".join(hit.programs or []), "terrorist": hit.terrorist, "explanation": hit.explanation}


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).isoformat(timespec="seconds")
