"""Everything a reviewer needs on one item: the disbursement, each screened party beside the
listed entity it matched (with the matched tokens), the list version, whitelist entries that no
longer apply, and the item's history from the audit chain."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from anyascii import anyascii
from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.review import ReviewError, subject, whitelist
from aidvet.review.queue import entity_hash, party_hash
from aidvet.store.models import (AuditEvent, Disbursement, ListEntity, ListVersion, Party, ReviewDecision, ReviewItem,
                                 ScreeningHit, SourceFile)

WORD = re.compile(r"[\w'’-]+|[^\w'’-]+", re.UNICODE)


@dataclass
class Segment:
    """A piece of a name; `matched` when it is one of the tokens the screening paired."""
    text: str
    matched: bool


@dataclass
class HitEvidence:
    hit: ScreeningHit
    party: dict[str, Any]
    entity: dict[str, Any]  # Entity.to_dict() of the listed entity, as stored in the list version
    version: ListVersion
    party_segments: list[Segment]
    entity_segments: list[Segment]
    token_pairs: list[dict[str, Any]]
    attributes: list[dict[str, Any]]  # date of birth / country / identifier / kind checks: agrees, conflicts...
    stale_whitelist: list[tuple[Any, list[str]]] = field(default_factory=list)


@dataclass
class ItemEvidence:
    item: ReviewItem
    disbursement: Disbursement
    source_file: SourceFile | None
    hits: list[HitEvidence]
    decisions: list[ReviewDecision]
    events: list[AuditEvent]


def item_evidence(session: Session, item_id: int, now: datetime | None = None) -> ItemEvidence:
    now = now or datetime.now(timezone.utc)
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise ReviewError(f"no review item {item_id}")
    disbursement = session.get(Disbursement, item.disbursement_id)
    hits = session.scalars(select(ScreeningHit).where(ScreeningHit.run_id == item.last_run_id,
                                                      ScreeningHit.disbursement_id == item.disbursement_id)
                           .order_by(ScreeningHit.score.desc(), ScreeningHit.id)).all()
    return ItemEvidence(
        item=item, disbursement=disbursement,
        source_file=session.get(SourceFile, disbursement.source_file_id) if disbursement else None,
        hits=[_hit_evidence(session, hit, disbursement, now) for hit in hits],
        decisions=list(session.scalars(select(ReviewDecision).where(ReviewDecision.item_id == item.id)
                                       .order_by(ReviewDecision.id))),
        events=list(session.scalars(select(AuditEvent).where(AuditEvent.subject == subject(item.id))
                                    .order_by(AuditEvent.seq))),
    )


def _hit_evidence(session: Session, hit: ScreeningHit, disbursement: Disbursement | None, now: datetime) -> HitEvidence:
    party = session.get(Party, hit.party_key)
    party_fields = ({"party_key": party.party_key, "name": party.name, "kind": party.kind, "role": party.role,
                     "country": party.country, "date_of_birth": party.date_of_birth, "id_number": party.id_number,
                     "id_type": party.id_type, "nationality": party.nationality, "parent_key": party.parent_key}
                    if party else {"party_key": hit.party_key, "name": hit.party_key.removeprefix("name:"),
                                   "role": "payee (known by name only)",
                                   "country": disbursement.country if disbursement else None})
    listed = session.get(ListEntity, (hit.list_version_id, hit.entity_id))
    entity = dict(listed.data) if listed else {"id": hit.entity_id, "name": hit.matched_name}
    name_details = (hit.details or {}).get("name", {}) or {}
    pairs = [pair for pair in name_details.get("token_pairs", []) if isinstance(pair, dict)]
    input_tokens = {str(pair.get("input", "")) for pair in pairs}
    list_tokens = {str(pair.get("list", "")) for pair in pairs}
    stale = whitelist.stale_entries(session, hit.party_key, hit.entity_id, party_hash(session, hit.party_key),
                                    entity_hash(session, hit.list_version_id, hit.entity_id), now)
    return HitEvidence(hit=hit, party=party_fields, entity=entity, version=session.get(ListVersion, hit.list_version_id),
                       party_segments=highlight(party_fields.get("name") or "", input_tokens),
                       entity_segments=highlight(hit.matched_name or "", list_tokens),
                       token_pairs=pairs, stale_whitelist=stale,
                       attributes=[check for check in (hit.details or {}).get("attributes", []) if isinstance(check, dict)])


def highlight(name: str, tokens: set[str]) -> list[Segment]:
    """Split a name as written into segments, marking the words whose normalized form is a matched
    token (the screening compares lower-case ASCII tokens)."""
    wanted = {token.lower() for token in tokens if token}
    return [Segment(piece, _normalized(piece) in wanted) for piece in WORD.findall(name)]


def _normalized(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", anyascii(word).lower())
