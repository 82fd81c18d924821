from __future__ import annotations

import pytest
from sqlalchemy import select

from aidvet.audit import chain
from aidvet.review import FourEyesViolation, ReviewConflict, ReviewError, decisions, subject
from aidvet.store.db import session_scope
from review_builders import approver, reviewer
from aidvet.store.models import AuditEvent, Decision, ReviewDecision, ReviewItem


def _item_id(url, disbursement_id="D1") -> int:
    with session_scope(url) as session:
        return session.scalar(select(ReviewItem.id).where(ReviewItem.disbursement_id == disbursement_id))


def _status(url, item_id) -> str:
    with session_scope(url) as session:
        return session.get(ReviewItem, item_id).status


def _release(url, item_id, user="alice", **kwargs):
    with session_scope(url) as session:
        return decisions.decide(session, item_id, "release", "different_entity",
                                "Payee is a water utility; the listed cartel shares two words only", reviewer(user),
                                **kwargs)


def test_release_takes_effect_only_when_a_second_person_approves(queued_store):
    item_id = _item_id(queued_store)
    _release(queued_store, item_id)
    assert _status(queued_store, item_id) == "decided"
    with session_scope(queued_store) as session:
        assert not session.scalars(select(Decision).where(Decision.decided_by != "policy")).all()
        decisions.approve(session, item_id, approver("bob"), note="checked the registry")
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


@pytest.mark.parametrize("name", ["alice", " ALICE ", "alic\u0435", "\uff41lice", "al\u200bice", "\u202ealice"])
def test_nobody_approves_their_own_release(queued_store, name):
    """Also not under a confusable spelling: Cyrillic e, full-width a, zero-width space, RTL override."""
    item_id = _item_id(queued_store)
    _release(queued_store, item_id)
    with pytest.raises(FourEyesViolation, match="cannot approve"):
        with session_scope(queued_store) as session:
            decisions.approve(session, item_id, approver(name), note="escalated to legal")
    with pytest.raises(FourEyesViolation, match="cannot reject"):
        with session_scope(queued_store) as session:
            decisions.reject(session, item_id, approver(name), "withdrawn")
    assert _status(queued_store, item_id) == "decided"


def test_block_and_escalate_take_effect_at_once(queued_store):
    d1, d2 = _item_id(queued_store, "D1"), _item_id(queued_store, "D2")
    with session_scope(queued_store) as session:
        decisions.decide(session, d1, "block", "confirmed_match", "RFC matches the listed one", reviewer("alice"))
        decisions.decide(session, d2, "escalate", "needs_legal_review", "Ownership unclear", reviewer("alice"))
    assert (_status(queued_store, d1), _status(queued_store, d2)) == ("blocked", "escalated")
    with session_scope(queued_store) as session:  # an escalated item can be decided again, by anyone
        decisions.decide(session, d2, "release", "different_entity", "Legal confirmed a different entity", reviewer("carol"))
        decisions.approve(session, d2, approver("alice"), note="legal: other party")
    assert _status(queued_store, d2) == "released"
    with pytest.raises(ReviewConflict, match="blocked, not open"):
        with session_scope(queued_store) as session:
            decisions.decide(session, d1, "release", "other", "changed my mind", reviewer("bob"))


@pytest.mark.parametrize("decision, reason, justification, message", [
    ("release", "different_entity", "   ", "justification is mandatory"),
    ("release", "confirmed_match", "x", "does not fit a release"),
    ("approve", "other", "x", "unknown decision"),
])
def test_decisions_need_a_valid_reason_and_a_justification(queued_store, decision, reason, justification, message):
    with pytest.raises(ReviewError, match=message):
        with session_scope(queued_store) as session:
            decisions.decide(session, _item_id(queued_store), decision, reason, justification, reviewer("alice"))


def test_rejected_release_goes_back_to_pending(queued_store):
    item_id = _item_id(queued_store)
    _release(queued_store, item_id)
    with session_scope(queued_store) as session:
        decisions.reject(session, item_id, approver("bob"), "the RFC in remarks matches")
    assert _status(queued_store, item_id) == "pending"
    with pytest.raises(ReviewConflict, match="no release awaiting approval"):
        with session_scope(queued_store) as session:
            decisions.approve(session, item_id, approver("bob"))


def test_a_stale_version_is_a_conflict(queued_store):
    item_id = _item_id(queued_store)
    _release(queued_store, item_id, expected_version=1)
    with session_scope(queued_store) as session:
        decisions.reject(session, item_id, approver("bob"), "no")
    with pytest.raises(ReviewConflict, match="changed by someone else"):
        _release(queued_store, item_id, user="carol", expected_version=1)  # carol's page showed version 1
    with session_scope(queued_store) as session:
        assert len(session.scalars(select(ReviewDecision)).all()) == 1


def test_assignment_does_not_bump_the_version(queued_store):
    item_id = _item_id(queued_store)
    with session_scope(queued_store) as session:
        item = decisions.assign(session, item_id, "alice", reviewer("lead"))
        assert (item.assignee, item.version) == ("alice", 1)
    _release(queued_store, item_id, expected_version=1)


