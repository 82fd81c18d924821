"""`aidvet ingest PATH... --out DIR`: read inputs through the quality gate into accepted/quarantined CSVs."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from aidvet.config import settings
from aidvet.policy import load_policy
from aidvet.sources.detect import FORMATS


def register(subparsers) -> None:
    parser = subparsers.add_parser("ingest", help="read input files into disbursements.csv and quarantined.csv")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="IATI XML, grants CSV/XLSX (or export folder), "
                                                                  "USAspending subaward CSV")
    parser.add_argument("--format", choices=FORMATS, default="auto", help="default: detected from each file's content")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="folder for disbursements.csv, quarantined.csv, commitments.csv, inputs.csv (replaced atomically)")
    parser.set_defaults(func=_ingest)


def _ingest(args) -> int:
    # Imported here: Great Expectations is slow to import and other commands do not need it.
    from aidvet.sources.ingest import ingest
    from aidvet.sources.outputs import write_outputs

    config = settings()
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("reading and validating inputs", total=len(args.paths))
        result = ingest(args.paths, format=args.format, expectations_dir=config.expectations_dir,
                        policy=load_policy(config.policy_path).quality, on_file=lambda _: progress.advance(task))
    written = write_outputs(result, args.out)
    _print_summary(result, written)
    return 1 if result.rejected_files else 0


def _print_summary(result, written) -> None:
    """One line per input (full paths and reasons are in inputs.csv), then the totals."""
    table = Table(title="aidvet ingest")
    table.add_column("input", overflow="fold")
    for column in ("format", "status", "accepted", "quarantined", "commitments"):
        table.add_column(column, justify="right" if column in ("accepted", "quarantined", "commitments") else "left")
    table.add_column("reason", overflow="ellipsis", no_wrap=True, max_width=60)
    for entry in result.files:
        table.add_row(Path(entry.source_file).name, entry.format or "", entry.status, str(entry.accepted),
                      str(entry.quarantined), str(entry.commitments), entry.reason or "")
    Console(width=160).print(table)
    print(f"accepted {len(result.accepted)} -> {written['disbursements']}")
    print(f"quarantined {len(result.quarantined)} -> {written['quarantined']}")
    print(f"commitments {sum(len(b.commitments) for b in result.batches)} -> {written['commitments']} (not payments)")
    print(f"rejected files {len(result.rejected_files)} -> {written['inputs']} (every input with its status and reason)")
