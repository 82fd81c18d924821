"""Write what a source yielded into the store, idempotently (same file twice adds nothing)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from aidvet.sources.model import SourceBatch
from aidvet.store import models

CHUNK_SIZE = 5000


def party_content_hash(party) -> str:
    fields = {k: getattr(party, k) for k in ("name", "kind", "country", "date_of_birth", "id_number", "id_type",
                                             "nationality")}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def record_batch(session: Session, batch: SourceBatch, format: str) -> models.SourceFile:
    """Upsert the batch's file, parties, awards and disbursements; return the file's row."""
    source_file = session.scalar(select(models.SourceFile).where(models.SourceFile.sha256 == batch.sha256))
    if source_file is None:
        source_file = models.SourceFile(sha256=batch.sha256, path=batch.source_file, format=format)
        session.add(source_file)
    source_file.record_count, source_file.status, source_file.reason = len(batch.disbursements), "ingested", None
    session.flush()
    upsert(session, models.Party, [{**_columns_of(models.Party, asdict(party)), "content_hash": party_content_hash(party)}
                                   for party in batch.parties])
    upsert(session, models.Award, [{"award_id": award.award_id, "title": award.title,
                                    "prime_party_key": award.prime_recipient, "country": award.country,
                                    "source_file_id": source_file.id, "source_record": award.source_record}
                                   for award in batch.awards])
    upsert(session, models.Disbursement, ({**_columns_of(models.Disbursement, asdict(row)),
                                           "source_file_id": source_file.id} for row in batch.disbursements))
    return source_file


def upsert(session: Session, model, rows: Iterable[dict], chunk_size: int = CHUNK_SIZE) -> int:
    """Insert rows, replacing any stored row with the same primary key (the last of equal keys
    wins, as row-by-row merging did), in multi-row statements of `chunk_size`: PostgreSQL and
    SQLite `INSERT ... ON CONFLICT DO UPDATE`. Returns the number of rows written."""
    table = model.__table__
    keys = [column.name for column in table.primary_key.columns]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys})
    written, pending = 0, {}
    for row in rows:
        pending[tuple(row[k] for k in keys)] = row  # one statement may not touch a key twice
        if len(pending) >= chunk_size:
            written += _execute(session, statement, pending)
            pending = {}
    return written + _execute(session, statement, pending)


def _execute(session: Session, statement, pending: dict) -> int:
    if pending:
        session.execute(statement, list(pending.values()))
    return len(pending)


def record_rejected_file(session: Session, path: str, sha256: str, format: str, reason: str) -> models.SourceFile:
    """A file that could not be read at all is kept on record with its reason, never dropped silently."""
    source_file = session.scalar(select(models.SourceFile).where(models.SourceFile.sha256 == sha256))
    if source_file is None:
        source_file = models.SourceFile(sha256=sha256, path=path, format=format)
        session.add(source_file)
    source_file.status, source_file.reason = "rejected", reason
    session.flush()
    return source_file


def _columns_of(model, fields: dict) -> dict:
    """The fields the table stores (a source may carry more, e.g. its file path, which the file row holds)."""
    columns = model.__table__.columns.keys()
    return {key: value for key, value in fields.items() if key in columns and key != "source_file_id"}
