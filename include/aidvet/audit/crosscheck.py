"""Cross-check the store's runs against their audit events, the manifests on the artifact root
and the output files those manifests list.

A consistent chain can still hide tampering around it: a trail emptied (TRUNCATE) while runs
exist, a run whose `manifest_uri` was nulled, a published `held.csv` edited after the fact. Each
succeeded run must have its `run.started` and `run.succeeded` events; its manifest must be where
the store and the event say, must hash to what the event recorded (`manifest_sha256`), and every
output it lists must still hash to the manifest's value.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aidvet import artifacts
from aidvet.store.models import AuditEvent, Run


def run_problems(session: Session) -> list[str]:
    """Every disagreement between runs, their events, manifests and output files, each named."""
    runs = session.scalars(select(Run).order_by(Run.run_id)).all()
    total = session.scalar(select(func.count()).select_from(AuditEvent))
    if runs and not total:
        return [f"the audit trail is empty although {len(runs)} run(s) exist (e.g. {runs[0].run_id}): emptied"]
    events = defaultdict(list)
    for event in session.scalars(select(AuditEvent).where(AuditEvent.kind.like("run.%")).order_by(AuditEvent.seq)):
        events[event.run_id].append(event)
    problems = []
    for run in runs:
        problems += _one_run(run, events.get(run.run_id, []))
    known = {run.run_id for run in runs}
    problems += [f"run {run_id}: the trail has its events but the store has no such run (run row deleted)"
                 for run_id in sorted(set(events) - known) if run_id]
    return problems


def _one_run(run: Run, events: list[AuditEvent]) -> list[str]:
    kinds = [event.kind for event in events]
    if "run.started" not in kinds:
        return [f"run {run.run_id}: status {run.status} but the trail has no run.started event for it"]
    if run.status != "succeeded":
        return []
    succeeded = [event for event in events if event.kind == "run.succeeded"]
    if not succeeded:
        return [f"run {run.run_id}: status succeeded but the trail has no run.succeeded event for it"]
    recorded = succeeded[-1].payload or {}
    uri = recorded.get("manifest_uri")
    problems = []
    if run.manifest_uri != uri and uri:
        problems.append(f"run {run.run_id}: runs.manifest_uri is {run.manifest_uri!r} but event {succeeded[-1].seq} "
                        f"recorded {uri!r}")
    uri = uri or run.manifest_uri
    if not uri:
        return problems + [f"run {run.run_id}: succeeded but neither the store nor its events name a manifest"]
    return problems + manifest_problems(run.run_id, uri, recorded.get("manifest_sha256"), succeeded[-1].seq)


def manifest_problems(run_id: str, uri: str, expected_sha256: str | None, event_seq: int) -> list[str]:
    try:
        data = artifacts.read_bytes(uri)
    except OSError as error:
        return [f"run {run_id}: manifest {uri} cannot be read ({error.__class__.__name__}: {error})"]
    digest = hashlib.sha256(data).hexdigest()
    if expected_sha256 and digest != expected_sha256:
        return [f"run {run_id}: manifest.json was edited: its sha256 {digest[:16]}... is not the "
                f"{expected_sha256[:16]}... recorded in event {event_seq} ({uri})"]
    try:
        manifest = json.loads(data)
    except ValueError as error:
        return [f"run {run_id}: manifest {uri} is not JSON ({error})"]
    problems = [] if manifest.get("run_id") == run_id else [
        f"run {run_id}: manifest {uri} names run {manifest.get('run_id')!r}"]
    folder = uri.rsplit("/", 1)[0]
    for name, sha256 in sorted((manifest.get("outputs") or {}).items()):
        problems += output_problems(run_id, f"{folder}/{name}", name, sha256)
    return problems


def output_problems(run_id: str, uri: str, name: str, expected: str) -> list[str]:
    try:
        digest = hashlib.sha256(artifacts.read_bytes(uri)).hexdigest()
    except OSError:
        return [f"run {run_id}: {name} listed in its manifest is missing ({uri})"]
    if digest != expected:
        return [f"run {run_id}: {name} was edited: its sha256 {digest[:16]}... is not the {expected[:16]}... "
                f"its manifest lists ({uri})"]
    return []
