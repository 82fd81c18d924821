"""Publish: cleared, held and quarantined lists (CSV and Parquet), manifest.json and report.html,
written to a staging folder and moved into `runs/<run_id>/` at once. Re-running the same run
replaces its outputs exactly."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

import pandas as pd
from sqlalchemy import select

from aidvet import runs
from aidvet.artifacts import ArtifactRoot
from aidvet.audit import anchors, chain
from aidvet.compliance.outputs import vetting_outputs
from aidvet.config import Settings
from aidvet.policy import Policy, load_policy
from aidvet.publish import report, snapshot, tables
from aidvet.stages.failure import records_failure
from aidvet.gc_pause import cycle_collection_paused
from aidvet.stages.decide import best_hits
from aidvet.stages.common import run_disbursements
from aidvet.store.db import session_scope
from aidvet.store.models import ListDelta, ListVersion, Party, Run, ScreeningHit, SourceFile

log = logging.getLogger(__name__)


@records_failure("publish")
@cycle_collection_paused
def publish(settings: Settings, run_id: str) -> str:
    """Write the run's outputs; returns the URI of its folder."""
    policy = load_policy(settings.policy_path)
    with session_scope(settings.db_url) as session:
        run = session.get(Run, run_id)
        frame = run_disbursements(session, run_id)
        frames = split_by_outcome(frame, _held_evidence(session, run_id, policy))
        inputs = snapshot.snapshot_tables(session, frame)
        manifest = build_manifest(session, run, frame, frames, settings, policy.sha256)
        vetting, manifest["vetting"] = vetting_outputs(session, set(frame["payee_key"].dropna()))
        manifest["audit_anchor"] = chain.head(session)  # the trail up to here; `aidvet audit verify` checks it
        trend = recent_runs(session, run) + [{"run_id": run.run_id, "label": "this run", "status": "this run",
                                              "counts": manifest["counts"]}]
    staging = ArtifactRoot(settings.artifact_root).stage(run_id)
    try:
        for outcome, table in frames.items():  # piece by piece: a big run's file is never in memory whole
            with staging.writer(f"{outcome}.csv") as sink:
                for chunk in tables.csv_chunks(table):
                    sink.write(chunk)
            with staging.writer(f"{outcome}.parquet") as sink:
                tables.write_parquet(table, sink)
        staging.write_bytes("vetting.csv", tables.to_csv_bytes(vetting))
        for name, table in inputs.items():
            with staging.writer(f"snapshot/{name}.parquet") as sink:
                tables.write_parquet(table, sink)
        staging.write_bytes("report.html", report.render(manifest, frames, trend).encode("utf-8"))
        manifest["outputs"] = dict(sorted(staging.sha256.items()))
        staging.write_bytes("manifest.json", json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8"))
        uri = staging.commit()
    except BaseException:
        staging.abort()
        raise
    with session_scope(settings.db_url) as session:
        runs.finish(session, run_id, status="succeeded", counts=manifest["counts"], manifest_uri=f"{uri}/manifest.json",
                    manifest_sha256=staging.sha256["manifest.json"])
    with session_scope(settings.db_url) as session:  # after the run's last event: the head an operator keeps
        anchor = anchors.write_anchor(session, run_id)
    if anchor:
        log.info(anchors.describe(anchor))
        print(f"{anchors.describe(anchor)} (appended to {anchors.anchor_file()})")
    return uri


def split_by_outcome(frame: pd.DataFrame, evidence: pd.DataFrame) -> dict[str, pd.DataFrame]:
    frame = frame.merge(evidence, on="disbursement_id", how="left") if len(evidence) else frame
    undecided = frame[~frame["outcome"].isin(tables.OUTCOMES)]
    if len(undecided):
        raise RuntimeError(f"{len(undecided)} run items have no decision (e.g. {undecided['disbursement_id'].iloc[0]}):"
                           " the decide task must run before publish")
    return {outcome: frame[frame["outcome"] == outcome].reindex(columns=columns).reset_index(drop=True)
            for outcome, columns in tables.COLUMNS.items()}


EVIDENCE_COLUMNS = ["disbursement_id", "entity_id", "matched_name", "party_name", "party_role", "programs",
                    "terrorist", "explanation"]


def _held_evidence(session, run_id: str, policy: Policy) -> pd.DataFrame:
    """The hit behind each held item — the one decide judged strongest — for the held list's evidence columns."""
    hits = best_hits(session.scalars(select(ScreeningHit).where(ScreeningHit.run_id == run_id)
                                     .order_by(ScreeningHit.id)), policy)
    parties = {key: (name, role) for key, name, role in session.execute(
        select(Party.party_key, Party.name, Party.role).where(Party.party_key.in_({h.party_key for h in hits.values()})))}
    return pd.DataFrame([{"disbursement_id": d, "entity_id": h.entity_id, "matched_name": h.matched_name,
                          "party_name": parties.get(h.party_key, (h.party_key.removeprefix("name:"), None))[0],
                          "party_role": parties.get(h.party_key, (None, "payee"))[1] or "payee",
                          "programs": " ".join(h.programs or []), "terrorist": h.terrorist,
                          "explanation": h.explanation} for d, h in sorted(hits.items())],
                        columns=EVIDENCE_COLUMNS)


def build_manifest(session, run: Run, frame: pd.DataFrame, frames: dict[str, pd.DataFrame], settings: Settings,
                   policy_hash: str) -> dict:
    inputs = run.inputs if run.inputs is not None else _inputs_of_frame(session, frame)
    versions = session.scalars(select(ListVersion).where(ListVersion.id.in_(run.list_version_ids or []))).all()
    return {
        "run_id": run.run_id,
        "dag_run_id": run.dag_run_id,
        "published_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "code_version": run.code_version,
        "policy": {"path": str(settings.policy_path), "sha256": policy_hash},
        "inputs": inputs,
        "list_versions": [{"id": v.id, "source": v.source, "sha256": v.sha256, "published_at": v.published_at,
                           "retrieved_at": v.retrieved_at.isoformat(), "counts": v.counts,
                           "delta": _delta_summary(session, v.id)} for v in versions],
        "screening_unavailable": run.screening_unavailable,
        "counts": {"input": len(frame), **{outcome: len(table) for outcome, table in frames.items()}},
        "amounts": {"input": tables.amounts_by_currency(frame),
                    **{outcome: tables.amounts_by_currency(table) for outcome, table in frames.items()}},
    }


def _inputs_of_frame(session, frame: pd.DataFrame) -> list[dict]:
    """Runs extracted before inputs were recorded per run: the files their disbursements came from."""
    rows = session.execute(select(SourceFile.path, SourceFile.sha256, SourceFile.status, SourceFile.reason,
                                  SourceFile.record_count)
                           .where(SourceFile.sha256.in_(set(frame["source_sha256"])))).mappings().all()
    return [dict(row) for row in rows]


def rejected_inputs(manifest: dict) -> list[dict]:
    """The inputs of a published run that were not read (status rejected), with their reasons."""
    return [entry for entry in manifest.get("inputs", []) if entry.get("status") == "rejected"]


def _delta_summary(session, version_id: int) -> dict | None:
    delta = session.get(ListDelta, version_id)
    if delta is None:
        return None
    return {"previous_version_id": delta.previous_version_id, "added": len(delta.added),
            "removed": len(delta.removed), "changed": len(delta.changed)}


def recent_runs(session, run: Run, limit: int = 14) -> list[dict]:
    """The succeeded runs before this one, oldest first, for the report's trend."""
    earlier = session.scalars(select(Run).where(Run.status == "succeeded", Run.run_id != run.run_id,
                                                Run.started_at <= run.started_at)
                              .order_by(Run.started_at.desc()).limit(limit - 1)).all()
    return [{"run_id": r.run_id, "label": r.started_at.strftime("%m-%d %H:%M"), "status": r.status,
             "counts": r.counts} for r in reversed(earlier)]
