"""`aidvet review list|show|login|decide|approve|reject|assign|sync|whitelist`: the review queue from a shell.

Reading (list, show, whitelist list) reads the store. Every action on an item (decide, approve,
reject, assign, whitelist revoke) goes through the review API of the Airflow API server with the
token from `aidvet review login`: the server knows who acts and what their role allows. Without a
token these commands are refused; there is no typed `--user`.
"""

from __future__ import annotations

import csv
import getpass
import os
import sys

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from aidvet.publish.spreadsheet_safe import neutralize_row
from aidvet.config import settings
from aidvet.review import STATUSES, client, decisions, evidence, queue, whitelist
from aidvet.review.identity import visible
from aidvet.store.db import session_scope

CSV_COLUMNS = ("item_id", "status", "disbursement_id", "payee_name", "score", "amount", "currency", "country",
               "programs", "terrorist", "entity_id", "list_source", "assignee", "age_days", "created_at",
               "last_run_id")


def register(subparsers) -> None:
    review = subparsers.add_parser("review", help="review held items (four-eyes)").add_subparsers(
        dest="review_command", required=True)
    listing = review.add_parser("list", help="the review queue")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--program", help="only items whose hits carry this program, e.g. FTO")
    listing.add_argument("--country")
    listing.add_argument("--min-score", type=float)
    listing.add_argument("--min-age-days", type=float)
    listing.add_argument("--source", help="list source (ofac, un...) or part of the input file's path")
    listing.add_argument("--sort", choices=queue.SORT_KEYS, default="age")
    listing.add_argument("--ascending", action="store_true")
    listing.add_argument("--format", choices=("table", "csv"), default="table")
    listing.set_defaults(func=_list)
    show = review.add_parser("show", help="one item with its evidence and history")
    show.add_argument("item", type=int, metavar="ITEM")
    show.set_defaults(func=_show)
    login = review.add_parser("login", help="log in to the Airflow API server (token for decide/approve/...)")
    login.add_argument("--api", default=os.environ.get("AIDVET_API_URL", client.DEFAULT_API_URL),
                       help="the Airflow API server's address (default %(default)s)")
    login.add_argument("--username", required=True)
    login.add_argument("--password-env", metavar="VAR",
                       help="read the password from this environment variable (else it is asked for)")
    login.set_defaults(func=_login)
    decide = review.add_parser("decide", help="release (needs a second person's approval), block, reject or escalate")
    decide.add_argument("item", type=int, metavar="ITEM")
    decide.add_argument("--decision", required=True, choices=decisions.DECISIONS)
    decide.add_argument("--reason", required=True, metavar="CODE",
                        help="; ".join(f"{d}: {', '.join(codes)}" for d, codes in decisions.REASON_CODES.items()))
    decide.add_argument("--justification", required=True, metavar="TEXT")
    decide.add_argument("--whitelist", action="store_true",
                        help="on approval, whitelist the (party, listed entity) pairs of a release")
    decide.set_defaults(func=_decide)
    approve = review.add_parser("approve", help="approve another person's release")
    approve.add_argument("item", type=int, metavar="ITEM")
    approve.add_argument("--note", help="required as the escalation note when the hit is FTO/SDGT-designated")
    approve.add_argument("--decline-whitelist", action="store_true",
                         help="approve the release but not the decider's request to whitelist the pair")
    approve.set_defaults(func=_approve)
    reject = review.add_parser("reject", help="send a release awaiting approval back to the queue")
    reject.add_argument("item", type=int, metavar="ITEM")
    reject.add_argument("--note", required=True)
    reject.set_defaults(func=_reject)
    assign = review.add_parser("assign", help="set who works on an item")
    assign.add_argument("item", type=int, metavar="ITEM")
    assign.add_argument("--to", required=True, metavar="NAME", help="assignee ('' to unassign)")
    assign.set_defaults(func=_assign)
    sync = review.add_parser("sync", help="queue a run's held items (the decide stage does this)")
    sync.add_argument("run_id", metavar="RUN_ID")
    sync.set_defaults(func=_sync)
    wl = review.add_parser("whitelist", help="whitelist entries").add_subparsers(dest="whitelist_command",
                                                                               required=True)
    wl_list = wl.add_parser("list", help="entries, newest first")
    wl_list.add_argument("--search", help="part of a party or entity key or name")
    wl_list.add_argument("--active", action="store_true", help="only active entries")
    wl_list.set_defaults(func=_whitelist_list)
    wl_revoke = wl.add_parser("revoke", help="revoke an entry")
    wl_revoke.add_argument("entry", type=int, metavar="ENTRY")
    wl_revoke.add_argument("--reason", required=True)
    wl_revoke.set_defaults(func=_whitelist_revoke)


def _list(args) -> int:
    query = queue.QueueFilter(status=args.status, program=args.program, country=args.country,
                              min_score=args.min_score, min_age_days=args.min_age_days, source=args.source,
                              sort=args.sort, descending=not args.ascending)
    with session_scope(settings().db_url) as session:
        rows = queue.list_items(session, query)
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow(neutralize_row([_csv_value(row, column) for column in CSV_COLUMNS]))
        return 0
    table = Table(title=f"review queue ({len(rows)} items)")
    for column in ("item", "status", "disbursement", "payee", "score", "amount", "country", "programs",
                   "entity", "assignee", "age (days)"):
        table.add_column(column)
    for row in rows:
        table.add_row(*_cells(row.item_id, row.status, row.disbursement_id, row.payee_name, _score(row.score),
                              f"{row.amount or ''} {row.currency or ''}", row.country,
                              " ".join(row.programs) + (" [terrorist]" if row.terrorist else ""), row.entity_id,
                              row.assignee, f"{row.age_days:.1f}"))
    _console().print(table)
    return 0


