"""`aidvet replay RUN_ID --policy FILE` shows what another ownership policy would have decided."""

from pathlib import Path

import pandas as pd

from aidvet.cli import main
from aidvet.pipeline import run_pipeline
from aidvet.replay import replay
from aidvet.store.db import session_scope

RUN = "scheduled__2026-12-01T02:00:00+00:00"


def test_replay_with_a_stricter_block_threshold_clears_the_60_percent_chain(owners_sample, tmp_path, monkeypatch,
                                                                             capsys):
    settings = owners_sample
    run_id = Path(run_pipeline(settings, RUN)).name
    with session_scope(settings.db_url) as session:
        assert replay(session, settings, run_id).differences == []  # recorded policy: nothing differs
    what_if = tmp_path / "policy-70.toml"
    what_if.write_text(Path(settings.policy_path).read_text()
                       .replace("block_threshold_percent = 50", "block_threshold_percent = 70"))
    given = pd.read_csv(Path(settings.inputs[0]) / "disbursements.csv", dtype=str)
    chain_held = set(given.loc[given["payee_id"] == "SUB-036", "disbursement_id"])
    monkeypatch.setenv("AIDVET_DB_URL", settings.db_url)
    monkeypatch.setenv("AIDVET_ARTIFACT_ROOT", settings.artifact_root)
    assert main(["replay", run_id, "--policy", str(what_if)]) == 1
    out = capsys.readouterr().out
    differing = {line.split(":")[0].strip() for line in out.splitlines() if line.startswith("  ")}
    assert differing == chain_held
    assert "recorded held" in out and "replay cleared" in out
