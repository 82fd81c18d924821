"""The review queue: filled from a run's held items, listed with filters, sorting and paging (all
in the database, so a queue of any length pages quickly).

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

from sqlalchemy import Float, case, cast, func, or_, select, update
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
    transaction; it only flushes). Safe to call again for the same run. Set-based: the evidence
    hashes are read once, matching items are found per chunk, and every open item the run no
    longer holds on the same evidence is superseded by one statement."""
    now = now or datetime.now(timezone.utc)
    result = SyncResult()
    held = {row.disbursement_id: row for row in session.execute(
        select(RunItem.run_id, RunItem.disbursement_id, RunItem.reason, RunItem.best_score)
        .where(RunItem.run_id == run_id, RunItem.outcome == "held"))}
    hits = _hits_by_disbursement(session, run_id)
    hashes = EvidenceHashes.for_hits(session, [hit for d in held for hit in hits.get(d, [])])
    fingerprints = {d: hashes.evidence_hash(hits.get(d, [])) for d in held}
    existing = _items_with_evidence(session, fingerprints)
    rejoined = [item.id for item in existing.values() if item.last_run_id != run_id]
    for chunk in _chunks(rejoined):
        # Not a status change: leave `version` alone so a reviewer mid-decision is not refused.
        session.execute(update(ReviewItem).where(ReviewItem.id.in_(chunk)).values(last_run_id=run_id),
                        execution_options={"synchronize_session": False})
    result.rejoined = len(rejoined)
    queued = _queue_new(session, run_id, [held[d] for d in sorted(held) if d not in existing], hits, fingerprints, now)
    result.queued = len(queued)
    current = {item.disbursement_id: item.id for item in [*existing.values(), *queued]}
    result.superseded = _supersede_others(session, run_id, current, now)
    session.flush()
    for item in [obj for obj in session.identity_map.values() if isinstance(obj, ReviewItem)]:
        session.expire(item)  # the bulk updates above bypassed the ORM
    return result


class EvidenceHashes:
    """Content hashes of the parties and listed entities behind a set of hits, read in bulk."""

    def __init__(self, parties: dict[str, str], entities: dict[tuple[int, str], str]):
        self.parties, self.entities = parties, entities

    @classmethod
    def for_hits(cls, session: Session, hits: list[ScreeningHit]) -> EvidenceHashes:
        parties: dict[str, str] = {}
        for chunk in _chunks(sorted({hit.party_key for hit in hits})):
            parties.update(session.execute(select(Party.party_key, Party.content_hash)
                                           .where(Party.party_key.in_(chunk))).all())
        entities: dict[tuple[int, str], str] = {}
        for version_id in {hit.list_version_id for hit in hits}:
            wanted = sorted({hit.entity_id for hit in hits if hit.list_version_id == version_id})
            for chunk in _chunks(wanted):
                entities.update(((version_id, e), h) for e, h in session.execute(
                    select(ListEntity.entity_id, ListEntity.content_hash)
                    .where(ListEntity.version_id == version_id, ListEntity.entity_id.in_(chunk))))
        return cls(parties, entities)

    def evidence_hash(self, hits: list[ScreeningHit]) -> str:
        pairs = sorted({(hit.party_key, self.party_hash(hit.party_key), hit.entity_id,
                         self.entity_hash(hit.list_version_id, hit.entity_id)) for hit in hits})
        return _fingerprint(pairs)

    def party_hash(self, party_key: str) -> str:
        return self.parties.get(party_key) or hashlib.sha256(party_key.encode("utf-8")).hexdigest()

    def entity_hash(self, version_id: int, entity_id: str) -> str:
        if (version_id, entity_id) not in self.entities:
            raise ReviewError(f"listed entity {entity_id} is not in list version {version_id}")
        return self.entities[(version_id, entity_id)]


def evidence_hash(session: Session, hits: list[ScreeningHit]) -> str:
    """Fingerprint of (party, party content, listed entity, entity content) over an item's hits."""
    pairs = sorted({(hit.party_key, party_hash(session, hit.party_key), hit.entity_id,
                     entity_hash(session, hit.list_version_id, hit.entity_id)) for hit in hits})
    return _fingerprint(pairs)


def _fingerprint(pairs: list) -> str:
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


def _items_with_evidence(session: Session, fingerprints: dict[str, str]) -> dict[str, ReviewItem]:
    """disbursement id -> its review item on exactly this evidence, where one exists."""
    found = {}
    for chunk in _chunks(sorted(fingerprints)):
        for item in session.scalars(select(ReviewItem).where(ReviewItem.disbursement_id.in_(chunk))):
            if fingerprints[item.disbursement_id] == item.evidence_hash:
                found[item.disbursement_id] = item
    return found