def _csv_value(row: queue.QueueRow, column: str):
    value = getattr(row, column)
    if column == "programs":
        return " ".join(value)
    if column == "score":
        return _score(value)
    if column == "age_days":
        return f"{value:.2f}"
    if column == "created_at":
        return value.isoformat(timespec="seconds")
    return "" if value is None else value


def _show(args) -> int:
    with session_scope(settings().db_url) as session:
        found = evidence.item_evidence(session, args.item)
        console = _console()
        item, d = found.item, found.disbursement
        console.print(f"[bold]review item {item.id}[/] status {item.status} (version {item.version}), "
                      f"assignee {item.assignee or '-'}, queued {item.created_at:%Y-%m-%d %H:%M} by run {item.run_id}"
                      f", last held by run {item.last_run_id}", markup=True, highlight=False)
        console.print(f"disbursement {d.disbursement_id}: {visible(d.payee_name)} {d.amount} {d.currency} on {d.date}, "
                      f"country {d.country}, award {d.award_id}", markup=False, highlight=False)
        console.print(f"held because: {item.reason}", markup=False, highlight=False)
        for hit in found.hits:
            entity = hit.entity
            console.print(f"\nparty {hit.party.get('party_key')} ({hit.party.get('role')}): {visible(hit.party.get('name'))}"
                          f"\n  ~ {entity.get('id')} {visible(entity.get('name'))} score {hit.hit.score:.1f}, programs "
                          f"{', '.join(entity.get('programs') or [])}{' [TERRORIST]' if entity.get('terrorist') else ''}"
                          f"\n  list version {hit.version.id} ({hit.version.source}) published "
                          f"{hit.version.published_at or '-'}\n  {hit.hit.explanation}", markup=False, highlight=False)
            for entry, why in hit.stale_whitelist:
                console.print(f"  whitelist entry {entry.id} no longer applies: {', '.join(why)}", markup=False)
        console.print("\nhistory:", highlight=False)
        for event in found.events:
            console.print(f"  {event.at:%Y-%m-%d %H:%M:%S} {event.actor} {event.kind} "
                          f"{_event_summary(event.payload)}", markup=False, highlight=False)
    return 0


def _event_summary(payload: dict) -> str:
    keys = ("decision", "reason_code", "justification", "note", "status", "assignee", "why")
    return "; ".join(f"{key}={payload[key]}" for key in keys if payload.get(key) not in (None, ""))


def _login(args) -> int:
    password = os.environ.get(args.password_env, "") if args.password_env else getpass.getpass("password: ")
    me = client.login(args.api, args.username, password)
    print(f"logged in to {args.api} as {me['user']} (review roles: {', '.join(me['roles']) or 'none'})")
    return 0


def _decide(args) -> int:
    answer = client.call("POST", f"/items/{args.item}/decide",
                         {"decision": args.decision, "reason": args.reason, "justification": args.justification,
                          "whitelist": args.whitelist})
    follow = " (takes effect when a second person approves it)" if answer["state"] == "awaiting_approval" else ""
    print(f"review item {args.item}: {args.decision} recorded by {answer['by']}{follow}")
    return 0


def _approve(args) -> int:
    answer = client.call("POST", f"/items/{args.item}/approve",
                         {"note": args.note, "whitelist": not args.decline_whitelist})
    print(f"review item {args.item}: release by {answer['decided_by']} approved by {answer['approved_by']}; released"
          + ("; pair whitelisted" if answer["whitelisted"] else ""))
    return 0


def _reject(args) -> int:
    client.call("POST", f"/items/{args.item}/reject", {"note": args.note})
    print(f"review item {args.item}: release rejected; back to pending")
    return 0


def _assign(args) -> int:
    answer = client.call("POST", f"/items/{args.item}/assign", {"to": args.to})
    print(f"review item {args.item}: assigned to {answer['assignee'] or 'nobody'}")
    return 0


def _sync(args) -> int:
    with session_scope(settings().db_url) as session:
        result = queue.sync_queue(session, args.run_id)
    print(f"run {args.run_id}: {result.queued} queued, {result.rejoined} held again on the same evidence, "
          f"{result.superseded} superseded")
    return 0


def _whitelist_list(args) -> int:
    table = Table(title="whitelist")
    for column in ("id", "state", "party", "entity", "decided / approved", "created", "expires", "revoked"):
        table.add_column(column)
    with session_scope(settings().db_url) as session:
        for view in whitelist.search(session, args.search, include_inactive=not args.active):
            e = view.entry
            table.add_row(*_cells(e.id, view.state, f"{e.party_key} {e.party_name or ''}",
                          f"{e.entity_id} {e.entity_name or ''}", f"{e.decided_by} / {e.approved_by}",
                          f"{e.created_at:%Y-%m-%d}", f"{e.expires_at:%Y-%m-%d}",
                          f"{e.revoked_by}: {e.revoke_reason}" if e.revoked_at else ""))
    _console().print(table)
    return 0


def _whitelist_revoke(args) -> int:
    answer = client.call("POST", f"/whitelist/{args.entry}/revoke", {"reason": args.reason})
    print(f"whitelist entry {args.entry} revoked by {answer['revoked_by']}")
    return 0


def _cells(*values) -> list[str]:
    """Table cells from data: escaped, so a name like "[bold]x" prints as written."""
    return [escape(visible(value)) for value in values]


def _score(score: float | None) -> str:
    return "" if score is None else f"{score:.1f}"


def _console() -> Console:
    console = Console()
    return console if console.is_terminal else Console(width=220)