def test_an_item_held_because_screening_was_unavailable_cannot_be_released(store_url):
    from review_builders import add_base, approver, reviewer

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
        decisions.decide(session, item_id, "escalate", "insufficient_data", "wait for the list", reviewer("alice"))


def test_roles_decide_who_may_do_what(queued_store):
    from aidvet.review.roles import NotAllowed, actor

    item_id = _item_id(queued_store, "D2")
    with pytest.raises(NotAllowed, match="may not decide"):
        with session_scope(queued_store) as session:
            decisions.decide(session, item_id, "release", "different_entity", "x", actor("audrey", "auditor"))
    with pytest.raises(ReviewError, match="not a typed name"):
        with session_scope(queued_store) as session:
            decisions.decide(session, item_id, "release", "different_entity", "x", "alice")
    _release(queued_store, item_id)
    with pytest.raises(NotAllowed, match="may not approve"):
        with session_scope(queued_store) as session:
            decisions.approve(session, item_id, reviewer("bob"))
    assert _status(queued_store, item_id) == "decided"


def test_releasing_an_fto_hit_needs_a_written_escalation_note(queued_store):
    item_id = _item_id(queued_store, "D1")  # held on an FTO/SDGT-designated entity
    _release(queued_store, item_id)
    with pytest.raises(ReviewError, match="escalation note"):
        with session_scope(queued_store) as session:
            decisions.approve(session, item_id, approver("bob"), note="  ")
    with session_scope(queued_store) as session:
        decisions.approve(session, item_id, approver("bob"), note="legal (M. Ruiz) confirmed: municipal utility")
        event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "review.approved")).one()
    assert event.payload["escalation_note"] == "legal (M. Ruiz) confirmed: municipal utility"


def test_the_approver_may_approve_the_release_but_decline_the_whitelist(queued_store):
    from aidvet.store.models import WhitelistEntry

    item_id = _item_id(queued_store, "D2")
    _release(queued_store, item_id, whitelist_pair=True)
    with session_scope(queued_store) as session:
        decisions.approve(session, item_id, approver("bob"), whitelist_pair=False)
        assert session.scalars(select(WhitelistEntry)).all() == []
        event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "review.approved")).one()
    assert event.payload["whitelist_declined"] is True and event.payload["whitelist_entry_ids"] == []
    assert _status(queued_store, item_id) == "released"


def test_human_decisions_carry_the_policy_hash_and_list_versions_in_force(queued_store):
    from aidvet.store.models import Run

    with session_scope(queued_store) as session:
        session.get(Run, "run-1").policy_hash = "p" * 64
    item_id = _item_id(queued_store, "D2")
    with session_scope(queued_store) as session:
        decisions.decide(session, item_id, "block", "confirmed_match", "RFC matches", reviewer("alice"))
        human = session.scalars(select(Decision).where(Decision.decided_by == "alice")).one()
        event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "review.decided")).one()
        versions = session.get(Run, "run-1").list_version_ids
    assert (human.policy_hash, human.list_version_ids) == ("p" * 64, versions) and versions
    assert (event.payload["policy_hash"], event.payload["list_version_ids"]) == ("p" * 64, versions)


def test_release_reasons_fit_the_kind_of_listed_entity(queued_store):
    from aidvet.store.models import ReviewItem as Item

    with session_scope(queued_store) as session:
        codes = decisions.reason_codes_for(session, session.get(Item, _item_id(queued_store, "D1")))
    assert "different_entity" in codes["release"] and "date_of_birth_differs" not in codes["release"]
    with pytest.raises(ReviewError, match="does not fit a release of this hit"):
        with session_scope(queued_store) as session:
            decisions.decide(session, _item_id(queued_store, "D1"), "release", "date_of_birth_differs", "x",
                             reviewer("alice"))


def test_a_group_is_decided_and_approved_at_once_and_recorded_per_item(queued_store):
    from review_builders import add_group_items

    add_group_items(queued_store)  # D4 and D5: paid to the same party, held on the same entity as D1
    with session_scope(queued_store) as session:
        records = decisions.decide_group(session, "grants:P1", "ofac:1", "release", "different_entity",
                                         "the utility, registered 1962", reviewer("alice"))
        assert len(records) == 3 and {r.justification for r in records} == {"the utility, registered 1962"}
    with pytest.raises(FourEyesViolation):
        with session_scope(queued_store) as session:
            decisions.approve_group(session, "grants:P1", "ofac:1", approver("alice"), note="legal ok")
    with session_scope(queued_store) as session:
        approved = decisions.approve_group(session, "grants:P1", "ofac:1", approver("bob"), note="legal ok")
        assert len(approved) == 3
        statuses = session.scalars(select(ReviewItem.status).where(ReviewItem.party_key == "grants:P1")).all()
        events = session.scalars(select(AuditEvent.kind).where(AuditEvent.kind.in_(("review.decided",
                                                                                    "review.approved")))).all()
    assert statuses == ["released"] * 3 and sorted(events) == ["review.approved"] * 3 + ["review.decided"] * 3
