"""Block and reject -> report drafts (501.603 / 501.604) with due dates in business days, the
published lists, the due-date view and the June-30 summary; business days skip federal holidays."""

from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from aidvet.compliance.reports import annual_summary, business_days_after, file_report, reports_frame, sync_reports
from aidvet.cli import main
from aidvet.errors import AidvetError
from aidvet.review.roles import actor
from aidvet.pipeline import run_pipeline
from aidvet.policy import load_policy
from aidvet.review import decisions
from aidvet.review.published import publish_reviewed
from aidvet.store.db import session_scope
from aidvet.store.models import AuditEvent, ComplianceReport, ReviewItem

RUN = "scheduled__2026-12-01T02:00:00+00:00"


@pytest.mark.parametrize("start, days, due", [
    (date(2026, 11, 20), 10, date(2026, 12, 7)),  # Thanksgiving (Thu 26 Nov) skipped
    (date(2026, 12, 18), 10, date(2027, 1, 5)),  # Christmas and New Year's Day skipped
    (date(2026, 6, 5), 10, date(2026, 6, 22)),  # Juneteenth (Fri 19 Jun) skipped
    (date(2026, 3, 2), 10, date(2026, 3, 16)),  # no holiday: two weeks
])
def test_due_dates_count_business_days_without_federal_holidays(start, days, due):
    assert business_days_after(start, days) == due


def _held_items(session):
    return list(session.scalars(select(ReviewItem).where(ReviewItem.status == "pending").order_by(ReviewItem.id)))


def test_block_and_reject_draft_reports_published_and_audited(owners_sample, monkeypatch, capsys):
    settings = owners_sample
    run_pipeline(settings, RUN)
    blocked_on = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)
    with session_scope(settings.db_url) as session:
        items = _held_items(session)
        owned = next(i for i in items if "owned 50% or more" in (i.reason or ""))
        other = next(i for i in items if i.id != owned.id)
        decisions.decide(session, owned.id, "block", "linked_entity", "owned 60 % via holding by El Mencho",
                         actor("ana", "reviewer"), now=blocked_on)
        decisions.decide(session, other.id, "reject", "confirmed_match", "payee is the listed entity", actor("ana", "reviewer"),
                         now=datetime(2026, 6, 5, 9, 0, tzinfo=timezone.utc))
        owned_id, other_id = owned.disbursement_id, other.disbursement_id
    folder = Path(publish_reviewed(settings))
    published = {name: pd.read_csv(folder / f"{name}.csv", dtype=str) for name in ("blocked", "rejected", "reports")}
    assert list(published["blocked"]["disbursement_id"]) == [owned_id]
    assert list(published["rejected"]["disbursement_id"]) == [other_id]
    view = published["reports"]
    assert list(view["kind"]) == ["rejected", "blocking"]  # soonest due first
    assert list(view["due_date"]) == ["2026-06-22", "2026-12-07"]
    assert list(view["rule"]) == ["31 CFR 501.604", "31 CFR 501.603"]
    with session_scope(settings.db_url) as session:
        blocking = session.scalar(select(ComplianceReport).where(ComplianceReport.kind == "blocking"))
        assert blocking.facts["amount"] and blocking.facts["currency"] and blocking.facts["payee_name"]
        assert "owned 50% or more" in blocking.facts["held_because"]
        assert blocking.event_date == "2026-11-20"
        drafted = session.scalars(select(AuditEvent).where(AuditEvent.kind == "report.drafted")).all()
        assert len(drafted) == 2
        assert sync_reports(session, load_policy(settings.policy_path)) == []  # once per decision
        file_report(session, blocking.id, "ana")
        with pytest.raises(AidvetError, match="no draft report"):
            file_report(session, blocking.id, "ana")
        assert list(reports_frame(session, only_open=True)["kind"]) == ["rejected"]
        summary = annual_summary(session, 2026, load_policy(settings.policy_path))
        assert summary["as_of"] == "2026-06-30" and summary["due_by"] == "2026-09-30" and summary["items"] == []
        next_year = annual_summary(session, 2027, load_policy(settings.policy_path))
        assert [i["disbursement_id"] for i in next_year["items"]] == [owned_id]
        assert next_year["totals"] == {blocking.facts["currency"]: str(Decimal(blocking.facts["amount"]))}

    monkeypatch.setenv("AIDVET_DB_URL", settings.db_url)
    capsys.readouterr()
    assert main(["reports", "due"]) == 0
    out = capsys.readouterr().out
    assert "2026-06-22 OVERDUE" in out and "rejected (31 CFR 501.604) draft" in out and "1 report(s)" in out
