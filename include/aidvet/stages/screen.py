"""Screen: every party a valid disbursement reaches (payee, the award's prime recipient, the
payee's key individuals) against the run's list versions. Split into partitions so Airflow can
spread them over workers; each partition replaces only its own hits, so a retry is safe."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from aidvet.audit import chain
from aidvet.config import Settings
from aidvet.lists import versions
from aidvet.policy import Policy, load_policy
from aidvet.screening import Query, Screener
from aidvet.stages import list_index
from aidvet.store.db import session_scope
from aidvet.store.models import Award, Disbursement, ListEntity, ListVersion, Party, Run, RunItem, ScreeningHit


def partition_of(disbursement_id: str, partitions: int) -> int:
    return int(hashlib.sha256(disbursement_id.encode()).hexdigest()[:8], 16) % partitions


def plan(settings: Settings, run_id: str) -> list[int]:
    """Choose the run's list versions (or record why none is usable); return the partition numbers."""
    policy = load_policy(settings.policy_path)
    with session_scope(settings.db_url) as session:
        run = session.get(Run, run_id)
        sources = set(session.scalars(select(ListVersion.source).distinct())) - set(policy.ignored_sources)
        selection = versions.select_for_run(session, now=datetime.now(timezone.utc),
                                            max_age_days_by_source={s: policy.max_age_for(s) for s in sources})
        run.list_version_ids = [v.id for v in selection.versions if v.source in sources]
        run.screening_unavailable = unavailable_reason(selection, sources)
        if run.list_version_ids and not run.screening_unavailable:  # built once here, loaded by every partition
            list_index.stored_index(session, settings.artifact_root, run.list_version_ids)
        chain.append(session, "run.lists_selected", run_id=run_id,
                     payload={"list_version_ids": run.list_version_ids, "unusable": selection.unusable_reason})
    return list(range(policy.screening_partitions))


def unavailable_reason(selection: versions.ListSelection, sources: set[str]) -> str | None:
    """Fail closed: one stale, rejected or missing source is enough to stop clearing anything."""
    if selection.unusable_reason:
        return selection.unusable_reason
    problems = [why for source, why in sorted(selection.unusable.items()) if source in sources]
    if problems:
        return f"screening unavailable: list source not usable ({'; '.join(problems)})"
    return None


def screen_partition(settings: Settings, run_id: str, partition: int) -> int:
    """Screen one partition's parties; returns how many hits it recorded."""
    policy = load_policy(settings.policy_path)
    with session_scope(settings.db_url) as session:
        run = session.get(Run, run_id)
        items = [d for d in _valid_items(session, run_id) if partition_of(d.disbursement_id,
                                                                          policy.screening_partitions) == partition]
        session.execute(delete(ScreeningHit).where(ScreeningHit.run_id == run_id,
                                                   ScreeningHit.disbursement_id.in_([d.disbursement_id for d in items])))
        if run.screening_unavailable or not run.list_version_ids:
            return 0  # fail closed: decide holds everything with the reason recorded on the run
        parties_by_item = _parties_by_item(session, items)
        hits = _screen(session, settings, run, policy, parties_by_item)
        session.add_all(hits)
    return len(hits)


def _valid_items(session: Session, run_id: str) -> list[Disbursement]:
    query = (select(Disbursement).join(RunItem, RunItem.disbursement_id == Disbursement.disbursement_id)
             .where(RunItem.run_id == run_id))
    items = session.execute(query.add_columns(RunItem.quality_failures)).all()
    return [disbursement for disbursement, failures in items if not failures]


def _parties_by_item(session: Session, items: list[Disbursement]) -> dict[str, list[Party]]:
    award_primes = dict(session.execute(select(Award.award_id, Award.prime_party_key)).all())
    payee_keys = {d.payee_key for d in items if d.payee_key}
    wanted = payee_keys | {award_primes.get(d.award_id) for d in items} - {None}
    parties = {p.party_key: p for p in session.scalars(select(Party).where(Party.party_key.in_(wanted)))}
    individuals = list(session.scalars(select(Party).where(Party.parent_key.in_(payee_keys))))
    return parties_reached(items, award_primes, parties, individuals)


def parties_reached(items, award_primes: dict, parties: dict, individuals: list) -> dict[str, list]:
    """disbursement id -> the parties its money reaches: payee, the award's prime, the payee's key individuals."""
    by_parent: dict[str, list] = {}
    for person in individuals:
        by_parent.setdefault(person.parent_key, []).append(person)
    result = {}
    for d in items:
        keys = [d.payee_key, award_primes.get(d.award_id)]
        found = [parties[k] for k in dict.fromkeys(keys) if k in parties]
        if d.payee_key not in parties:  # a payee known only by name in the disbursement row
            found.append(Party(party_key=f"name:{d.payee_name}", name=d.payee_name, kind="organization",
                               role="payee", country=d.country, content_hash=""))
        result[d.disbursement_id] = found + by_parent.get(d.payee_key, [])
    return result


def screen_parties(screener: Screener, parties_by_item: dict[str, list]) -> list[tuple[str, object, object]]:
    """(disbursement id, party, hit) for every hit at or above the screener's threshold; each
    party is screened once."""
    unique = {p.party_key: p for parties in parties_by_item.values() for p in parties if p.name}
    queries = [Query(id=p.party_key, name=p.name, kind="person" if p.kind == "person" else "organization",
                     country=p.country, date_of_birth=p.date_of_birth, id_number=p.id_number)
               for p in unique.values()]
    hits_by_party: dict[str, list] = {}
    for hit in screener.screen(queries):
        hits_by_party.setdefault(hit.query_id, []).append(hit)
    return [(disbursement_id, party, hit)
            for disbursement_id, parties in parties_by_item.items()
            for party in parties for hit in hits_by_party.get(party.party_key, [])]


def _screen(session: Session, settings: Settings, run: Run, policy: Policy,
            parties_by_item: dict[str, list[Party]]) -> list[ScreeningHit]:
    screener = list_index.screener(session, settings.artifact_root, run.list_version_ids, policy.record_threshold)
    version_of = dict(session.execute(select(ListEntity.entity_id, ListEntity.version_id)
                                      .where(ListEntity.version_id.in_(run.list_version_ids))).all())
    return [ScreeningHit(run_id=run.run_id, disbursement_id=disbursement_id, party_key=party.party_key,
                         list_version_id=version_of[hit.entity_id], entity_id=hit.entity_id, score=hit.score,
                         matched_name=hit.matched_name, matched_alias=hit.matched_alias, programs=list(hit.programs),
                         terrorist=hit.terrorist, explanation=hit.explanation, details=hit.details)
            for disbursement_id, party, hit in screen_parties(screener, parties_by_item)]
