"""The design's invariants, on the sample data, on SQLite and PostgreSQL: conservation,
idempotent re-runs, fail closed."""

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from aidvet.audit import chain
from aidvet.errors import BatchRejected
from aidvet.lists import load_files
from aidvet.lists.versions import store_version
from aidvet.pipeline import run_pipeline
from aidvet.stages.decide import SCREENING_UNAVAILABLE
from aidvet.store.db import session_scope
from aidvet.store.models import Disbursement, Party, RunItem, SourceFile

RUN = "scheduled__2026-11-28T02:00:00+00:00"


def _outputs(uri):
    folder = Path(uri)
    manifest = json.loads((folder / "manifest.json").read_text())
    tables = {name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
              for name in ("cleared", "held", "quarantined")}
    return manifest, tables


def _input_rows(settings):
    return pd.read_csv(Path(settings.inputs[0]) / "disbursements.csv", dtype=str, keep_default_na=False)


def test_every_input_disbursement_ends_in_exactly_one_output_and_amounts_reconcile(sample_with_list):
    sample_settings = sample_with_list
    manifest, tables = _outputs(run_pipeline(sample_settings, RUN))
    given = _input_rows(sample_settings)
    published = pd.concat(tables.values())
    assert sorted(published["disbursement_id"]) == sorted(given["disbursement_id"])
    assert manifest["counts"] == {"input": len(given), **{name: len(t) for name, t in tables.items()}}
    for currency in set(given["currency"]):
        def total(frame):
            values = frame.loc[frame["currency"] == currency, "amount"]
            return sum((Decimal(v) for v in values if v.replace(".", "", 1).lstrip("-").isdigit()), Decimal(0))
        assert total(given) == sum(total(t) for t in tables.values())
        assert Decimal(manifest["amounts"]["input"][currency]["total"]) == total(given)
    assert len(tables["held"]) >= 8 and len(tables["quarantined"]) == 5 and len(tables["cleared"]) > 250


def test_held_and_quarantined_rows_say_why(sample_with_list):
    sample_settings = sample_with_list
    _manifest, tables = _outputs(run_pipeline(sample_settings, RUN))
    held = tables["held"].set_index("payee_name")
    assert "FTO" in held.loc["Tren de Aragua", "programs"] and held.loc["Tren de Aragua", "terrorist"] == "True"
    assert held.loc["Servicios Agropecuarios del Occidente, S.C.", "party_name"] == "Rubén Oseguera Cervantes"
    reasons = " ".join(tables["quarantined"]["reason"])
    for expected in ("payee name missing", "amount not positive", "currency not an ISO 4217 code",
                     "payee name is a placeholder", "amount missing or not a number"):
        assert expected in reasons


def test_rerunning_the_same_run_replaces_outputs_and_duplicates_nothing(sample_with_list):
    sample_settings = sample_with_list
    first_manifest, first = _outputs(run_pipeline(sample_settings, RUN))
    with session_scope(sample_settings.db_url) as session:
        before = [session.scalar(select(func.count()).select_from(t)) for t in (Disbursement, Party, SourceFile, RunItem)]
    second_manifest, second = _outputs(run_pipeline(sample_settings, RUN))
    with session_scope(sample_settings.db_url) as session:
        after = [session.scalar(select(func.count()).select_from(t)) for t in (Disbursement, Party, SourceFile, RunItem)]
        assert chain.verify(session).ok
    assert before == after
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name])
    data_files = {name: digest for name, digest in first_manifest["outputs"].items() if name != "report.html"}
    assert data_files.items() <= second_manifest["outputs"].items()  # the report differs only by its timestamp
    runs_folder = Path(sample_settings.artifact_root) / "runs"
    assert [p.name for p in runs_folder.iterdir()] == ["scheduled__2026-11-28T02~3A00~3A00~2B00~3A00"]


def test_without_a_usable_list_nothing_is_cleared(sample_settings):
    manifest, tables = _outputs(run_pipeline(sample_settings, RUN))  # no list version loaded at all
    assert tables["cleared"].empty
    assert len(tables["held"]) == manifest["counts"]["input"] - manifest["counts"]["quarantined"]
    assert all(reason.startswith(SCREENING_UNAVAILABLE) for reason in tables["held"]["reason"])
    assert manifest["screening_unavailable"]


def test_a_stale_list_is_not_used(sample_with_list, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text(Path(sample_with_list.policy_path).read_text().replace("= 35", "= -1"))
    settings = dataclasses.replace(sample_with_list, policy_path=policy)
    _manifest, tables = _outputs(run_pipeline(settings, RUN))
    assert tables["cleared"].empty
    assert all(reason.startswith(SCREENING_UNAVAILABLE) for reason in tables["held"]["reason"])


def test_a_batch_with_too_many_bad_rows_publishes_nothing(sample_with_list):
    sample_settings = sample_with_list
    path = Path(sample_settings.inputs[0]) / "disbursements.csv"
    rows = _input_rows(sample_settings)
    rows["currency"] = "???"
    rows.to_csv(path, index=False)
    with pytest.raises(BatchRejected, match="over the allowed share"):
        run_pipeline(sample_settings, RUN)
    assert not (Path(sample_settings.artifact_root) / "runs").exists()


def test_one_stale_source_among_fresh_ones_still_fails_closed(sample_with_list, shared_data):
    sample_settings = sample_with_list
    with session_scope(sample_settings.db_url) as session:  # the UN file says it was generated 2025-04-19
        store_version(session, load_files([shared_data / "lists" / "un" / "consolidated-2025-04-19.xml"]))
    manifest, tables = _outputs(run_pipeline(sample_settings, RUN))
    assert tables["cleared"].empty and "un:" in manifest["screening_unavailable"]
