from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from aidvet.review import ReviewError, decisions, evidence, queue, whitelist
from aidvet.store.db import session_scope
from aidvet.store.models import Party, ReviewItem, ScreeningHit, WhitelistEntry

from review_builders import HELD, add_run, approver, reviewer


def _approved_whitelisted_release(url) -> int:
    with session_scope(url) as session:
        item_id = session.scalar(select(ReviewItem.id).where(ReviewItem.disbursement_id == "D1"))
        decisions.decide(session, item_id, "release", "different_entity", "utility, not the cartel", reviewer("alice"),
                         whitelist_pair=True)
        decisions.approve(session, item_id, approver("bob"), note="legal: a municipal utility")
    return item_id


def _hit(session, run_id="run-1", disbursement_id="D1") -> ScreeningHit:
    return session.scalars(select(ScreeningHit).where(ScreeningHit.run_id == run_id,
                                                      ScreeningHit.disbursement_id == disbursement_id)).one()


def test_approved_release_whitelists_the_pair_bound_to_both_hashes(queued_store):
    _approved_whitelisted_release(queued_store)
    now = datetime.now(timezone.utc)
    with session_scope(queued_store) as session:
        entry = session.scalars(select(WhitelistEntry)).one()
        assert (entry.party_key, entry.entity_id, entry.party_hash, entry.entity_hash) == \
            ("grants:P1", "ofac:1", "p1-v1", "hash-ofac:1")
        assert (entry.decided_by, entry.approved_by) == ("alice", "bob")
        assert timedelta(days=364) < entry.expires_at.replace(tzinfo=timezone.utc) - now <= timedelta(days=365)
        assert whitelist.is_whitelisted(session, "grants:P1", "ofac:1", "p1-v1", "hash-ofac:1", now).id == entry.id
        assert whitelist.whitelist_for_hit(session, _hit(session), now).id == entry.id


def test_a_release_awaiting_approval_whitelists_nothing(queued_store):
    with session_scope(queued_store) as session:
        decisions.decide(session, 1, "release", "different_entity", "utility", reviewer("alice"), whitelist_pair=True)
        assert whitelist.whitelist_for_hit(session, _hit(session), datetime.now(timezone.utc)) is None


@pytest.mark.parametrize("party_hash, entity_hash, later", [
    ("p1-v2", "hash-ofac:1", timedelta(0)),  # the party's details changed
    ("p1-v1", "changed", timedelta(0)),  # the listed entity changed
    ("p1-v1", "hash-ofac:1", timedelta(days=366)),  # expired
])
def test_change_or_expiry_ends_the_clearance(queued_store, party_hash, entity_hash, later):
    _approved_whitelisted_release(queued_store)
    with session_scope(queued_store) as session:
        now = datetime.now(timezone.utc) + later
        assert whitelist.is_whitelisted(session, "grants:P1", "ofac:1", party_hash, entity_hash, now) is None


def test_changed_party_goes_back_to_review_and_the_item_page_says_why(queued_store):
    _approved_whitelisted_release(queued_store)
    with session_scope(queued_store) as session:
        session.get(Party, "grants:P1").content_hash = "p1-v2"
        add_run(session, "run-2", _first_version(session), HELD)
        assert whitelist.whitelist_for_hit(session, _hit(session, "run-2"), datetime.now(timezone.utc)) is None
        result = queue.sync_queue(session, "run-2")
        assert result.queued == 1
        new_item = session.scalar(select(ReviewItem).where(ReviewItem.disbursement_id == "D1",
                                                           ReviewItem.status == "pending"))
        found = evidence.item_evidence(session, new_item.id)
        [(entry, why)] = found.hits[0].stale_whitelist
        assert why == ["the party's details changed"]


def test_configurable_validity(queued_store, monkeypatch):
    monkeypatch.setenv("AIDVET_WHITELIST_DAYS", "30")
    _approved_whitelisted_release(queued_store)
    with session_scope(queued_store) as session:
        entry = session.scalars(select(WhitelistEntry)).one()
        assert (entry.expires_at - entry.created_at).days == 30
    monkeypatch.setenv("AIDVET_WHITELIST_DAYS", "a year")
    with pytest.raises(ReviewError, match="AIDVET_WHITELIST_DAYS"):
        whitelist.valid_days()


def test_revoke_and_search(queued_store):
    _approved_whitelisted_release(queued_store)
    now = datetime.now(timezone.utc)
    with session_scope(queued_store) as session:
        assert [v.entry.entity_id for v in whitelist.search(session, "jalisco")] == ["ofac:1"]
        assert [v.state for v in whitelist.search(session, "GRANTS:p1")] == ["active"]
        assert whitelist.search(session, "golfo") == []
        entry = whitelist.revoke(session, 1, approver("carol"), "new adverse media")
        assert whitelist.is_whitelisted(session, entry.party_key, entry.entity_id, entry.party_hash,
                                        entry.entity_hash, datetime.now(timezone.utc)) is None
        # as it stood before the revocation (what a replay of an earlier run sees), it still applied
        assert whitelist.is_whitelisted(session, entry.party_key, entry.entity_id, entry.party_hash,
                                        entry.entity_hash, now) is entry
        assert whitelist.search(session, None, include_inactive=False) == []
        assert whitelist.search(session, "jalisco")[0].state == "revoked"
        with pytest.raises(ReviewError, match="already revoked"):
            whitelist.revoke(session, 1, approver("carol"), "again")


def _first_version(session):
    from aidvet.store.models import ListVersion

    return session.scalars(select(ListVersion).order_by(ListVersion.id)).first()


def test_clearing_entries_needs_every_holding_hit_whitelisted(queued_store):
    _approved_whitelisted_release(queued_store)
    now = datetime.now(timezone.utc)
    with session_scope(queued_store) as session:
        d1, d2 = _hit(session, disbursement_id="D1"), _hit(session, disbursement_id="D2")
        assert [entry.entity_id for entry in whitelist.clearing_entries(session, [d1], now)] == ["ofac:1"]
        assert whitelist.clearing_entries(session, [d1, d2], now) is None
        assert whitelist.clearing_entries(session, [], now) is None
