"""A release is bound to the content it approved (issue 10, item 1): a later row reusing the id with
another payee or amount never inherits it — the release is voided, audited, and left out of released.csv."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from review_builders import approver, reviewer

from aidvet.config import settings
from aidvet.review import ReviewConflict, decisions
from aidvet.review.published import publish_reviewed
from aidvet.sources.model import Disbursement as Row
from aidvet.sources.model import SourceBatch
from aidvet.store import ingest
from aidvet.store.db import session_scope
from aidvet.store.models import AuditEvent, ReviewDecision, ReviewItem


def _later_file_reusing_d2(url: str, payee_name: str = "Someone Else Ltd", amount: str = "98000") -> None:
    """What extract stores when a later input reuses id D2 with another payee and amount."""
    batch = SourceBatch(source_file="/data/grants/2026-12.csv", sha256="e" * 64)
    batch.disbursements = [Row("D2", "A1", "grants:P9", payee_name, amount, "USD", "2026-11-01", "CO",
                               "/data/grants/2026-12.csv", "line 2")]
    with session_scope(url) as session:
        ingest.record_batch(session, batch, "grants-csv")


def _released(queued_store, tmp_path, monkeypatch) -> pd.DataFrame:
    monkeypatch.setenv("AIDVET_DB_URL", queued_store)
    monkeypatch.setenv("AIDVET_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    return pd.read_csv(Path(publish_reviewed(settings())) / "released.csv", dtype=str, keep_default_na=False)


def _release_d2(url: str) -> int:
    with session_scope(url) as session:
        item_id = session.scalar(select(ReviewItem.id).where(ReviewItem.disbursement_id == "D2"))
        decisions.decide(session, item_id, "release", "common_name", "not the listed person", reviewer("alice"))
        decisions.approve(session, item_id, approver("bob"))
    return item_id


def test_a_later_row_with_a_released_id_never_inherits_the_release(queued_store, tmp_path, monkeypatch):
    item_id = _release_d2(queued_store)
    assert _released(queued_store, tmp_path, monkeypatch)[["disbursement_id", "payee_name", "amount"]] \
        .values.tolist() == [["D2", '<script>alert("x")</script> Cartel Jalisco', "250"]]
    _later_file_reusing_d2(queued_store)
    released = _released(queued_store, tmp_path, monkeypatch)
    assert len(released) == 0  # never "Someone Else Ltd, 98000, approved by bob"
    with session_scope(queued_store) as session:
        assert session.get(ReviewItem, item_id).status == "superseded"
        assert session.scalar(select(ReviewDecision.state).where(ReviewDecision.item_id == item_id)) == "voided"
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.kind == "review.release_voided")).all()
    assert event.payload["disbursement_id"] == "D2" and event.payload["approved_content_hash"] != \
        event.payload["current_content_hash"]
    assert len(_released(queued_store, tmp_path, monkeypatch)) == 0  # voided once, audited once
    with session_scope(queued_store) as session:
        assert len(session.scalars(select(AuditEvent).where(AuditEvent.kind == "review.release_voided")).all()) == 1


def test_the_same_content_again_keeps_the_release(queued_store, tmp_path, monkeypatch):
    _release_d2(queued_store)
    with session_scope(queued_store) as session:
        from aidvet.store.models import Disbursement
        d2 = session.get(Disbursement, "D2")
        same = (d2.payee_key, d2.payee_name, d2.amount, d2.currency, d2.award_id, d2.date)
    batch = SourceBatch(source_file="/data/grants/2026-12.csv", sha256="e" * 64)
    batch.disbursements = [Row("D2", same[4], same[0], same[1], same[2], same[3], same[5], "CO",
                               "/data/grants/2026-12.csv", "line 2")]
    with session_scope(queued_store) as session:
        ingest.record_batch(session, batch, "grants-csv")
    assert list(_released(queued_store, tmp_path, monkeypatch)["disbursement_id"]) == ["D2"]


def test_a_release_cannot_be_approved_after_the_content_changed(queued_store):
    with session_scope(queued_store) as session:
        item_id = session.scalar(select(ReviewItem.id).where(ReviewItem.disbursement_id == "D2"))
        decisions.decide(session, item_id, "release", "common_name", "not the listed person", reviewer("alice"))
    _later_file_reusing_d2(queued_store, amount="250.01")
    with session_scope(queued_store) as session, pytest.raises(ReviewConflict, match="D2 changed"):
        decisions.approve(session, item_id, approver("bob"))
