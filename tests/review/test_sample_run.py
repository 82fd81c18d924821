"""The queue on a real run of the sample data: every held item is queued once, a re-run adds nothing."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from aidvet.lists import load_files
from aidvet.lists.versions import store_version
from aidvet.pipeline import run_pipeline
from aidvet.review import decisions, queue, whitelist
from aidvet.store.db import session_scope
from aidvet.store.models import ReviewItem, RunItem, ScreeningHit

RUNS = ("scheduled__2026-11-28T02:00:00+00:00", "scheduled__2026-11-29T02:00:00+00:00")


def test_held_items_of_a_sample_run_are_queued_once(sample_settings):
    parsed = load_files([Path(sample_settings.inputs[0]).parent / "lists" / "sample-sdn"])
    with session_scope(sample_settings.db_url) as session:
        store_version(session, parsed)
    run_pipeline(sample_settings, RUNS[0])
    with session_scope(sample_settings.db_url) as session:
        run_id = session.scalars(select(RunItem.run_id).distinct()).one()
        held = set(session.scalars(select(RunItem.disbursement_id).where(RunItem.outcome == "held")))
        assert held, "the sample data holds some disbursements"
        assert queue.sync_queue(session, run_id).queued == len(held)
        rows = queue.list_items(session)
        assert {row.disbursement_id for row in rows} == held
        first = next(row for row in rows if row.entity_id)
        decisions.decide(session, first.item_id, "release", "different_entity", "sample: a false positive",
                         "alice", whitelist_pair=True)
        decisions.approve(session, first.item_id, "bob")
    run_pipeline(sample_settings, RUNS[1])
    with session_scope(sample_settings.db_url) as session:
        second = session.scalar(select(RunItem.run_id).where(RunItem.run_id != run_id).limit(1))
        result = queue.sync_queue(session, second)
        assert (result.queued, result.superseded) == (0, 0)
        assert len(session.scalars(select(ReviewItem)).all()) == len(held)
        hits = session.scalars(select(ScreeningHit).where(ScreeningHit.run_id == second,
                                                          ScreeningHit.disbursement_id == first.disbursement_id))
        now = datetime.now(timezone.utc)
        assert all(whitelist.whitelist_for_hit(session, hit, now) is not None for hit in hits)
