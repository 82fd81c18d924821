"""Tell the review team about held items and overdue reviews through Airflow notifiers.

Channels come from the Airflow Variable `aidvet_notify_channels` (else AIDVET_NOTIFY_CHANNELS),
comma-separated, default "email":
- `email`: the SMTP provider's SmtpNotifier over the Airflow connection `smtp_default` (or
  AIDVET_NOTIFY_SMTP_CONN) to the addresses in Variable `aidvet_notify_email` / AIDVET_NOTIFY_EMAIL;
- `slack:<conn_id>`: the Slack provider's SlackWebhookNotifier (install
  apache-airflow-providers-slack);
- `webhook:<conn_id>`: WebhookNotifier below, which POSTs the notice as JSON to the connection's URL.
What to tell and when is decided by aidvet.review.notify; each notice sent is audited there.
"""

from __future__ import annotations

import json
import os
import urllib.request
from html import escape

from airflow.sdk import BaseNotifier, Connection, Variable

from aidvet.review.notify import Notice


class WebhookNotifier(BaseNotifier):
    """POST {"subject", "text", "kind", "run_id", "item_ids"} as JSON to an HTTP connection's URL."""

    template_fields = ("subject", "text")

    def __init__(self, conn_id: str, subject: str, text: str, extra: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        self.conn_id, self.subject, self.text, self.extra = conn_id, subject, text, extra or {}

    def notify(self, context) -> None:
        connection = Connection.get(self.conn_id)
        url = connection.host if "://" in (connection.host or "") else \
            f"{connection.schema or 'https'}://{connection.host}{f':{connection.port}' if connection.port else ''}"
        body = json.dumps({"subject": self.subject, "text": self.text, **self.extra}).encode("utf-8")
        request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()


def _setting(variable: str, environment: str, default: str = "") -> str:
    return Variable.get(variable, default=None) or os.environ.get(environment, default)


def channels() -> list[str]:
    return [part.strip() for part in _setting("aidvet_notify_channels", "AIDVET_NOTIFY_CHANNELS", "email").split(",")
            if part.strip()]


def notifier_for(channel: str, notice: Notice) -> BaseNotifier:
    kind, _, conn_id = channel.partition(":")
    if kind == "email":
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier

        recipients = [a.strip() for a in _setting("aidvet_notify_email", "AIDVET_NOTIFY_EMAIL").split(",") if a.strip()]
        if not recipients:
            raise ValueError("notification channel email: set the Variable aidvet_notify_email (or "
                             "AIDVET_NOTIFY_EMAIL) to the review team's addresses")
        return SmtpNotifier(to=recipients, from_email=os.environ.get("AIDVET_NOTIFY_FROM", "aidvet@localhost"),
                            subject=notice.subject, html_content=f"<pre>{escape(notice.body)}</pre>",
                            smtp_conn_id=os.environ.get("AIDVET_NOTIFY_SMTP_CONN") or None)
    if kind == "slack" and conn_id:
        try:
            from airflow.providers.slack.notifications.slack_webhook import SlackWebhookNotifier
        except ImportError:
            raise ValueError("notification channel slack: install apache-airflow-providers-slack") from None
        return SlackWebhookNotifier(slack_webhook_conn_id=conn_id, text=f"*{notice.subject}*\n{notice.body}")
    if kind == "webhook" and conn_id:
        return WebhookNotifier(conn_id, notice.subject, notice.body,
                               extra={"kind": notice.kind, "run_id": notice.run_id, "item_ids": notice.item_ids})
    raise ValueError(f"notification channel {channel!r}: expected email, slack:<conn_id> or webhook:<conn_id>")


def send(notice: Notice, context) -> list[str]:
    """Send one notice on every configured channel; returns the channels used."""
    used = []
    for channel in channels():
        notifier_for(channel, notice).notify(context)
        used.append(channel)
    return used


def review_queue_url() -> str:
    """The review UI's address in the notices: Airflow's [api] base_url + the plugin's mount."""
    from airflow.configuration import conf

    return f"{conf.get('api', 'base_url', fallback='http://localhost:8080').rstrip('/')}/aidvet-review/"


def notify_reviewers(settings, context, queue_url: str) -> list[str]:
    """Send every notice that is due (held items published, SLA passed) and audit each one."""
    from aidvet.policy import load_policy
    from aidvet.review.notify import due_notices, record_sent, sla_hours
    from aidvet.store.db import session_scope

    policy = load_policy(settings.policy_path)
    with session_scope(settings.db_url) as session:
        notices = due_notices(session, sla_hours(policy.content, str(settings.policy_path)), queue_url)
    sent = []
    for notice in notices:  # each sent notice is recorded at once: a later failure does not resend it
        used = send(notice, context)
        with session_scope(settings.db_url) as session:
            record_sent(session, notice, used)
        sent.append(notice.subject)
    return sent
