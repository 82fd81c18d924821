"""Someone with write access alters the database behind aidvet's back: verify must say where."""

import pytest
from sqlalchemy import text

from aidvet.audit import chain
from aidvet.store.db import session_scope


def _append(url, count=5):
    with session_scope(url) as session:
        for n in range(count):
            chain.append(session, "decision.automatic", subject=f"DSB-{n}", payload={"outcome": "cleared", "n": n})


def _tamper(url, *statements):
    """Run raw SQL with the append-only guard lifted, as an attacker with DDL rights could."""
    with session_scope(url) as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres:
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        else:
            session.execute(text("DROP TRIGGER audit_events_no_update"))
            session.execute(text("DROP TRIGGER audit_events_no_delete"))
        for statement in statements:
            session.execute(text(statement))


def _verify(url):
    with session_scope(url) as session:
        return chain.verify(session)


def test_edited_payload_is_named(store_url):
    _append(store_url)
    _tamper(store_url, "UPDATE audit_events SET payload = '{\"outcome\": \"held\", \"n\": 2}' WHERE seq = 3")
    result = _verify(store_url)
    assert (result.ok, result.first_bad_seq) == (False, 3) and "altered" in result.problem


def test_deleted_event_is_named_by_its_successor(store_url):
    _append(store_url)
    _tamper(store_url, "DELETE FROM audit_events WHERE seq = 2")
    result = _verify(store_url)
    assert (result.ok, result.first_bad_seq) == (False, 3) and "missing or reordered" in result.problem


def test_swapped_events_are_named(store_url):
    _append(store_url)
    # swap the content of events 2 and 4 (keeping the sequence numbers): a reordering
    _tamper(store_url,
            "UPDATE audit_events SET seq = -2 WHERE seq = 2",
            "UPDATE audit_events SET seq = 2 WHERE seq = 4",
            "UPDATE audit_events SET seq = 4 WHERE seq = -2")
    result = _verify(store_url)
    assert (result.ok, result.first_bad_seq) == (False, 2)


def test_truncation_is_caught_by_an_anchor(store_url):
    _append(store_url)
    with session_scope(store_url) as session:
        anchor = chain.head(session)
    _tamper(store_url, "DELETE FROM audit_events WHERE seq = 5")
    assert _verify(store_url).ok  # the chain alone cannot see its newest event gone...
    with session_scope(store_url) as session:
        assert not chain.check_anchor(session, anchor)  # ...the manifest's anchor can


@pytest.mark.parametrize("count", [0, 1])
def test_short_chains_verify(store_url, count):
    _append(store_url, count)
    assert _verify(store_url).ok
