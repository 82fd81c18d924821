"""What the people responsible for the review must be told, and when (no Airflow here: the
Airflow adapter sends each notice through Airflow notifiers, e-mail via the SMTP provider and,
when configured, Slack or a webhook).

Two kinds of notice:
- held: a published run held items (count, amounts per currency, how many FTO/SDGT hits);
- overdue: open items older than the review SLA, `[review] sla_hours` in policy.toml.
Each notice sent is an audit event (`review.notified`), so a run's held items and an overdue item
are announced once, and the trail shows who was told what and when.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.audit import chain
from aidvet.errors import AidvetError
from aidvet.review import OPEN_STATUSES
from aidvet.store.models import AuditEvent, Disbursement, ReviewItem, Run, RunItem

DEFAULT_SLA_HOURS = 72.0
RECENT_RUNS = timedelta(days=7)  # held notices only for runs this recent (a new deployment does not flood)


@dataclass
class Notice:
    kind: str  # held | overdue
    subject: str
    body: str
    run_id: str | None = None
    item_ids: list[int] = field(default_factory=list)


def sla_hours(policy_text: str, origin: str = "policy") -> float:
    """`[review] sla_hours` of the policy file (default 72)."""
    try:
        value = tomllib.loads(policy_text).get("review", {}).get("sla_hours", DEFAULT_SLA_HOURS)
        hours = float(value)
    except (tomllib.TOMLDecodeError, TypeError, ValueError):
        raise AidvetError(f"{origin}: [review] sla_hours must be a number of hours") from None
    if hours <= 0:
        raise AidvetError(f"{origin}: [review] sla_hours must be positive, not {hours}")
    return hours


def due_notices(session: Session, sla: float, queue_url: str, now: datetime | None = None) -> list[Notice]:
    now = now or datetime.now(timezone.utc)
    return [*_held_notices(session, queue_url, now), *_overdue_notice(session, sla, queue_url, now)]


def record_sent(session: Session, notice: Notice, channels: list[str]) -> None:
    chain.append(session, "review.notified", run_id=notice.run_id, subject=f"notice:{notice.kind}",
                 payload={"kind": notice.kind, "subject": notice.subject, "channels": channels,
                          "item_ids": notice.item_ids})


def _sent(session: Session, kind: str) -> list[dict]:
    return [event.payload for event in session.scalars(select(AuditEvent).where(
        AuditEvent.kind == "review.notified", AuditEvent.subject == f"notice:{kind}"))]


def _held_notices(session: Session, queue_url: str, now: datetime) -> list[Notice]:
    announced = {event.run_id for event in session.scalars(select(AuditEvent).where(
        AuditEvent.kind == "review.notified", AuditEvent.subject == "notice:held"))}
    runs = session.scalars(select(Run).where(Run.status == "succeeded", Run.manifest_uri.is_not(None),
                                             Run.started_at >= (now - RECENT_RUNS).replace(tzinfo=None))
                           .order_by(Run.started_at))
    notices = []
    for run in runs:
        if run.run_id in announced:
            continue
        held = session.execute(select(Disbursement.amount, Disbursement.currency)
                               .join(RunItem, RunItem.disbursement_id == Disbursement.disbursement_id)
                               .where(RunItem.run_id == run.run_id, RunItem.outcome == "held")).all()
        if not held:
            continue
        items = session.scalars(select(ReviewItem).where(ReviewItem.last_run_id == run.run_id,
                                                         ReviewItem.status.in_(OPEN_STATUSES))).all()
        terrorist = sum(1 for item in items if item.terrorist)
        notices.append(Notice(
            kind="held", run_id=run.run_id, item_ids=[item.id for item in items],
            subject=f"aidvet: run {run.run_id} held {len(held)} disbursement(s) for review",
            body=(f"Run {run.run_id} held {len(held)} disbursement(s) ({_amounts(held)}); "
                  f"{terrorist} on FTO/SDGT-designated entities.\nReview them: {queue_url}?status=pending\n")))
    return notices


def _overdue_notice(session: Session, sla: float, queue_url: str, now: datetime) -> list[Notice]:
    told = {item_id for payload in _sent(session, "overdue") for item_id in payload.get("item_ids", [])}
    limit = (now - timedelta(hours=sla)).replace(tzinfo=None)
    overdue = [item for item in session.scalars(select(ReviewItem).where(ReviewItem.status.in_(OPEN_STATUSES),
                                                                        ReviewItem.created_at <= limit)
                                                .order_by(ReviewItem.created_at))
               if item.id not in told]
    if not overdue:
        return []
    lines = "\n".join(f"- item {item.id} ({item.status}), disbursement {item.disbursement_id}, queued "
                      f"{_utc(item.created_at):%Y-%m-%d %H:%M} UTC{' [FTO/SDGT]' if item.terrorist else ''}"
                      for item in overdue[:50])
    more = f"\n... and {len(overdue) - 50} more" if len(overdue) > 50 else ""
    return [Notice(kind="overdue", item_ids=[item.id for item in overdue],
                   subject=f"aidvet: {len(overdue)} held item(s) waiting longer than {sla:g} h",
                   body=f"These items are past the review SLA of {sla:g} hours:\n{lines}{more}\n"
                        f"Queue, oldest first: {queue_url}?sort=age&order=desc\n")]


def _amounts(rows) -> str:
    totals: Counter = Counter()
    unparsed: Counter = Counter()
    for amount, currency in rows:
        try:
            totals[currency or "?"] += Decimal(str(amount))
        except (InvalidOperation, ValueError):
            unparsed[currency or "?"] += 1
    parts = [f"{total} {currency}" for currency, total in sorted(totals.items())]
    parts += [f"{count} unparsed {currency}" for currency, count in sorted(unparsed.items())]
    return ", ".join(parts)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
