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


def test_decide_approve_and_four_eyes_from_the_shell(cli):
    code, out, _ = cli("review", "decide", "1", "--decision", "release", "--reason", "different_person",
                       "--justification", "water utility, not the cartel", "--user", "alice")
    assert code == 0 and "approves" in out
    code, _, err = cli("review", "approve", "1", "--user", "alice")
    assert code != 0 and "cannot approve" in err
    code, out, _ = cli("review", "approve", "1", "--user", "bob")
    assert code == 0 and "released" in out
    _, out, _ = cli("review", "list", "--status", "released", "--format", "csv")
    assert [row["item_id"] for row in csv.DictReader(io.StringIO(out))] == ["1"]
    code, out, _ = cli("review", "show", "1")
    assert code == 0
    assert "review.decided" in out and "review.approved" in out and "alice" in out and "bob" in out
    assert "CARTEL DE JALISCO NUEVA GENERACION" in out and "TERRORIST" in out


def test_table_output_prints_markup_in_names_as_written(cli):
    code, out, _ = cli("review", "list")
    assert code == 0 and "<script>" in out


def test_bad_input_is_a_clear_error(cli):
    code, _, err = cli("review", "decide", "99", "--decision", "block", "--reason", "confirmed_match",
                       "--justification", "x", "--user", "alice")
    assert code == 2 and "no review item 99" in err
