"""Extract: read every configured input into canonical records and enrol them in the run.

Every input ends in the run's `inputs` list (and so in its manifest) with its status — ingested,
rejected (with the reason), or duplicate (same content as another input) — and its record counts.
Before anything is stored, duplicate disbursement ids are resolved (`aidvet.sources.duplicates`)
and over-long values cut to what the store holds, their records quarantined with the reason
(`aidvet.store.limits`).
"""

from __future__ import annotations

import csv
import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from aidvet import runs
from aidvet.audit import chain
from aidvet.config import Settings
from aidvet.errors import InputError
from aidvet.policy import load_policy
from aidvet.sources import sql
from aidvet.sources.detect import detect_and_load
from aidvet.sources.duplicates import resolve_duplicates
from aidvet.sources.ingest import UNREADABLE
from aidvet.sources.model import Disbursement, SourceBatch
from aidvet.stages.failure import records_failure
from aidvet.gc_pause import cycle_collection_paused
from aidvet.store import bulk, ingest, limits, models
from aidvet.store.db import session_scope
from aidvet.store.models import Run, RunItem
from aidvet.store.run_lock import run_lock

SQL_PREFIX = "sql:"
NO_INPUT = "at least one readable input with disbursements"
# what a reader may raise on a file it cannot make sense of (beside its own InputError)
UNREADABLE_FILE_ERRORS = (InputError, ValueError, OSError, csv.Error, zipfile.BadZipFile, EOFError)


@dataclass
class LoadedInput:
    """One configured input: its batch, or why it could not be read."""

    spec: str
    label: str
    sha256: str
    format: str = "unknown"
    batch: SourceBatch | None = None
    reason: str | None = None
    status: str = "ingested"  # ingested | rejected | duplicate
    enrolled: int = 0  # disbursements (and stand-ins) it put in the run

    def entry(self, identical: int = 0, conflicting: int = 0) -> dict:
        records = self.enrolled + identical if self.status == "ingested" else 0
        return {"path": self.label, "sha256": self.sha256, "format": self.format, "status": self.status,
                "reason": self.reason, "records": records, "identical_copies": identical,
                "conflicting_copies": conflicting}


@records_failure("extract", from_dag_run_id=True)
@cycle_collection_paused
def extract(settings: Settings, dag_run_id: str) -> str:
    """Start (or restart) the run and ingest its inputs; returns the run id."""
    run_id = runs.safe_run_id(dag_run_id)
    policy = load_policy(settings.policy_path)
    loaded = [load_one(spec, settings.sql_query) for spec in settings.inputs]
    _mark_same_content(loaded)
    readable = [item for item in loaded if item.status == "ingested"]
    duplicates = resolve_duplicates([(item.format, item.batch) for item in readable])
    with run_lock(settings.db_url, run_id), session_scope(settings.db_url) as session:
        runs.start(session, run_id, dag_run_id=dag_run_id, policy=policy)
        enrolled: dict[str, list[str]] = {}  # disbursement id -> failures known before validation
        for item in loaded:
            if item.status == "ingested":
                _record(session, run_id, item, duplicates.reasons, enrolled)
            else:
                _record_not_ingested(session, run_id, item)
        counts = {id(item): (duplicates.identical.get(n, 0), duplicates.conflicting.get(n, 0))
                  for n, item in enumerate(readable)}
        session.get(Run, run_id).inputs = [item.entry(*counts.get(id(item), (0, 0))) for item in loaded]
        if not enrolled:  # the run is recorded failed, with its inputs, before the error is raised
            runs.finish(session, run_id, status="failed", reason=NO_INPUT, stage="extract")
        else:
            bulk.upsert(session, RunItem, ({"run_id": run_id, "disbursement_id": d, "quality_failures": enrolled[d],
                                            "outcome": None, "reason": None, "best_score": None}
                                           for d in sorted(enrolled)))
            bulk.analyze(session, models.Disbursement, RunItem)  # later stages plan their reads on these counts
            chain.append(session, "run.extracted", run_id=run_id, payload={"disbursements": len(enrolled)})
    if not enrolled:
        raise InputError(", ".join(settings.inputs), None, NO_INPUT)
    return run_id


