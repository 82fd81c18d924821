"""Screen: every party a valid disbursement reaches (payee, the award's prime recipient, the
payee's key individuals) against the run's list versions. The run's distinct parties are split
into partitions so Airflow can spread them over workers: each party is screened once per run and
its hits are recorded for every disbursement reaching it; each partition replaces only its own
parties' hits, so a retry is safe."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, distinct, func, select
from sqlalchemy.orm import Session

from aidvet.audit import chain
from aidvet.config import Settings
from aidvet.lists import versions
from aidvet.policy import Policy, load_policy
from aidvet.screening import Query, Screener
from aidvet.stages import list_index
from aidvet.stages.failure import records_failure
from aidvet.store import bulk
from aidvet.store.db import session_scope
from aidvet.store.run_items import without_quality_failures
from aidvet.store.models import Award, Disbursement, ListEntity, ListVersion, Party, Run, RunItem, ScreeningHit


CHUNK = 5000


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
    """Screen one partition of the distinct parties the run's valid disbursements reach (each party
    belongs to exactly one partition, so it is screened once per run) and record each hit for every
    disbursement reaching that party; returns how many hit rows it recorded."""
    policy = load_policy(settings.policy_path)
    with session_scope(settings.db_url) as session:
        run = session.get(Run, run_id)
        reach = PartyReach.of_run(session, run_id)
        mine = {key: party for key, party in reach.parties.items()
                if partition_of(key, partitions) == partition}
        for chunk in _chunks(sorted(mine)):
            session.execute(delete(ScreeningHit).where(ScreeningHit.run_id == run_id, ScreeningHit.party_key.in_(chunk)))
        if run.screening_unavailable or not run.list_version_ids:
            return 0  # fail closed: decide holds everything with the reason recorded on the run
        found = _screen(session, settings, run, policy, {key: [party] for key, party in mine.items()})
        rows = list(_hit_rows(run, found, reach.disbursements_reaching(session, run_id, set(found))))
        bulk.insert_rows(session, ScreeningHit, rows)
    return len(rows)


ITEM_COLUMNS = (Disbursement.disbursement_id, Disbursement.payee_key, Disbursement.award_id, Disbursement.payee_name,
                Disbursement.country)


@dataclass
class PartyReach:
    """The distinct parties a run's valid disbursements reach, and how: payee (a stored party, or a
    payee known only by name), the award's prime recipient, the payee's key individuals."""

    parties: dict[str, Party]
    award_primes: dict[str, str | None]
    individuals: dict[str, list[Party]]  # payee key -> its key individuals

    @classmethod
    def of_run(cls, session: Session, run_id: str) -> PartyReach:
        award_primes = dict(session.execute(select(Award.award_id, Award.prime_party_key)).all())
        payees, awards, by_name = set(), set(), {}
        for item in _valid_items(session, run_id):
            payees.add(item.payee_key)
            awards.add(item.award_id)
            by_name.setdefault(item.payee_name, item)
        wanted = sorted((payees | {award_primes.get(a) for a in awards}) - {None})
        parties: dict[str, Party] = {}
        individuals: dict[str, list[Party]] = {}
        for chunk in _chunks(wanted):
            parties.update((p.party_key, p) for p in session.scalars(select(Party).where(Party.party_key.in_(chunk))))
        for chunk in _chunks(sorted(payees - {None})):
            for person in session.scalars(select(Party).where(Party.parent_key.in_(chunk))):
                individuals.setdefault(person.parent_key, []).append(person)
                parties[person.party_key] = person
        reach = cls(parties, award_primes, individuals)
        for item in by_name.values():
            if item.payee_key not in parties or item.payee_key is None:
                name_party = reach.name_party(item)
                parties.setdefault(name_party.party_key, name_party)
        return reach

    @staticmethod
    def name_party(item) -> Party:
        """A payee known only by name in the disbursement row."""
        return Party(party_key=f"name:{item.payee_name}", name=item.payee_name, kind="organization", role="payee",
                     country=item.country, content_hash="")

    def reached_by(self, item) -> list[str]:
        """The keys of the parties one disbursement reaches, each once."""
        payee = item.payee_key if item.payee_key in self.parties else self.name_party(item).party_key
        keys = [payee, self.award_primes.get(item.award_id)]
        keys += [person.party_key for person in self.individuals.get(item.payee_key, [])]
        return [key for key in dict.fromkeys(keys) if key is not None]

    def disbursements_reaching(self, session: Session, run_id: str, party_keys: set[str]) -> Iterator[tuple[str, str]]:
        """(disbursement id, party key) for every valid disbursement reaching one of `party_keys`."""
        if not party_keys:
            return
        for item in _valid_items(session, run_id):
            for key in self.reached_by(item):
                if key in party_keys:
                    yield item.disbursement_id, key


def _valid_items(session: Session, run_id: str) -> Iterator:
    """The run's disbursements without quality failures, streamed in chunks (columns, not objects)."""
    query = (select(*ITEM_COLUMNS).join(RunItem, RunItem.disbursement_id == Disbursement.disbursement_id)
             .where(RunItem.run_id == run_id, without_quality_failures()).execution_options(yield_per=CHUNK))
    yield from session.execute(query)


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


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
            parties_by_key: dict[str, list[Party]]) -> dict[str, list[tuple[Party, object, int]]]:
    """party key -> [(party, hit, list version id)] for every hit at or above the record threshold."""
    screener = list_index.screener(session, settings.artifact_root, run.list_version_ids, policy.record_threshold)
    version_of = dict(session.execute(select(ListEntity.entity_id, ListEntity.version_id)
                                      .where(ListEntity.version_id.in_(run.list_version_ids))).all())
    found: dict[str, list[tuple[Party, object, int]]] = {}
    for key, party, hit in screen_parties(screener, parties_by_key):
        found.setdefault(key, []).append((party, hit, version_of[hit.entity_id]))
    return found


def _hit_rows(run: Run, found: dict[str, list], reaching: Iterable[tuple[str, str]]) -> Iterator[dict]:
    for disbursement_id, key in reaching:
        for party, hit, version_id in found[key]:
            yield {"run_id": run.run_id, "disbursement_id": disbursement_id, "party_key": party.party_key,
                   "list_version_id": version_id, "entity_id": hit.entity_id, "score": hit.score,
                   "matched_name": hit.matched_name, "matched_alias": hit.matched_alias, "programs": list(hit.programs),
                   "terrorist": hit.terrorist, "explanation": hit.explanation, "details": hit.details}
