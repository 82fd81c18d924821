"""List versions: content-hash idempotence, GE suite + shrink guard (fail closed), deltas, selection."""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from aidvet.errors import ListRejected
from aidvet.lists import load_files
from aidvet.lists.model import Entity
from aidvet.lists.parse import ParsedList
from aidvet.lists.versions import load_entities, select_for_run, store_version, suite_problems
from aidvet.store.models import Base, ListDelta, ListEntity, ListVersion

PG_URL = os.environ.get("AIDVET_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
HEADER = "id,kind,name,aliases,programs,countries,birth_dates,id_numbers,remarks\n"
T0 = datetime(2026, 1, 10, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def session_factory(request, tmp_path: Path):
    """A fresh store: a SQLite file, or a throw-away PostgreSQL database (skipped if unreachable)."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
        Base.metadata.create_all(engine)
        yield sessionmaker(engine, expire_on_commit=False)
        engine.dispose()
        return
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"aidvet_lists_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {PG_URL} is unreachable under CI=true: {error}")
        pytest.skip(f"PostgreSQL at {PG_URL} is unreachable")
    engine = create_engine(make_url(PG_URL).set(database=name))
    try:
        Base.metadata.create_all(engine)
        yield sessionmaker(engine, expire_on_commit=False)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def local_list(tmp_path: Path, name: str, rows: list[str]) -> ParsedList:
    path = tmp_path / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return load_files([path])


def version_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ListVersion))


def test_same_bytes_make_one_version(session_factory, shared_data: Path) -> None:
    folder = shared_data / "lists" / "ofac" / "consolidated-2025-12"
    parsed = load_files([folder])
    with session_factory.begin() as session:
        first = store_version(session, parsed, retrieved_at=T0)
        assert first.status == "accepted" and first.counts["entities"] == len(parsed.entities) == 442
        assert first.counts["aliases_strong"] + first.counts["aliases_weak"] == sum(len(e.aliases) for e in parsed.entities)
    again = load_files(sorted(folder.iterdir(), reverse=True))
    with session_factory.begin() as session:
        assert store_version(session, again).id == first.id
        assert version_count(session) == 1
        assert session.scalar(select(func.count()).select_from(ListEntity)) == 442
        delta = session.get(ListDelta, first.id)
        assert delta.previous_version_id is None and len(delta.added) == 442 and delta.removed == []
        loaded = load_entities(session, [first.id])
    by_id = {e.id: e for e in parsed.entities}
    assert sorted(e.id for e in loaded) == sorted(by_id)
    assert all(e.to_dict() == by_id[e.id].to_dict() for e in loaded)


def test_shrink_guard_rejects_then_accepts_on_request(session_factory, tmp_path: Path) -> None:
    rows = [f"E{i},organization,ENTITY NUMBER {i},,DEBARRED,,,," for i in range(20)]
    with session_factory.begin() as session:
        full = store_version(session, local_list(tmp_path, "full.csv", rows), retrieved_at=T0)
    shrunk = local_list(tmp_path, "shrunk.csv", rows[:17])  # 15% fewer
    with pytest.raises(ListRejected, match=r"shrink guard: 17 entities is 15\.0% fewer than version \d+ \(20\)"):
        with session_factory.begin() as session:
            store_version(session, shrunk, retrieved_at=datetime(2026, 1, 11, tzinfo=timezone.utc))
    with session_factory() as session:
        rejected = session.scalars(select(ListVersion).where(ListVersion.status == "rejected")).one()
        assert "shrink guard" in rejected.reason and rejected.counts["entities"] == 17
        assert session.scalar(select(func.count()).select_from(ListEntity).where(
            ListEntity.version_id == rejected.id)) == 0
        selection = select_for_run(session, now=datetime(2026, 1, 12, tzinfo=timezone.utc),
                                   max_age_days_by_source={"local": 30})
        assert selection.version_ids == [full.id]  # a rejected version is never used
    with session_factory.begin() as session:
        accepted = store_version(session, shrunk, accept_shrink=True)
        assert accepted.id == rejected.id and accepted.status == "accepted" and accepted.reason is None
        delta = session.get(ListDelta, accepted.id)
        assert delta.previous_version_id == full.id
        assert delta.removed == ["local:E17", "local:E18", "local:E19"] and delta.added == [] and delta.changed == {}
        assert version_count(session) == 2


def test_small_shrink_passes(session_factory, tmp_path: Path) -> None:
    rows = [f"E{i},organization,ENTITY NUMBER {i},,DEBARRED,,,," for i in range(20)]
    with session_factory.begin() as session:
        store_version(session, local_list(tmp_path, "a.csv", rows), retrieved_at=T0)
        assert store_version(session, local_list(tmp_path, "b.csv", rows[:18])).status == "accepted"  # 10%


def test_delta_names_changed_fields(session_factory, tmp_path: Path) -> None:
    old = ["A,person,\"PEREZ, Juan\",Juanito,SDGT,Mexico,1970-01-02,,",
           "B,organization,ACME SA,,DEBARRED,,,,",
           "C,organization,GONE SA,,DEBARRED,,,,"]
    new = ["A,person,\"PEREZ, Juan\",Juanito;weak:EL JUAN,SDGT,Mexico;Peru,1970-01-02,,",
           "B,organization,ACME SA,,DEBARRED,,,,",
           "D,vessel,NEW SHIP,,DEBARRED,,,IMO:1234567,"]
    with session_factory.begin() as session:
        first = store_version(session, local_list(tmp_path, "old.csv", old), retrieved_at=T0)
        second = store_version(session, local_list(tmp_path, "new.csv", new),
                               retrieved_at=datetime(2026, 1, 11, tzinfo=timezone.utc), accept_shrink=True)
        delta = session.get(ListDelta, second.id)
        assert delta.previous_version_id == first.id
        assert delta.added == ["local:D"] and delta.removed == ["local:C"]
        assert delta.changed == {"local:A": ["aliases", "countries"]}


def test_suite_failures_reject_the_version(session_factory) -> None:
    entities = [Entity("x:1", "x", "person", "A B", programs=["SDGT"]),
                Entity("x:1", "x", "person", "C D", programs=["SDGT"]),
                Entity("x:2", "x", "person", " ", programs=["BAD] [CODE"]),
                Entity("x:3", "x", "ship", "E F")]
    parsed = ParsedList("x", entities, [("mem", "0" * 64)], "1" * 64)
    with pytest.raises(ListRejected) as error:
        with session_factory.begin() as session:
            store_version(session, parsed, retrieved_at=T0)
    message = str(error.value)
    for reason in ("entity id not unique [expect_column_values_to_be_unique(id)]: 2 entities (e.g. x:1, x:1)",
                   "entity name empty",
                   "program code malformed", "entity kind unknown [expect_column_values_to_be_in_set(kind)]: 1 entities (e.g. x:3)"):
        assert reason in message
    with session_factory() as session:
        assert session.scalars(select(ListVersion.status)).all() == ["rejected"]


def test_real_lists_pass_the_suite(shared_data: Path) -> None:
    lists = shared_data / "lists"
    paths = [[lists / "ofac" / "consolidated-2025-12"], [lists / "ofac" / "consolidated-2025-03-28.xml"],
             [lists / "un" / "consolidated-2025-04-19.xml"], [lists / "opensanctions" / "peps-2024-03.ftm.json"],
             [lists / "ofac" / "2026-04-23-excerpt" / "sdn.csv", lists / "ofac" / "2025-12-24"],
             [lists / "ofac" / "2021-04-25"], [lists / "ofac" / "2024-06-27"]]
    for group in paths:
        assert suite_problems(load_files(group), None, False, 0.1) == [], group


def test_select_for_run_enforces_max_age(session_factory, shared_data: Path) -> None:
    un = load_files([shared_data / "lists" / "un" / "consolidated-2025-04-19.xml"])
    with session_factory.begin() as session:
        version = store_version(session, un, retrieved_at=datetime(2025, 4, 20, tzinfo=timezone.utc))
    with session_factory() as session:
        fresh = select_for_run(session, now=datetime(2025, 5, 1, tzinfo=timezone.utc),
                               max_age_days_by_source={"un": 30})
        assert fresh.version_ids == [version.id] and fresh.unusable_reason is None
        stale = select_for_run(session, now=datetime(2025, 6, 1, tzinfo=timezone.utc),
                               max_age_days_by_source={"un": 30})
        assert stale.versions == []
        assert "un: newest accepted version" in stale.unusable_reason and "2025-04-19" in stale.unusable_reason
        partial = select_for_run(session, now=datetime(2025, 5, 1, tzinfo=timezone.utc),
                                 max_age_days_by_source={"un": 30, "ofac": 2})
        assert partial.version_ids == [version.id] and partial.unusable == {"ofac": "ofac: no accepted list version"}
        assert len(load_entities(session, partial.version_ids)) == 877


def test_empty_store_is_unusable(session_factory) -> None:
    with session_factory() as session:
        selection = select_for_run(session, now=T0, max_age_days_by_source={})
        assert selection.versions == [] and selection.unusable_reason.startswith("screening unavailable")


def test_replaying_an_old_file_does_not_displace_the_newest(session_factory, tmp_path: Path) -> None:
    rows = [f"E{i},organization,ENTITY NUMBER {i},,DEBARRED,,,," for i in range(10)]
    with session_factory.begin() as session:
        newest = store_version(session, local_list(tmp_path, "new.csv", rows), retrieved_at=T0)
        old = store_version(session, local_list(tmp_path, "old.csv", rows[:9]),
                            retrieved_at=datetime(2025, 12, 1, tzinfo=timezone.utc))
        assert old.status == "accepted"
        selection = select_for_run(session, now=T0, max_age_days_by_source={"local": 400})
        assert selection.version_ids == [newest.id]
