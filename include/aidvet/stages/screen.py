"""Screen: every party a valid disbursement reaches (payee, the award's prime recipient, the
payee's key individuals) against the run's list versions. The run's distinct parties are split
into partitions so Airflow can spread them over workers: each party is screened once per run and
its hits are recorded for every disbursement reaching it; each partition replaces only its own
parties' hits, so a retry is safe."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timezone

from sqlalchemy import delete, distinct, func, select
from sqlalchemy.orm import Session

from aidvet.audit import chain
from aidvet.config import Settings
from aidvet.errors import AidvetError
from aidvet.lists import versions
from aidvet.policy import Policy, load_policy
from aidvet.screening import Query, Screener
from aidvet.stages import list_index, party_hits, reach
from aidvet.stages.failure import records_failure
from aidvet.store import bulk
from aidvet.store.db import session_scope
from aidvet.store.models import (Award, Disbursement, ListEntity, ListVersion, Party, Run, RunItem, RunParty,
                                 ScreeningHit)


def partition_of(disbursement_id: str, partitions: int) -> int:
    return int(hashlib.sha256(disbursement_id.encode()).hexdigest()[:8], 16) % partitions


def partition_count(parties: int, parties_per_partition: int, max_partitions: int, cap: int | None = None) -> int:
    """One partition per `parties_per_partition` parties, at least 1, at most `max_partitions` and `cap`
    (the scheduler's limit on mapped tasks, e.g. Airflow's max_map_length)."""
    wanted = max(1, math.ceil(parties / parties_per_partition))
    return max(1, min(wanted, max_partitions, cap if cap is not None else wanted))


def plan(settings: Settings, run_id: str, cap: int | None = None) -> list[int]:
    """Choose the run's list versions (or record why none is usable); return the partition numbers,
    as many as the run's distinct payees call for (policy [run]), never more than `cap`."""
    policy = load_policy(settings.policy_path)
    with session_scope(settings.db_url) as session:
        run = session.get(Run, run_id)
        sources = set(session.scalars(select(ListVersion.source).distinct())) - set(policy.ignored_sources)
        selection = versions.select_for_run(session, now=datetime.now(timezone.utc),
                                            max_age_days_by_source={s: policy.max_age_for(s) for s in sources})
        run.list_version_ids = [v.id for v in selection.versions if v.source in sources]
        run.screening_unavailable = unavailable_reason(selection, sources)
        partitions = partition_count(_distinct_payees(session, run_id), policy.parties_per_partition,
                                     policy.max_partitions, cap)
        run.screening_partitions = partitions
        bulk.analyze(session, *READ_BY_SCREENING)
        _record_parties(session, run_id, partitions)
        bulk.analyze(session, RunParty)
        if run.list_version_ids and not run.screening_unavailable:  # built once here, loaded by every partition
            list_index.stored_index(session, settings.artifact_root, run.list_version_ids)
        chain.append(session, "run.lists_selected", run_id=run_id,
                     payload={"list_version_ids": run.list_version_ids, "unusable": selection.unusable_reason,
                              "partitions": partitions})
    return list(range(partitions))


def _distinct_payees(session: Session, run_id: str) -> int:
    payee = func.coalesce(Disbursement.payee_key, Disbursement.payee_name)
    query = (select(func.count(distinct(payee))).select_from(Disbursement)
             .join(RunItem, RunItem.disbursement_id == Disbursement.disbursement_id).where(RunItem.run_id == run_id))
    return session.scalar(query) or 0


# what screening joins, just written by extract and validate: planned on fresh statistics, a
# partition looks its parties' disbursements up by index instead of scanning the run
READ_BY_SCREENING = (RunItem, Disbursement, Party, Award)


def _record_parties(session: Session, run_id: str, partitions: int) -> int:
    """The run's screening work list: each distinct party its valid disbursements reach, with its
    partition (a retried plan replaces the list)."""
    session.execute(delete(RunParty).where(RunParty.run_id == run_id))
    rows = ({**party._asdict(), "run_id": run_id, "partition": partition_of(party.party_key, partitions)}
            for party in reach.run_parties(session, run_id))
    return bulk.insert_rows(session, RunParty, rows)


