"""The published tables (cleared / held / quarantined): their stable columns and their sums.

Payment systems read these files: the column lists below are a contract (README, "Outputs").
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

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
CHUNK_ROWS = 200_000  # rows serialized at a time: a big run's table is written piece by piece


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


def csv_chunks(frame: pd.DataFrame, rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """`to_csv_bytes(frame)` in pieces of `rows` rows (the header with the first); joined, the same bytes."""
    for start in range(0, max(len(frame), 1), rows):
        part = neutralize_frame(frame.iloc[start:start + rows])
        yield part.to_csv(index=False, header=start == 0, lineterminator="\n").encode("utf-8")


def to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.astype("string").to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()


def write_parquet(frame: pd.DataFrame, sink, rows: int = CHUNK_ROWS) -> None:
    """`frame` as Parquet (every column text, as `to_parquet_bytes`) into the binary file `sink`,
    one row group per `rows` rows, so only one piece is converted at a time."""
    schema = pa.Schema.from_pandas(frame.iloc[:rows].astype("string"), preserve_index=False)
    with pq.ParquetWriter(sink, schema) as writer:
        for start in range(0, max(len(frame), 1), rows):
            part = frame.iloc[start:start + rows].astype("string")
            writer.write_table(pa.Table.from_pandas(part, schema=schema, preserve_index=False))


def _decimal(amount) -> Decimal | None:
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, TypeError, ValueError):
        return None
    return value if value.is_finite() else None
