"""The whitelist ("good-guy list"): (party, listed entity) pairs confirmed as false positives.

An entry is bound to the content hash of the party and of the listed entity at the time of the
approved release. It clears the pair in later runs only while both hashes are unchanged, the
entry is unexpired (AIDVET_WHITELIST_DAYS, default 365) and not revoked; any change sends the
pair back to review.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from aidvet.audit import chain
from aidvet.review import ReviewError
from aidvet.review.roles import Actor
from aidvet.store.models import ListEntity, Party, ReviewDecision, ReviewItem, ScreeningHit, WhitelistEntry

DEFAULT_VALID_DAYS = 365


def valid_days() -> int:
    raw = os.environ.get("AIDVET_WHITELIST_DAYS", str(DEFAULT_VALID_DAYS))
    try:
        days = int(raw)
    except ValueError:
        raise ReviewError(f"AIDVET_WHITELIST_DAYS: a whole number of days, not {raw!r}") from None
    if days <= 0:
        raise ReviewError(f"AIDVET_WHITELIST_DAYS: a positive number of days, not {days}")
    return days


def is_whitelisted(session: Session, party_key: str, entity_id: str, party_hash: str, entity_hash: str,
                   now: datetime) -> WhitelistEntry | None:
    """The entry clearing this pair with exactly this content at `now`, if any (`now` in the past
    gives the whitelist as it stood then: a replay of an old run sees the entries of its day)."""
    now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    return session.scalar(
        select(WhitelistEntry)
        .where(WhitelistEntry.party_key == party_key, WhitelistEntry.entity_id == entity_id,
               WhitelistEntry.party_hash == party_hash, WhitelistEntry.entity_hash == entity_hash,
               WhitelistEntry.created_at <= now, WhitelistEntry.expires_at > now,
               or_(WhitelistEntry.revoked_at.is_(None), WhitelistEntry.revoked_at > now))
        .order_by(WhitelistEntry.expires_at.desc()).limit(1))


def whitelist_for_hit(session: Session, hit: ScreeningHit, now: datetime) -> WhitelistEntry | None:
    """is_whitelisted for a stored screening hit, looking up both content hashes."""
    from aidvet.review.queue import entity_hash, party_hash

    return is_whitelisted(session, hit.party_key, hit.entity_id, party_hash(session, hit.party_key),
                          entity_hash(session, hit.list_version_id, hit.entity_id), now)


def clearing_entries(session: Session, hits: list[ScreeningHit], now: datetime) -> list[WhitelistEntry] | None:
    """The entries that clear every one of `hits` (pass the hits at or above the hold threshold),
    or None when any of them is not whitelisted with its current content."""
    entries = []
    for hit in hits:
        entry = whitelist_for_hit(session, hit, now)
        if entry is None:
            return None
        entries.append(entry)
    return entries if entries else None


def add_for_release(session: Session, item: ReviewItem, record: ReviewDecision, now: datetime) -> list[WhitelistEntry]:
    """One entry per (party, entity) pair behind an approved release, bound to today's content."""
    from aidvet.review.queue import entity_hash, party_hash

    hits = session.scalars(select(ScreeningHit).where(ScreeningHit.run_id == item.last_run_id,
                                                      ScreeningHit.disbursement_id == item.disbursement_id))
    pairs = {(hit.party_key, hit.entity_id): hit for hit in hits}
    if not pairs:
        raise ReviewError(f"review item {item.id} has no screening hit to whitelist (screening was unavailable)")
    expires = now + timedelta(days=valid_days())
    entries = []
    for (party_key, entity_id), hit in sorted(pairs.items()):
        party = session.get(Party, party_key)
        entity = session.get(ListEntity, (hit.list_version_id, entity_id))
        entry = WhitelistEntry(party_key=party_key, entity_id=entity_id, party_hash=party_hash(session, party_key),
                               entity_hash=entity_hash(session, hit.list_version_id, entity_id),
                               party_name=party.name if party else party_key.removeprefix("name:"),
                               entity_name=entity.name if entity else hit.matched_name, item_id=item.id,
                               justification=record.justification, decided_by=record.decided_by,
                               approved_by=record.approved_by, created_at=now, expires_at=expires)
        session.add(entry)
        entries.append(entry)
    session.flush()
    for entry in entries:
        chain.append(session, "whitelist.added", actor=record.approved_by or "aidvet", run_id=item.last_run_id,
                     subject=f"whitelist:{entry.id}",
                     payload={"party_key": entry.party_key, "entity_id": entry.entity_id,
                              "party_hash": entry.party_hash, "entity_hash": entry.entity_hash,
                              "expires_at": entry.expires_at, "item_id": item.id, "decided_by": entry.decided_by})
    return entries


