"""refresh_source: new / unchanged (and confirmed current) / rejected / failed, each audited."""

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from aidvet.lists.versions import select_for_run
from aidvet.sample import designated
from aidvet.stages.refresh_lists import refresh_source
from aidvet.store.db import session_scope
from aidvet.store.models import AuditEvent, ListVersion


def _refresh(store_url, tmp_path, drop):
    return refresh_source("ofac", db_url=store_url, urls=[], download_root=tmp_path / "dl", drop_folder=drop)


def test_statuses_and_freshness_of_an_unchanged_list(store_url, tmp_path):
    drop = tmp_path / "drop"
    designated.write_ofac_csv(drop)
    first = _refresh(store_url, tmp_path, drop)
    assert first.status == "new"
    with session_scope(store_url) as session:  # pretend the first fetch was 40 days ago
        version = session.get(ListVersion, first.version_id)
        version.retrieved_at = datetime.now(timezone.utc) - timedelta(days=40)
    with session_scope(store_url) as session:
        stale = select_for_run(session, now=datetime.now(timezone.utc), max_age_days_by_source={"ofac": 35})
        assert not stale.versions
    second = _refresh(store_url, tmp_path, drop)
    assert (second.status, second.version_id) == ("unchanged", first.version_id)
    with session_scope(store_url) as session:  # the same bytes fetched today: the list is current again
        fresh = select_for_run(session, now=datetime.now(timezone.utc), max_age_days_by_source={"ofac": 35})
        assert [v.id for v in fresh.versions] == [first.version_id]
        assert len(session.scalars(select(ListVersion)).all()) == 1


def test_a_shrunken_list_is_rejected_and_a_broken_drop_fails_both_audited(store_url, tmp_path):
    drop = tmp_path / "drop"
    designated.write_ofac_csv(drop)
    assert _refresh(store_url, tmp_path, drop).status == "new"
    sdn = drop / "sdn.csv"
    lines = sdn.read_bytes().split(b"\r\n")
    sdn.write_bytes(b"\r\n".join(lines[:6] + lines[-1:]))  # half the entities gone
    assert _refresh(store_url, tmp_path, drop).status == "rejected"
    sdn.write_bytes(b"not a list")
    (drop / "alt.csv").unlink()
    failed = _refresh(store_url, tmp_path, drop)
    assert failed.status == "failed" and "sdn.csv" in failed.detail
    with session_scope(store_url) as session:
        kinds = session.scalars(select(AuditEvent.kind).order_by(AuditEvent.seq)).all()
    assert kinds == ["list.accepted", "list.rejected", "list.failed"]
