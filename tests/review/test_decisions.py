from __future__ import annotations

import pytest
from sqlalchemy import select

from aidvet.audit import chain
from aidvet.review import FourEyesViolation, ReviewConflict, ReviewError, decisions, subject
from aidvet.store.db import session_scope
from aidvet.store.models import AuditEvent, Decision, ReviewDecision, ReviewItem


def _item_id(url, disbursement_id="D1") -> int:
    with session_scope(url) as session:
        return session.scalar(select(ReviewItem.id).where(ReviewItem.disbursement_id == disbursement_id))


def _status(url, item_id) -> str:
    with session_scope(url) as session:
        return session.get(ReviewItem, item_id).status


def _release(url, item_id, user="alice", **kwargs):
    with session_scope(url) as session:
        return decisions.decide(session, item_id, "release", "different_person",
                                "Payee is a water utility; the listed cartel shares two words only", user, **kwargs)


def test_release_takes_effect_only_when_a_second_person_approves(queued_store):
    item_id = _item_id(queued_store)
    _release(queued_store, item_id)
    assert _status(queued_store, item_id) == "decided"
    with session_scope(queued_store) as session:
        assert not session.scalars(select(Decision).where(Decision.decided_by != "policy")).all()
        decisions.approve(session, item_id, "bob", note="checked the registry")
    assert _status(queued_store, item_id) == "released"
    with session_scope(queued_store) as session:
        human = session.scalars(select(Decision).where(Decision.decided_by != "policy")).one()
        assert (human.outcome, human.decided_by, human.run_id) == ("released", "alice, approved by bob", "run-1")
        record = session.scalars(select(ReviewDecision)).one()
        assert (record.state, record.approved_by) == ("effective", "bob")
        events = session.execute(select(AuditEvent.kind, AuditEvent.actor)
                                 .where(AuditEvent.subject == subject(item_id)).order_by(AuditEvent.seq)).all()
        assert [tuple(e) for e in events] == [("review.queued", "aidvet"), ("review.decided", "alice"),
                                              ("review.approved", "bob")]
        assert chain.verify(session).ok


@pytest.mark.parametrize("approver", ["alice", " ALICE "])
def test_nobody_approves_their_own_release(queued_store, approver):
    item_id = _item_id(queued_store)
    _release(queued_store, item_id)
    with pytest.raises(FourEyesViolation, match="cannot approve"):
        with session_scope(queued_store) as session:
            decisions.approve(session, item_id, approver)
    assert _status(queued_store, item_id) == "decided"


def test_block_and_escalate_take_effect_at_once(queued_store):
    d1, d2 = _item_id(queued_store, "D1"), _item_id(queued_store, "D2")
    with session_scope(queued_store) as session:
        decisions.decide(session, d1, "block", "confirmed_match", "RFC matches the listed one", "alice")
        decisions.decide(session, d2, "escalate", "needs_legal_review", "Ownership unclear", "alice")
    assert (_status(queued_store, d1), _status(queued_store, d2)) == ("blocked", "escalated")
    with session_scope(queued_store) as session:  # an escalated item can be decided again, by anyone
        decisions.decide(session, d2, "release", "different_entity", "Legal confirmed a different entity", "carol")
        decisions.approve(session, d2, "alice")
    assert _status(queued_store, d2) == "released"
    with pytest.raises(ReviewConflict, match="blocked, not open"):
        with session_scope(queued_store) as session:
            decisions.decide(session, d1, "release", "other", "changed my mind", "bob")


@pytest.mark.parametrize("decision, reason, justification, message", [
    ("release", "different_person", "   ", "justification is mandatory"),
    ("release", "confirmed_match", "x", "does not fit a release"),
    ("approve", "other", "x", "unknown decision"),
])
def test_decisions_need_a_valid_reason_and_a_justification(queued_store, decision, reason, justification, message):
    with pytest.raises(ReviewError, match=message):
        with session_scope(queued_store) as session:
            decisions.decide(session, _item_id(queued_store), decision, reason, justification, "alice")


def test_rejected_release_goes_back_to_pending(queued_store):
    item_id = _item_id(queued_store)
    _release(queued_store, item_id)
    with session_scope(queued_store) as session:
        decisions.reject(session, item_id, "bob", "the RFC in remarks matches")
    assert _status(queued_store, item_id) == "pending"
    with pytest.raises(ReviewConflict, match="no release awaiting approval"):
        with session_scope(queued_store) as session:
            decisions.approve(session, item_id, "bob")


def test_a_stale_version_is_a_conflict(queued_store):
    item_id = _item_id(queued_store)
    _release(queued_store, item_id, expected_version=1)
    with session_scope(queued_store) as session:
        decisions.reject(session, item_id, "bob", "no")
    with pytest.raises(ReviewConflict, match="changed by someone else"):
        _release(queued_store, item_id, user="carol", expected_version=1)  # carol's page showed version 1
    with session_scope(queued_store) as session:
        assert len(session.scalars(select(ReviewDecision)).all()) == 1


def test_assignment_does_not_bump_the_version(queued_store):
    item_id = _item_id(queued_store)
    with session_scope(queued_store) as session:
        item = decisions.assign(session, item_id, "alice", "lead")
        assert (item.assignee, item.version) == ("alice", 1)
    _release(queued_store, item_id, expected_version=1)


def test_an_item_held_because_screening_was_unavailable_cannot_be_released(store_url):
    from review_builders import add_base

    from aidvet.review import queue
    from aidvet.store.models import Run, RunItem

    with session_scope(store_url) as session:
        add_base(session)
        session.add(Run(run_id="blind", status="succeeded", list_version_ids=[],
                        screening_unavailable="screening unavailable: no fresh ofac list"))
        session.flush()
        session.add(RunItem(run_id="blind", disbursement_id="D3", outcome="held",
                            reason="screening unavailable: no fresh ofac list"))
        session.flush()
        assert queue.sync_queue(session, "blind").queued == 1
        item_id = session.scalar(select(ReviewItem.id))
    with pytest.raises(ReviewError, match="cannot be released unscreened"):
        _release(store_url, item_id)
    with session_scope(store_url) as session:
        decisions.decide(session, item_id, "escalate", "insufficient_data", "wait for the list", "alice")
