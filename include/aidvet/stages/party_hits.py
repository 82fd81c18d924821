"""A partition's hits, recorded for every disbursement reaching the party that hit: the hits are
staged once per party in a temporary table, then one INSERT ... SELECT joins them with the
disbursements reaching those parties (aidvet.stages.reach). The hit rows never pass through
Python one per disbursement, and the statement runs in the partition's transaction."""

from __future__ import annotations

from sqlalchemy import Column, MetaData, Table, Text, delete, insert, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable

from aidvet.stages import reach
from aidvet.store import bulk
from aidvet.store.models import ScreeningHit

HIT_FIELDS = ("list_version_id", "entity_id", "score", "matched_name", "matched_alias", "programs", "terrorist",
              "explanation", "details")

STAGED = Table("aidvet_staged_party_hits", MetaData(), Column("party_key", Text), Column("name", Text),
               *(Column(column.name, column.type) for column in ScreeningHit.__table__.columns
                 if column.name in HIT_FIELDS),
               prefixes=["TEMPORARY"], postgresql_on_commit="DROP")


def record(session: Session, run_id: str, found: dict[str, list[tuple[object, object, int]]]) -> int:
    """Insert a screening hit per (disbursement reaching the party, hit) for `found` (party key ->
    [(party, hit, list version id)]); returns how many rows were inserted."""
    rows = [_staged_row(party, hit, version_id) for hits in found.values() for party, hit, version_id in hits]
    if not rows:
        return 0
    session.execute(CreateTable(STAGED, if_not_exists=True))
    session.execute(delete(STAGED))  # SQLite keeps a connection's temporary table past the commit
    session.execute(insert(STAGED), rows)
    bulk.analyze(session, STAGED)  # a few rows: their disbursements are looked up by index
    parties = select(STAGED.c.party_key, STAGED.c.name).distinct().subquery()
    by_name = any(key.startswith(reach.NAME_PARTY) for key in found)
    reaching = reach.disbursements_reaching(run_id, parties, reach.primes_among(session, parties), by_name)
    columns = ["run_id", "disbursement_id", "party_key", *HIT_FIELDS]
    hits = (select(literal(run_id), reaching.c.disbursement_id, STAGED.c.party_key, *(STAGED.c[f] for f in HIT_FIELDS))
            .join_from(STAGED, reaching, reaching.c.party_key == STAGED.c.party_key))
    return session.execute(insert(ScreeningHit).from_select(columns, hits)).rowcount


def _staged_row(party, hit, version_id: int) -> dict:
    return {"party_key": party.party_key, "name": party.name, "list_version_id": version_id, "entity_id": hit.entity_id,
            "score": hit.score, "matched_name": hit.matched_name, "matched_alias": hit.matched_alias,
            "programs": list(hit.programs), "terrorist": hit.terrorist, "explanation": hit.explanation,
            "details": hit.details}
