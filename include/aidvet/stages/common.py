"""Queries several stages share: a run's items joined with their disbursements."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.store.models import Disbursement, RunItem, SourceFile

DISBURSEMENT_FIELDS = ["disbursement_id", "award_id", "payee_key", "payee_name", "amount", "currency", "date",
                       "country", "source_record"]


def run_disbursements(session: Session, run_id: str) -> pd.DataFrame:
    """The run's disbursements as given, with their item state and source file."""
    columns = [getattr(Disbursement, name) for name in DISBURSEMENT_FIELDS]
    query = (
        select(*columns, SourceFile.path.label("source_file"), SourceFile.sha256.label("source_sha256"),
               RunItem.outcome, RunItem.reason, RunItem.best_score, RunItem.quality_failures)
        .join(RunItem, RunItem.disbursement_id == Disbursement.disbursement_id)
        .join(SourceFile, SourceFile.id == Disbursement.source_file_id)
        .where(RunItem.run_id == run_id)
        .order_by(Disbursement.disbursement_id)
    )
    rows = session.execute(query).mappings().all()
    frame = pd.DataFrame(rows, columns=DISBURSEMENT_FIELDS + ["source_file", "source_sha256", "outcome", "reason",
                                                               "best_score", "quality_failures"])
    return frame.astype({name: "object" for name in DISBURSEMENT_FIELDS})
