"""A whole run with owners.csv: the 50 % rule, control and bad ownership rows decide real items."""

import pandas as pd
from pathlib import Path
from sqlalchemy import select

from aidvet.pipeline import run_pipeline
from aidvet.store.db import session_scope
from aidvet.store.models import OwnershipRelation, Party, RunItem

RUN = "scheduled__2026-12-01T02:00:00+00:00"


def _items_of(settings, run_id, payee):
    given = pd.read_csv(Path(settings.inputs[0]) / "disbursements.csv", dtype=str)
    wanted = set(given.loc[given["payee_id"] == payee, "disbursement_id"])
    with session_scope(settings.db_url) as session:
        rows = session.scalars(select(RunItem).where(RunItem.run_id == run_id)).all()
        return {r.disbursement_id: (r.outcome, r.reason) for r in rows if r.disbursement_id in wanted}


def test_owned_controlled_and_bad_ownership_rows_hold_with_the_chain(owners_sample):
    uri = run_pipeline(owners_sample, RUN)
    run_id = Path(uri).name
    owned = _items_of(owners_sample, run_id, "SUB-036")
    assert owned and all(outcome == "held" for outcome, _ in owned.values())
    reason = next(iter(owned.values()))[1]
    assert "owned 50% or more by designated persons" in reason
    assert "owned 60 % by Inversiones Tapatias Holding SA [grants:OWN-1]" in reason
    assert "owned 100 % by Ruben Oseguera Cervantes [grants:OWN-2]" in reason
    assert "OSEGUERA CERVANTES, Ruben [ofac:17674]" in reason
    controlled = _items_of(owners_sample, run_id, "SUB-025")
    assert all(outcome == "held" and "controlled by a designated person" in why and "director" in why
               for outcome, why in controlled.values())
    bad = _items_of(owners_sample, run_id, "SUB-045")
    assert all(outcome == "held" and "ownership data quarantined" in why and "shares over 100" in why
               for outcome, why in bad.values())
    held = pd.read_csv(Path(uri) / "held.csv", dtype=str)
    assert set(owned) <= set(held["disbursement_id"])


def test_owner_rows_are_stored_quarantined_with_reasons_and_owners_are_parties(owners_sample):
    run_pipeline(owners_sample, RUN)
    with session_scope(owners_sample.db_url) as session:
        rows = {r.source_record: r for r in session.scalars(select(OwnershipRelation))}
        owner = session.get(Party, "grants:OWN-2")
        assert owner is not None and owner.role == "owner" and owner.kind == "person"
        reasons = {record: (row.status, row.reason or "") for record, row in rows.items()}
    assert reasons["owners.csv line 2"] == ("accepted", "")
    assert reasons["owners.csv line 5"][0] == "quarantined" and "shares over 100" in reasons["owners.csv line 5"][1]
    assert "unknown payee" in reasons["owners.csv line 7"][1]
    assert "ownership cycle: OWN-8 -> OWN-7 -> OWN-8" in reasons["owners.csv line 8"][1]
    assert "ownership cycle" in reasons["owners.csv line 9"][1]