def unavailable_reason(selection: versions.ListSelection, sources: set[str]) -> str | None:
    """Fail closed: one stale, rejected or missing source is enough to stop clearing anything."""
    if selection.unusable_reason:
        return selection.unusable_reason
    problems = [why for source, why in sorted(selection.unusable.items()) if source in sources]
    if problems:
        return f"screening unavailable: list source not usable ({'; '.join(problems)})"
    return None


@records_failure("screen")
def screen_partition(settings: Settings, run_id: str, partition: int, partitions: int) -> int:
    """Screen one partition of the distinct parties the run's valid disbursements reach (plan
    recorded them, each in exactly one partition, so each is screened once per run) and record each
    hit for every disbursement reaching that party; returns how many hit rows it recorded. Reads
    and writes only this partition's parties and their hits, in one transaction."""
    policy = load_policy(settings.policy_path)
    with session_scope(settings.db_url) as session:
        run = session.get(Run, run_id)
        _check_planned(run, partition, partitions)
        mine = (select(RunParty.party_key).where(RunParty.run_id == run_id, RunParty.partition == partition))
        session.execute(delete(ScreeningHit).where(ScreeningHit.run_id == run_id, ScreeningHit.party_key.in_(mine)))
        if run.screening_unavailable or not run.list_version_ids:
            return 0  # fail closed: decide holds everything with the reason recorded on the run
        parties = session.execute(select(*(getattr(RunParty, f) for f in reach.PARTY_FIELDS))
                                  .where(RunParty.run_id == run_id, RunParty.partition == partition)
                                  .order_by(RunParty.party_key)).all()
        found = _screen(session, settings, run, policy, {party.party_key: [party] for party in parties})
        return party_hits.record(session, run_id, found)


def _check_planned(run: Run, partition: int, partitions: int) -> None:
    if run.screening_partitions is None:
        raise AidvetError(f"run {run.run_id}: screening was not planned (plan_screening records the run's parties)")
    if partitions != run.screening_partitions or not 0 <= partition < partitions:
        raise AidvetError(f"run {run.run_id}: partition {partition} of {partitions} asked for, but screening was "
                          f"planned in {run.screening_partitions} partitions")


def parties_reached(items, award_primes: dict, parties: dict, individuals: list) -> dict[str, list]:
    """disbursement id -> the parties its money reaches: payee, the award's prime, the payee's key
    individuals (in memory, for replay; a run asks the store, aidvet.stages.reach)."""
    items = list(items)
    by_parent: dict[str, list] = {}
    for person in individuals:
        by_parent.setdefault(person.parent_key, []).append(person)
    countries: dict[str, list] = {}
    for d in items:
        if d.payee_key not in parties and isinstance(d.payee_name, str) and d.payee_name:
            countries.setdefault(d.payee_name, []).append(d.country)
    by_name = {name: reach.name_party(name, given) for name, given in countries.items()}
    result = {}
    for d in items:
        keys = [d.payee_key, award_primes.get(d.award_id)]
        found = [parties[k] for k in dict.fromkeys(keys) if k in parties]
        if d.payee_name in by_name and d.payee_key not in parties:  # a payee known only by name
            found.append(by_name[d.payee_name])
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
            parties_by_key: dict[str, list]) -> dict[str, list[tuple[object, object, int]]]:
    """party key -> [(party, hit, list version id)] for every hit at or above the record threshold."""
    screener = list_index.screener(session, settings.artifact_root, run.list_version_ids, policy.record_threshold)
    hits = screen_parties(screener, parties_by_key)
    entity_ids = sorted({hit.entity_id for _, _, hit in hits})
    version_of = dict(session.execute(select(ListEntity.entity_id, ListEntity.version_id)
                                      .where(ListEntity.version_id.in_(run.list_version_ids),
                                             ListEntity.entity_id.in_(entity_ids))).all()) if entity_ids else {}
    found: dict[str, list[tuple[object, object, int]]] = {}
    for key, party, hit in hits:
        found.setdefault(key, []).append((party, hit, version_of[hit.entity_id]))
    return found
