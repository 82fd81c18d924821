"""The published tables (cleared / held / quarantined): their stable columns and their sums.

Payment systems read these files: the column lists below are a contract (README, "Outputs").
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal, InvalidOperation

import pandas as pd

from aidvet.publish.spreadsheet_safe import neutralize_frame

BASE_COLUMNS = ["disbursement_id", "award_id", "payee_key", "payee_name", "amount", "currency", "date", "country",
                "source_file", "source_sha256", "source_record", "reason"]
COLUMNS = {
    "cleared": BASE_COLUMNS + ["best_score"],
    "held": BASE_COLUMNS + ["best_score", "entity_id", "matched_name", "party_name", "party_role", "programs",
                            "terrorist", "explanation"],
    "quarantined": BASE_COLUMNS,
}
OUTCOMES = tuple(COLUMNS)


def amounts_by_currency(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    """currency -> {"total": exact decimal sum of parseable amounts, "unparsed": rows whose amount is not a number}."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    unparsed: dict[str, int] = defaultdict(int)
    for amount, currency in zip(frame["amount"], frame["currency"]):
        key = currency if isinstance(currency, str) and currency else "(none)"
        value = _decimal(amount)
        if value is None:
            unparsed[key] += 1
        totals[key] += value or Decimal(0)
    return {key: {"total": str(totals[key]), "unparsed": unparsed.get(key, 0)} for key in sorted(totals)}


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for people and payment systems: formula-like text is neutralized (Parquet keeps it raw)."""
    return neutralize_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


def to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.astype("string").to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()


def _decimal(amount) -> Decimal | None:
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, TypeError, ValueError):
        return None
    return value if value.is_finite() else None
