"""Queries several stages share: a run's items joined with their disbursements."""

from __future__ import annotations

import json
import math

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.store.models import Disbursement, RunItem, SourceFile
from aidvet.store.run_items import NO_FAILURES, quality_failures_text

DISBURSEMENT_FIELDS = ["disbursement_id", "award_id", "payee_key", "payee_name", "amount", "currency", "date",
                       "country", "source_record"]
CHUNK_ROWS = 100_000
# text many of a run's rows share (a payee's 20 disbursements, one source file): one string object
# per distinct value instead of one per row, which is most of a big run's frame
REPEATED_FIELDS = {"award_id", "payee_key", "payee_name", "currency", "date", "country", "source_file",
                   "source_sha256", "outcome", "reason"}


def run_disbursements(session: Session, run_id: str) -> pd.DataFrame:
    """The run's disbursements as given, with their item state and source file."""
    columns = [getattr(Disbursement, name) for name in DISBURSEMENT_FIELDS]
    query = (
        select(*columns, SourceFile.path.label("source_file"), SourceFile.sha256.label("source_sha256"),
               RunItem.outcome, RunItem.reason, RunItem.best_score, quality_failures_text().label("quality_failures"))
        .join(RunItem, RunItem.disbursement_id == Disbursement.disbursement_id)
        .join(SourceFile, SourceFile.id == Disbursement.source_file_id)
        .where(RunItem.run_id == run_id)
        .order_by(Disbursement.disbursement_id)
    )
    # Core rows, streamed: no ORM row processing, not all rows at once
    result = session.connection().execute(query.execution_options(yield_per=CHUNK_ROWS))
    names = DISBURSEMENT_FIELDS + ["source_file", "source_sha256", "outcome", "reason", "best_score", "quality_failures"]
    values_by_column: list[list] = [[] for _ in names]
    shared: list[dict | None] = [{} if name in REPEATED_FIELDS else None for name in names]
    for partition in result.partitions():
        *columns, failures = zip(*partition)
        for column, values, seen in zip(values_by_column, columns, shared):
            column.extend(values if seen is None else [seen.setdefault(v, v) for v in values])
        values_by_column[-1].extend([] if text == NO_FAILURES else json.loads(text) for text in failures)
    frame = pd.DataFrame({name: _text_column(values) if name in DISBURSEMENT_FIELDS else values
                          for name, values in zip(names, values_by_column)}, columns=names)
    return frame.astype({name: "object" for name in DISBURSEMENT_FIELDS})


def _text_column(values: list) -> pd.Series:
    """An object column holding these very string objects (inferring a text dtype and casting back
    would copy each one), missing values as pandas' text inference gives them (NaN once any is text)."""
    if any(isinstance(value, str) for value in values):
        values = [math.nan if value is None else value for value in values]
    return pd.Series(values, dtype=object)
