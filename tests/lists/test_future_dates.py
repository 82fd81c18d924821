"""A list dated in the future cannot pin itself as the newest version (issue 10.3): it is rejected,
and versions are ordered by dates bounded by when they were retrieved. Real UN file, dated copies."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, update

from aidvet.errors import ListRejected
from aidvet.lists import load_files
from aidvet.lists.versions import load_entities, select_for_run, store_version
from aidvet.store.db import session_scope
from aidvet.store.models import AuditEvent, ListVersion

NEW_ID = "999999901"


def un_copy(shared_data: Path, folder: Path, dated: str, *, newly_listed: bool = False) -> Path:
    """The real UN list with its `dateGenerated` set to `dated`, and optionally one more individual."""
    text = (shared_data / "lists" / "un" / "consolidated-2025-04-19.xml").read_text(encoding="utf-8")
    text = re.sub(r"dateGenerated='[^']*'", f"dateGenerated='{dated}T09:00:00.000Z'", text, count=1)
    if newly_listed:
        first = re.search(r"<INDIVIDUAL>.*?</INDIVIDUAL>", text, re.S).group(0)
        added = re.sub(r"<DATAID>\d+</DATAID>", f"<DATAID>{NEW_ID}</DATAID>", first, count=1)
        text = text.replace(first, first + added, 1)
    path = folder / f"un-{dated}{'-new' if newly_listed else ''}.xml"
    path.write_text(text, encoding="utf-8")
    return path


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=timezone.utc)


def test_a_list_dated_in_the_future_is_rejected_and_a_genuine_later_one_is_used(store_url, shared_data: Path,
                                                                                  tmp_path: Path) -> None:
    with session_scope(store_url) as session:
        first = store_version(session, load_files([un_copy(shared_data, tmp_path, "2026-03-01")]),
                              retrieved_at=at("2026-03-01T12:00:00")).id
    with pytest.raises(ListRejected, match="dated in the future: the file says it was published 2099-01-01"):
        with session_scope(store_url) as session:
            store_version(session, load_files([un_copy(shared_data, tmp_path, "2099-01-01")]),
                          retrieved_at=at("2026-03-02T12:00:00"))
    with session_scope(store_url) as session:  # a day ahead (time zones) is tolerated
        tolerated = store_version(session, load_files([un_copy(shared_data, tmp_path, "2026-03-04")]),
                                  retrieved_at=at("2026-03-03T12:00:00"), accept_shrink=True)
        assert tolerated.status == "accepted"
    with session_scope(store_url) as session:
        later = store_version(session, load_files([un_copy(shared_data, tmp_path, "2026-03-10", newly_listed=True)]),
                              retrieved_at=at("2026-03-10T12:00:00")).id
    with session_scope(store_url) as session:
        rejected = session.scalars(select(ListVersion).where(ListVersion.status == "rejected")).one()
        assert rejected.published_at == "2099-01-01" and "dated in the future" in rejected.reason
        assert session.scalars(select(AuditEvent.kind).where(AuditEvent.subject == f"list version {rejected.id}")
                               ).all() == ["list.rejected"]
        selection = select_for_run(session, now=at("2026-03-11"), max_age_days_by_source={"un": 30})
        assert selection.version_ids == [later] != [first]
        assert f"un:{NEW_ID}" in {entity.id for entity in load_entities(session, selection.version_ids)}


def test_a_future_date_already_in_the_store_does_not_pin_the_order(store_url, shared_data: Path,
                                                                    tmp_path: Path) -> None:
    """A version stored before this guard existed, its date since found to be 2099: ordering caps it
    at its retrieval date, so the genuine later version (with a newly listed entity) is selected."""
    with session_scope(store_url) as session:
        pinned = store_version(session, load_files([un_copy(shared_data, tmp_path, "2026-03-01")]),
                               retrieved_at=at("2026-03-01T12:00:00")).id
        session.execute(update(ListVersion).where(ListVersion.id == pinned).values(published_at="2099-01-01"))
    with session_scope(store_url) as session:
        later = store_version(session, load_files([un_copy(shared_data, tmp_path, "2026-03-10", newly_listed=True)]),
                              retrieved_at=at("2026-03-10T12:00:00"))
        assert later.status == "accepted"
    with session_scope(store_url) as session:
        selection = select_for_run(session, now=at("2026-03-11"), max_age_days_by_source={"un": 30})
        assert selection.version_ids == [later.id]
        assert f"un:{NEW_ID}" in {entity.id for entity in load_entities(session, selection.version_ids)}


def test_a_retrieval_time_in_the_future_is_refused(store_url, shared_data: Path, tmp_path: Path) -> None:
    with pytest.raises(ListRejected, match="retrieved_at 2099-01-01.* is in the future"):
        with session_scope(store_url) as session:
            store_version(session, load_files([un_copy(shared_data, tmp_path, "2026-03-01")]),
                          retrieved_at=at("2099-01-01"))