def load_input(spec: str, sql_query: str) -> tuple[str, SourceBatch]:
    """(format, batch) of one input: a file or folder path, or `sql:<SQLAlchemy URL>` (a database
    read with the configured query; the Airflow adapter turns `airflow-conn:<id>` into such a URL)."""
    if spec.startswith(SQL_PREFIX):
        return sql.SOURCE, sql.read_sql(spec.removeprefix(SQL_PREFIX), sql_query)
    return detect_and_load(Path(spec))


def load_one(spec: str, sql_query: str) -> LoadedInput:
    """Read one input; a file no reader can make sense of is a rejected LoadedInput with the reason."""
    is_sql = spec.startswith(SQL_PREFIX)
    label = sql.describe(spec.removeprefix(SQL_PREFIX)) if is_sql else spec
    try:
        format, batch = load_input(spec, sql_query)
    except UNREADABLE_FILE_ERRORS as error:
        raw = label.encode() if is_sql else _raw_bytes(Path(spec))
        reason = str(error) if isinstance(error, InputError) else f"{spec}: unreadable ({type(error).__name__}: {error})"
        return LoadedInput(spec, label, hashlib.sha256(raw).hexdigest(), reason=reason, status="rejected")
    return LoadedInput(spec, batch.source_file, batch.sha256, format, batch)


def _mark_same_content(loaded: list[LoadedInput]) -> None:
    """An input whose content another input already gave adds nothing (listed as a duplicate)."""
    first: dict[str, str] = {}
    for item in loaded:
        if item.status != "ingested":
            continue
        if item.sha256 in first:
            item.status, item.reason, item.batch = "duplicate", f"same content as {first[item.sha256]}", None
        else:
            first[item.sha256] = item.label


def _record(session: Session, run_id: str, item: LoadedInput, conflicts: dict[str, str],
            enrolled: dict[str, list[str]]) -> None:
    """Store the input's records and enrol each in `enrolled` with the failures known so far."""
    batch = item.batch
    unreadable = unreadable_stand_ins(batch)
    batch.disbursements += [stand_in for stand_in, _reason in unreadable.values()]
    overlong = {n: reasons for n, row in enumerate(batch.disbursements)  # only the rows with a value too long
                if (reasons := limits.overlong_reasons(models.Disbursement, row))}
    given_ids = [row.disbursement_id for row in batch.disbursements] if overlong else None
    limits.clamp_batch(batch)
    source_file = ingest.record_batch(session, batch, item.format)
    chain.append(session, "input.ingested", run_id=run_id, subject=batch.source_file,
                 payload={"sha256": batch.sha256, "disbursements": len(batch.disbursements),
                          "source_file_id": source_file.id})
    no_failures: list[str] = []  # shared by the items without any: written, never changed
    for n, row in enumerate(batch.disbursements):
        given_id = given_ids[n] if given_ids else row.disbursement_id
        known = ([conflicts[given_id]] if given_id in conflicts else []) + overlong.get(n, [])
        enrolled[row.disbursement_id] = known or no_failures
    for d_id, (_stand_in, reason) in unreadable.items():
        enrolled[d_id] = [f"{UNREADABLE}: {reason}"]
    item.enrolled = len(batch.disbursements)


def _record_not_ingested(session: Session, run_id: str, item: LoadedInput) -> None:
    if item.status == "rejected":
        ingest.record_rejected_file(session, item.label, item.sha256, item.format, item.reason)
        chain.append(session, "input.rejected", run_id=run_id, subject=item.label, payload={"reason": item.reason})
    else:
        chain.append(session, "input.duplicate", run_id=run_id, subject=item.label,
                     payload={"sha256": item.sha256, "reason": item.reason})


def unreadable_stand_ins(batch: SourceBatch) -> dict[str, tuple[Disbursement, str]]:
    """Records a parser could read only in part become stand-ins naming where they are (and why),
    quarantined, so every input record ends in exactly one output."""
    stand_ins = {}
    for record, reason in batch.rejected:
        d_id = limits.clamp(f"{Path(batch.source_file).name}@{batch.sha256[:12]}:{record}", 250)
        stand_ins[d_id] = (Disbursement(d_id, None, None, None, None, None, None, None, batch.source_file, record),
                           reason)
    return stand_ins


def _raw_bytes(path: Path) -> bytes:
    try:
        if path.is_dir():
            return b"".join(p.read_bytes() for p in sorted(path.iterdir()) if p.is_file())
        return path.read_bytes() if path.exists() else str(path).encode()
    except OSError:
        return str(path).encode()
