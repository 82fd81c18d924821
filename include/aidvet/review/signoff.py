"""Should a person sign off a run before it is published? Yes when its held share is far above
the recent normal, or when a list version it used changed far more than usual since its
predecessor. The Airflow DAG turns a non-empty answer into a human-in-the-loop approval task
(airflow.providers.standard.operators.hitl.ApprovalOperator); this module only decides and explains.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aidvet.store.models import ListDelta, ListEntity, Run, RunItem


@dataclass(frozen=True)
class SignoffRule:
    held_share_factor: float = 3.0  # sign off when held share > factor x the median of recent runs...
    min_held_share: float = 0.05  # ...and above this share in any case
    history_runs: int = 10  # recent succeeded runs that define "normal"
    max_list_change_share: float = 0.10  # sign off when a list version changed more than this share


def signoff_reasons(session: Session, run_id: str, rule: SignoffRule = SignoffRule()) -> list[str]:
    """Why run `run_id` needs a person's sign-off before publication (empty: it does not)."""
    run = session.get(Run, run_id)
    if run is None:
        raise ValueError(f"no run {run_id!r} in the store")
    return _held_share_reasons(session, run, rule) + _list_change_reasons(session, run, rule)


def held_share(session: Session, run_id: str) -> float | None:
    """Held items over screened items (quarantined ones were never screened); None for an empty run."""
    counts = dict(session.execute(select(RunItem.outcome, func.count()).where(RunItem.run_id == run_id)
                                  .group_by(RunItem.outcome)).all())
    screened = counts.get("held", 0) + counts.get("cleared", 0)
    return counts.get("held", 0) / screened if screened else None


def _held_share_reasons(session: Session, run: Run, rule: SignoffRule) -> list[str]:
    share = held_share(session, run.run_id)
    if share is None:
        return []
    if run.screening_unavailable:
        return [f"screening was unavailable ({run.screening_unavailable}): {share:.0%} of screened items are held"]
    previous = session.scalars(select(Run.run_id).where(Run.run_id != run.run_id, Run.status == "succeeded",
                                                        Run.started_at < run.started_at)
                               .order_by(Run.started_at.desc()).limit(rule.history_runs)).all()
    shares = [s for s in (held_share(session, run_id) for run_id in previous) if s is not None]
    normal = median(shares) if shares else 0.0
    if share > rule.min_held_share and share > rule.held_share_factor * normal:
        basis = f"the median of the last {len(shares)} runs, {normal:.1%}" if shares else "no earlier run to compare"
        return [f"{share:.1%} of screened items are held, over {rule.held_share_factor:g}x normal ({basis})"]
    return []


def _list_change_reasons(session: Session, run: Run, rule: SignoffRule) -> list[str]:
    reasons = []
    for version_id in run.list_version_ids or []:
        delta = session.get(ListDelta, version_id)
        if delta is None or delta.previous_version_id is None:
            continue
        size = session.scalar(select(func.count()).select_from(ListEntity)
                              .where(ListEntity.version_id == delta.previous_version_id)) or 0
        changes = len(delta.added or []) + len(delta.removed or []) + len(delta.changed or {})
        if size and changes / size > rule.max_list_change_share:
            reasons.append(f"list version {version_id} changed {changes} of {size} entities ({changes / size:.0%}) "
                           f"since version {delta.previous_version_id}: {len(delta.added or [])} added, "
                           f"{len(delta.removed or [])} removed, {len(delta.changed or {})} changed")
    return reasons
