"""Which parties a run's money reaches, in SQL: a valid disbursement (no quality failure) reaches
its payee (a stored party, or, when the payee has no stored party, `name:<payee name>`), the
prime recipient of its award, and the payee's key individuals (parties whose parent is the payee).

Two questions, each one set-based statement on SQLite and PostgreSQL: the run's distinct parties
(once per run, by plan_screening), and the disbursements reaching some given parties (per
partition, for the parties that hit; found through indexes, so the cost follows the hits, not the
run's size).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import NamedTuple

from sqlalchemy import FromClause, and_, case, exists, literal, null, or_, select, union, union_all
from sqlalchemy.orm import Session, aliased

from aidvet.store.models import Award, Disbursement, Party, RunItem, name_prefix
from aidvet.store.run_items import without_quality_failures

NAME_PARTY = "name:"  # key prefix of a payee known only by name


def _valid(run_id: str):
    """Join condition: the disbursement is one of the run's items without quality failures."""
    return and_(RunItem.run_id == run_id, RunItem.disbursement_id == Disbursement.disbursement_id,
                without_quality_failures())


def _name_party_key(payee_name):
    return literal(NAME_PARTY) + payee_name


class ScreenedParty(NamedTuple):
    """A party as screening reads it."""

    party_key: str
    name: str | None
    kind: str
    country: str | None
    date_of_birth: str | None
    id_number: str | None


PARTY_FIELDS = ScreenedParty._fields


def name_party(payee_name: str, countries) -> ScreenedParty:
    """A payee known only by name: one party per name, its country the lowest (by code point, the
    same on every database and in replay) of the countries its disbursements give, so that every
    retry screens the same query."""
    return ScreenedParty(NAME_PARTY + payee_name, payee_name, "organization",
                         min((c for c in countries if isinstance(c, str)), default=None), None, None)


def run_parties(session: Session, run_id: str) -> Iterator[ScreenedParty]:
    """The distinct parties the run's valid disbursements reach: stored parties first, then payees
    known only by name. One statement, one pass over the run's items."""
    payee = aliased(Party)
    by_name_only = or_(Disbursement.payee_key.is_(None), payee.party_key.is_(None))
    paid = (select(Disbursement.payee_key, Disbursement.award_id,
                   case((by_name_only, Disbursement.payee_name)).label("name"),
                   case((by_name_only, Disbursement.country)).label("country")).distinct()
            .join(RunItem, _valid(run_id)).outerjoin(payee, payee.party_key == Disbursement.payee_key)
            .cte("paid"))
    payees = select(paid.c.payee_key).where(paid.c.payee_key.is_not(None))
    primes = select(Award.prime_party_key).where(Award.award_id.in_(select(paid.c.award_id)))
    party = select(literal(0).label("named_only"), *(getattr(Party, field) for field in PARTY_FIELDS))
    # a union of three semi-joins, not one OR of three IN lists: PostgreSQL would run an OR's IN
    # list too big for work_mem once per party
    stored = union(party.where(Party.party_key.in_(payees)), party.where(Party.party_key.in_(primes)),
                   party.where(Party.parent_key.in_(payees)))
    by_name = (select(literal(1), paid.c.name, paid.c.name, literal("organization"), paid.c.country,
                      null(), null()).distinct()
               .where(paid.c.name.is_not(None), paid.c.name != ""))
    query = union_all(stored.subquery().select(), by_name).order_by("named_only", "party_key")
    seen = set()
    rows = session.execute(query.execution_options(yield_per=5000))
    for (named_only, key), group in groupby(rows, key=lambda row: (row.named_only, row.party_key)):
        if not named_only:
            seen.add(key)
            yield ScreenedParty(*next(group)[1:])
            continue
        party = name_party(key, (row.country for row in group))
        if party.party_key not in seen:  # a stored party whose key looks like a name party's wins
            yield party


def primes_among(session: Session, parties: FromClause) -> list[str]:
    """The keys of `parties` that are some award's prime recipient. Asked first, because no planner
    can tell from statistics that few hits (usually none) are primes, and a prime reaches many."""
    return list(session.scalars(select(Award.prime_party_key).distinct()
                                .where(Award.prime_party_key.in_(select(parties.c.party_key)))))


def disbursements_reaching(run_id: str, parties: FromClause, primes: list[str], by_name: bool):
    """(disbursement_id, party_key) of every valid disbursement of the run reaching one of
    `parties` (a table or subquery with party_key and name columns; `primes`: those of them that
    are prime recipients; `by_name`: whether some are payees known only by name), each pair once."""
    keys = select(parties.c.party_key)
    payee = (select(Disbursement.disbursement_id, Disbursement.payee_key.label("party_key"))
             .join(RunItem, _valid(run_id)).join(Party, Party.party_key == Disbursement.payee_key)
             .where(Disbursement.payee_key.in_(keys)))
    individual = (select(Disbursement.disbursement_id, Party.party_key)
                  .join(Party, Party.parent_key == Disbursement.payee_key).join(RunItem, _valid(run_id))
                  .where(Party.party_key.in_(keys)))
    routes = [payee, individual]
    if primes:
        routes.append(select(Disbursement.disbursement_id, Award.prime_party_key.label("party_key"))
                      .join(Award, Award.award_id == Disbursement.award_id).join(RunItem, _valid(run_id))
                      .where(Award.prime_party_key.in_(primes)))
    if by_name:
        named = and_(name_prefix(Disbursement.payee_name) == name_prefix(parties.c.name),
                     Disbursement.payee_name == parties.c.name,
                     parties.c.party_key == _name_party_key(Disbursement.payee_name))
        payee_by_name = select(Disbursement.disbursement_id, parties.c.party_key).join(RunItem, _valid(run_id))
        routes.append(payee_by_name.join(parties, named).where(Disbursement.payee_key.is_(None)))  # the name index
        # a key no party was stored under: no source writes one, so this scan finds nothing, but
        # it keeps the rule whole
        routes.append(payee_by_name.join(parties, named).where(
            Disbursement.payee_key.is_not(None), ~exists().where(Party.party_key == Disbursement.payee_key)))
    return union(*routes).subquery("reaching")