def _queue_new(session: Session, run_id: str, held: list, hits: dict[str, list[ScreeningHit]],
               fingerprints: dict[str, str], now: datetime) -> list[ReviewItem]:
    ids = [row.disbursement_id for row in held]
    countries: dict[str, str | None] = {}
    for chunk in _chunks(ids):
        countries.update(session.execute(select(Disbursement.disbursement_id, Disbursement.country)
                                         .where(Disbursement.disbursement_id.in_(chunk))).all())
    sources = dict(session.execute(select(ListVersion.id, ListVersion.source)).all())
    items = []
    for row in held:
        evidence = hits.get(row.disbursement_id, [])
        best = evidence[0] if evidence else None
        items.append(ReviewItem(
            disbursement_id=row.disbursement_id, evidence_hash=fingerprints[row.disbursement_id], run_id=run_id,
            last_run_id=run_id, status="pending", reason=row.reason,
            best_score=row.best_score if row.best_score is not None else (best.score if best else None),
            entity_id=best.entity_id if best else None, party_key=best.party_key if best else None,
            list_source=sources.get(best.list_version_id) if best else None,
            programs=_program_field({p for hit in evidence for p in hit.programs or []}),
            terrorist=any(hit.terrorist for hit in evidence), country=countries.get(row.disbursement_id),
            created_at=now, updated_at=now, version=1))
    session.add_all(items)
    session.flush()
    chain.append_many(session, [dict(kind="review.queued", run_id=run_id, subject=subject(item.id),
                                     payload={"disbursement_id": item.disbursement_id,
                                              "evidence_hash": item.evidence_hash, "reason": item.reason,
                                              "best_score": item.best_score, "entity_id": item.entity_id})
                                for item in sorted(items, key=lambda i: i.id)])
    return items


def _supersede_others(session: Session, run_id: str, current: dict[str, int], now: datetime) -> int:
    """Supersede, in one statement, every open item of a disbursement in this run that is not the
    item the run holds it on: its evidence changed, or the run no longer holds it."""
    stale_same_run = [item_id for item_id, disbursement_id in session.execute(
        select(ReviewItem.id, ReviewItem.disbursement_id)
        .where(ReviewItem.last_run_id == run_id, ReviewItem.status.in_(OPEN_STATUSES)))
        if current.get(disbursement_id) != item_id]  # only when a run id is re-run on changed evidence
    in_run = select(RunItem.disbursement_id).where(RunItem.run_id == run_id)
    superseded = session.execute(
        update(ReviewItem)
        .where(ReviewItem.status.in_(OPEN_STATUSES), ReviewItem.disbursement_id.in_(in_run),
               or_(ReviewItem.last_run_id != run_id, ReviewItem.id.in_(stale_same_run)))
        .values(status="superseded", version=ReviewItem.version + 1, updated_at=now)
        .returning(ReviewItem.id, ReviewItem.disbursement_id),
        execution_options={"synchronize_session": False}).all()
    events = []
    for item_id, disbursement_id in sorted(superseded):
        why = (f"held again by run {run_id} on different evidence (item {current[disbursement_id]})"
               if disbursement_id in current else f"run {run_id} no longer holds this disbursement")
        events.append(dict(kind="review.superseded", run_id=run_id, subject=subject(item_id),
                           payload={"disbursement_id": disbursement_id, "why": why}))
    chain.append_many(session, events)
    return len(superseded)


def _chunks(values: list, size: int = 5000):
    for start in range(0, len(values), size):
        yield values[start:start + size]


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
    party_key: str | None = None
    party_role: str | None = None  # which party hit: payee, prime, key individual...
    party_name: str | None = None
    listed_name: str | None = None  # the listed entity's primary name
    award_id: str | None = None


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
    party_key: str | None = None  # with entity_id: one (party, listed entity) group
    entity_id: str | None = None
    sort: str = "age"
    descending: bool = True


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int  # items matching the filter, on all pages
    page: int  # 1-based
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


MAX_PER_PAGE = 500


def list_items(session: Session, query: QueueFilter | None = None, now: datetime | None = None) -> list[QueueRow]:
    """Every matching item, sorted (use page_items for a screenful)."""
    query, now = query or QueueFilter(), now or datetime.now(timezone.utc)
    return _fetch(session, _statement(session, query, now), now)


