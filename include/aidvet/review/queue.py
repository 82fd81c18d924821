"""The review queue: filled from a run's held items, listed with filters and sorting.

A disbursement held again by a later run on the same evidence joins its existing item (so a
nightly re-run neither duplicates work nor reopens a decided item); different evidence opens a
new item and supersedes the open one; a disbursement the run no longer holds supersedes its
open items.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from aidvet.audit import chain
from aidvet.review import OPEN_STATUSES, STATUSES, ReviewError, subject
from aidvet.store.models import (Disbursement, ListEntity, ListVersion, Party, ReviewItem, RunItem, ScreeningHit,
                                 SourceFile)

NO_EVIDENCE = "no screening hits (screening unavailable)"
SORT_KEYS = ("age", "score", "country", "status", "disbursement", "amount")


@dataclass
class SyncResult:
    queued: int = 0  # new items
    rejoined: int = 0  # held again on the same evidence
    superseded: int = 0  # open items whose evidence changed or that the run no longer holds


def sync_queue(session: Session, run_id: str, now: datetime | None = None) -> SyncResult:
    """Bring the queue in line with run `run_id`'s held items (call after its decide stage, in any
    transaction; it only flushes). Safe to call again for the same run."""
    now = now or datetime.now(timezone.utc)
    result = SyncResult()
    hits = _hits_by_disbursement(session, run_id)
    outcomes = dict(session.execute(select(RunItem.disbursement_id, RunItem)
                                    .where(RunItem.run_id == run_id)).all())
    for disbursement_id, run_item in sorted(outcomes.items()):
        current = None
        if run_item.outcome == "held":
            current = _queue_held(session, run_item, hits.get(disbursement_id, []), now, result)
        _supersede_others(session, run_id, disbursement_id, current, now, result)
    session.flush()
    return result


def evidence_hash(session: Session, hits: list[ScreeningHit]) -> str:
    """Fingerprint of (party, party content, listed entity, entity content) over an item's hits."""
    pairs = sorted({(hit.party_key, party_hash(session, hit.party_key), hit.entity_id,
                     entity_hash(session, hit.list_version_id, hit.entity_id)) for hit in hits})
    body = json.dumps(pairs or NO_EVIDENCE, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def party_hash(session: Session, party_key: str) -> str:
    """The party's content hash; a payee known only by name (no party row) hashes its key."""
    stored = session.scalar(select(Party.content_hash).where(Party.party_key == party_key))
    return stored or hashlib.sha256(party_key.encode("utf-8")).hexdigest()


def entity_hash(session: Session, version_id: int, entity_id: str) -> str:
    stored = session.scalar(select(ListEntity.content_hash)
                            .where(ListEntity.version_id == version_id, ListEntity.entity_id == entity_id))
    if stored is None:
        raise ReviewError(f"listed entity {entity_id} is not in list version {version_id}")
    return stored


def _hits_by_disbursement(session: Session, run_id: str) -> dict[str, list[ScreeningHit]]:
    grouped: dict[str, list[ScreeningHit]] = {}
    query = select(ScreeningHit).where(ScreeningHit.run_id == run_id).order_by(ScreeningHit.score.desc(),
                                                                               ScreeningHit.id)
    for hit in session.scalars(query):
        grouped.setdefault(hit.disbursement_id, []).append(hit)
    return grouped


def _queue_held(session: Session, run_item: RunItem, hits: list[ScreeningHit], now: datetime,
                result: SyncResult) -> ReviewItem:
    fingerprint = evidence_hash(session, hits)
    item = session.scalar(select(ReviewItem).where(ReviewItem.disbursement_id == run_item.disbursement_id,
                                                   ReviewItem.evidence_hash == fingerprint))
    if item is not None:
        if item.last_run_id != run_item.run_id:
            # Not a status change: leave `version` alone so a reviewer mid-decision is not refused.
            session.execute(update(ReviewItem).where(ReviewItem.id == item.id)
                            .values(last_run_id=run_item.run_id), execution_options={"synchronize_session": False})
            session.refresh(item)
            result.rejoined += 1
        return item
    best = hits[0] if hits else None
    disbursement = session.get(Disbursement, run_item.disbursement_id)
    source = session.scalar(select(ListVersion.source).where(ListVersion.id == best.list_version_id)) if best else None
    item = ReviewItem(disbursement_id=run_item.disbursement_id, evidence_hash=fingerprint, run_id=run_item.run_id,
                      last_run_id=run_item.run_id, status="pending", reason=run_item.reason,
                      best_score=run_item.best_score if run_item.best_score is not None else (best.score if best else None),
                      entity_id=best.entity_id if best else None, party_key=best.party_key if best else None,
                      list_source=source, programs=_program_field({p for hit in hits for p in hit.programs or []}),
                      terrorist=any(hit.terrorist for hit in hits), country=disbursement.country if disbursement else None,
                      created_at=now, updated_at=now, version=1)
    session.add(item)
    session.flush()
    chain.append(session, "review.queued", run_id=run_item.run_id, subject=subject(item.id),
                 payload={"disbursement_id": item.disbursement_id, "evidence_hash": fingerprint,
                          "reason": item.reason, "best_score": item.best_score, "entity_id": item.entity_id})
    result.queued += 1
    return item


def _supersede_others(session: Session, run_id: str, disbursement_id: str, current: ReviewItem | None,
                      now: datetime, result: SyncResult) -> None:
    query = select(ReviewItem).where(ReviewItem.disbursement_id == disbursement_id,
                                     ReviewItem.status.in_(OPEN_STATUSES))
    for item in session.scalars(query).all():
        if current is not None and item.id == current.id:
            continue
        why = (f"held again by run {run_id} on different evidence (item {current.id})" if current is not None
               else f"run {run_id} no longer holds this disbursement")
        changed = session.execute(update(ReviewItem).where(ReviewItem.id == item.id, ReviewItem.version == item.version)
                                  .values(status="superseded", version=item.version + 1, updated_at=now),
                                  execution_options={"synchronize_session": False}).rowcount
        if changed != 1:
            continue  # a reviewer acted on it at this very moment; the next sync looks again
        session.refresh(item)
        chain.append(session, "review.superseded", run_id=run_id, subject=subject(item.id),
                     payload={"disbursement_id": disbursement_id, "why": why})
        result.superseded += 1


def _program_field(programs: set[str]) -> str:
    return f" {' '.join(sorted(programs))} " if programs else ""


@dataclass
class QueueRow:
    item_id: int
    status: str
    disbursement_id: str
    payee_name: str | None
    score: float | None
    amount: str | None
    currency: str | None
    country: str | None
    programs: list[str]
    terrorist: bool
    entity_id: str | None
    list_source: str | None
    source_file: str | None
    assignee: str | None
    created_at: datetime
    age_days: float
    run_id: str
    last_run_id: str
    reason: str | None
    version: int


@dataclass
class QueueFilter:
    status: str | None = None
    program: str | None = None  # e.g. "FTO"
    country: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    min_age_days: float | None = None
    max_age_days: float | None = None
    source: str | None = None  # the listed entity's source ("ofac", "un"...) or part of the input file's path
    assignee: str | None = None
    sort: str = "age"
    descending: bool = True


def list_items(session: Session, query: QueueFilter | None = None, now: datetime | None = None) -> list[QueueRow]:
    query, now = query or QueueFilter(), now or datetime.now(timezone.utc)
    if query.status and query.status not in STATUSES:
        raise ReviewError(f"unknown status {query.status!r}; expected one of {', '.join(STATUSES)}")
    if query.sort not in SORT_KEYS:
        raise ReviewError(f"unknown sort key {query.sort!r}; expected one of {', '.join(SORT_KEYS)}")
    statement = (select(ReviewItem, Disbursement.payee_name, Disbursement.amount, Disbursement.currency,
                        SourceFile.path)
                 .join(Disbursement, Disbursement.disbursement_id == ReviewItem.disbursement_id)
                 .outerjoin(SourceFile, SourceFile.id == Disbursement.source_file_id)
                 .where(*_conditions(query, now)))
    rows = [_row(item, payee, amount, currency, path, now) for item, payee, amount, currency, path
            in session.execute(statement).all()]
    rows.sort(key=_sort_key(query.sort), reverse=query.descending)
    return rows


def _conditions(query: QueueFilter, now: datetime) -> list:
    conditions = []
    if query.status:
        conditions.append(ReviewItem.status == query.status)
    if query.program:
        conditions.append(ReviewItem.programs.contains(f" {query.program.strip().upper()} "))
    if query.country:
        conditions.append(func.upper(ReviewItem.country) == query.country.strip().upper())
    if query.min_score is not None:
        conditions.append(ReviewItem.best_score >= query.min_score)
    if query.max_score is not None:
        conditions.append(ReviewItem.best_score <= query.max_score)
    if query.min_age_days is not None:
        conditions.append(ReviewItem.created_at <= now - timedelta(days=query.min_age_days))
    if query.max_age_days is not None:
        conditions.append(ReviewItem.created_at >= now - timedelta(days=query.max_age_days))
    if query.source:
        conditions.append((ReviewItem.list_source == query.source) | SourceFile.path.contains(query.source))
    if query.assignee:
        conditions.append(ReviewItem.assignee == query.assignee)
    return conditions


def _row(item: ReviewItem, payee: str | None, amount: str | None, currency: str | None, path: str | None,
         now: datetime) -> QueueRow:
    created = item.created_at if item.created_at.tzinfo else item.created_at.replace(tzinfo=timezone.utc)
    return QueueRow(item_id=item.id, status=item.status, disbursement_id=item.disbursement_id, payee_name=payee,
                    score=item.best_score, amount=amount, currency=currency, country=item.country,
                    programs=item.programs.split(), terrorist=item.terrorist, entity_id=item.entity_id,
                    list_source=item.list_source, source_file=path, assignee=item.assignee, created_at=created,
                    age_days=max(0.0, (now - created).total_seconds() / 86400), run_id=item.run_id,
                    last_run_id=item.last_run_id, reason=item.reason, version=item.version)


def _sort_key(sort: str):
    def amount(row: QueueRow) -> float:
        """Amounts are kept as given: one that is not a number sorts below every real amount."""
        try:
            value = float(row.amount or "")
        except ValueError:
            return float("-inf")
        return value if value == value else float("-inf")  # NaN

    keys = {
        "age": lambda row: row.age_days,
        "score": lambda row: row.score if row.score is not None else -1.0,
        "country": lambda row: row.country or "",
        "status": lambda row: row.status,
        "disbursement": lambda row: row.disbursement_id,
        "amount": amount,
    }
    return keys[sort]