def revoke(session: Session, entry_id: int, user: Actor, reason: str, now: datetime | None = None) -> WhitelistEntry:
    """An approver (or admin) revokes an entry; the pair goes back to review in the next run."""
    now = now or datetime.now(timezone.utc)
    if not isinstance(user, Actor):
        raise ReviewError(f"revoking a whitelist entry needs an authenticated user, not a typed name ({user!r})")
    user.require("revoke_whitelist")
    user = user.name
    if not (reason or "").strip():
        raise ReviewError("revoking a whitelist entry needs a reason")
    entry = session.get(WhitelistEntry, entry_id)
    if entry is None:
        raise ReviewError(f"no whitelist entry {entry_id}")
    if entry.revoked_at is not None:
        raise ReviewError(f"whitelist entry {entry_id} was already revoked by {entry.revoked_by}")
    entry.revoked_at, entry.revoked_by, entry.revoke_reason = now, user.strip(), reason.strip()
    session.flush()
    chain.append(session, "whitelist.revoked", actor=entry.revoked_by, subject=f"whitelist:{entry.id}",
                 payload={"party_key": entry.party_key, "entity_id": entry.entity_id, "reason": entry.revoke_reason})
    return entry


@dataclass
class EntryView:
    entry: WhitelistEntry
    state: str  # active | expired | revoked


def search(session: Session, text: str | None = None, include_inactive: bool = True,
           now: datetime | None = None) -> list[EntryView]:
    """Entries whose party or entity key or name contains `text` (case-insensitive), newest first."""
    now = now or datetime.now(timezone.utc)
    query = select(WhitelistEntry).order_by(WhitelistEntry.created_at.desc(), WhitelistEntry.id.desc())
    if text and text.strip():
        pattern = f"%{text.strip().lower()}%"
        columns = (WhitelistEntry.party_key, WhitelistEntry.entity_id, WhitelistEntry.party_name,
                   WhitelistEntry.entity_name)
        query = query.where(or_(*(column.ilike(pattern) for column in columns)))
    views = [EntryView(entry, state_of(entry, now)) for entry in session.scalars(query)]
    return views if include_inactive else [view for view in views if view.state == "active"]


def state_of(entry: WhitelistEntry, now: datetime) -> str:
    if entry.revoked_at is not None:
        return "revoked"
    expires = entry.expires_at if entry.expires_at.tzinfo else entry.expires_at.replace(tzinfo=timezone.utc)
    return "active" if expires > now else "expired"


def stale_entries(session: Session, party_key: str, entity_id: str, party_hash: str, entity_hash: str,
                  now: datetime) -> list[tuple[WhitelistEntry, list[str]]]:
    """Unrevoked entries for this pair that no longer apply, each with why (for the item page)."""
    found = []
    for entry in session.scalars(select(WhitelistEntry).where(WhitelistEntry.party_key == party_key,
                                                              WhitelistEntry.entity_id == entity_id,
                                                              WhitelistEntry.revoked_at.is_(None))):
        why = []
        if entry.party_hash != party_hash:
            why.append("the party's details changed")
        if entry.entity_hash != entity_hash:
            why.append("the listed entity changed")
        if state_of(entry, now) == "expired":
            why.append("the entry expired")
        if why:
            found.append((entry, why))
    return found
