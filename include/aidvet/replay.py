"""Replay: re-screen a run's stored inputs against its recorded list versions and policy, and
report every decision that would differ. With unchanged code there are none; a difference means
the code (or, with `policy_override`, a what-if policy) would decide otherwise. The whitelist is
applied as it stood when the run started; party content is compared as the store holds it now."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet import artifacts
from aidvet.config import Settings
from aidvet.errors import AidvetError
from aidvet.policy import Policy, parse_policy
from aidvet.publish.snapshot import read_snapshot
from aidvet.quality import validate_disbursements
from aidvet.sources.ingest import UNREADABLE
from aidvet.compliance.holds import compute_holds
from aidvet.stages import list_index
from aidvet.stages.decide import apply_hold, apply_whitelist, best_hits, decide_item
from aidvet.stages.screen import parties_reached, screen_parties
from aidvet.store.models import Decision, ListEntity, Party, PolicyVersion, Run, RunItem, ScreeningHit


@dataclass
class Difference:
    disbursement_id: str
    recorded: tuple[str, float | None]  # (outcome, score)
    replayed: tuple[str, float | None]
    replayed_reason: str


@dataclass
class ReplayResult:
    run_id: str
    policy_sha256: str
    list_version_ids: list[int]
    items: int
    differences: list[Difference] = field(default_factory=list)


def replay(session: Session, settings: Settings, run_id: str, policy_override: Policy | None = None) -> ReplayResult:
    run = session.get(Run, run_id)
    if run is None or not run.manifest_uri:
        raise AidvetError(f"run {run_id!r}: no published run of that id in the store (only published runs replay)")
    policy = policy_override or _recorded_policy(session, run)
    folder = run.manifest_uri.rsplit("/", 1)[0]
    inputs = {name: read_snapshot(artifacts.read_bytes(f"{folder}/snapshot/{name}.parquet"))
              for name in ("disbursements", "parties", "awards")}
    failures = _quality_failures(inputs, settings, policy)
    replayed_run = Run(run_id=run_id, screening_unavailable=run.screening_unavailable,
                       list_version_ids=list(run.list_version_ids))
    all_hits = _replayed_hits(session, settings, run, policy, inputs, failures)
    hits = best_hits(all_hits, policy)
    recorded = {d.disbursement_id: d for d in session.scalars(
        select(Decision).where(Decision.run_id == run_id, Decision.decided_by == "policy"))}
    holds = _what_if_holds(session, run_id, policy)
    result = ReplayResult(run_id, policy.sha256, list(run.list_version_ids), len(inputs["disbursements"]))
    for disbursement_id in inputs["disbursements"]["disbursement_id"]:
        item = RunItem(run_id=run_id, disbursement_id=disbursement_id, quality_failures=failures[disbursement_id])
        outcome, reason, score = decide_item(item, replayed_run, hits.get(disbursement_id), policy)
        if outcome == "held" and disbursement_id in hits:
            item.outcome, item.reason = outcome, reason
            outcome, reason = apply_whitelist(session, item, all_hits, policy, run.started_at)
        outcome, reason = apply_hold(outcome, reason, holds.get(disbursement_id))
        before = recorded.get(disbursement_id)
        before_key = (before.outcome, _rounded(before.score)) if before else ("(no decision)", None)
        if before_key != (outcome, _rounded(score)):
            result.differences.append(Difference(disbursement_id, before_key, (outcome, _rounded(score)), reason))
    return result


def _what_if_holds(session: Session, run_id: str, policy: Policy) -> dict:
    """The compliance holds under `policy`, as of the run's start, without keeping anything it records
    (a replay changes no vetting result)."""
    run = session.get(Run, run_id)
    savepoint = session.begin_nested()
    try:
        return compute_holds(session, run_id, policy, run.started_at)
    finally:
        savepoint.rollback()


def _recorded_policy(session: Session, run: Run) -> Policy:
    stored = session.get(PolicyVersion, run.policy_hash)
    if stored is None:
        raise AidvetError(f"run {run.run_id}: its policy {run.policy_hash} is not in the store")
    return parse_policy(stored.content.encode("utf-8"), f"policy {run.policy_hash[:12]}")


def _quality_failures(inputs: dict[str, pd.DataFrame], settings: Settings, policy: Policy) -> dict[str, list[str]]:
    frame = inputs["disbursements"].reset_index(drop=True)
    result = validate_disbursements(frame, known_award_ids=list(inputs["awards"]["award_id"]),
                                    expectations_dir=settings.expectations_dir, policy=policy.quality)
    failures = {}
    for index, disbursement_id in enumerate(frame["disbursement_id"]):
        unreadable = [f for f in json.loads(frame.at[index, "quality_failures"] or "[]") if f.startswith(UNREADABLE)]
        failures[disbursement_id] = unreadable + result.row_failures.get(index, [])
    return failures


def _replayed_hits(session, settings: Settings, run: Run, policy: Policy, inputs, failures) -> list[ScreeningHit]:
    if run.screening_unavailable or not run.list_version_ids:
        return []
    valid = inputs["disbursements"][[not failures[d] for d in inputs["disbursements"]["disbursement_id"]]]
    parties = [Party(**row) for row in inputs["parties"].to_dict("records")]
    reached = parties_reached(list(valid.itertuples()), dict(inputs["awards"].itertuples(index=False)),
                              {p.party_key: p for p in parties if not p.parent_key},
                              [p for p in parties if p.parent_key])
    screener = list_index.screener(session, settings.artifact_root, run.list_version_ids, policy.record_threshold)
    version_of = dict(session.execute(select(ListEntity.entity_id, ListEntity.version_id)
                                      .where(ListEntity.version_id.in_(run.list_version_ids))).all())
    return [ScreeningHit(disbursement_id=d, party_key=party.party_key, entity_id=hit.entity_id, score=hit.score,
                         matched_name=hit.matched_name, terrorist=hit.terrorist,
                         list_version_id=version_of[hit.entity_id])
            for d, party, hit in screen_parties(screener, reached)]


def _rounded(score: float | None) -> float | None:
    return None if score is None else round(float(score), 2)
