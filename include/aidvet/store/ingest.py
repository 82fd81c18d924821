"""Write what a source yielded into the store, idempotently (same file twice adds nothing)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import lru_cache

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
    upsert(session, models.Party, ({**_columns_of(models.Party, party), "content_hash": party_content_hash(party)}
                                   for party in batch.parties))
    upsert(session, models.Award, [{"award_id": award.award_id, "title": award.title,
                                    "prime_party_key": award.prime_recipient, "country": award.country,
                                    "source_file_id": source_file.id, "source_record": award.source_record}
                                   for award in batch.awards])
    upsert(session, models.Disbursement, ({**_columns_of(models.Disbursement, row), "source_file_id": source_file.id}
                                          for row in batch.disbursements))
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


def _columns_of(model, record) -> dict:
    """The fields of the source record (a dataclass) that the table stores (a source may carry
    more, e.g. its file path, which the file row holds)."""
    names = _stored_fields(model, type(record))
    return {name: getattr(record, name) for name in names}


@lru_cache(maxsize=None)
def _stored_fields(model, record_type) -> tuple[str, ...]:
    columns = set(model.__table__.columns.keys()) - {"source_file_id"}
    return tuple(field.name for field in dataclasses.fields(record_type) if field.name in columns)
