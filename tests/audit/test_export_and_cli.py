"""The auditor's commands on a real run: verify, export, replay (CLI contract, exit codes)."""

import json

import pandas as pd
import pytest

from aidvet.cli import main
from aidvet.pipeline import run_pipeline
from aidvet.runs import safe_run_id

RUN = "manual__2026-11-28T09:00:00+00:00"


@pytest.fixture
def published(sample_with_list, monkeypatch):
    monkeypatch.setenv("AIDVET_DB_URL", sample_with_list.db_url)
    monkeypatch.setenv("AIDVET_ARTIFACT_ROOT", sample_with_list.artifact_root)
    monkeypatch.setenv("AIDVET_INPUTS", sample_with_list.inputs[0])
    run_pipeline(sample_with_list, RUN)
    return safe_run_id(RUN)


def test_verify_passes_on_an_honest_trail(published, capsys):
    assert main(["audit", "verify"]) == 0
    assert "audit trail OK" in capsys.readouterr().out


def test_export_bundles_everything_an_auditor_needs(published, tmp_path):
    out = tmp_path / "bundle"
    assert main(["audit", "export", "--run", published, "--out", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert names == {"manifest.json", "decisions.csv", "hits.csv", "audit_events.jsonl", "verification.json",
                     "airflow_history.json", "index.json"}
    decisions = pd.read_csv(out / "decisions.csv")
    assert len(decisions) == 320 and set(decisions["outcome"]) == {"cleared", "held", "quarantined"}
    held = decisions[decisions["outcome"] == "held"]
    assert held["explanation"].notna().all() and held["policy_hash"].notna().all()
    verification = json.loads((out / "verification.json").read_text())
    assert verification["chain_ok"] and verification["run_anchor_ok"]
    events = [json.loads(line) for line in (out / "audit_events.jsonl").read_text().splitlines()]
    kinds = {e["kind"] for e in events}
    assert {"run.started", "decision.started", "decision.batch", "run.decided", "run.succeeded"} <= kinds
    assert verification["decisions_ok"] and verification["decision_batches"] == 1
    assert "dag_runs" in json.loads((out / "airflow_history.json").read_text())


def test_replay_cli_exits_zero_without_differences(published, capsys):
    assert main(["replay", published]) == 0
    assert "0 decision(s) would differ" in capsys.readouterr().out


def test_unknown_run_is_a_clear_error(published, capsys):
    assert main(["replay", "no-such-run"]) == 2
    assert "no-such-run" in capsys.readouterr().err
