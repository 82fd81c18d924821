"""Decide: apply the policy to each run item. Quarantined rows stay quarantined; with no usable
list everything else is held ("screening unavailable"); a hit at or above the hold threshold
(lower for designated terrorists) holds, unless every holding hit is on the whitelist with both
sides unchanged; the rest is cleared. Every decision is recorded with its policy hash, list
versions and score; each batch of decisions is sealed in the audit trail by one chained event
carrying its Merkle root (aidvet.audit.batches); held items enter the review queue."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from types import SimpleNamespace

from sqlalchemy import delete, select

from aidvet.audit import batches, chain
from aidvet.compliance.holds import Hold, compute_holds
from aidvet.config import Settings
from aidvet.policy import Policy, load_policy
from aidvet.review.queue import sync_queue
from aidvet.review.whitelist import clearing_entries
from aidvet.stages.failure import records_failure
from aidvet.gc_pause import cycle_collection_paused
from aidvet.store import bulk
from aidvet.store.db import session_scope
from aidvet.store.run_items import NO_FAILURES, quality_failures_text
from aidvet.store.models import Decision, Run, RunItem, ScreeningHit, WhitelistEntry

SCREENING_UNAVAILABLE = "screening unavailable"


BATCH_SIZE = 10_000
READ_ROWS = 50_000  # run item ids streamed at a time


@records_failure("decide")
@cycle_collection_paused
def decide(settings: Settings, run_id: str, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Decide the run in batches of run items (by disbursement id): each batch's decisions, run
    item outcomes and chained `decision.batch` event (Merkle root of its decisions) commit or roll
    back together. A retry starts over and writes the same decisions."""
    policy = load_policy(settings.policy_path)
    now = datetime.now(timezone.utc)
    with session_scope(settings.db_url) as session:
        run = session.get(Run, run_id)
        session.execute(delete(Decision).where(Decision.run_id == run_id, Decision.decided_by == "policy"))
        decide_seq = batches.start(session, run_id, {"batch_size": batch_size, "policy_hash": policy.sha256,
                                                     "list_version_ids": run.list_version_ids})
        all_hits = list(session.scalars(select(ScreeningHit).where(ScreeningHit.run_id == run_id)))
        whitelisted = set(session.execute(select(WhitelistEntry.party_key, WhitelistEntry.entity_id)).all())
        holds = compute_holds(session, run_id, policy, now)  # 50 % rule, control, vetting validity
    hits_by_item: dict[str, list[ScreeningHit]] = {}
    for hit in all_hits:
        hits_by_item.setdefault(hit.disbursement_id, []).append(hit)
    context = DecideContext(run, policy, best_hits(all_hits, policy), hits_by_item, whitelisted, holds, now,
                            list(run.list_version_ids or []))
    with session_scope(settings.db_url) as session:
        ids, failures = _run_items(session, run_id)
    outcomes: Counter = Counter()
    number = 0
    for start in range(0, len(ids), batch_size):
        with session_scope(settings.db_url) as session:
            number += 1
            rows = [context.decision_row(session, SimpleNamespace(disbursement_id=d, quality_failures=failures.get(d, [])))
                    for d in ids[start:start + batch_size]]
            _store_batch(session, run_id, rows)
            batches.record(session, run_id, decide_seq, number, rows)
        outcomes.update(row["outcome"] for row in rows)
    with session_scope(settings.db_url) as session:
        queue = sync_queue(session, run_id)
        chain.append(session, "run.decided", run_id=run_id, payload={
            "decide_seq": decide_seq, "batches": number, "decisions": sum(outcomes.values()),
            "outcomes": dict(outcomes), "queued": queue.queued, "superseded": queue.superseded})
    return dict(outcomes)


@dataclass
class DecideContext:
    run: Run
    policy: Policy
    best: dict[str, ScreeningHit]
    hits_by_item: dict[str, list[ScreeningHit]]
    whitelisted: set[tuple[str, str]]  # (party, entity) pairs with any whitelist entry, valid or not
    holds: dict[str, Hold]  # disbursement id -> compliance hold (ownership, control, re-vetting)
    now: datetime
    list_version_ids: list[int]  # one list for every row: stored as JSON, written once per chunk

    def decision_row(self, session, item) -> dict:
        outcome, reason, score = decide_item(item, self.run, self.best.get(item.disbursement_id), self.policy)
        if outcome == "held" and item.disbursement_id in self.best and self._may_be_whitelisted(item.disbursement_id):
            held = SimpleNamespace(disbursement_id=item.disbursement_id, outcome=outcome, reason=reason)
            outcome, reason = apply_whitelist(session, held, self.hits_by_item.get(item.disbursement_id, []),
                                              self.policy, self.now)
        outcome, reason = apply_hold(outcome, reason, self.holds.get(item.disbursement_id))
        return {"run_id": self.run.run_id, "disbursement_id": item.disbursement_id, "outcome": outcome,
                "reason": reason, "decided_by": "policy", "decided_at": self.now, "policy_hash": self.policy.sha256,
                "list_version_ids": self.list_version_ids, "score": score}

    def _may_be_whitelisted(self, disbursement_id: str) -> bool:
        """Only an item whose every holding pair has some whitelist entry needs the full check."""
        holding = [hit for hit in self.hits_by_item.get(disbursement_id, [])
                   if hit.score >= self.policy.hold_threshold_for(hit.terrorist)]
        return all((hit.party_key, hit.entity_id) in self.whitelisted for hit in holding)


def _run_items(session, run_id: str) -> tuple[list[str], dict[str, list[str]]]:
    """The run's item ids in code-point order (the order of its decision batches), read in one
    streamed pass, and the quality failures of the items that have any. One sorted read instead
    of a query per batch: a range of ids in "C" order cannot use the key's index on PostgreSQL,
    so a query per batch would scan every item of the run each time."""
    key = batches.by_code_point(session, RunItem.disbursement_id)
    query = select(RunItem.disbursement_id, quality_failures_text()).where(RunItem.run_id == run_id).order_by(key)
    ids, failures = [], {}
    for partition in session.execute(query.execution_options(yield_per=READ_ROWS)).partitions():
        for disbursement_id, text in partition:
            ids.append(disbursement_id)
            if text != NO_FAILURES:
                failures[disbursement_id] = json.loads(text)
    return ids, failures


def _store_batch(session, run_id: str, rows: list[dict]) -> None:
    """Insert the batch's decisions and copy their outcomes onto the run items by key."""
    bulk.insert_rows(session, Decision, rows)
    bulk.update_rows(session, RunItem, [{"run_id": run_id, "disbursement_id": row["disbursement_id"],
                                         "outcome": row["outcome"], "reason": row["reason"], "best_score": row["score"]}
                                        for row in rows])


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
