"""The `aidvet screen` / `aidvet score` CSV contract.

The commands run through the parser their module registers, as `aidvet.cli.main` does.
"""

import argparse
import csv
import sys

import pytest

from aidvet.cli import screen
from aidvet.cli.screen import HITS_HEADER
from aidvet.errors import AidvetError


def main(argv: list[str]) -> int:
    """Like `aidvet.cli.main` for these commands: exit code 2 and one line on stderr on errors."""
    parser = argparse.ArgumentParser(prog="aidvet")
    screen.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except AidvetError as error:
        print(f"aidvet: error: {error}", file=sys.stderr)
        return 2


def test_commands_are_registered_in_the_cli():
    from aidvet.cli import COMMAND_MODULES

    assert "screen" in COMMAND_MODULES

LIST_CSV = """id,kind,name,aliases,programs,countries,birth_dates,id_numbers,remarks
CJNG,organization,CARTEL DE JALISCO NUEVA GENERACION,JALISCO NEW GENERATION CARTEL,FTO;SDGT,Mexico,,,
MAYO,person,"ZAMBADA GARCIA, Ismael",weak:EL MAYO,SDNTK,Mexico,1948-01-01,CURP:ZAGI480101HSLMRS09:Mexico,
ACME,organization,ACME TRADING SA,,DEBARRED,Mexico,,,
"""


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def list_file(tmp_path):
    return write(tmp_path / "local.csv", LIST_CSV)


