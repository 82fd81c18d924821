"""aidvet replay: an unchanged run replays with no difference; a what-if policy shows its differences."""

from pathlib import Path

from aidvet.pipeline import run_pipeline
from aidvet.policy import parse_policy
from aidvet.replay import replay
from aidvet.runs import safe_run_id
from aidvet.store.db import session_scope

RUN = "scheduled__2026-11-28T02:00:00+00:00"


def test_replay_of_an_unchanged_run_finds_no_difference(sample_with_list):
    sample_settings = sample_with_list
    run_pipeline(sample_settings, RUN)
    with session_scope(sample_settings.db_url) as session:
        result = replay(session, sample_settings, safe_run_id(RUN))
    assert result.items == 320 and result.differences == []


def test_replay_reports_what_a_lenient_policy_would_decide(sample_with_list):
    sample_settings = sample_with_list
    run_pipeline(sample_settings, RUN)
    text = Path(sample_settings.policy_path).read_text()
    lenient = parse_policy(text.replace("threshold = 85", "threshold = 100")
                           .replace("terrorist_threshold = 80", "terrorist_threshold = 100").encode())
    with session_scope(sample_settings.db_url) as session:
        result = replay(session, sample_settings, safe_run_id(RUN), policy_override=lenient)
    assert result.differences and all(d.recorded[0] == "held" and d.replayed[0] == "cleared"
                                      for d in result.differences)
