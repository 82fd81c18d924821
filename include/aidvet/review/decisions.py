"""Reviewers' decisions with four-eyes: release (false positive), block (confirmed match), escalate.

A release takes effect only when a second, different person (after confusable folding, see
identity.py) with the approver role approves it; a release of a hit on an FTO/SDGT-designated
entity also needs the approver's written escalation note. The approver may approve the release
and decline its whitelist request. Every action is taken by an authenticated `Actor` whose roles
allow it (roles.py). Every status change is
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
from aidvet.review import content
from aidvet.review import FourEyesViolation, ReviewConflict, ReviewError, subject, whitelist
from aidvet.review.identity import same_person
from aidvet.review.roles import Actor
from aidvet.store.models import Decision, ListEntity, ReviewDecision, ReviewItem, Run, ScreeningHit

RELEASE_REASONS = {  # fitted to the kind of listed entity the item was held on
    "individual": ("different_person", "date_of_birth_differs", "nationality_differs", "common_name", "other"),
    "organization": ("different_entity", "registration_differs", "location_differs", "common_name", "other"),
}
REASON_CODES = {
    "release": tuple(dict.fromkeys(RELEASE_REASONS["individual"] + RELEASE_REASONS["organization"])),
    "block": ("confirmed_match", "identifier_match", "linked_entity", "other"),
    "escalate": ("needs_legal_review", "insufficient_data", "other"),
    "reject": ("confirmed_match", "linked_entity", "other"),
}
DECISIONS = tuple(REASON_CODES)
DECIDABLE_FROM = ("pending", "escalated")
STATUS_AFTER = {"release": "decided", "block": "blocked", "escalate": "escalated", "reject": "rejected"}


def reason_codes_for(session: Session, item: ReviewItem) -> dict[str, tuple[str, ...]]:
    """The reason codes that fit this item: release reasons follow the listed entity's kind; an
    item held without a hit (screening unavailable) cannot be released at all."""
    if item.entity_id is None:
        return {decision: codes for decision, codes in REASON_CODES.items() if decision != "release"}
    kind = session.scalar(select(ListEntity.kind).join(ScreeningHit, (ScreeningHit.list_version_id == ListEntity.version_id)
                                                      & (ScreeningHit.entity_id == ListEntity.entity_id))
                          .where(ScreeningHit.run_id == item.last_run_id,
                                 ScreeningHit.disbursement_id == item.disbursement_id,
                                 ScreeningHit.entity_id == item.entity_id).limit(1))
    release = RELEASE_REASONS["individual" if (kind or "").lower() in ("individual", "person") else "organization"]
    return {**REASON_CODES, "release": release}


def decide(session: Session, item_id: int, decision: str, reason_code: str, justification: str, user: Actor, *,
           expected_version: int | None = None, whitelist_pair: bool = False,
           now: datetime | None = None) -> ReviewDecision:
    """Record `user`'s decision. A release waits for approval (status 'decided'); block and
    escalate take effect at once. `expected_version` is the version the user looked at."""
    now = now or datetime.now(timezone.utc)
    _actor(user).require("decide")
    _check_decision(decision, reason_code, justification)
    item = _item(session, item_id)
    if item.status not in DECIDABLE_FROM:
        raise ReviewConflict(f"review item {item_id} is {item.status}, not open for a decision"
                             + (" (a release awaits approval)" if item.status == "decided" else ""))
    if decision == "release" and item.entity_id is None and (item.reason or "").startswith("screening unavailable"):
        raise ReviewError(f"review item {item_id} was held because screening was unavailable ({item.reason}): "
                          "it cannot be released unscreened; the next run with a usable list screens it again")
    fitting = reason_codes_for(session, item)[decision]
    if reason_code not in fitting:
        raise ReviewError(f"reason code {reason_code!r} does not fit a {decision} of this hit; expected one of "
                          f"{', '.join(fitting)}")
    user = user.name
    _change_status(session, item, DECIDABLE_FROM, STATUS_AFTER[decision], expected_version, now)
    record = ReviewDecision(item_id=item.id, decision=decision, reason_code=reason_code,
                            justification=justification.strip(), whitelist=whitelist_pair and decision == "release",
                            decided_by=user, decided_at=now,
                            state="awaiting_approval" if decision == "release" else "effective",
                            content_hash=content.current_hash(session, item.disbursement_id))
    session.add(record)
    if decision != "release":
        _record_outcome(session, item, STATUS_AFTER[decision], record, user, now)
    session.flush()
    chain.append(session, "review.decided", actor=user, run_id=item.last_run_id, subject=subject(item.id),
                 payload={**_in_force(session, item), "decision_id": record.id, "decision": decision,
                          "reason_code": reason_code,
                          "justification": record.justification, "whitelist": record.whitelist,
                          "disbursement_id": item.disbursement_id, "status": item.status})
    return record


def approve(session: Session, item_id: int, user: Actor, *, note: str | None = None, whitelist_pair: bool = True,
            expected_version: int | None = None, now: datetime | None = None) -> ReviewDecision:
    """A second person with the approver role approves a pending release: the item is released,
    and whitelisted if the decider asked and the approver does not decline (`whitelist_pair=False`).
    A release of a hit on an FTO/SDGT-designated entity needs `note`: the written escalation note."""
    now = now or datetime.now(timezone.utc)
    _actor(user).require("approve")
    item = _item(session, item_id)
    record = _awaiting_approval(session, item)
    _check_second_person(record, user, item_id, "approve")
    note = (note or "").strip() or None
    if item.terrorist and not note:
        raise ReviewError(f"review item {item_id} was held on an FTO/SDGT-designated entity: approving its release "
                          "needs a written escalation note (who was consulted, why it is not the designated party)")
    if record.content_hash != content.current_hash(session, item.disbursement_id):
        raise ReviewConflict(f"disbursement {item.disbursement_id} changed (payee, amount, currency, award or date) "
                             f"since {record.decided_by} decided to release review item {item_id}: decide it again")
    user = user.name
    _change_status(session, item, ("decided",), "released", expected_version, now)
    record.state, record.approved_by, record.approved_at, record.approval_note = "effective", user, now, note
    whitelist_declined = record.whitelist and not whitelist_pair
    record.whitelist = record.whitelist and whitelist_pair
    _record_outcome(session, item, "released", record, f"{record.decided_by}, approved by {user}", now)
    entries = whitelist.add_for_release(session, item, record, now) if record.whitelist else []
    session.flush()
    chain.append(session, "review.approved", actor=user, run_id=item.last_run_id, subject=subject(item.id),
                 payload={**_in_force(session, item), "decision_id": record.id, "decided_by": record.decided_by,
                          "note": record.approval_note, "escalation_note": note if item.terrorist else None,
                          "disbursement_id": item.disbursement_id, "status": item.status,
                          "whitelist_declined": whitelist_declined,
                          "whitelist_entry_ids": [entry.id for entry in entries]})
    return record


def reject(session: Session, item_id: int, user: Actor, note: str, *, expected_version: int | None = None,
           now: datetime | None = None) -> ReviewDecision:
    """A second person with the approver role sends a pending release back to the queue."""
    now = now or datetime.now(timezone.utc)
    _actor(user).require("approve")
    if not (note or "").strip():
        raise ReviewError("a rejection needs a note saying why")
    item = _item(session, item_id)
    record = _awaiting_approval(session, item)
    _check_second_person(record, user, item_id, "reject")
    user = user.name
    _change_status(session, item, ("decided",), "pending", expected_version, now)
    record.state, record.approved_by, record.approved_at, record.approval_note = "rejected", user, now, note.strip()
    session.flush()
    chain.append(session, "review.rejected", actor=user, run_id=item.last_run_id, subject=subject(item.id),
                 payload={**_in_force(session, item), "decision_id": record.id, "decided_by": record.decided_by,
                          "note": record.approval_note, "disbursement_id": item.disbursement_id})
    return record


def assign(session: Session, item_id: int, assignee: str | None, user: Actor) -> ReviewItem:
    """Set who works on an item (not a status change: it does not bump the item's version)."""
    _actor(user).require("assign")
    user = user.name
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


def _actor(user: Actor) -> Actor:
    if not isinstance(user, Actor):
        raise ReviewError("a review action needs an authenticated user (an Actor from the auth manager), "
                          f"not a typed name ({user!r})")
    return user


def _check_second_person(record: ReviewDecision, user: Actor, item_id: int, action: str) -> None:
    if same_person(record.decided_by, user.name):
        raise FourEyesViolation(f"{user.name} decided this release of review item {item_id} (as {record.decided_by})"
                                f" and cannot {action} it: a second, different person must {action}")


def _in_force(session: Session, item: ReviewItem) -> dict:
    """The policy and list versions under which the item was held: recorded with every human decision."""
    run = session.get(Run, item.last_run_id)
    return {"policy_hash": run.policy_hash if run else None,
            "list_version_ids": list(run.list_version_ids or []) if run else []}


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
    in_force = _in_force(session, item)
    session.add(Decision(run_id=item.last_run_id, disbursement_id=item.disbursement_id, outcome=outcome,
                         reason=f"{record.decision} ({record.reason_code}): {record.justification}",
                         decided_by=decided_by[:120], decided_at=now, score=item.best_score,
                         policy_hash=in_force["policy_hash"], list_version_ids=in_force["list_version_ids"]))


def group_items(session: Session, party_key: str, entity_id: str, statuses: tuple[str, ...]) -> list[ReviewItem]:
    """The items of one (party, listed entity) group in the given statuses, oldest first."""
    if not party_key or not entity_id:
        raise ReviewError("a group is one party and one listed entity: both are needed")
    return list(session.scalars(select(ReviewItem).where(ReviewItem.party_key == party_key,
                                                         ReviewItem.entity_id == entity_id,
                                                         ReviewItem.status.in_(statuses))
                                .order_by(ReviewItem.id)))


def decide_group(session: Session, party_key: str, entity_id: str, decision: str, reason_code: str,
                 justification: str, user: Actor, *, whitelist_pair: bool = False,
                 now: datetime | None = None) -> list[ReviewDecision]:
    """The same decision and justification for every open item of a (party, listed entity) group,
    recorded (and audited) per item, all or nothing."""
    items = group_items(session, party_key, entity_id, DECIDABLE_FROM)
    if not items:
        raise ReviewConflict(f"no open item for party {party_key} and listed entity {entity_id}")
    return [decide(session, item.id, decision, reason_code, justification, user, expected_version=item.version,
                   whitelist_pair=whitelist_pair, now=now) for item in items]


def approve_group(session: Session, party_key: str, entity_id: str, user: Actor, *, note: str | None = None,
                  whitelist_pair: bool = True, now: datetime | None = None) -> list[ReviewDecision]:
    """Approve every release awaiting approval in a (party, listed entity) group, per item, all or nothing."""
    items = group_items(session, party_key, entity_id, ("decided",))
    if not items:
        raise ReviewConflict(f"no release awaiting approval for party {party_key} and listed entity {entity_id}")
    return [approve(session, item.id, user, note=note, whitelist_pair=whitelist_pair, expected_version=item.version,
                    now=now) for item in items]
