"""The hash-chained audit trail: append an event, verify the whole chain.

Each event's hash covers its own fields and its predecessor's hash, so editing, deleting or
reordering any stored event breaks every hash after it. The first event chains to GENESIS.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from aidvet.audit.signing import sign
from aidvet.store.models import AuditEvent

GENESIS = "0" * 64


def event_hash(prev_hash: str, at: datetime, actor: str, kind: str, run_id: str | None, subject: str | None,
               payload: dict[str, Any]) -> str:
    body = json.dumps(
        [prev_hash, _iso(at), actor, kind, run_id, subject, payload],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _iso(at: datetime) -> str:
    # SQLite hands timestamps back naive; they were written in UTC.
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).isoformat(timespec="microseconds")


def append(session: Session, kind: str, *, actor: str = "aidvet", run_id: str | None = None,
           subject: str | None = None, payload: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event inside the caller's transaction (it commits or rolls back with the action)."""
    return append_many(session, [dict(kind=kind, actor=actor, run_id=run_id, subject=subject, payload=payload)])[0]


def append_many(session: Session, events: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append events in order (each a dict of `append`'s keyword arguments, with `kind`), taking
    the appender's lock and reading the chain's head once."""
    if not events:
        return []
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(727274)"))  # one appender at a time
    last = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1))
    prev_hash = last or GENESIS
    appended = []
    for spec in events:
        kind, actor = spec["kind"], spec.get("actor") or "aidvet"
        run_id, subject = spec.get("run_id"), spec.get("subject")
        at = datetime.now(timezone.utc)
        payload = json.loads(json.dumps(spec.get("payload") or {}, default=str))
        event = AuditEvent(at=at, actor=actor, kind=kind, run_id=run_id, subject=subject, payload=payload,
                           prev_hash=prev_hash, hash=event_hash(prev_hash, at, actor, kind, run_id, subject, payload))
        event.signature = sign(event.hash)  # None without AIDVET_AUDIT_KEY
        session.add(event)
        session.flush()  # one at a time: the sequence number must follow the chain's order
        appended.append(event)
        prev_hash = event.hash
    return appended


@dataclass
class Verification:
    ok: bool
    events: int
    first_bad_seq: int | None = None
    problem: str | None = None


def verify(session: Session) -> Verification:
    """Walk the chain in sequence order; name the first event that does not follow from the one before."""
    prev_hash, count = GENESIS, 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        count += 1
        if event.prev_hash != prev_hash:
            return Verification(False, count, event.seq, "does not chain to the event before it (missing or reordered event)")
        expected = event_hash(event.prev_hash, event.at, event.actor, event.kind, event.run_id, event.subject, event.payload)
        if event.hash != expected:
            return Verification(False, count, event.seq, "its content does not match its hash (altered event)")
        prev_hash = event.hash
    return Verification(True, count)


def head(session: Session) -> dict[str, Any] | None:
    """The newest event's sequence number and hash: an anchor a manifest keeps, so a later
    truncation of the trail (deleting its newest events) is detectable."""
    last = session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    return {"seq": last.seq, "hash": last.hash} if last else None


def check_anchor(session: Session, anchor: dict[str, Any]) -> bool:
    event = session.get(AuditEvent, anchor["seq"])
    return event is not None and event.hash == anchor["hash"]
