"""`aidvet review decide|approve|...` through the review API of a real HTTP server (uvicorn serving
the plugin app under /aidvet-review, Airflow's simple auth manager issuing the tokens)."""

from __future__ import annotations

import csv
import io
import socket
import threading
import time

import pytest

from aidvet.cli import main


@pytest.fixture
def api_url(client):
    import uvicorn
    from fastapi import FastAPI

    parent = FastAPI()
    parent.mount("/aidvet-review", client.app)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(parent, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start within 20 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def shell(api_url, queued_store, token, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("AIDVET_DB_URL", queued_store)
    monkeypatch.setenv("AIDVET_API_URL", api_url)
    monkeypatch.setenv("AIDVET_REVIEW_TOKEN_FILE", str(tmp_path / "token.json"))

    def run(user: str, *argv: str) -> tuple[int, str, str]:
        monkeypatch.setenv("AIDVET_API_TOKEN", token(user))
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run


def test_decide_and_approve_from_the_shell_go_through_the_api_as_the_authenticated_user(shell):
    code, out, _ = shell("alice", "review", "decide", "1", "--decision", "release", "--reason", "different_entity",
                         "--justification", "water utility, not the cartel")
    assert code == 0 and "recorded by alice" in out and "approves" in out
    code, _, err = shell("alice", "review", "approve", "1", "--note", "x")
    assert code != 0 and "HTTP 403" in err and "may not approve" in err  # a reviewer is no approver
    code, _, err = shell("bob", "review", "approve", "1")
    assert code != 0 and "escalation note" in err  # FTO-designated entity
    code, out, _ = shell("bob", "review", "approve", "1", "--note", "legal confirmed: municipal utility")
    assert code == 0 and "approved by bob; released" in out
    _, out, _ = shell("vera", "review", "list", "--status", "released", "--format", "csv")
    assert [row["item_id"] for row in csv.DictReader(io.StringIO(out))] == ["1"]
    code, out, _ = shell("vera", "review", "show", "1")
    assert "review.decided" in out and "review.approved" in out and "alice" in out and "bob" in out


def test_an_auditor_cannot_decide_from_the_shell(shell):
    code, _, err = shell("vera", "review", "decide", "2", "--decision", "block", "--reason", "confirmed_match",
                         "--justification", "x")
    assert code != 0 and "vera (auditor) may not decide" in err
