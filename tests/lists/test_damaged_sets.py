"""A damaged or incoherent list never becomes current (issue 10.2, 10.11): every part of a version is
guarded against its predecessor, an OFAC set whose files do not belong together is refused, and list
files that fail to parse are recorded and audited. Real OFAC files, damaged copies in tmp_path."""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from aidvet.cli import main
from aidvet.errors import ListRejected
from aidvet.lists import load_files
from aidvet.lists.versions import load_entities, select_for_run, store_version
from aidvet.screening import Query, Screener
from aidvet.stages.refresh_lists import refresh_source
from aidvet.store.db import session_scope
from aidvet.store.models import AuditEvent, ListVersion

# Names held the day before only through aliases in alt.csv; both entities are FTO/SDGT-designated.
HELD_BY_ALIAS = {"AUM SUPREME TRUTH": "ofac:4691", "BASQUE FATHERLAND AND LIBERTY": "ofac:4693"}
HEADER = "id,kind,name,aliases,programs,countries,birth_dates,id_numbers,remarks\n"


def damage(folder: Path, how: str) -> None:
    """Damage alt.csv of a copied OFAC set the way a failed download or a half-done copy does."""
    alt = folder / "alt.csv"
    data = alt.read_bytes()
    if how == "empty":
        alt.write_bytes(b"")
    elif how == "missing":
        alt.unlink()
    elif how == "half-written":  # the copy stopped after a whole line
        alt.write_bytes(data[: data.index(b"\r\n", len(data) // 2) + 2])
    elif how == "cut-mid-line":  # the copy stopped in the middle of a record
        alt.write_bytes(data[: data.index(b"\r\n", len(data) // 2) - 7])


def held(entities, names=HELD_BY_ALIAS) -> dict[str, list[str]]:
    screener = Screener(entities)
    return {name: [hit.entity_id for hit in screener.screen([Query("q", name)])][:1] for name in names}


@pytest.fixture
def yesterday(store_url, shared_data: Path, tmp_path: Path) -> int:
    """The real 2021-04-25 SDN set, loaded as the version retrieved the day before."""
    parsed = load_files([shared_data / "lists" / "ofac" / "2021-04-25"])
    with session_scope(store_url) as session:
        version = store_version(session, parsed, retrieved_at=datetime.now(timezone.utc) - timedelta(days=1))
        return version.id


DAMAGES = {  # how alt.csv is damaged -> (the outcome, what the reason names)
    "empty": ("rejected", "alt.csv: holds no record"),
    "missing": ("rejected", "the set has no alt file, which version"),
    "half-written": ("rejected", "alt.csv: does not end with OFAC's end-of-file mark"),
    "cut-mid-line": ("failed", "alt.csv, line"),
}


def test_a_damaged_alt_file_is_refused_and_yesterdays_names_stay_held(store_url, yesterday, shared_data: Path,
                                                                       tmp_path: Path) -> None:
    for how, (outcome, named) in DAMAGES.items():
        drop = tmp_path / how
        shutil.copytree(shared_data / "lists" / "ofac" / "2021-04-25", drop)
        damage(drop, how)
        result = refresh_source("ofac", db_url=store_url, urls=[], download_root=tmp_path / "dl", drop_folder=drop)
        assert result.status == outcome and named in result.detail, (how, result)
        with session_scope(store_url) as session:
            damaged = session.get(ListVersion, result.version_id)
            assert (damaged.status, damaged.reason) == (outcome, result.detail.split(" rejected: ")[-1])
            event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
            assert event.kind == f"list.{outcome}" and event.subject == f"list version {damaged.id}"
            if outcome == "rejected":
                assert "strong aliases" in damaged.reason and "FTO/SDGT" in damaged.reason
            else:
                assert event.payload["file"].endswith("alt.csv")
        if how in ("empty", "missing"):  # it parsed: had it become current, the FTO/SDGT names were cleared
            assert all(hits != [HELD_BY_ALIAS[name]] for name, hits in held(load_files([drop]).entities).items())
    with session_scope(store_url) as session:
        selection = select_for_run(session, now=datetime.now(timezone.utc), max_age_days_by_source={"ofac": 35})
        assert selection.version_ids == [yesterday]  # the previous version stays current
        current = load_entities(session, selection.version_ids)
    assert held(current) == {name: [entity] for name, entity in HELD_BY_ALIAS.items()}
    assert all(entity.terrorist for entity in current if entity.id in HELD_BY_ALIAS.values())


def test_alt_rows_of_another_set_are_refused(store_url, shared_data: Path, tmp_path: Path) -> None:
    """sdn.csv of 2021 with alt.csv of 2025: ent_nums that sdn.csv does not have."""
    ofac = shared_data / "lists" / "ofac"
    parsed = load_files([ofac / "2021-04-25" / "sdn.csv", ofac / "2025-12-24" / "alt.csv"])
    with pytest.raises(ListRejected, match=r"files do not belong together.*alt\.csv: \d+ ent_num\(s\) have no row"):
        with session_scope(store_url) as session:
            store_version(session, parsed)
    with session_scope(store_url) as session:
        assert session.scalars(select(ListVersion.status)).all() == ["rejected"]


def local(tmp_path: Path, name: str, rows: list[str]):
    path = tmp_path / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return load_files([path])


def test_every_part_is_guarded_not_only_the_entity_count(store_url, tmp_path: Path) -> None:
    """Same 20 entities; the FTO/SDGT ones lose their aliases and a program loses its members."""
    base = [f"T{i},organization,GROUP {i},ALIAS {i};OTHER NAME {i},SDGT,,,," for i in range(10)]
    base += [f"D{i},organization,FIRM {i},,DEBARRED,,,," for i in range(10)]
    damaged = [f"T{i},organization,GROUP {i},,SDGT,,,," for i in range(10)]
    damaged += [f"D{i},organization,FIRM {i},,OTHER,,,," for i in range(10)]
    with session_scope(store_url) as session:
        store_version(session, local(tmp_path, "a.csv", base), retrieved_at=datetime.now(timezone.utc) - timedelta(days=1))
    with pytest.raises(ListRejected) as raised:
        with session_scope(store_url) as session:
            store_version(session, local(tmp_path, "b.csv", damaged))
    message = str(raised.value)
    assert "0 strong aliases is 100.0% fewer" in message and "0 aliases of FTO/SDGT entities" in message
    assert "0 entities in program DEBARRED" in message and not re.search(r"guard: \d+ entities is", message)
    with session_scope(store_url) as session:  # explicitly accepted, it is stored
        assert store_version(session, local(tmp_path, "b.csv", damaged), accept_shrink=True).status == "accepted"


def test_a_list_file_that_fails_to_parse_is_recorded_and_audited(store_url, shared_data: Path, tmp_path: Path,
                                                                  monkeypatch, capsys) -> None:
    monkeypatch.setenv("AIDVET_DB_URL", store_url)
    folder = tmp_path / "set"
    shutil.copytree(shared_data / "lists" / "ofac" / "2021-04-25", folder)
    damage(folder, "cut-mid-line")
    assert main(["lists", "load", str(folder)]) == 2
    assert "alt.csv" in capsys.readouterr().err
    with session_scope(store_url) as session:
        failed = session.scalars(select(ListVersion)).one()
        assert (failed.status, failed.source) == ("failed", "ofac") and "alt.csv" in failed.reason
        assert sorted(Path(path).name for path, _sha in failed.files) == ["add.csv", "alt.csv", "sdn.csv"]
        event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "list.failed")).one()
        assert event.payload["file"].endswith("alt.csv") and event.payload["reason"] == failed.reason
    assert main(["lists", "load", str(folder)]) == 2  # the same bytes again: one row, two events
    with session_scope(store_url) as session:
        assert len(session.scalars(select(ListVersion)).all()) == 1
        assert len(session.scalars(select(AuditEvent).where(AuditEvent.kind == "list.failed")).all()) == 2
