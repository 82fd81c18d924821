from __future__ import annotations

from datetime import datetime, timedelta, timezone

from aidvet.review.signoff import SignoffRule, held_share, signoff_reasons
from aidvet.store.db import session_scope
from aidvet.store.models import ListDelta, Run, RunItem

from review_builders import add_base, add_list_version, entity

T0 = datetime(2026, 11, 1, 2, tzinfo=timezone.utc)


def _run(session, run_id, day, held, cleared, version_ids, unavailable=None):
    session.add(Run(run_id=run_id, status="succeeded", started_at=T0 + timedelta(days=day),
                    list_version_ids=version_ids, screening_unavailable=unavailable))
    session.flush()
    for number in range(held + cleared):
        session.add(RunItem(run_id=run_id, disbursement_id=_d(session, number),
                            outcome="held" if number < held else "cleared"))
    session.flush()


def _d(session, number):
    from aidvet.store.models import Disbursement

    disbursement_id = f"S{number}"
    if session.get(Disbursement, disbursement_id) is None:
        session.add(Disbursement(disbursement_id=disbursement_id, source_file_id=1, source_record=str(number)))
        session.flush()
    return disbursement_id


def test_held_share_far_above_normal_needs_signoff(store_url):
    with session_scope(store_url) as session:
        version = add_base(session)
        for day in range(4):
            _run(session, f"r{day}", day, held=1, cleared=49, version_ids=[version.id])  # 2% held
        _run(session, "normal", 5, held=2, cleared=48, version_ids=[version.id])
        _run(session, "spike", 6, held=10, cleared=40, version_ids=[version.id])  # 20% held
        assert held_share(session, "spike") == 0.2
        assert signoff_reasons(session, "normal") == []
        [reason] = signoff_reasons(session, "spike")
        assert "20.0% of screened items are held" in reason and "median of the last 5 runs" in reason


def test_a_large_list_change_needs_signoff(store_url):
    with session_scope(store_url) as session:
        first = add_base(session)
        second = add_list_version(session, [entity("ofac:1", "X", ["FTO"])], sha="c" * 64)
        session.add(ListDelta(version_id=second.id, previous_version_id=first.id, added=[], removed=["ofac:2"],
                              changed={"ofac:1": ["name"]}))
        _run(session, "after-change", 0, held=0, cleared=10, version_ids=[second.id])
        [reason] = signoff_reasons(session, "after-change")
        assert "changed 2 of 2 entities (100%)" in reason
        assert signoff_reasons(session, "after-change", SignoffRule(max_list_change_share=1.0)) == []
