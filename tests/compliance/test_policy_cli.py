"""`aidvet policy check / diff` and the schema's errors; `replay --policy` with another ownership threshold."""

from pathlib import Path

import pytest

from aidvet.cli import main
from aidvet.compliance.schema import PolicyError
from aidvet.policy import load_policy

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_policy_is_valid(capsys):
    assert main(["policy", "check", str(ROOT / "policy.toml")]) == 0
    assert "valid" in capsys.readouterr().out


@pytest.mark.parametrize("text, message", [
    ("[hold]\nthreshold = 120\n", "[hold] threshold: expected less than or equal to 100, got 120"),
    ("[hold]\nthreshold = \"high\"\n", "[hold] threshold: expected a valid number"),
    ("[ownership]\nreview_roles = [\"boss\"]\n", "[ownership] review_roles.0: expected 'owner', 'director'"),
    ("[vetting]\nvalidity_dayz = 3\n", "[vetting] validity_dayz: unknown key"),
    ("[reports]\nannual_as_of = \"June 30\"\n", "[reports] annual_as_of: expected a string matching the pattern"),
])
def test_a_bad_policy_names_the_key_and_the_expected_value(tmp_path, capsys, text, message):
    path = tmp_path / "policy.toml"
    path.write_text(text)
    assert main(["policy", "check", str(path)]) == 2
    assert f"{path}: {message}" in capsys.readouterr().err
    with pytest.raises(PolicyError):
        load_policy(path)  # a run refuses it too


def test_diff_lists_each_changed_setting(tmp_path, capsys):
    old, new = tmp_path / "old.toml", tmp_path / "new.toml"
    old.write_text("[hold]\nthreshold = 85\n")
    new.write_text("[hold]\nthreshold = 90\n[ownership]\nblock_threshold_percent = 25\n")
    assert main(["policy", "diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert "[hold] threshold: 85.0 -> 90.0" in out and "[ownership] block_threshold_percent: 50.0 -> 25.0" in out
    assert "2 setting(s) differ" in out
    assert main(["policy", "diff", str(old), str(old)]) == 0
