"""`aidvet lists load|show|diff|export` through the real command line entry point."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from aidvet.cli import main
from aidvet.store.models import Base

HEADER = "id,kind,name,aliases,programs,countries,birth_dates,id_numbers,remarks\n"


@pytest.fixture
def store(tmp_path: Path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    monkeypatch.setenv("AIDVET_DB_URL", url)
    return url


def test_load_show_export_the_cartel_excerpt(store, shared_data: Path, tmp_path: Path, capsys) -> None:
    ofac = shared_data / "lists" / "ofac"
    excerpt = (ofac / "2026-04-23-excerpt" / "sdn.csv").read_text(encoding="latin-1")
    ent_nums = {line.split(",", 1)[0] for line in excerpt.splitlines()}
    alt_lines = (ofac / "2025-12-24" / "alt.csv").read_text(encoding="latin-1").splitlines()
    strong = sum(1 for line in alt_lines if line.split(",", 1)[0] in ent_nums)
    weak = len(re.findall(r"a\.k\.a\. '", excerpt))
    terrorist = sum(1 for row in csv.reader(excerpt.splitlines()) if {"FTO", "SDGT"} & set(row[3].split("] [")))
    paths = [str(ofac / "2026-04-23-excerpt" / "sdn.csv"), str(ofac / "2025-12-24")]
    assert main(["lists", "load", *paths]) == 2  # an excerpt of sdn.csv with the full alt.csv is no set...
    refused = capsys.readouterr().err
    assert "files do not belong together" in refused and "alt.csv: 8646 ent_num(s) have no row" in refused
    assert main(["lists", "load", "--accept-partial-set", *paths]) == 0  # ...unless accepted as partial
    out = capsys.readouterr().out
    assert out.startswith(f"list version 1 (ofac) accepted: 11 entities, {strong} strong and {weak} weak aliases")
    assert f"{terrorist} terrorist-designated" in out and "warning: " in out and "no primary row" in out
    assert main(["lists", "show"]) == 0
    assert "accepted" in capsys.readouterr().out
    output = tmp_path / "out" / "entities.jsonl"
    assert main(["lists", "export", "--output", str(output)]) == 0
    records = [json.loads(line) for line in output.read_text().splitlines()]
    assert len(records) == 11
    assert all(list(r) == ["id", "kind", "name", "aliases", "programs", "countries", "birth_dates", "identifiers",
                           "addresses", "remarks", "terrorist"] for r in records)
    cjng = next(r for r in records if r["id"] == "ofac:17671")
    assert cjng["terrorist"] is True and "FTO" in cjng["programs"]
    assert {"name": "JALISCO NEW GENERATION CARTEL", "strength": "strong", "type": "aka"} in cjng["aliases"]


def test_rejected_load_exits_non_zero_and_says_why(store, tmp_path: Path, capsys) -> None:
    rows = [f"E{i},organization,ENTITY NUMBER {i},,DEBARRED,,,," for i in range(10)]
    full, shrunk = tmp_path / "full.csv", tmp_path / "shrunk.csv"
    full.write_text(HEADER + "\n".join(rows) + "\n")
    shrunk.write_text(HEADER + "\n".join(rows[:5]) + "\n")
    assert main(["lists", "load", str(full)]) == 0
    assert main(["lists", "load", str(shrunk)]) == 2
    error = capsys.readouterr().err
    assert "rejected: shrink guard: 5 entities is 50.0% fewer than version 1 (10)" in error
    assert main(["lists", "show"]) == 0
    assert "rejected" in capsys.readouterr().out
    assert main(["lists", "load", "--accept-shrink", str(shrunk)]) == 0
    assert "list version 2 (local) accepted: 5 entities" in capsys.readouterr().out
    assert main(["lists", "diff", "1", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("local version 1 -> 2: 0 added, 5 removed, 0 changed")
    assert "removed local:E9" in out


def test_bad_file_exits_non_zero_naming_it(store, tmp_path: Path, capsys) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("hello,world\n")
    assert main(["lists", "load", str(path)]) == 2
    assert f"{path}: one of: an OFAC legacy CSV file" in capsys.readouterr().err
