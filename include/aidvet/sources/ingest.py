"""Ingest input files through the quality gate into accepted and quarantined disbursements.

Conservation: every disbursement-type record read from an input ends in exactly one of
`accepted` or `quarantined` (with its reasons), or its whole file is in `files` with status
"rejected" and the reason. Records a parser could read only in part (`SourceBatch.rejected`) are
quarantined with that reason. A file whose content was already read (same SHA-256) is listed as
a duplicate and adds nothing, so ingesting a file twice never duplicates a disbursement.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from aidvet.errors import InputError
from aidvet.quality import QualityPolicy, validate_disbursements
from aidvet.sources.detect import detect_and_load
from aidvet.sources.files import sha256_hex
from aidvet.sources.model import Disbursement, SourceBatch

BATCH_STOPPED = "batch stopped by the quality gate"
UNREADABLE = "record could not be read"


@dataclass
class Quarantined:
    disbursement: Disbursement
    reason: str


@dataclass
class InputFile:
    """What became of one input path: ingested, rejected (with reason) or a duplicate."""

    source_file: str
    status: str  # ingested | rejected | duplicate | stopped
    format: str | None = None
    sha256: str | None = None
    reason: str | None = None
    accepted: int = 0
    quarantined: int = 0
    commitments: int = 0
    ignored: int = 0


@dataclass
class IngestResult:
    accepted: list[Disbursement] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    files: list[InputFile] = field(default_factory=list)
    batches: list[SourceBatch] = field(default_factory=list)

    @property
    def rejected_files(self) -> list[InputFile]:
        return [f for f in self.files if f.status in ("rejected", "stopped")]


def ingest(paths: list[str | Path], *, format: str = "auto", expectations_dir: Path,
           policy: QualityPolicy = QualityPolicy(), on_file: Callable[[InputFile], None] | None = None) -> IngestResult:
    """Read, gate and account for every path in order; `on_file` hears about each one when done."""
    result = IngestResult()
    seen: dict[str, str] = {}  # sha256 -> first file with that content
    accepted_from: dict[str, str] = {}  # disbursement id -> file it was accepted from
    for path in paths:
        result.files.append(_one(path, format, result, seen, accepted_from, expectations_dir, policy))
        if on_file is not None:
            on_file(result.files[-1])
    return result


def _one(path, format: str, result: IngestResult, seen: dict, accepted_from: dict, expectations_dir: Path,
         policy: QualityPolicy) -> InputFile:
    try:
        kind, batch = detect_and_load(path, format)
    except InputError as error:
        reason = f"{error.record}: {error.expected}" if error.record else error.expected
        return InputFile(str(path), "rejected", sha256=_file_sha256(path), reason=reason)
    if batch.sha256 in seen:
        return InputFile(str(path), "duplicate", sha256=batch.sha256, reason=f"same content as {seen[batch.sha256]}")
    seen[batch.sha256] = str(path)
    result.batches.append(batch)
    return _gate(batch, kind, result, accepted_from, expectations_dir, policy)


def _gate(batch: SourceBatch, kind: str, result: IngestResult, accepted_from: dict, expectations_dir: Path,
          policy: QualityPolicy) -> InputFile:
    entry = InputFile(batch.source_file, "ingested", kind, batch.sha256,
                      commitments=len(batch.commitments), ignored=len(batch.ignored))
    quarantined = [Quarantined(_unreadable(batch, record), f"{UNREADABLE}: {why}") for record, why in batch.rejected]
    accepted: list[Disbursement] = []
    row_reasons, batch_failures = _validate(batch, expectations_dir, policy)
    for index, disbursement in enumerate(batch.disbursements):
        reasons = list(row_reasons.get(index, []))
        if batch_failures:
            reasons.insert(0, f"{BATCH_STOPPED}: {'; '.join(batch_failures)}")
        elif disbursement.disbursement_id in accepted_from:
            reasons.append(f"disbursement id not unique (already accepted from {accepted_from[disbursement.disbursement_id]})")
        if reasons:
            quarantined.append(Quarantined(disbursement, "; ".join(reasons)))
        else:
            accepted_from[disbursement.disbursement_id] = batch.source_file
            accepted.append(disbursement)
    if batch_failures:
        entry.status, entry.reason = "stopped", "; ".join(batch_failures)
    result.accepted += accepted
    result.quarantined += quarantined
    entry.accepted, entry.quarantined = len(accepted), len(quarantined)
    return entry


def _validate(batch: SourceBatch, expectations_dir: Path, policy: QualityPolicy) -> tuple[dict, list[str]]:
    """Row position -> failing expectations, and the batch-level failures."""
    if not batch.disbursements:
        return {}, []
    frame = pd.DataFrame([dataclasses.asdict(d) for d in batch.disbursements])
    gate = validate_disbursements(frame, known_award_ids=[a.award_id for a in batch.awards],
                                  expectations_dir=expectations_dir, policy=policy)
    return {frame.index.get_loc(index): reasons for index, reasons in gate.row_failures.items()}, list(gate.batch_failures)


def _file_sha256(path) -> str | None:
    """The rejected file's hash, so it can be found again; None when it cannot be read at all."""
    try:
        return sha256_hex(Path(path).read_bytes()) if Path(path).is_file() else None
    except OSError:
        return None


def _unreadable(batch: SourceBatch, record: str) -> Disbursement:
    """A stand-in naming where the unreadable record is; its values are not known."""
    return Disbursement(disbursement_id="", award_id=None, payee_key=None, payee_name=None, amount=None,
                        currency=None, date=None, country=None, source_file=batch.source_file, source_record=record)
