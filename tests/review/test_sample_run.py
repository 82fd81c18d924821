"""The queue on real runs of the sample data: the decide stage queues every held item once, a
re-run adds nothing, and an approved, whitelisted release clears that pair in the next run."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from aidvet.lists import load_files
from aidvet.lists.versions import store_version
from aidvet.pipeline import run_pipeline
from aidvet.review import decisions, queue, whitelist
from aidvet.runs import safe_run_id
from aidvet.store.db import session_scope
from review_builders import approver, reviewer
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
        assert queue.sync_queue(session, run_id).queued == 0  # the decide stage queued them already
        rows = queue.list_items(session)
        assert {row.disbursement_id for row in rows} == held
        first = next(row for row in rows if row.entity_id)
        decisions.decide(session, first.item_id, "release", "common_name", "sample: a false positive",
                         reviewer("alice"), whitelist_pair=True)
        decisions.approve(session, first.item_id, approver("bob"), note="legal: not the listed party")
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
        cleared = session.get(RunItem, (second, first.disbursement_id))
        assert cleared.outcome == "cleared" and cleared.reason.startswith("whitelisted: entry")
        others = session.scalars(select(RunItem.disbursement_id).where(RunItem.run_id == second,
                                                                       RunItem.outcome == "held")).all()
        assert set(others) == held - {first.disbursement_id}


def _run_and_whitelist_tren_de_aragua(sample_settings):
    """First run on the sample data; alice releases the Tren de Aragua payee, bob approves and whitelists it."""
    parsed = load_files([Path(sample_settings.inputs[0]).parent / "lists" / "sample-sdn"])
    with session_scope(sample_settings.db_url) as session:
        store_version(session, parsed)
    run_pipeline(sample_settings, RUNS[0])
    with session_scope(sample_settings.db_url) as session:
        item = next(row for row in queue.list_items(session) if row.payee_name == "Tren de Aragua")
        decisions.decide(session, item.item_id, "release", "common_name", "sample: a false positive",
                         reviewer("alice"), whitelist_pair=True)
        decisions.approve(session, item.item_id, approver("bob"), note="legal: not the listed party")
    return item


def test_a_changed_party_goes_back_to_review(sample_settings):
    item = _run_and_whitelist_tren_de_aragua(sample_settings)
    path = Path(sample_settings.inputs[0]) / "disbursements.csv"
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows.loc[rows["payee_name"] == "Tren de Aragua", "payee_country"] = "GT"  # the party's details changed
    rows.to_csv(path, index=False)
    run_pipeline(sample_settings, RUNS[1])
    with session_scope(sample_settings.db_url) as session:
        again = session.get(RunItem, (safe_run_id(RUNS[1]), item.disbursement_id))
        assert again.outcome == "held" and again.reason.startswith("possible match")


def test_replay_of_a_run_with_a_whitelisted_clearance_finds_no_difference(sample_settings):
    from aidvet.replay import replay

    item = _run_and_whitelist_tren_de_aragua(sample_settings)
    run_pipeline(sample_settings, RUNS[1])
    with session_scope(sample_settings.db_url) as session:
        assert session.get(RunItem, (safe_run_id(RUNS[1]), item.disbursement_id)).outcome == "cleared"
        assert replay(session, sample_settings, safe_run_id(RUNS[1])).differences == []
        assert replay(session, sample_settings, safe_run_id(RUNS[0])).differences == []  # before the release
