from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from aidvet.audit import chain
from aidvet.review import ReviewError, queue
from aidvet.review.queue import QueueFilter
from aidvet.store.db import session_scope
from aidvet.store.models import AuditEvent, Party, ReviewItem

from review_builders import HELD, add_list_version, add_run, entity


def _items(url):
    with session_scope(url) as session:
        return {item.disbursement_id: (item.id, item.status, item.last_run_id)
                for item in session.scalars(select(ReviewItem).order_by(ReviewItem.id))}


def test_held_items_are_queued_with_their_evidence(queued_store):
    with session_scope(queued_store) as session:
        rows = {row.disbursement_id: row for row in queue.list_items(session)}
        assert set(rows) == {"D1", "D2"}  # D3 was cleared: not queued
        d1 = rows["D1"]
        assert (d1.status, d1.score, d1.entity_id, d1.list_source, d1.country) == ("pending", 97.0, "ofac:1", "ofac", "MX")
        assert d1.terrorist and d1.programs == ["FTO", "SDGT", "SDNTK"]
        assert d1.payee_name.startswith("Cartel Jalisco") and d1.amount == "1000.50"
        kinds = session.scalars(select(AuditEvent.kind).where(AuditEvent.kind == "review.queued")).all()
        assert len(kinds) == 2
        assert chain.verify(session).ok


def test_sync_again_for_the_same_run_adds_nothing(queued_store):
    before = _items(queued_store)
    with session_scope(queued_store) as session:
        result = queue.sync_queue(session, "run-1")
    assert (result.queued, result.rejoined, result.superseded) == (0, 0, 0)
    assert _items(queued_store) == before


def test_a_later_run_on_the_same_evidence_joins_the_item(queued_store):
    with session_scope(queued_store) as session:
        add_run(session, "run-2", _version(session), HELD)
        result = queue.sync_queue(session, "run-2")
    assert (result.queued, result.rejoined) == (0, 2)
    items = _items(queued_store)
    assert {status for _, status, _ in items.values()} == {"pending"}
    assert {run for _, _, run in items.values()} == {"run-2"}


def test_changed_party_opens_a_new_item_and_supersedes_the_old(queued_store):
    old = _items(queued_store)["D1"][0]
    with session_scope(queued_store) as session:
        session.get(Party, "grants:P1").content_hash = "p1-v2"
        add_run(session, "run-2", _version(session), HELD)
        result = queue.sync_queue(session, "run-2")
    assert (result.queued, result.superseded) == (1, 1)
    with session_scope(queued_store) as session:
        statuses = dict(session.execute(select(ReviewItem.id, ReviewItem.status)
                                        .where(ReviewItem.disbursement_id == "D1")).all())
    assert statuses[old] == "superseded" and sorted(statuses.values()) == ["pending", "superseded"]


def test_a_run_that_no_longer_holds_supersedes_the_open_item(queued_store):
    with session_scope(queued_store) as session:
        add_run(session, "run-2", _version(session), {"D2": HELD["D2"]}, cleared=("D1", "D3"))
        result = queue.sync_queue(session, "run-2")
    assert result.superseded == 1
    assert _items(queued_store)["D1"][1] == "superseded"


def test_changed_listed_entity_opens_a_new_item(queued_store):
    with session_scope(queued_store) as session:
        newer = add_list_version(session, [entity("ofac:1", "CARTEL DE JALISCO NUEVA GENERACION", ["FTO"]),
                                           entity("ofac:2", "CARTEL DEL GOLFO", ["SDNTK"])],
                                 sha="b" * 64, hashes={"ofac:1": "changed", "ofac:2": "hash-ofac:2"})
        add_run(session, "run-2", newer, HELD)
        result = queue.sync_queue(session, "run-2")
    assert (result.queued, result.rejoined, result.superseded) == (1, 1, 1)


FILTERS = [
    (QueueFilter(program="fto"), {"D1"}),
    (QueueFilter(country="co"), {"D2"}),
    (QueueFilter(min_score=95), {"D1"}),
    (QueueFilter(max_score=95), {"D2"}),
    (QueueFilter(source="ofac"), {"D1", "D2"}),
    (QueueFilter(source="2026-11.csv"), {"D1", "D2"}),
    (QueueFilter(source="un"), set()),
    (QueueFilter(source="OFAC"), {"D1", "D2"}),  # case-insensitive
    (QueueFilter(source="/GRANTS/"), {"D1", "D2"}),
    (QueueFilter(program="  ", country="", source=" "), {"D1", "D2"}),  # blanks filter nothing
    (QueueFilter(status="released"), set()),
    (QueueFilter(min_age_days=1), set()),
]


def test_filters(queued_store):
    with session_scope(queued_store) as session:
        for query, expected in FILTERS:
            assert {row.disbursement_id for row in queue.list_items(session, query)} == expected, query


def test_age_filter_and_sorting(queued_store):
    now = datetime.now(timezone.utc) + timedelta(days=3)
    with session_scope(queued_store) as session:
        assert {row.disbursement_id for row in queue.list_items(session, QueueFilter(min_age_days=2), now=now)} == {"D1", "D2"}
        by_score = queue.list_items(session, QueueFilter(sort="score", descending=True))
        assert [row.disbursement_id for row in by_score] == ["D1", "D2"]
        by_score_up = queue.list_items(session, QueueFilter(sort="score", descending=False))
        assert [row.disbursement_id for row in by_score_up] == ["D2", "D1"]
        by_amount = queue.list_items(session, QueueFilter(sort="amount"))
        assert [row.disbursement_id for row in by_amount] == ["D1", "D2"]
        assert all(row.age_days >= 2.9 for row in queue.list_items(session, now=now))


def test_pages_are_cut_sorted_and_counted_in_the_database(queued_store):
    with session_scope(queued_store) as session:
        from aidvet.store.models import Disbursement

        session.get(Disbursement, "D2").amount = "n/a"  # not a number: below every real amount
        first = queue.page_items(session, QueueFilter(sort="amount"), page=1, per_page=1)
        second = queue.page_items(session, QueueFilter(sort="amount"), page=2, per_page=1)
        up = queue.page_items(session, QueueFilter(sort="amount", descending=False), page=1, per_page=1)
        beyond = queue.page_items(session, QueueFilter(), page=99, per_page=1)
    assert (first.total, first.pages) == (2, 2)
    assert [row.disbursement_id for row in first.rows + second.rows] == ["D1", "D2"]
    assert [row.disbursement_id for row in up.rows] == ["D2"]
    assert beyond.page == 2 and len(beyond.rows) == 1


def test_rows_name_the_listed_entity_the_party_that_hit_and_the_award(queued_store):
    with session_scope(queued_store) as session:
        rows = {row.disbursement_id: row for row in queue.list_items(session)}
    assert rows["D1"].listed_name == "CARTEL DE JALISCO NUEVA GENERACION"
    assert (rows["D1"].party_key, rows["D1"].party_role, rows["D1"].award_id) == ("grants:P1", "payee", "A1")
    assert (rows["D1"].amount, rows["D1"].currency) == ("1000.50", "USD")


def test_unknown_status_or_sort_is_refused(queued_store):
    with session_scope(queued_store) as session:
        with pytest.raises(ReviewError, match="unknown status"):
            queue.list_items(session, QueueFilter(status="approved"))
        with pytest.raises(ReviewError, match="unknown sort key"):
            queue.list_items(session, QueueFilter(sort="name"))


def _version(session):
    from aidvet.store.models import ListVersion

    return session.scalars(select(ListVersion).order_by(ListVersion.id)).first()