@pytest.fixture(autouse=True)
def artifact_root(tmp_path, monkeypatch):
    """`aidvet screen` keeps list indexes in the artifact root: each test has its own."""
    monkeypatch.setenv("AIDVET_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    return tmp_path / "artifacts"


def test_screen_round_trip(tmp_path, list_file):
    names = write(tmp_path / "names.csv", "id,name,kind,country,date_of_birth,id_number\n"
                  "1,Cártel Jalisco Nueva Generación,,,,\n"
                  "2,RTI International,organization,,,\n"
                  "3,Ismael Zambada,person,MX,1948-01-01,\n"
                  "4,Somebody,person,,,ZAGI-480101-HSLMRS09\n"
                  '5,"Acme Trading, S.A. de C.V.",organization,Mexico,,\n')
    output = tmp_path / "out" / "hits.csv"
    assert main(["screen", "--lists", str(list_file), "--input", str(names), "--output", str(output)]) == 0
    rows = read(output)
    assert tuple(rows[0]) == HITS_HEADER
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {"1", "3", "4", "5"}  # "2" has no hit, so no row
    assert by_id["1"][3:6] == ["local:CJNG", "local", "CARTEL DE JALISCO NUEVA GENERACION"]
    assert by_id["1"][6] == "FTO;SDGT" and "[terrorist designation]" in by_id["1"][7]
    assert all(0 <= float(row[2]) <= 100 for row in rows[1:])
    assert "identifier" in by_id["4"][7]


def test_screen_keeps_the_index_and_rebuilds_it_when_a_list_changes(tmp_path, list_file, artifact_root, capsys):
    names = write(tmp_path / "names.csv", "id,name\n1,CJNG\n2,Acme Trading\n3,Banco Fantasma\n")
    output = tmp_path / "hits.csv"
    arguments = ["screen", "--lists", str(list_file), "--input", str(names), "--output", str(output)]
    assert main(arguments) == 0
    assert "index of 3 entities built" in capsys.readouterr().err
    first = read(output)
    assert main(arguments) == 0
    assert "index of 3 entities loaded" in capsys.readouterr().err
    assert read(output) == first
    assert len(list((artifact_root / "screening-index").glob("*.index"))) == 1

    write(list_file, LIST_CSV + "FANTASMA,organization,BANCO FANTASMA,,SDGT,,,,\n")  # a new list version
    assert main(arguments) == 0
    assert "index of 4 entities built" in capsys.readouterr().err
    assert [row[3] for row in read(output)[1:]] == [row[3] for row in first[1:]] + ["local:FANTASMA"]


def test_screen_index_dir_option(tmp_path, list_file):
    names = write(tmp_path / "names.csv", "id,name\n1,CJNG\n")
    assert main(["screen", "--lists", str(list_file), "--input", str(names), "--output", str(tmp_path / "h.csv"),
                 "--index-dir", str(tmp_path / "kept")]) == 0
    assert len(list((tmp_path / "kept").glob("*.index"))) == 1


def test_screen_threshold_option(tmp_path, list_file):
    names = write(tmp_path / "names.csv", "id,name\n1,Cartel Jalisco Nueva Generasion\n")
    output = tmp_path / "hits.csv"
    main(["screen", "--lists", str(list_file), "--input", str(names), "--output", str(output), "--threshold", "99.5"])
    assert read(output) == [list(HITS_HEADER)]
    main(["screen", "--lists", str(list_file), "--input", str(names), "--output", str(output), "--threshold", "60"])
    assert [row[3] for row in read(output)[1:]] == ["local:CJNG"]


def test_screen_rejects_a_bad_header_with_file_and_line(tmp_path, list_file, capsys):
    names = write(tmp_path / "names.csv", "identifier,fullname\n1,x\n")
    code = main(["screen", "--lists", str(list_file), "--input", str(names), "--output", str(tmp_path / "h.csv")])
    assert code == 2
    error = capsys.readouterr().err
    assert "names.csv, line 1" in error and "id,name" in error
    assert not (tmp_path / "h.csv").exists()


def test_screen_rejects_an_unknown_kind(tmp_path, list_file, capsys):
    names = write(tmp_path / "names.csv", "id,name,kind\n1,x,robot\n")
    assert main(["screen", "--lists", str(list_file), "--input", str(names), "--output", str(tmp_path / "h.csv")]) == 2
    assert "line 2" in capsys.readouterr().err


def test_score_round_trip(tmp_path):
    pairs = write(tmp_path / "pairs.csv", "name1,name2,kind,note\n"
                  "RTI International,NIA INTERNATIONAL,organization,a\n"
                  "CJNG,Cartel de Jalisco Nueva Generación,,b\n"
                  '"SALEK, ABDULHAI",ABDULHAI SALEK,person,c\n')
    output = tmp_path / "scored.csv"
    assert main(["score", "--pairs", str(pairs), "--output", str(output)]) == 0
    rows = read(output)
    assert rows[0] == ["name1", "name2", "kind", "note", "score"]
    assert [row[3] for row in rows[1:]] == ["a", "b", "c"]
    scores = [float(row[4]) for row in rows[1:]]
    assert scores[0] < 85 <= scores[1] and scores[2] == 100


def test_score_needs_name_columns(tmp_path, capsys):
    pairs = write(tmp_path / "pairs.csv", "a,b\nx,y\n")
    assert main(["score", "--pairs", str(pairs), "--output", str(tmp_path / "s.csv")]) == 2
    assert "name1,name2" in capsys.readouterr().err


def test_lists_of_several_sources_screen_together(tmp_path, list_file):
    other = write(tmp_path / "other.csv", LIST_CSV.replace("CJNG,", "OTHER,").replace("MAYO,", "M2,")
                  .replace("ACME,", "ACME2,"))
    (tmp_path / "un.xml").write_text("not a list", encoding="utf-8")
    names = write(tmp_path / "names.csv", "id,name\n1,CJNG\n")
    output = tmp_path / "hits.csv"
    assert main(["screen", "--lists", str(list_file), str(other), "--input", str(names), "--output", str(output)]) == 0
    assert {row[3] for row in read(output)[1:]} == {"local:CJNG", "local:OTHER"}
    code = main(["screen", "--lists", str(list_file), str(tmp_path / "un.xml"), "--input", str(names),
                 "--output", str(output)])
    assert code == 2


def test_threshold_per_program(tmp_path, list_file):
    names = write(tmp_path / "names.csv", "id,name\n1,Cartel Jalisco Nueva Generasion\n2,Acme Tradin\n")
    output = tmp_path / "hits.csv"
    main(["screen", "--lists", str(list_file), "--input", str(names), "--output", str(output),
          "--threshold", "99.5", "--thresholds", "FTO=60"])
    assert [row[3] for row in read(output)[1:]] == ["local:CJNG"]
