"""Any SQL database through SQLAlchemy: a configured query returning the canonical columns.

The query must return REQUIRED_COLUMNS (alias them: `SELECT pay_no AS disbursement_id, ...`) and
may return OPTIONAL_COLUMNS. The query is configuration, never built from data. Values are kept
as text (numbers and dates in their plain string form) for validation to judge, like a file's.
The Airflow adapter turns a connection id into the SQLAlchemy URL passed here.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json

import sqlalchemy
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from aidvet.errors import InputError
from aidvet.sources.model import Award, Disbursement, Party, SourceBatch
from aidvet.sources.parties import party_key_from_name

SOURCE = "sql"
REQUIRED_COLUMNS = ("disbursement_id", "award_id", "payee_name", "amount", "currency", "date", "country")
OPTIONAL_COLUMNS = ("payee_key", "award_title", "prime_recipient_key", "prime_recipient_name")
DEFAULT_QUERY = f"SELECT {', '.join(REQUIRED_COLUMNS)} FROM disbursements"


def read_sql(url: str | URL, query: str = DEFAULT_QUERY, params: dict | None = None) -> SourceBatch:
    """Run `query` (with bound `params`) on the database at `url` and read its rows."""
    label = describe(url)
    columns, rows = _fetch(url, query, params or {}, label)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise InputError(label, "query", f"result columns {', '.join(REQUIRED_COLUMNS)} (missing: {', '.join(missing)})")
    batch = SourceBatch(source_file=label, sha256=_content_hash(query, params, columns, rows))
    parties: dict[tuple[str, str], Party] = {}
    awards: dict[str, Award] = {}
    for number, values in enumerate(rows, start=1):
        row = dict(zip(columns, values))
        _add_row(batch, parties, awards, row, f"row {number}")
    batch.parties, batch.awards = list(parties.values()), list(awards.values())
    return batch


def describe(url: str | URL) -> str:
    """`sql:<url without password>`, the source_file of every row read from that database."""
    try:
        return "sql:" + make_url(url).render_as_string(hide_password=True)
    except ArgumentError as error:
        raise InputError("sql:<unparsable URL>", None, f"a SQLAlchemy database URL ({error})") from None


def _fetch(url, query: str, params: dict, label: str) -> tuple[list[str], list[list[str | None]]]:
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            result = connection.execute(sqlalchemy.text(query), params)
            columns = [str(name) for name in result.keys()]
            rows = [[as_text(value) for value in row] for row in result]
    except SQLAlchemyError as error:
        detail = getattr(error, "orig", None) or error
        raise InputError(label, "query", f"a query that runs ({type(detail).__name__}: {str(detail).splitlines()[0]})") from None
    finally:
        engine.dispose()
    return columns, rows


def as_text(value) -> str | None:
    """A database value as the text a file would have held (None stays None)."""
    if value is None:
        return None
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    text = str(value).strip()
    return text or None


def _add_row(batch: SourceBatch, parties: dict, awards: dict, row: dict, record: str) -> None:
    payee_key = row.get("payee_key") and f"{SOURCE}:{row['payee_key']}"
    payee_key = payee_key or party_key_from_name(SOURCE, row["payee_name"])
    if payee_key:
        parties.setdefault((payee_key, "payee"), Party(payee_key, row["payee_name"], role="payee"))
    prime_key = row.get("prime_recipient_key") and f"{SOURCE}:{row['prime_recipient_key']}"
    prime_key = prime_key or party_key_from_name(SOURCE, row.get("prime_recipient_name"))
    if prime_key:
        parties.setdefault((prime_key, "prime"), Party(prime_key, row.get("prime_recipient_name"), role="prime"))
    if row["award_id"]:
        awards.setdefault(row["award_id"], Award(row["award_id"], row.get("award_title"), prime_key,
                                                 source_file=batch.source_file, source_record=record))
    batch.disbursements.append(Disbursement(
        disbursement_id=row["disbursement_id"] or f"{batch.source_file}#{record}",
        award_id=row["award_id"], payee_key=payee_key, payee_name=row["payee_name"], amount=row["amount"],
        currency=row["currency"], date=row["date"], country=row["country"],
        source_file=batch.source_file, source_record=record,
    ))


def _content_hash(query: str, params: dict, columns: list[str], rows: list) -> str:
    """SHA-256 of what was read: the same query over the same rows gives the same hash."""
    payload = json.dumps({"query": query, "params": params, "columns": columns, "rows": rows}, default=str, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
