"""`aidvet reports due|file|annual`: OFAC report drafts, their due dates, the June-30 summary."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

from aidvet.compliance import reports
from aidvet.config import settings
from aidvet.policy import load_policy
from aidvet.store.db import session_scope


def register(subparsers) -> None:
    parser = subparsers.add_parser("reports", help="OFAC blocking / rejected report drafts and the annual summary")
    commands = parser.add_subparsers(dest="reports_command", required=True)
    listing = commands.add_parser("due", help="due-date view of report drafts (after drafting new ones)")
    listing.add_argument("--all", action="store_true", help="filed reports too")
    listing.set_defaults(func=_reports)
    filing = commands.add_parser("file", help="mark a draft report as filed")
    filing.add_argument("report_id", type=int)
    filing.add_argument("--user", required=True)
    filing.set_defaults(func=_file)
    annual = commands.add_parser("annual", help="blocked property as of June 30 of YEAR (due September 30)")
    annual.add_argument("--year", type=int, default=datetime.now(timezone.utc).year)
    annual.add_argument("--out", type=Path, default=None, help="write JSON here (else print it)")
    annual.set_defaults(func=_annual)


def _reports(args) -> int:
    current = settings()
    today = datetime.now(timezone.utc).date().isoformat()
    with session_scope(current.db_url) as session:
        reports.sync_reports(session, load_policy(current.policy_path))
        frame = reports.reports_frame(session, only_open=not args.all)
    for row in frame.itertuples():
        late = " OVERDUE" if row.status == "draft" and row.due_date < today else ""
        print(f"{row.due_date}{late}  #{row.report_id} {row.kind} ({row.rule}) {row.status}  {row.disbursement_id} "
              f"{row.amount} {row.currency}  {row.payee_name} ~ {row.entity_name} [{row.entity_id}] {row.programs}")
    print(f"{len(frame)} report(s)")
    return 0


def _file(args) -> int:
    with session_scope(settings().db_url) as session:
        report = reports.file_report(session, args.report_id, args.user)
        print(f"report {report.id} ({report.kind}) filed by {report.filed_by}")
    return 0


def _annual(args) -> int:
    current = settings()
    with session_scope(current.db_url) as session:
        reports.sync_reports(session, load_policy(current.policy_path))
        summary = reports.annual_summary(session, args.year, load_policy(current.policy_path))
    text = json.dumps(summary, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0
