"""`aidvet run pipeline|summary`: a whole vetting run without a scheduler, and a run's summary."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from aidvet import artifacts
from aidvet.config import settings
from aidvet.errors import AidvetError
from aidvet.pipeline import run_pipeline
from aidvet.stages.publish import rejected_inputs
from aidvet.store.db import session_scope
from aidvet.store.models import Run


def register(subparsers) -> None:
    run = subparsers.add_parser("run", help="vetting runs").add_subparsers(dest="run_command", required=True)
    pipeline = run.add_parser("pipeline", help="run every stage in this process (no scheduler)")
    pipeline.add_argument("--run-id", default=None, help="default: manual__<now>")
    pipeline.set_defaults(func=_pipeline)
    summary = run.add_parser("summary", help="counts, amounts, list versions and outputs of a run")
    summary.add_argument("run_id", nargs="?", help="default: the newest run")
    summary.set_defaults(func=_summary)


# `aidvet run pipeline` exit status: 0 every input read; 3 published, but input files were rejected
# (listed on stderr and in the manifest); 2 the run failed (an AidvetError, recorded as failed).
INPUTS_REJECTED = 3


def _pipeline(args) -> int:
    run_id = args.run_id or f"manual__{datetime.now(timezone.utc).isoformat(timespec='seconds')}"
    uri = run_pipeline(settings(), run_id)
    print(uri)
    rejected = rejected_inputs(json.loads(artifacts.read_bytes(f"{uri}/manifest.json")))
    for entry in rejected:
        print(f"aidvet: input rejected: {entry['reason']}", file=sys.stderr)  # the reason names the file
    return INPUTS_REJECTED if rejected else 0


def _summary(args) -> int:
    with session_scope(settings().db_url) as session:
        query = select(Run).order_by(Run.started_at.desc())
        run = session.get(Run, args.run_id) if args.run_id else session.scalars(query.limit(1)).first()
        if run is None:
            raise AidvetError(f"no run {args.run_id!r} in the store" if args.run_id else "no run in the store yet")
        if not run.manifest_uri:
            raise AidvetError(f"run {run.run_id} is {run.status} and published nothing")
        manifest = json.loads(artifacts.read_bytes(run.manifest_uri))
    print_summary(manifest, run.manifest_uri.rsplit("/", 1)[0])
    return 0


def print_summary(manifest: dict, folder: str) -> None:
    console = Console()
    table = Table(title=f"run {manifest['run_id']}")
    table.add_column("outcome")
    table.add_column("disbursements", justify="right")
    table.add_column("amount per currency")
    for outcome in ("input", "cleared", "held", "quarantined"):
        amounts = ", ".join(f"{currency} {sums['total']}" + (f" (+{sums['unparsed']} unparsed)" if sums["unparsed"] else "")
                            for currency, sums in manifest["amounts"][outcome].items())
        table.add_row(outcome, str(manifest["counts"][outcome]), amounts)
    console.print(table)
    for version in manifest["list_versions"]:
        console.print(f"list version {version['id']}: {version['source']} sha256 {version['sha256'][:12]} "
                      f"published {version['published_at'] or '-'} retrieved {version['retrieved_at']}")
    for entry in rejected_inputs(manifest):
        console.print(f"[bold red]input rejected:[/] {entry['reason']}", highlight=False)
    if manifest["screening_unavailable"]:
        console.print(f"[bold red]screening unavailable:[/] {manifest['screening_unavailable']}")
    console.print(f"outputs: {folder}/ (cleared, held, quarantined .csv/.parquet, manifest.json, report.html)")
