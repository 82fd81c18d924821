"""Write what a source yielded into the store, idempotently (same file twice adds nothing)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.compliance.owners_quality import record_owners
from aidvet.config import settings
from aidvet.sources.model import SourceBatch
from aidvet.store import models


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
    for party in batch.parties:
        session.merge(models.Party(**_columns_of(models.Party, asdict(party)), content_hash=party_content_hash(party)))
    for award in batch.awards:
        session.merge(models.Award(award_id=award.award_id, title=award.title, prime_party_key=award.prime_recipient,
                                   country=award.country, source_file_id=source_file.id,
                                   source_record=award.source_record))
    for row in batch.disbursements:
        session.merge(models.Disbursement(**_columns_of(models.Disbursement, asdict(row)), source_file_id=source_file.id))
    session.flush()
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


def _columns_of(model, fields: dict) -> dict:
    """The fields the table stores (a source may carry more, e.g. its file path, which the file row holds)."""
    columns = model.__table__.columns.keys()
    return {key: value for key, value in fields.items() if key in columns and key != "source_file_id"}