def page_items(session: Session, query: QueueFilter | None = None, page: int = 1, per_page: int = 50,
               now: datetime | None = None) -> QueuePage:
    """One page of matching items: filtered, sorted, counted and cut in the database."""
    query, now = query or QueueFilter(), now or datetime.now(timezone.utc)
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ReviewError(f"per page: between 1 and {MAX_PER_PAGE} items, not {per_page}")
    statement = _statement(session, query, now)
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    page = max(1, min(page, max(1, -(-total // per_page))))
    rows = _fetch(session, statement.offset((page - 1) * per_page).limit(per_page), now)
    return QueuePage(rows=rows, total=total, page=page, per_page=per_page)


def _statement(session: Session, query: QueueFilter, now: datetime):
    if query.status and query.status not in STATUSES:
        raise ReviewError(f"unknown status {query.status!r}; expected one of {', '.join(STATUSES)}")
    if query.sort not in SORT_KEYS:
        raise ReviewError(f"unknown sort key {query.sort!r}; expected one of {', '.join(SORT_KEYS)}")
    order = _sort_column(session, query.sort)
    descending = query.descending != (query.sort == "age")  # older = greater age = earlier created_at
    order = order.desc().nulls_last() if descending else order.asc().nulls_first()
    return (select(ReviewItem, Disbursement.payee_name, Disbursement.amount, Disbursement.currency,
                   Disbursement.award_id, SourceFile.path, Party.role, Party.name)
            .join(Disbursement, Disbursement.disbursement_id == ReviewItem.disbursement_id)
            .outerjoin(SourceFile, SourceFile.id == Disbursement.source_file_id)
            .outerjoin(Party, Party.party_key == ReviewItem.party_key)
            .where(*_conditions(query, now))
            .order_by(order, ReviewItem.id.desc() if query.descending else ReviewItem.id.asc()))


def _fetch(session: Session, statement, now: datetime) -> list[QueueRow]:
    found = session.execute(statement).all()
    names = _listed_names(session, [item for item, *_ in found])
    return [_row(item, payee, amount, currency, award, path, role, party_name, names.get(item.id), now)
            for item, payee, amount, currency, award, path, role, party_name in found]


def _listed_names(session: Session, items: list[ReviewItem]) -> dict[int, str]:
    """The primary listed name of each item's strongest hit (from the list version that hit)."""
    if not items:
        return {}
    wanted = {(item.last_run_id, item.disbursement_id, item.entity_id): item.id for item in items if item.entity_id}
    names: dict[int, str] = {}
    statement = (select(ScreeningHit.run_id, ScreeningHit.disbursement_id, ScreeningHit.entity_id, ListEntity.name)
                 .join(ListEntity, (ListEntity.version_id == ScreeningHit.list_version_id)
                       & (ListEntity.entity_id == ScreeningHit.entity_id))
                 .where(ScreeningHit.run_id.in_({key[0] for key in wanted}),
                        ScreeningHit.disbursement_id.in_({key[1] for key in wanted})))
    for run_id, disbursement_id, entity_id, name in session.execute(statement):
        item_id = wanted.get((run_id, disbursement_id, entity_id))
        if item_id is not None:
            names.setdefault(item_id, name)
    return names


def _sort_column(session: Session, sort: str):
    """The ORDER BY column (for age: the time queued, in reverse)."""
    if sort == "amount":  # amounts are kept as given: one that is not a number sorts below every real amount
        amount = func.trim(Disbursement.amount)
        if session.get_bind().dialect.name == "postgresql":
            numeric = amount.op("~")(r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$")
        else:
            numeric = (amount.op("GLOB")("*[0-9]*")) & ~(amount.op("GLOB")("*[^0-9.+-]*"))
        return case((numeric, cast(amount, Float)), else_=None)
    return {"age": ReviewItem.created_at, "score": ReviewItem.best_score, "country": ReviewItem.country,
            "status": ReviewItem.status, "disbursement": ReviewItem.disbursement_id}[sort]


def _conditions(query: QueueFilter, now: datetime) -> list:
    conditions = []
    if query.status:
        conditions.append(ReviewItem.status == query.status)
    if query.program and query.program.strip():
        conditions.append(ReviewItem.programs.contains(f" {query.program.strip().upper()} "))
    if query.country and query.country.strip():
        conditions.append(func.upper(ReviewItem.country) == query.country.strip().upper())
    if query.min_score is not None:
        conditions.append(ReviewItem.best_score >= query.min_score)
    if query.max_score is not None:
        conditions.append(ReviewItem.best_score <= query.max_score)
    if query.min_age_days is not None:
        conditions.append(ReviewItem.created_at <= now - timedelta(days=query.min_age_days))
    if query.max_age_days is not None:
        conditions.append(ReviewItem.created_at >= now - timedelta(days=query.max_age_days))
    if query.source and query.source.strip():
        source = query.source.strip().lower()
        conditions.append((func.lower(ReviewItem.list_source) == source)
                          | func.lower(SourceFile.path).contains(source, autoescape=True))
    if query.assignee:
        conditions.append(ReviewItem.assignee == query.assignee)
    if query.party_key:
        conditions.append(ReviewItem.party_key == query.party_key)
    if query.entity_id:
        conditions.append(ReviewItem.entity_id == query.entity_id)
    return conditions


def _row(item: ReviewItem, payee: str | None, amount: str | None, currency: str | None, award: str | None,
         path: str | None, role: str | None, party_name: str | None, listed_name: str | None,
         now: datetime) -> QueueRow:
    created = item.created_at if item.created_at.tzinfo else item.created_at.replace(tzinfo=timezone.utc)
    return QueueRow(item_id=item.id, status=item.status, disbursement_id=item.disbursement_id, payee_name=payee,
                    score=item.best_score, amount=amount, currency=currency, country=item.country,
                    programs=item.programs.split(), terrorist=item.terrorist, entity_id=item.entity_id,
                    list_source=item.list_source, source_file=path, assignee=item.assignee, created_at=created,
                    age_days=max(0.0, (now - created).total_seconds() / 86400), run_id=item.run_id,
                    last_run_id=item.last_run_id, reason=item.reason, version=item.version,
                    party_key=item.party_key, party_role=role or ("payee" if item.party_key else None),
                    party_name=party_name, listed_name=listed_name, award_id=award)
