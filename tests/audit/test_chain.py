import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from aidvet.audit import chain
from aidvet.store.db import session_scope
from aidvet.store.models import AuditEvent


def _append_three(url):
    with session_scope(url) as session:
        for n in range(3):
            chain.append(session, "test.event", subject=f"item {n}", payload={"n": n, "name": "Cártel"})


def test_chain_verifies_and_links_each_event_to_the_one_before(store_url):
    _append_three(store_url)
    with session_scope(store_url) as session:
        result = chain.verify(session)
        events = session.query(AuditEvent).order_by(AuditEvent.seq).all()
    assert result.ok and result.events == 3
    assert events[0].prev_hash == chain.GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]


@pytest.mark.parametrize("statement", [
    update(AuditEvent).values(actor="someone else"),
    delete(AuditEvent),
])
def test_the_database_refuses_updates_and_deletes(store_url, statement):
    _append_three(store_url)
    with pytest.raises(DBAPIError, match="append-only"):
        with session_scope(store_url) as session:
            session.execute(statement)


def test_verify_names_the_first_altered_event(store_url):
    _append_three(store_url)
    with session_scope(store_url) as session:  # an attacker with DDL rights: drop the guard, edit a row
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        else:
            session.execute(text("DROP TRIGGER audit_events_no_update"))
        session.execute(text("UPDATE audit_events SET subject = 'item X' WHERE seq = 2"))
    with session_scope(store_url) as session:
        result = chain.verify(session)
    assert not result.ok and result.first_bad_seq == 2 and "altered" in result.problem
