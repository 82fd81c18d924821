from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from aidvet.config import settings
from aidvet.review import decisions
from aidvet.review.published import COLUMNS, publish_reviewed
from aidvet.store.db import session_scope
from review_builders import approver, reviewer
from aidvet.store.models import ReviewItem


def test_released_and_blocked_lists(queued_store, tmp_path, monkeypatch):
    with session_scope(queued_store) as session:
        ids = dict(session.execute(select(ReviewItem.disbursement_id, ReviewItem.id)).all())
        decisions.decide(session, ids["D1"], "block", "confirmed_match", "RFC matches", reviewer("alice"))
        decisions.decide(session, ids["D2"], "release", "different_entity", "different person", reviewer("alice"))
    monkeypatch.setenv("AIDVET_DB_URL", queued_store)
    monkeypatch.setenv("AIDVET_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    folder = Path(publish_reviewed(settings()))
    released = pd.read_csv(folder / "released.csv", dtype=str, keep_default_na=False)
    assert len(released) == 0 and list(released.columns) == COLUMNS["released"]  # awaiting approval: not yet

    with session_scope(queued_store) as session:
        decisions.approve(session, ids["D2"], approver("bob"))
    folder = Path(publish_reviewed(settings()))
    released = pd.read_csv(folder / "released.csv", dtype=str, keep_default_na=False)
    blocked = pd.read_csv(folder / "blocked.csv", dtype=str, keep_default_na=False)
    assert released[["disbursement_id", "amount", "decided_by", "approved_by"]].values.tolist() == \
        [["D2", "250", "alice", "bob"]]
    assert released.loc[0, "source_sha256"] == "f" * 64
    assert blocked[["disbursement_id", "entity_id", "terrorist", "decided_by"]].values.tolist() == \
        [["D1", "ofac:1", "True", "alice"]]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["counts"] == {"released": 1, "blocked": 1, "rejected": 0, "reports": 1}  # D1's blocking report
    assert manifest["amounts"]["released"] == {"USD": {"total": "250", "unparsed": 0}}
    assert set(manifest["outputs"]) == {f"{name}.{ext}" for name in ("released", "blocked", "rejected", "reports")
                                        for ext in ("csv", "parquet")}
    assert sorted(p.name for p in folder.parent.iterdir()) == ["latest"]  # no staging left behind
