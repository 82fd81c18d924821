"""Decide: apply the policy to each run item. Quarantined rows stay quarantined; with no usable
list everything else is held ("screening unavailable"); a hit at or above the hold threshold
(lower for designated terrorists) holds, unless every holding hit is on the whitelist with both
sides unchanged; the rest is cleared. Every decision is recorded with its policy hash, list
versions and score, and written to the audit trail; held items enter the review queue."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from sqlalchemy import delete, select

from aidvet.audit import chain
from aidvet.compliance.holds import Hold, compute_holds
from aidvet.config import Settings
from aidvet.policy import Policy, load_policy
from aidvet.review.queue import sync_queue
from aidvet.review.whitelist import clearing_entries
from aidvet.stages.failure import records_failure
from aidvet.store.db import session_scope
from aidvet.store.models import Decision, Run, RunItem, ScreeningHit

SCREENING_UNAVAILABLE = "screening unavailable"


@records_failure("decide")
def decide(settings: Settings, run_id: str) -> dict[str, int]:
    policy = load_policy(settings.policy_path)
    now = datetime.now(timezone.utc)
    with session_scope(settings.db_url) as session:
        run = session.get(Run, run_id)
        session.execute(delete(Decision).where(Decision.run_id == run_id, Decision.decided_by == "policy"))
        all_hits = list(session.scalars(select(ScreeningHit).where(ScreeningHit.run_id == run_id)))
        hits = best_hits(all_hits, policy)
        holds = compute_holds(session, run_id, policy, now)  # 50 % rule, control, vetting validity
        outcomes = Counter()
        for item in session.scalars(select(RunItem).where(RunItem.run_id == run_id).order_by(RunItem.disbursement_id)):
            item.outcome, item.reason, item.best_score = decide_item(item, run, hits.get(item.disbursement_id), policy)
            if item.outcome == "held" and item.disbursement_id in hits:
                item.outcome, item.reason = apply_whitelist(session, item, all_hits, policy, now)
            item.outcome, item.reason = apply_hold(item.outcome, item.reason, holds.get(item.disbursement_id))
            outcomes[item.outcome] += 1
            session.add(Decision(run_id=run_id, disbursement_id=item.disbursement_id, outcome=item.outcome,
                                 reason=item.reason, policy_hash=policy.sha256,
                                 list_version_ids=run.list_version_ids, score=item.best_score))
            chain.append(session, "decision.automatic", run_id=run_id, subject=item.disbursement_id,
                         payload={"outcome": item.outcome, "reason": item.reason, "score": item.best_score,
                                  "policy_hash": policy.sha256, "list_version_ids": run.list_version_ids})
        session.flush()
        sync_queue(session, run_id)
    return dict(outcomes)


def apply_whitelist(session, item: RunItem, hits: list[ScreeningHit], policy: Policy, now: datetime) -> tuple[str, str]:
    """Clear a held item when every hit that holds it is a whitelisted (party, entity) pair whose
    both sides are unchanged and whose entry is unexpired; otherwise it stays held."""
    holding = [hit for hit in hits if hit.disbursement_id == item.disbursement_id
               and hit.score >= policy.hold_threshold_for(hit.terrorist)]
    entries = clearing_entries(session, holding, now)
    if not entries:
        return item.outcome, item.reason
    cited = "; ".join(f"entry {e.id} ({e.party_name} / {e.entity_name}) approved by {e.approved_by}, "
                      f"expires {e.expires_at:%Y-%m-%d}" for e in entries)
    return "cleared", f"whitelisted: {cited}"


def apply_hold(outcome: str, reason: str, hold: Hold | None) -> tuple[str, str]:
    """A compliance hold (ownership, control, re-vetting) holds what would be cleared, and adds its
    reason to what is held already; it never touches a quarantined item."""
    if hold is None or outcome == "quarantined":
        return outcome, reason
    if outcome == "held":
        return outcome, f"{reason}; {hold.reason}"
    return "held", hold.reason


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
