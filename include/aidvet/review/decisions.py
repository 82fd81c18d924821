"""Reviewers' decisions with four-eyes: release (false positive), block (confirmed match), escalate.

A release takes effect only when a second, different person approves it. Every status change is
a conditional UPDATE on the item's `version` (optimistic locking): of two people acting on the
same item at once exactly one succeeds, the other gets ReviewConflict. Each decision, approval
and rejection is stored, entered in the `decisions` table once it takes effect, and appended to
the audit chain in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from aidvet.audit import chain
from aidvet.review import FourEyesViolation, ReviewConflict, ReviewError, subject, whitelist
from aidvet.store.models import Decision, ReviewDecision, ReviewItem

REASON_CODES = {
    "release": ("different_person", "different_entity", "attributes_differ", "common_name", "other"),
    "block": ("confirmed_match", "identifier_match", "linked_entity", "other"),
    "escalate": ("needs_legal_review", "insufficient_data", "other"),
    "reject": ("confirmed_match", "linked_entity", "other"),
}
DECISIONS = tuple(REASON_CODES)
DECIDABLE_FROM = ("pending", "escalated")
STATUS_AFTER = {"release": "decided", "block": "blocked", "escalate": "escalated", "reject": "rejected"}


def decide(session: Session, item_id: int, decision: str, reason_code: str, justification: str, user: str, *,
           expected_version: int | None = None, whitelist_pair: bool = False,
           now: datetime | None = None) -> ReviewDecision:
    """Record `user`'s decision. A release waits for approval (status 'decided'); block and
    escalate take effect at once. `expected_version` is the version the user looked at."""
    now, user = now or datetime.now(timezone.utc), _user(user)
    _check_decision(decision, reason_code, justification)
    item = _item(session, item_id)
    if item.status not in DECIDABLE_FROM:
        raise ReviewConflict(f"review item {item_id} is {item.status}, not open for a decision"
                             + (" (a release awaits approval)" if item.status == "decided" else ""))
    if decision == "release" and item.entity_id is None and (item.reason or "").startswith("screening unavailable"):
        raise ReviewError(f"review item {item_id} was held because screening was unavailable ({item.reason}): "
                          "it cannot be released unscreened; the next run with a usable list screens it again")
    _change_status(session, item, DECIDABLE_FROM, STATUS_AFTER[decision], expected_version, now)
    record = ReviewDecision(item_id=item.id, decision=decision, reason_code=reason_code,
                            justification=justification.strip(), whitelist=whitelist_pair and decision == "release",
                            decided_by=user, decided_at=now,
                            state="awaiting_approval" if decision == "release" else "effective")
    session.add(record)
    if decision != "release":
        _record_outcome(session, item, STATUS_AFTER[decision], record, user, now)
    session.flush()
    chain.append(session, "review.decided", actor=user, run_id=item.last_run_id, subject=subject(item.id),
                 payload={"decision_id": record.id, "decision": decision, "reason_code": reason_code,
                          "justification": record.justification, "whitelist": record.whitelist,
                          "disbursement_id": item.disbursement_id, "status": item.status})
    return record


def approve(session: Session, item_id: int, user: str, *, note: str | None = None,
            expected_version: int | None = None, now: datetime | None = None) -> ReviewDecision:
    """A second person approves a pending release: the item is released (and whitelisted if asked)."""
    now, user = now or datetime.now(timezone.utc), _user(user)
    item = _item(session, item_id)
    record = _awaiting_approval(session, item)
    if record.decided_by.casefold() == user.casefold():
        raise FourEyesViolation(f"{user} decided this release of review item {item_id} and cannot approve it:"
                                " a second, different person must approve")
    _change_status(session, item, ("decided",), "released", expected_version, now)
    record.state, record.approved_by, record.approved_at = "effective", user, now
    record.approval_note = (note or "").strip() or None
    _record_outcome(session, item, "released", record, f"{record.decided_by}, approved by {user}", now)
    entries = whitelist.add_for_release(session, item, record, now) if record.whitelist else []
    session.flush()
    chain.append(session, "review.approved", actor=user, run_id=item.last_run_id, subject=subject(item.id),
                 payload={"decision_id": record.id, "decided_by": record.decided_by, "note": record.approval_note,
                          "disbursement_id": item.disbursement_id, "status": item.status,
                          "whitelist_entry_ids": [entry.id for entry in entries]})
    return record


def reject(session: Session, item_id: int, user: str, note: str, *, expected_version: int | None = None,
           now: datetime | None = None) -> ReviewDecision:
    """Send a pending release back to the queue (the second person disagrees, or its author withdraws it)."""
    now, user = now or datetime.now(timezone.utc), _user(user)
    if not (note or "").strip():
        raise ReviewError("a rejection needs a note saying why")
    item = _item(session, item_id)
    record = _awaiting_approval(session, item)
    _change_status(session, item, ("decided",), "pending", expected_version, now)
    record.state, record.approved_by, record.approved_at, record.approval_note = "rejected", user, now, note.strip()
    session.flush()
    chain.append(session, "review.rejected", actor=user, run_id=item.last_run_id, subject=subject(item.id),
                 payload={"decision_id": record.id, "decided_by": record.decided_by, "note": record.approval_note,
                          "disbursement_id": item.disbursement_id})
    return record


def assign(session: Session, item_id: int, assignee: str | None, user: str) -> ReviewItem:
    """Set who works on an item (not a status change: it does not bump the item's version)."""
    user = _user(user)
    item = _item(session, item_id)
    session.execute(update(ReviewItem).where(ReviewItem.id == item.id).values(assignee=assignee or None),
                    execution_options={"synchronize_session": False})
    session.refresh(item)
    chain.append(session, "review.assigned", actor=user, run_id=item.last_run_id, subject=subject(item.id),
                 payload={"assignee": item.assignee, "disbursement_id": item.disbursement_id})
    return item


def history(session: Session, item_id: int) -> list[ReviewDecision]:
    return list(session.scalars(select(ReviewDecision).where(ReviewDecision.item_id == item_id)
                                .order_by(ReviewDecision.decided_at, ReviewDecision.id)))


def _check_decision(decision: str, reason_code: str, justification: str) -> None:
    if decision not in REASON_CODES:
        raise ReviewError(f"unknown decision {decision!r}; expected one of {', '.join(DECISIONS)}")
    if reason_code not in REASON_CODES[decision]:
        raise ReviewError(f"reason code {reason_code!r} does not fit a {decision}; expected one of "
                          f"{', '.join(REASON_CODES[decision])}")
    if not (justification or "").strip():
        raise ReviewError("a justification is mandatory: say why, in words an auditor can follow")


def _user(user: str) -> str:
    user = (user or "").strip()
    if not user:
        raise ReviewError("every review action needs the acting user's name")
    return user


def _item(session: Session, item_id: int) -> ReviewItem:
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise ReviewError(f"no review item {item_id}")
    return item


def _awaiting_approval(session: Session, item: ReviewItem) -> ReviewDecision:
    record = session.scalar(select(ReviewDecision).where(ReviewDecision.item_id == item.id,
                                                         ReviewDecision.state == "awaiting_approval")
                            .order_by(ReviewDecision.id.desc()).limit(1))
    if item.status != "decided" or record is None:
        raise ReviewConflict(f"review item {item.id} is {item.status}: there is no release awaiting approval")
    return record


def _change_status(session: Session, item: ReviewItem, allowed: tuple[str, ...], status: str,
                   expected_version: int | None, now: datetime) -> None:
    """The optimistic lock: change the row only if nobody changed it since `expected_version`."""
    version = item.version if expected_version is None else expected_version
    statement = (update(ReviewItem)
                 .where(ReviewItem.id == item.id, ReviewItem.version == version, ReviewItem.status.in_(allowed))
                 .values(status=status, version=version + 1, updated_at=now))
    try:
        changed = session.execute(statement, execution_options={"synchronize_session": False}).rowcount
    except OperationalError as error:  # SQLite: another writer holds the database or moved past our snapshot
        if "locked" in str(error).lower() or "busy" in str(error).lower():
            raise ReviewConflict(f"review item {item.id} is being changed by someone else right now; "
                                 "reload it and try again") from None
        raise
    if changed != 1:
        session.refresh(item)
        raise ReviewConflict(f"review item {item.id} was changed by someone else (it is now {item.status}, "
                             f"version {item.version}; you saw version {version}): reload it and decide again")
    session.refresh(item)


def _record_outcome(session: Session, item: ReviewItem, outcome: str, record: ReviewDecision, decided_by: str,
                    now: datetime) -> None:
    """Enter a person's effective decision in the run's `decisions` table (beside the policy's)."""
    session.add(Decision(run_id=item.last_run_id, disbursement_id=item.disbursement_id, outcome=outcome,
                         reason=f"{record.decision} ({record.reason_code}): {record.justification}",
                         decided_by=decided_by[:120], decided_at=now, score=item.best_score))
