"""Decide: apply the policy to each run item. Quarantined rows stay quarantined; with no usable
list everything else is held ("screening unavailable"); a hit at or above the hold threshold
(lower for designated terrorists) holds; the rest is cleared. Every decision is recorded with
its policy hash, list versions and score, and written to the audit trail."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, select

from aidvet.audit import chain
from aidvet.config import Settings
from aidvet.policy import Policy, load_policy
from aidvet.store.db import session_scope
from aidvet.store.models import Decision, Run, RunItem, ScreeningHit

SCREENING_UNAVAILABLE = "screening unavailable"


def decide(settings: Settings, run_id: str) -> dict[str, int]:
    policy = load_policy(settings.policy_path)
    with session_scope(settings.db_url) as session:
        run = session.get(Run, run_id)
        session.execute(delete(Decision).where(Decision.run_id == run_id, Decision.decided_by == "policy"))
        hits = best_hits(session.scalars(select(ScreeningHit).where(ScreeningHit.run_id == run_id)), policy)
        outcomes = Counter()
        for item in session.scalars(select(RunItem).where(RunItem.run_id == run_id).order_by(RunItem.disbursement_id)):
            item.outcome, item.reason, item.best_score = decide_item(item, run, hits.get(item.disbursement_id), policy)
            outcomes[item.outcome] += 1
            session.add(Decision(run_id=run_id, disbursement_id=item.disbursement_id, outcome=item.outcome,
                                 reason=item.reason, policy_hash=policy.sha256,
                                 list_version_ids=run.list_version_ids, score=item.best_score))
            chain.append(session, "decision.automatic", run_id=run_id, subject=item.disbursement_id,
                         payload={"outcome": item.outcome, "reason": item.reason, "score": item.best_score,
                                  "policy_hash": policy.sha256, "list_version_ids": run.list_version_ids})
    return dict(outcomes)


def decide_item(item: RunItem, run: Run, best: ScreeningHit | None, policy: Policy) -> tuple[str, str, float | None]:
    """(outcome, reason, best score) for one item."""
    if item.quality_failures:
        return "quarantined", "; ".join(item.quality_failures), None
    if run.screening_unavailable or not run.list_version_ids:
        detail = run.screening_unavailable or "no list version selected"
        reason = detail if detail.startswith(SCREENING_UNAVAILABLE) else f"{SCREENING_UNAVAILABLE}: {detail}"
        return "held", reason, None
    if best is None:
        return "cleared", "no list entry scored at or above the record threshold", None
    threshold = policy.hold_threshold_for(best.terrorist)
    if best.score >= threshold:
        designation = " (designated terrorist: FTO/SDGT)" if best.terrorist else ""
        return ("held", f"possible match: {best.matched_name} [{best.entity_id}]{designation}, "
                        f"score {best.score:.1f} >= {threshold:g}", best.score)
    return "cleared", f"best hit {best.entity_id} scored {best.score:.1f}, below the hold threshold {threshold:g}", best.score


def best_hits(hits, policy: Policy) -> dict[str, ScreeningHit]:
    """disbursement id -> its strongest hit, judged by margin over the hit's own hold threshold."""
    def margin(hit: ScreeningHit) -> float:
        return hit.score - policy.hold_threshold_for(hit.terrorist)

    best: dict[str, ScreeningHit] = {}
    for hit in hits:
        current = best.get(hit.disbursement_id)
        if current is None or margin(hit) > margin(current):
            best[hit.disbursement_id] = hit
    return best
