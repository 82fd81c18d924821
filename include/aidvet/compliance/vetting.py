"""Vetting validity per (party, award), as partner vetting practice (USAID PVS, State RAM) asks.

A clean screening of a payee under an award is a favourable vetting result, valid for
`[vetting] validity_days` (three years by default), or `amendment_validity_days` (12 months) when
the party was already vetted under another award (a new award or amendment). Re-vetting is due,
and the payee's disbursements are held for a person to re-vet, when the result has expired, when
the payee's key individuals changed, or when a list version newer than the vetting brings a new
candidate hit (an entity scored at or above the record threshold that the vetting did not see).
A reviewer's approved release of such a held item renews the vetting.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.store.models import Party, ReviewDecision, ReviewItem, Run, ScreeningHit, VettingResult

REVETTING = "re-vetting required"


def revetting_due(session: Session, run: Run, items: list, policy, now: datetime,
                  held: set[str]) -> dict[str, str]:
    """disbursement id -> why re-vetting is due; records first vettings of clean (payee, award) pairs."""
    now = _aware(now)
    pairs: dict[tuple[str, str], list[str]] = {}
    for d in items:
        if d.payee_key and d.award_id:
            pairs.setdefault((d.payee_key, d.award_id), []).append(d.disbursement_id)
    if not pairs:
        return {}
    payees = {payee for payee, _award in pairs}
    hits = _hits_by_payee(session, run.run_id, payees)
    key_hashes = _key_individual_hashes(session, payees)
    stored = {(v.party_key, v.award_id): v for v in session.scalars(
        select(VettingResult).where(VettingResult.party_key.in_(payees)))}
    vetted_parties = {party for party, _award in stored}
    due: dict[str, str] = {}
    for (payee, award), disbursements in sorted(pairs.items()):
        result = stored.get((payee, award))
        candidates = hits.get(payee, [])
        holding = any(score >= policy.hold_threshold_for(terrorist) for _e, _v, score, terrorist in candidates)
        if result is None:
            if not holding and not held.intersection(disbursements):
                days = policy.vetting.amendment_validity_days if payee in vetted_parties else policy.vetting.validity_days
                session.add(_vetted(VettingResult(party_key=payee, award_id=award), run, now, days,
                                    key_hashes.get(payee, ""), candidates))
            continue
        if result.revet_reason and _released_since(session, disbursements, result.vetted_at):
            _vetted(result, run, now, policy.vetting.validity_days, key_hashes.get(payee, ""), candidates)
            continue
        trigger = result.revet_reason or _trigger(result, now, key_hashes.get(payee, ""), candidates, policy)
        if trigger:
            result.revet_reason = trigger
            for disbursement_id in disbursements:
                due[disbursement_id] = (f"{REVETTING}: {trigger} (vetting of {payee} for award {award} on "
                                        f"{_aware(result.vetted_at):%Y-%m-%d}, run {result.run_id})")
    session.flush()
    return due


def _trigger(result: VettingResult, now: datetime, key_hash: str, candidates: list, policy) -> str | None:
    if _aware(result.expires_at) <= now:
        return f"the vetting expired on {_aware(result.expires_at):%Y-%m-%d}"
    if policy.vetting.revet_on_key_individual_change and key_hash != result.key_individuals_hash:
        return "the payee's key individuals changed"
    if policy.vetting.revet_on_new_candidate_hit:
        new = sorted({(entity, version) for entity, version, _s, _t in candidates
                      if entity not in result.candidates and version not in result.list_version_ids})
        if new:
            return "a new list version brings a new candidate hit: " + ", ".join(
                f"{entity} (list version {version})" for entity, version in new)
    return None


def _vetted(result: VettingResult, run: Run, now: datetime, days: int, key_hash: str,
            candidates: list) -> VettingResult:
    result.result, result.vetted_at, result.expires_at = "favourable", now, now + timedelta(days=days)
    result.run_id, result.key_individuals_hash, result.revet_reason = run.run_id, key_hash, None
    result.candidates = sorted({entity for entity, _v, _s, _t in candidates})
    result.list_version_ids = list(run.list_version_ids or [])
    return result


def _hits_by_payee(session: Session, run_id: str, payees: set[str]) -> dict[str, list[tuple]]:
    """payee -> (entity, list version, score, terrorist) of the run's hits on it or its key individuals."""
    parents = dict(session.execute(select(Party.party_key, Party.parent_key)
                                   .where(Party.parent_key.in_(payees))).all())
    rows = session.execute(select(ScreeningHit.party_key, ScreeningHit.entity_id, ScreeningHit.list_version_id,
                                  ScreeningHit.score, ScreeningHit.terrorist)
                           .where(ScreeningHit.run_id == run_id)).all()
    found: dict[str, set] = {}
    for party, entity, version, score, terrorist in rows:
        payee = party if party in payees else parents.get(party)
        if payee:
            found.setdefault(payee, set()).add((entity, version, score, terrorist))
    return {payee: sorted(hits) for payee, hits in found.items()}


def _key_individual_hashes(session: Session, payees: set[str]) -> dict[str, str]:
    rows = session.execute(select(Party.parent_key, Party.party_key, Party.content_hash)
                           .where(Party.parent_key.in_(payees)).order_by(Party.party_key)).all()
    grouped: dict[str, list[str]] = {}
    for parent, key, content in rows:
        grouped.setdefault(parent, []).append(f"{key}:{content}")
    return {payee: hashlib.sha256("\n".join(grouped.get(payee, [])).encode()).hexdigest() for payee in payees}


def _released_since(session: Session, disbursements: list[str], since: datetime) -> bool:
    decided = session.scalars(select(ReviewDecision.decided_at).join(ReviewItem, ReviewItem.id == ReviewDecision.item_id)
                              .where(ReviewItem.disbursement_id.in_(disbursements), ReviewItem.status == "released",
                                     ReviewItem.reason.like(f"{REVETTING}%"))).all()
    return any(_aware(moment) >= _aware(since) for moment in decided)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def vetting_table(session: Session, payees: set[str]) -> list[dict]:
    """The vetting results of these payees, for the run's outputs and report."""
    rows = session.scalars(select(VettingResult).where(VettingResult.party_key.in_(payees))
                           .order_by(VettingResult.party_key, VettingResult.award_id))
    return [{"party_key": v.party_key, "award_id": v.award_id, "result": v.result,
             "vetted_at": _aware(v.vetted_at).isoformat(timespec="seconds"),
             "expires_at": _aware(v.expires_at).isoformat(timespec="seconds"), "run_id": v.run_id,
             "revet_reason": v.revet_reason} for v in rows]
