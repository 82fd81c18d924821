"""Review notices through Airflow's notifiers: e-mail via the SMTP provider to a real local SMTP
server (aiosmtpd, started here), and the JSON webhook notifier to a real local HTTP server."""

from __future__ import annotations

import json
import socket
import sys
import threading
from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))

from review_builders import build_queued_store  # noqa: E402

from aidvet.airflow.notify import notify_reviewers, send  # noqa: E402
from aidvet.config import settings  # noqa: E402
from aidvet.review.notify import Notice, due_notices, record_sent  # noqa: E402
from aidvet.store.db import session_scope  # noqa: E402
from aidvet.store.models import AuditEvent, ReviewItem, Run  # noqa: E402


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(monkeypatch):
    """A real SMTP server on a free local port; yields the list of messages it received."""
    from aiosmtpd.controller import Controller

    received: list = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
            return "250 OK"

    port = _free_port()
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port, ready_timeout=20)
    controller.start()
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(
        {"conn_type": "smtp", "host": "127.0.0.1", "port": port,
         "extra": {"disable_ssl": True, "disable_tls": True, "from_email": "aidvet@example.org"}}))
    monkeypatch.setenv("AIDVET_NOTIFY_EMAIL", "compliance@example.org,reviewers@example.org")
    monkeypatch.delenv("AIDVET_NOTIFY_CHANNELS", raising=False)
    yield received
    controller.stop()


@pytest.fixture
def published_run(store_url, monkeypatch, tmp_path):
    """run-1 published two held items (one FTO), queued yesterday; SLA 24 h in the policy."""
    build_queued_store(store_url)
    with session_scope(store_url) as session:
        session.get(Run, "run-1").manifest_uri = "file:///runs/run-1/manifest.json"
    policy = tmp_path / "policy.toml"
    policy.write_text((Path(__file__).resolve().parents[2] / "policy.toml").read_text()
                      .replace("sla_hours = 72", "sla_hours = 24"))
    monkeypatch.setenv("AIDVET_DB_URL", store_url)
    monkeypatch.setenv("AIDVET_POLICY", str(policy))
    return store_url


def test_held_items_are_mailed_once_through_the_smtp_notifier(published_run, smtp_server):
    sent = notify_reviewers(settings(), {}, "http://airflow.example/aidvet-review/")
    assert sent == ["aidvet: run run-1 held 2 disbursement(s) for review"]
    [(recipients, message)] = smtp_server
    assert recipients == ["compliance@example.org", "reviewers@example.org"]
    assert message["Subject"] == sent[0]
    body = message.get_payload()[0].get_payload(decode=True).decode()
    assert "1250.50 USD" in body and "1 on FTO/SDGT" in body and "aidvet-review/?status=pending" in body
    assert notify_reviewers(settings(), {}, "http://q/") == []  # announced once
    with session_scope(published_run) as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.kind == "review.notified")).all()
    assert event.payload["channels"] == ["email"] and event.run_id == "run-1"


def test_items_past_the_sla_from_the_policy_are_mailed(published_run, smtp_server):
    notify_reviewers(settings(), {}, "http://q/")  # the held notice
    with session_scope(published_run) as session:
        for item in session.scalars(select(ReviewItem)):
            item.created_at = datetime.now(timezone.utc) - timedelta(hours=25)
    sent = notify_reviewers(settings(), {}, "http://q/")
    assert sent == ["aidvet: 2 held item(s) waiting longer than 24 h"]
    assert "[FTO/SDGT]" in smtp_server[-1][1].get_payload()[0].get_payload(decode=True).decode()
    assert notify_reviewers(settings(), {}, "http://q/") == []  # each overdue item announced once


def test_items_within_the_sla_are_not_overdue(published_run):
    with session_scope(published_run) as session:
        notices = due_notices(session, 24, "http://q/")
        record_sent(session, notices[0], ["test"])
        assert [n.kind for n in notices] == ["held"] and due_notices(session, 24, "http://q/") == []


def test_the_webhook_notifier_posts_the_notice_as_json(monkeypatch):
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("AIRFLOW_CONN_REVIEW_HOOK", json.dumps(
            {"conn_type": "http", "host": f"http://127.0.0.1:{server.server_port}/hook"}))
        monkeypatch.setenv("AIDVET_NOTIFY_CHANNELS", "webhook:review_hook")
        used = send(Notice(kind="overdue", subject="2 items overdue", body="item 1, item 2", item_ids=[1, 2]), {})
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert used == ["webhook:review_hook"]
    assert received == [{"subject": "2 items overdue", "text": "item 1, item 2", "kind": "overdue", "run_id": None,
                         "item_ids": [1, 2]}]


def test_an_unknown_channel_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("AIDVET_NOTIFY_CHANNELS", "pager")
    with pytest.raises(ValueError, match="channel 'pager': expected email"):
        send(Notice(kind="held", subject="s", body="b"), {})
