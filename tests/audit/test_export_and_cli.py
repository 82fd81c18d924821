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
                     "airflow_history.json", "index.json", "list_versions.json", "policy.toml",
                     "publish_released.json"}
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
    assert all(e["at"].endswith("+00:00") for e in events)  # UTC with its offset
    assert decisions["decided_at"].str.endswith("+00:00").all()
    [version] = json.loads((out / "list_versions.json").read_text())
    assert version["files"] and all(len(f["sha256"]) == 64 for f in version["files"])
    assert {"list.accepted"} <= kinds and any(e["subject"] == f"list version {version['id']}" for e in events)
    assert "record_threshold = 80" in (out / "policy.toml").read_text()
    assert json.loads((out / "publish_released.json").read_text())["dag_id"] == "publish_released"


def test_the_bundle_carries_people_s_decisions_with_policy_and_lists_and_the_publications(published, tmp_path,
                                                                                         sample_with_list):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))
    from review_builders import reviewer

    from aidvet.review import decisions, queue
    from aidvet.review.published import publish_reviewed
    from aidvet.store.db import session_scope

    with session_scope(sample_with_list.db_url) as session:
        item = next(row for row in queue.list_items(session) if row.entity_id)
        decisions.decide(session, item.item_id, "block", "confirmed_match", "identifier matches", reviewer("alice"))
    publish_reviewed(sample_with_list, dag_run_id="scheduled__2026-11-28T09:30:00+00:00")
    out = tmp_path / "bundle"
    assert main(["audit", "export", "--run", published, "--out", str(out)]) == 0
    decided = pd.read_csv(out / "decisions.csv")
    human = decided[decided["decided_by"] == "alice"]
    assert len(human) == 1 and human["policy_hash"].str.len().eq(64).all()
    assert human["list_version_ids"].iloc[0] not in ("", "[]")
    events = [json.loads(line) for line in (out / "audit_events.jsonl").read_text().splitlines()]
    [decided_event] = [e for e in events if e["kind"] == "review.decided"]
    assert len(decided_event["payload"]["policy_hash"]) == 64 and decided_event["payload"]["list_version_ids"]
    publications = json.loads((out / "publish_released.json").read_text())
    assert [e["payload"]["dag_run_id"] for e in publications["events"]] == ["scheduled__2026-11-28T09:30:00+00:00"]


def test_replay_cli_exits_zero_without_differences(published, capsys):
    assert main(["replay", published]) == 0
    assert "0 decision(s) would differ" in capsys.readouterr().out


def test_unknown_run_is_a_clear_error(published, capsys):
    assert main(["replay", "no-such-run"]) == 2
    assert "no-such-run" in capsys.readouterr().err
