"""Vetting validity per (payee, award): recorded on a clean run, re-vetting when it expires or
the key individuals change, shown as the held item's reason (queue and report)."""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
from sqlalchemy import select, update

from aidvet.pipeline import run_pipeline
from aidvet.store.db import session_scope
from aidvet.store.models import ReviewItem, RunItem, VettingResult


def _reasons(settings, run_id):
    with session_scope(settings.db_url) as session:
        return dict(session.execute(select(RunItem.disbursement_id, RunItem.reason)
                                    .where(RunItem.run_id == run_id, RunItem.outcome == "held")).all())


def _change_a_key_individual(path: Path, payees: set[str]) -> str:
    """Give one vetted payee's first key individual a new identity number; returns the payee's key."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = next(i for i, payee in enumerate(frame["payee_id"]) if f"grants:{payee}" in payees)
    frame.loc[row, "id_number"] = "NEW-" + frame.loc[row, "id_number"]
    frame.to_csv(path, index=False)
    return f"grants:{frame.loc[row, 'payee_id']}"


def test_vetting_recorded_then_expiry_and_key_individual_change_ask_for_revetting(sample_with_list):
    settings = sample_with_list
    first = Path(run_pipeline(settings, "scheduled__2026-12-01T02:00:00+00:00")).name
    with session_scope(settings.db_url) as session:
        results = session.scalars(select(VettingResult)).all()
        assert results and all(r.result == "favourable" and r.revet_reason is None for r in results)
        some = results[0]
        expires = some.expires_at if some.expires_at.tzinfo else some.expires_at.replace(tzinfo=timezone.utc)
        vetted = some.vetted_at if some.vetted_at.tzinfo else some.vetted_at.replace(tzinfo=timezone.utc)
        assert expires - vetted == timedelta(days=1095)
        expired = (some.party_key, some.award_id)
        session.execute(update(VettingResult).where(VettingResult.id == some.id)
                        .values(expires_at=datetime.now(timezone.utc) - timedelta(days=1)))
        vetted_payees = {r.party_key for r in results} - {some.party_key}
    changed_payee = _change_a_key_individual(Path(settings.inputs[0]) / "key_individuals.csv", vetted_payees)
    assert not any("re-vetting" in (why or "") for why in _reasons(settings, first).values())
    second = Path(run_pipeline(settings, "scheduled__2026-12-02T02:00:00+00:00")).name
    reasons = _reasons(settings, second)
    expired_reasons = [why for why in reasons.values() if f"vetting of {expired[0]} for award {expired[1]}" in why]
    assert expired_reasons and all("re-vetting required: the vetting expired" in why for why in expired_reasons)
    changed = [why for why in reasons.values() if f"vetting of {changed_payee} for award" in why]
    assert any("key individuals changed" in why for why in changed)
    with session_scope(settings.db_url) as session:
        queued = session.scalars(select(ReviewItem.reason).where(ReviewItem.last_run_id.like("%2026-12-02%"))).all()
        assert any("re-vetting required" in (why or "") for why in queued)  # visible in the queue


def test_revetting_triggers_one_by_one():
    from aidvet.compliance.vetting import _trigger
    from aidvet.policy import Policy
    from aidvet.store.models import VettingResult

    now = datetime(2026, 12, 4, tzinfo=timezone.utc)
    result = VettingResult(expires_at=now + timedelta(days=10), key_individuals_hash="k1",
                           candidates=["ofac:1"], list_version_ids=[1])
    policy = Policy()
    same = [("ofac:1", 1, 82.0, False)]
    assert _trigger(result, now, "k1", same, policy) is None
    assert _trigger(result, now + timedelta(days=10), "k1", same, policy) == "the vetting expired on 2026-12-14"
    assert _trigger(result, now, "k2", same, policy) == "the payee's key individuals changed"
    new_hit = same + [("ofac:9", 2, 81.0, False)]
    assert _trigger(result, now, "k1", new_hit, policy) == \
        "a new list version brings a new candidate hit: ofac:9 (list version 2)"
    assert _trigger(result, now, "k1", [("ofac:9", 1, 81.0, False)], policy) is None  # seen version: no news
    assert _trigger(result, now, "k1", [("ofac:1", 2, 81.0, False)], policy) is None  # known candidate
