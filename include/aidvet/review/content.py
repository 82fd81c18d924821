"""What a release approves: the disbursement's payment content, as one hash.

A released decision is bound to this hash when it is made; a later row with the same id but a
different payee, amount, currency, award or date does not inherit the release (see
`aidvet.review.published`).
"""

from __future__ import annotations

import hashlib
import json

CONTENT_FIELDS = ("payee_key", "payee_name", "amount", "currency", "award_id", "date")


def disbursement_content_hash(disbursement) -> str:
    """SHA-256 over the payment fields of a Disbursement row (or any mapping / object with them)."""
    get = disbursement.get if isinstance(disbursement, dict) or hasattr(disbursement, "keys") else \
        (lambda name: getattr(disbursement, name))
    fields = {name: get(name) for name in CONTENT_FIELDS}
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def current_hash(session, disbursement_id: str) -> str | None:
    """The content hash of the disbursement the store holds now under this id (None if none)."""
    from aidvet.store.models import Disbursement

    row = session.get(Disbursement, disbursement_id)
    return disbursement_content_hash(row) if row is not None else None


def void_changed_releases(session, actor: str = "aidvet") -> list[int]:
    """Effective releases whose disbursement no longer has the content they approved are voided:
    the decision's state becomes 'voided', the item 'superseded', and each is audited. Returns the
    voided review items' ids. A later, different row with a released id never inherits the release."""
    from sqlalchemy import select

    from aidvet.audit import chain
    from aidvet.review import subject
    from aidvet.store.models import ReviewDecision, ReviewItem

    voided = []
    query = (select(ReviewItem, ReviewDecision).join(ReviewDecision, ReviewDecision.item_id == ReviewItem.id)
             .where(ReviewItem.status == "released", ReviewDecision.decision == "release",
                    ReviewDecision.state == "effective").order_by(ReviewItem.id))
    for item, decision in session.execute(query).all():
        now_hash = current_hash(session, item.disbursement_id)
        if decision.content_hash == now_hash:
            continue
        decision.state, item.status, item.version = "voided", "superseded", item.version + 1
        chain.append(session, "review.release_voided", actor=actor, run_id=item.last_run_id, subject=subject(item.id),
                     payload={"decision_id": decision.id, "disbursement_id": item.disbursement_id,
                              "approved_content_hash": decision.content_hash, "current_content_hash": now_hash,
                              "reason": "the disbursement's payee, amount, currency, award or date changed "
                                        "after the release was approved"})
        voided.append(item.id)
    session.flush()
    return voided
