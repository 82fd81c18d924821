"""Write an ingest result as CSV files, each atomically (temp file, then rename)."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import tempfile
from pathlib import Path

from aidvet.publish.spreadsheet_safe import neutralize_row
from aidvet.sources.ingest import IngestResult, InputFile

DISBURSEMENT_COLUMNS = ("disbursement_id", "payee_name", "amount", "currency", "source_file", "source_record",
                        "award_id", "payee_key", "date", "country")
QUARANTINE_COLUMNS = (*DISBURSEMENT_COLUMNS, "reason")
COMMITMENT_COLUMNS = ("commitment_id", *DISBURSEMENT_COLUMNS[1:])
INPUT_COLUMNS = tuple(f.name for f in dataclasses.fields(InputFile))


def write_outputs(result: IngestResult, out_dir: str | Path) -> dict[str, Path]:
    """disbursements.csv, quarantined.csv, commitments.csv (money promised, not paid: never screened
    as payments) and inputs.csv (every input with its status, SHA-256 and reason) in out_dir."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    accepted = [dataclasses.asdict(d) for d in result.accepted]
    quarantined = [{**dataclasses.asdict(q.disbursement), "reason": q.reason} for q in result.quarantined]
    inputs = [dataclasses.asdict(f) for f in result.files]
    commitments = [dataclasses.asdict(c) for batch in result.batches for c in batch.commitments]
    return {
        "disbursements": _write_csv(out / "disbursements.csv", DISBURSEMENT_COLUMNS, accepted),
        "quarantined": _write_csv(out / "quarantined.csv", QUARANTINE_COLUMNS, quarantined),
        "commitments": _write_csv(out / "commitments.csv", COMMITMENT_COLUMNS, commitments),
        "inputs": _write_csv(out / "inputs.csv", INPUT_COLUMNS, inputs),
    }


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(neutralize_row(row) for row in rows)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(buffer.getvalue())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
