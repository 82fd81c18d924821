"""Write what a source yielded into the store, idempotently (same file twice adds nothing)."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.compliance.owners_quality import record_owners
from aidvet.config import settings
from aidvet.sources.model import SourceBatch
from aidvet.store import models
from aidvet.store.bulk import upsert


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
    upsert(session, models.Party, ({**_columns_of(models.Party, _fields(party)), "content_hash": party_content_hash(party)}
                                   for party in batch.parties))
    upsert(session, models.Award, [{"award_id": award.award_id, "title": award.title,
                                    "prime_party_key": award.prime_recipient, "country": award.country,
                                    "source_file_id": source_file.id, "source_record": award.source_record}
                                   for award in batch.awards])
    upsert(session, models.Disbursement, ({**_columns_of(models.Disbursement, _fields(row)),
                                           "source_file_id": source_file.id} for row in batch.disbursements))
    if batch.owners:
        record_owners(session, batch, source_file, settings().expectations_dir)
    return source_file


def record_rejected_file(session: Session, path: str, sha256: str, format: str, reason: str) -> models.SourceFile:
    """A file that could not be read at all is kept on record with its reason, never dropped silently."""
    source_file = session.scalar(select(models.SourceFile).where(models.SourceFile.sha256 == sha256))
    if source_file is None:
        source_file = models.SourceFile(sha256=sha256, path=path, format=format)
        session.add(source_file)
    source_file.status, source_file.reason = "rejected", reason
    session.flush()
    return source_file


def _fields(record) -> dict:
    """A source record's fields (its dataclass attributes; flat, so no deep copy as asdict makes)."""
    return dict(vars(record))


def _columns_of(model, fields: dict) -> dict:
    """The fields the table stores (a source may carry more, e.g. its file path, which the file row holds)."""
    columns = model.__table__.columns.keys()
    return {key: value for key, value in fields.items() if key in columns and key != "source_file_id"}
