"""Two reviewers deciding the same item at the same moment, on separate connections (PostgreSQL:
row locks under READ COMMITTED; SQLite: one writer at a time, a stale snapshot cannot write)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from aidvet.review import ReviewConflict, decisions
from aidvet.store.db import session_scope
from aidvet.store.models import AuditEvent, ReviewDecision, ReviewItem


@pytest.mark.timeout(120)  # two reviewer threads
def test_two_users_deciding_at_once_record_exactly_one_decision(queued_store):
    with session_scope(queued_store) as session:
        item_id = session.scalar(select(ReviewItem.id).where(ReviewItem.disbursement_id == "D1"))
    both_read = threading.Barrier(2, timeout=20)
    outcomes: dict[str, object] = {}

    def reviewer(user: str, decision: str, reason: str) -> None:
        try:
            with session_scope(queued_store) as session:
                version = session.get(ReviewItem, item_id).version  # both saw version 1
                both_read.wait()
                decisions.decide(session, item_id, decision, reason, f"{user} looked at it", user,
                                 expected_version=version)
            outcomes[user] = "ok"
        except ReviewConflict as error:
            outcomes[user] = error

    threads = [threading.Thread(target=reviewer, args=("alice", "release", "different_person")),
               threading.Thread(target=reviewer, args=("bob", "block", "confirmed_match"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(type(value).__name__ if value != "ok" else "ok" for value in outcomes.values()) == \
        ["ReviewConflict", "ok"]
    loser = next(value for value in outcomes.values() if value != "ok")
    assert "changed by someone else" in str(loser)
    with session_scope(queued_store) as session:
        assert len(session.scalars(select(ReviewDecision)).all()) == 1
        assert len(session.scalars(select(AuditEvent).where(AuditEvent.kind == "review.decided")).all()) == 1
        assert session.get(ReviewItem, item_id).version == 2
