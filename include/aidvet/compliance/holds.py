"""The one call decide makes: `compute_holds(session, run_id, policy)` -> {disbursement id: Hold}.

Over the run's screenable disbursements (set-based: one pass over all their payees and primes) it
builds the ownership graph (owners.csv rows, list relations), screens every owner reached (role
'owner' parties) against the run's list versions, applies the 50 % rule, control by a designated
person, quarantined ownership data, and the vetting validity of each (payee, award). Decide turns
a Hold into a held outcome with the Hold's reason; it never clears anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.compliance import fifty_percent, vetting
from aidvet.compliance.relations import Edge, grants_edges, list_edges
from aidvet.lists import versions
from aidvet.lists.model import Entity
from aidvet.screening import Query, Screener
from aidvet.store.models import Award, Disbursement, OwnershipRelation, Party, Run, RunItem, ScreeningHit
from aidvet.store.run_items import without_quality_failures

OWNED = "owned 50% or more by designated persons"
CONTROLLED = "controlled by a designated person"
BAD_OWNERSHIP = "ownership data quarantined"


@dataclass(frozen=True)
class Hold:
    disbursement_id: str
    kind: str  # owned | controlled | ownership_data | revetting
    reason: str


def compute_holds(session: Session, run_id: str, policy, now: datetime | None = None) -> dict[str, Hold]:
    now = now or datetime.now(timezone.utc)
    run = session.get(Run, run_id)
    if run is None or run.screening_unavailable or not run.list_version_ids:
        return {}  # decide holds everything already
    items = _screenable(session, run_id)
    primes = dict(session.execute(select(Award.award_id, Award.prime_party_key)).all())
    targets = {d.disbursement_id: [k for k in (d.payee_key, primes.get(d.award_id)) if k] for d in items}
    entities = versions.load_entities(session, run.list_version_ids)
    graph = _graph(session, run_id, policy, entities, {k for keys in targets.values() for k in keys})
    holds: dict[str, Hold] = {}
    quarantined = _quarantined_rows(session) if policy.ownership.hold_on_quarantined_ownership else {}
    for disbursement_id, keys in targets.items():
        hold = _ownership_hold(graph, disbursement_id, keys, quarantined)
        if hold:
            holds[disbursement_id] = hold
    for disbursement_id, reason in vetting.revetting_due(session, run, items, policy, now, set(holds)).items():
        holds.setdefault(disbursement_id, Hold(disbursement_id, "revetting", reason))
    return holds


def _ownership_hold(graph: fifty_percent.Ownership, disbursement_id: str, keys: list[str],
                    quarantined: dict[str, list[str]]) -> Hold | None:
    for key in keys:
        state = graph.blocked.get(key)
        if state is not None and not state.designated and not _matches_designated(graph, state):
            effective = fifty_percent.effective_share(graph, key)
            return Hold(disbursement_id, "owned",
                        f"{OWNED}: {fifty_percent.label(graph, key)} {fifty_percent.explain(graph, key)}"
                        f" [designated persons' share multiplied along the chains: {effective:.4g} %]")
    for key in keys:
        if key in graph.controlled:
            return Hold(disbursement_id, "controlled",
                        f"{CONTROLLED}: {fifty_percent.label(graph, key)} has "
                        f"{fifty_percent.explain_control(graph, key)}")
    for key in keys:
        if key in quarantined:
            return Hold(disbursement_id, "ownership_data", f"{BAD_OWNERSHIP}: {'; '.join(quarantined[key])}")
    return None


def _matches_designated(graph: fifty_percent.Ownership, state: fifty_percent.Blocked) -> bool:
    """The party itself matched a listed, designated entity: its name hit holds it already."""
    return any(e.role == "identity" and (graph.blocked.get(e.owner) and graph.blocked[e.owner].designated)
               for e in state.owners)


def _screenable(session: Session, run_id: str) -> list:
    """(disbursement_id, payee_key, award_id) rows of the run's items that passed the quality gate:
    three columns, not an ORM object (and a decoded failures list) per disbursement."""
    return session.execute(select(Disbursement.disbursement_id, Disbursement.payee_key, Disbursement.award_id)
                           .join(RunItem, RunItem.disbursement_id == Disbursement.disbursement_id)
                           .where(RunItem.run_id == run_id, without_quality_failures())
                           .order_by(Disbursement.disbursement_id)).all()


def _graph(session: Session, run_id: str, policy, entities: list[Entity], targets: set[str]) -> fifty_percent.Ownership:
    """Owner edges reaching the targets, list relations, and who is designated: a party whose hit
    holds it (the run's hits for payees and primes; owners are screened here), and every listed
    entity that is designated (not merely a politically exposed person)."""
    edges = _reaching(grants_edges(session), targets)
    owners = {e.owner for e in edges}
    names = {e.owner: e.owner_name for e in edges if e.owner_name}
    names.update(dict(session.execute(select(Party.party_key, Party.name)
                                      .where(Party.party_key.in_(owners | targets))).all()))
    matches = _run_matches(session, run_id, policy) + _screen_owners(session, owners, entities, policy)
    by_id = {e.id: e for e in entities}
    designated = {e.id: _designation(e) for e in entities if is_designated(e)}
    for party, entity_id, score in matches:
        edges.append(Edge(entity_id, party, 100.0, "identity", f"name match, score {score:.1f}"))
        names.setdefault(entity_id, by_id[entity_id].name if entity_id in by_id else entity_id)
    edges += list_edges(entities)
    named = set(designated) | {edge.owner for edge in edges} | {edge.owned for edge in edges}
    names.update({e.id: e.name for e in entities if e.id in named})
    return fifty_percent.compute(edges, designated, names, threshold=policy.ownership.block_threshold_percent,
                                 review_roles=tuple(policy.ownership.review_roles))


def _reaching(edges: list[Edge], targets: set[str]) -> list[Edge]:
    """The edges on some chain that ends at a target (walking owner-wards)."""
    by_owned: dict[str, list[Edge]] = {}
    for edge in edges:
        by_owned.setdefault(edge.owned, []).append(edge)
    kept, frontier, seen = [], list(targets), set(targets)
    while frontier:
        node = frontier.pop()
        for edge in by_owned.get(node, []):
            kept.append(edge)
            if edge.owner not in seen:
                seen.add(edge.owner)
                frontier.append(edge.owner)
    return kept


def _run_matches(session: Session, run_id: str, policy) -> list[tuple[str, str, float]]:
    """(party, entity, score) of the run's hits at or above their hold threshold."""
    hits = session.execute(select(ScreeningHit.party_key, ScreeningHit.entity_id, ScreeningHit.score,
                                  ScreeningHit.terrorist).where(ScreeningHit.run_id == run_id)).all()
    return sorted({(p, e, s) for p, e, s, t in hits if s >= policy.hold_threshold_for(t)})


def _screen_owners(session: Session, owners: set[str], entities: list[Entity], policy) -> list[tuple[str, str, float]]:
    """Screen every owner party (role 'owner') reached: (party, entity, score) at or above the hold threshold."""
    parties = list(session.scalars(select(Party).where(Party.party_key.in_(owners)).order_by(Party.party_key)))
    if not parties or not entities:
        return []
    screener = Screener(entities, threshold=policy.record_threshold)
    queries = [Query(id=p.party_key, name=p.name, kind="person" if p.kind == "person" else "organization",
                     country=p.country) for p in parties if p.name]
    return [(hit.query_id, hit.entity_id, hit.score) for hit in screener.screen(queries)
            if hit.score >= policy.hold_threshold_for(hit.terrorist)]


def is_designated(entity: Entity) -> bool:
    """Listed by OFAC, the UN or an agency: designated. From OpenSanctions: only with a sanction
    topic or a program id (a politically exposed person, or an entity merely "sanction.linked", is
    not a blocked person)."""
    if entity.source != "opensanctions":
        return True
    return any(p == "sanction" or not (p.islower() or "." in p) for p in entity.programs)


def _designation(entity: Entity) -> str:
    programs = f" ({' '.join(entity.programs)})" if entity.programs else ""
    return f"{entity.name} [{entity.id}] listed{programs}"


def _quarantined_rows(session: Session) -> dict[str, list[str]]:
    rows = session.execute(select(OwnershipRelation.owned_key, OwnershipRelation.source_record,
                                  OwnershipRelation.reason).where(OwnershipRelation.status == "quarantined")).all()
    found: dict[str, list[str]] = {}
    for owned, record, reason in rows:
        if owned:
            found.setdefault(owned, []).append(f"{record}: {reason}")
    return found
