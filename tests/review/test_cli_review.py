from __future__ import annotations

import csv
import io

import pytest

from aidvet.cli import main


@pytest.fixture
def cli(queued_store, monkeypatch, capsys):
    monkeypatch.setenv("AIDVET_DB_URL", queued_store)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run


def test_list_csv(cli):
    code, out, _ = cli("review", "list", "--status", "pending", "--format", "csv", "--sort", "score")
    assert code == 0
    assert out.startswith("item_id,status,disbursement_id,payee_name,score")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["disbursement_id"], r["score"], r["programs"]) for r in rows] == [("D1", "97.0", "FTO SDGT SDNTK"),
                                                                                 ("D2", "90.0", "SDNTK")]


def test_decisions_from_the_shell_without_a_login_are_refused(cli, queued_store, tmp_path, monkeypatch):
    monkeypatch.setenv("AIDVET_REVIEW_TOKEN_FILE", str(tmp_path / "none.json"))
    monkeypatch.delenv("AIDVET_API_TOKEN", raising=False)
    for argv in (["decide", "1", "--decision", "release", "--reason", "different_entity", "--justification", "x"],
                 ["approve", "1"], ["reject", "1", "--note", "x"], ["assign", "1", "--to", "me"],
                 ["whitelist", "revoke", "1", "--reason", "x"]):
        code, _, err = cli("review", *argv)
        assert code != 0 and "aidvet review login" in err, argv
    with pytest.raises(SystemExit):  # a typed name is no identity
        cli("review", "approve", "1", "--user", "bob")
    from aidvet.store.db import session_scope
    from aidvet.store.models import ReviewItem

    with session_scope(queued_store) as session:
        assert session.get(ReviewItem, 1).status == "pending"


def test_table_output_prints_markup_in_names_as_written(cli):
    code, out, _ = cli("review", "list")
    assert code == 0 and "<script>" in out


def test_bad_input_is_a_clear_error(cli):
    code, _, err = cli("review", "show", "99")
    assert code == 2 and "no review item 99" in err


def test_a_review_command_imports_only_its_own_group():
    import subprocess
    import sys

    code = ("import sys; from aidvet.cli import build_parser; build_parser(['review']); "
            "print('great_expectations' in sys.modules, 'pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["False", "False"], done.stderr
