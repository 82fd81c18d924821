"""Someone with write access alters the database behind aidvet's back: verify must say where."""

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from aidvet.audit import chain
from aidvet.cli import main
from aidvet.pipeline import run_pipeline
from aidvet.runs import safe_run_id
from aidvet.store.db import session_scope
from aidvet.store.models import AuditEvent


def _append(url, count=5):
    with session_scope(url) as session:
        for n in range(count):
            chain.append(session, "decision.automatic", subject=f"DSB-{n}", payload={"outcome": "cleared", "n": n})


def _tamper(url, *statements):
    """Run raw SQL with the append-only guard lifted, as an attacker with DDL rights could."""
    with session_scope(url) as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres:
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))  # all of them, TRUNCATE's too
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


# --- issue 10.5: TRUNCATE, runs <-> events <-> manifests <-> output files, external anchors, signatures ---

RUN = "manual__2026-12-04T09:00:00+00:00"


def test_truncate_and_unqualified_delete_are_refused(store_url):
    _append(store_url)
    with session_scope(store_url) as session:
        postgres = session.get_bind().dialect.name == "postgresql"
    # PostgreSQL: a statement trigger refuses TRUNCATE; SQLite has no TRUNCATE, and its row
    # trigger refuses the DELETE that would empty the table
    statement = "TRUNCATE audit_events" if postgres else "DELETE FROM audit_events"
    with pytest.raises(DBAPIError, match="append-only"):
        with session_scope(store_url) as session:
            session.execute(text(statement))
    assert _verify(store_url).events == 5


@pytest.fixture
def published(sample_with_list, monkeypatch, tmp_path):
    """One real run of the sample, published with a signing key and an external anchor file."""
    monkeypatch.setenv("AIDVET_DB_URL", sample_with_list.db_url)
    monkeypatch.setenv("AIDVET_ARTIFACT_ROOT", sample_with_list.artifact_root)
    monkeypatch.setenv("AIDVET_INPUTS", sample_with_list.inputs[0])
    monkeypatch.setenv("AIDVET_AUDIT_KEY", "test-key-0123456789abcdef0123456789abcdef")
    monkeypatch.setenv("AIDVET_AUDIT_ANCHOR_FILE", str(tmp_path / "operator" / "anchors.jsonl"))
    run_pipeline(sample_with_list, RUN)
    return sample_with_list


def _verify_cli(capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["audit", "verify"])
    return code, capsys.readouterr().out


def test_an_honest_published_run_verifies_and_its_anchor_was_written(published, tmp_path, capsys):
    lines = (tmp_path / "operator" / "anchors.jsonl").read_text().splitlines()
    anchor = json.loads(lines[-1])
    with session_scope(published.db_url) as session:
        assert chain.head(session) == {"seq": anchor["seq"], "hash": anchor["hash"]}  # written after the last event
        signed = [event.signature is not None for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
    assert signed == [False] + [True] * (len(signed) - 1)  # the list was loaded before the key was set
    code, out = _verify_cli(capsys)
    assert code == 0 and "audit trail OK" in out and "signatures valid (1 unsigned events before" in out


@pytest.mark.parametrize("name", ["held.csv", "cleared.csv", "manifest.json"])
def test_an_edited_output_file_is_named(published, capsys, name):
    folder = Path(published.artifact_root) / "runs" / safe_run_id(RUN)
    path = folder / name
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n", 1))  # one byte more, nothing visible
    code, out = _verify_cli(capsys)
    assert code == 1 and f"{name} was edited" in out and safe_run_id(RUN) in out


def test_an_emptied_trail_with_manifest_uris_nulled_is_an_error(published, monkeypatch, capsys):
    monkeypatch.delenv("AIDVET_AUDIT_ANCHOR_FILE")  # without the operator's file too
    _tamper(published.db_url, "DELETE FROM audit_events", "UPDATE runs SET manifest_uri = NULL")
    code, out = _verify_cli(capsys)
    assert code == 1 and "the audit trail is empty although 1 run(s) exist" in out and "audit trail OK" not in out


def test_deleting_the_newest_events_is_caught_by_the_external_anchor(published, capsys):
    with session_scope(published.db_url) as session:
        newest = chain.head(session)["seq"]
    _tamper(published.db_url, f"DELETE FROM audit_events WHERE seq = {newest}")
    assert _verify(published.db_url).ok  # the chain alone cannot see it...
    code, out = _verify_cli(capsys)  # ...the operator's anchor file can
    assert code == 1 and f"event {newest} with hash" in out and "is not in the trail" in out


def test_an_event_forged_through_the_append_code_is_caught_by_its_signature(published, monkeypatch, capsys):
    monkeypatch.delenv("AIDVET_AUDIT_KEY")
    with session_scope(published.db_url) as session:  # the attacker has the database and the code, not the key
        forged = chain.append(session, "review.approved", actor="mallory", subject="review:1", payload={"forged": 1})
        forged_seq = forged.seq
    monkeypatch.setenv("AIDVET_AUDIT_KEY", "attacker-guess")
    with session_scope(published.db_url) as session:
        guessed = chain.append(session, "review.approved", actor="mallory", subject="review:2").seq
    monkeypatch.setenv("AIDVET_AUDIT_KEY", "test-key-0123456789abcdef0123456789abcdef")
    assert _verify(published.db_url).ok  # the chain is intact...
    code, out = _verify_cli(capsys)  # ...but the events were not signed with the key
    assert code == 1 and f"event {forged_seq} is not signed" in out
    assert f"event {guessed} has a signature that does not match the key" in out

