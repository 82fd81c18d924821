"""Reports to OFAC that a reviewer's decision sets due, drafted from the store.

- A "block" (a true match: the property is blocked) -> a blocking report within 10 business days
  (31 CFR 501.603(b)(1)(i)), with the facts 501.603(b)(1)(ii) asks for: the owner of the blocked
  property, the property and its value, the date blocked, the listed entity and its program.
- A "reject" (the transaction is refused, nothing is blocked) -> a rejected-transaction report
  within 10 business days (501.604(b)).
- Blocked property held on June 30 -> the annual report of blocked property, due by September 30
  (501.603(b)(2)).
Business days skip weekends and US federal holidays (the `holidays` package). Drafts are kept
with the records, which 501.601 asks to keep for 10 years (`[reports] retention_years`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

import holidays
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.audit import chain
from aidvet.store.models import ComplianceReport, Disbursement, ReviewDecision, ReviewItem, ScreeningHit

KINDS = {"block": "blocking", "reject": "rejected"}
RULES = {"blocking": "31 CFR 501.603", "rejected": "31 CFR 501.604"}
REPORT_COLUMNS = ["report_id", "kind", "rule", "status", "disbursement_id", "event_date", "due_date",
                  "amount", "currency", "payee_name", "entity_id", "entity_name", "programs", "decided_by"]


def business_days_after(start: date, days: int) -> date:
    """The date `days` business days after `start` (weekends and US federal holidays skipped)."""
    federal = holidays.US(years=range(start.year, start.year + 2))
    current, left = start, days
    while left:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in federal:
            left -= 1
    return current


def sync_reports(session: Session, policy, now: datetime | None = None) -> list[ComplianceReport]:
    """Draft a report for every effective block or reject that has none yet; each draft is audited."""
    now = now or datetime.now(timezone.utc)
    done = set(session.scalars(select(ComplianceReport.review_decision_id)))
    decisions = session.execute(select(ReviewDecision, ReviewItem)
                                .join(ReviewItem, ReviewItem.id == ReviewDecision.item_id)
                                .where(ReviewDecision.decision.in_(KINDS), ReviewDecision.state == "effective")
                                .order_by(ReviewDecision.id)).all()
    drafted = []
    for decision, item in decisions:
        if decision.id in done:
            continue
        kind = KINDS[decision.decision]
        days = (policy.reports.blocking_due_business_days if kind == "blocking"
                else policy.reports.rejected_due_business_days)
        event = decision.decided_at.date()
        report = ComplianceReport(kind=kind, review_decision_id=decision.id, review_item_id=item.id,
                                  disbursement_id=item.disbursement_id, facts=report_facts(session, item, decision),
                                  event_date=event.isoformat(), due_date=business_days_after(event, days).isoformat(),
                                  status="draft", created_at=now)
        session.add(report)
        session.flush()
        chain.append(session, "report.drafted", run_id=item.last_run_id, subject=f"compliance_report:{report.id}",
                     payload={"kind": kind, "rule": RULES[kind], "disbursement_id": item.disbursement_id,
                              "due_date": report.due_date, "review_decision_id": decision.id})
        drafted.append(report)
    return drafted


def report_facts(session: Session, item: ReviewItem, decision: ReviewDecision) -> dict:
    """What 501.603 / 501.604 ask a report to state, as far as the store knows it."""
    d = session.get(Disbursement, item.disbursement_id)
    hit = session.scalar(select(ScreeningHit).where(ScreeningHit.run_id == item.last_run_id,
                                                    ScreeningHit.disbursement_id == item.disbursement_id)
                         .order_by(ScreeningHit.score.desc(), ScreeningHit.id).limit(1))
    return {
        "property": f"funds of disbursement {item.disbursement_id} under award {d.award_id}" if d else None,
        "amount": d.amount if d else None, "currency": d.currency if d else None,
        "transaction_date": d.date if d else None, "payee_key": d.payee_key if d else None,
        "payee_name": d.payee_name if d else None,
        "entity_id": hit.entity_id if hit else item.entity_id, "entity_name": hit.matched_name if hit else None,
        "programs": " ".join(hit.programs or []) if hit else item.programs.strip(),
        "held_because": item.reason, "decision": decision.decision, "reason_code": decision.reason_code,
        "justification": decision.justification, "decided_by": decision.decided_by,
    }


def reports_frame(session: Session, only_open: bool = False) -> pd.DataFrame:
    """The due-date view: every report (or only drafts), soonest due first."""
    query = select(ComplianceReport).order_by(ComplianceReport.due_date, ComplianceReport.id)
    if only_open:
        query = query.where(ComplianceReport.status == "draft")
    rows = [{"report_id": r.id, "kind": r.kind, "rule": RULES[r.kind], "status": r.status,
             "disbursement_id": r.disbursement_id, "event_date": r.event_date, "due_date": r.due_date,
             "amount": r.facts.get("amount"), "currency": r.facts.get("currency"),
             "payee_name": r.facts.get("payee_name"), "entity_id": r.facts.get("entity_id"),
             "entity_name": r.facts.get("entity_name"), "programs": r.facts.get("programs"),
             "decided_by": r.facts.get("decided_by")} for r in session.scalars(query)]
    return pd.DataFrame(rows, columns=REPORT_COLUMNS).astype("object")


def file_report(session: Session, report_id: int, user: str, now: datetime | None = None) -> ComplianceReport:
    """Mark a draft as filed with OFAC (audited)."""
    now = now or datetime.now(timezone.utc)
    report = session.get(ComplianceReport, report_id)
    if report is None or report.status != "draft":
        from aidvet.errors import AidvetError
        raise AidvetError(f"compliance report {report_id}: no draft report of that id")
    report.status, report.filed_at, report.filed_by = "filed", now, user
    chain.append(session, "report.filed", actor=user, subject=f"compliance_report:{report.id}",
                 payload={"kind": report.kind, "disbursement_id": report.disbursement_id, "due_date": report.due_date})
    return report


def annual_summary(session: Session, year: int, policy) -> dict:
    """Blocked property held as of June 30 of `year` (blocked on or before it), due by September 30."""
    as_of = date.fromisoformat(f"{year}-{policy.reports.annual_as_of}")
    reports = [r for r in session.scalars(select(ComplianceReport).where(ComplianceReport.kind == "blocking")
                                          .order_by(ComplianceReport.event_date, ComplianceReport.id))
               if date.fromisoformat(r.event_date) <= as_of
               and session.get(ReviewItem, r.review_item_id).status == "blocked"]
    totals: dict[str, Decimal] = {}
    for report in reports:
        try:
            amount = Decimal(str(report.facts.get("amount")))
        except InvalidOperation:
            continue
        currency = report.facts.get("currency") or "unknown"
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    return {"as_of": as_of.isoformat(), "due_by": f"{year}-{policy.reports.annual_due}", "rule": "31 CFR 501.603(b)(2)",
            "items": [{"report_id": r.id, "disbursement_id": r.disbursement_id, "blocked_on": r.event_date,
                       **{k: r.facts.get(k) for k in ("amount", "currency", "payee_name", "entity_id", "entity_name",
                                                       "programs")}} for r in reports],
            "totals": {currency: str(total) for currency, total in sorted(totals.items())}}
