"""A small vetting store with a run that held two disbursements, built row by row."""

from __future__ import annotations

from datetime import datetime, timezone

from aidvet.lists.model import Alias, Entity, Identifier
from aidvet.store.models import (Disbursement, ListEntity, ListVersion, Party, Run, RunItem, ScreeningHit,
                                 SourceFile)

XSS_NAME = '<script>alert("x")</script> Cartel Jalisco'
TOKEN_PAIRS = [{"input": token, "list": token, "how": "exact", "similarity": 1.0, "credit": 1.0}
               for token in ("cartel", "jalisco", "nueva", "generacion")]


def entity(entity_id: str, name: str, programs: list[str], remarks: str | None = None) -> Entity:
    return Entity(id=entity_id, source="ofac", kind="organization", name=name, programs=programs,
                  aliases=[Alias(name="CJNG")], countries=["Mexico"], birth_dates=[],
                  identifiers=[Identifier(type="RFC", value="CJN-123")], remarks=remarks)


def add_list_version(session, entities: list[Entity], sha: str = "a" * 64, hashes: dict | None = None) -> ListVersion:
    version = ListVersion(source="ofac", sha256=sha, published_at="2026-11-20", counts={"entities": len(entities)})
    session.add(version)
    session.flush()
    for listed in entities:
        session.add(ListEntity(version_id=version.id, entity_id=listed.id, kind=listed.kind, name=listed.name,
                               terrorist=listed.terrorist, data=listed.to_dict(),
                               content_hash=(hashes or {}).get(listed.id, f"hash-{listed.id}")))
    session.flush()
    return version


def add_base(session) -> ListVersion:
    """Source file, parties, three disbursements and list version 1 (two entities)."""
    session.add(SourceFile(sha256="f" * 64, path="/data/grants/2026-11.csv", format="grants_csv"))
    session.flush()
    source_file_id = session.query(SourceFile).one().id
    session.add_all([
        Party(party_key="grants:P1", name="Cartel Jalisco Nueva Generacion SA", country="MX", content_hash="p1-v1"),
        Party(party_key="grants:P2", name=XSS_NAME, country="CO", content_hash="p2-v1"),
        Party(party_key="grants:P3", name="Clean Water Trust", country="KE", content_hash="p3-v1"),
    ])
    for number, (payee, country, amount) in enumerate([("P1", "MX", "1000.50"), ("P2", "CO", "250"),
                                                       ("P3", "KE", "99")], start=1):
        session.add(Disbursement(disbursement_id=f"D{number}", award_id="A1", payee_key=f"grants:{payee}",
                                 payee_name=session.get(Party, f"grants:{payee}").name, amount=amount,
                                 currency="USD", date="2026-11-01", country=country,
                                 source_file_id=source_file_id, source_record=f"row {number + 1}"))
    return add_list_version(session, [
        entity("ofac:1", "CARTEL DE JALISCO NUEVA GENERACION", ["SDNTK", "FTO", "SDGT"], remarks="<b>bold</b> remark"),
        entity("ofac:2", "CARTEL DEL GOLFO", ["SDNTK"]),
    ])


def add_run(session, run_id: str, version: ListVersion, held: dict[str, tuple[str, str, float]],
            cleared: tuple[str, ...] = ("D3",)) -> Run:
    """A decided run: `held` maps disbursement -> (party key, entity id, score)."""
    run = Run(run_id=run_id, status="succeeded", list_version_ids=[version.id],
              started_at=datetime.now(timezone.utc))
    session.add(run)
    session.flush()
    for disbursement_id, (party_key, entity_id, score) in held.items():
        listed = session.get(ListEntity, (version.id, entity_id))
        session.add(RunItem(run_id=run_id, disbursement_id=disbursement_id, outcome="held",
                            reason=f"possible match: {listed.name} [{entity_id}], score {score}", best_score=score))
        session.add(ScreeningHit(run_id=run_id, disbursement_id=disbursement_id, party_key=party_key,
                                 list_version_id=version.id, entity_id=entity_id, score=score,
                                 matched_name=listed.name, programs=listed.data["programs"],
                                 terrorist=listed.terrorist, explanation=f"score {score}: cartel=cartel",
                                 details={"name": {"token_pairs": TOKEN_PAIRS},
                                          "attributes": [{"attribute": "country", "outcome": "conflicts",
                                                          "points": -3.0, "text": "country CO conflicts"}]}))
    for disbursement_id in cleared:
        session.add(RunItem(run_id=run_id, disbursement_id=disbursement_id, outcome="cleared", reason="no hit"))
    session.flush()
    return run


HELD = {"D1": ("grants:P1", "ofac:1", 97.0), "D2": ("grants:P2", "ofac:2", 90.0)}


def build_queued_store(url: str) -> str:
    """Run 'run-1' held D1 (FTO entity, score 97) and D2 (score 90); both queued."""
    from aidvet.review import queue
    from aidvet.store.db import session_scope

    with session_scope(url) as session:
        version = add_base(session)
        add_run(session, "run-1", version, HELD)
        queue.sync_queue(session, "run-1")
    return url


def reviewer(name: str):
    """An authenticated reviewer (what the auth manager gives the UI and the API)."""
    from aidvet.review.roles import actor

    return actor(name, "reviewer")


def approver(name: str):
    from aidvet.review.roles import actor

    return actor(name, "approver")


def add_group_items(url: str) -> None:
    """Run 'run-2' holds D1 again and D4, D5 (paid to the same party P1, held on the same FTO entity)."""
    from aidvet.review import queue
    from aidvet.store.db import session_scope

    with session_scope(url) as session:
        source_file_id = session.query(SourceFile).first().id
        for number, amount in ((4, "2000"), (5, "3000")):
            session.add(Disbursement(disbursement_id=f"D{number}", award_id="A2", payee_key="grants:P1",
                                     payee_name="Cartel Jalisco Nueva Generacion SA", amount=amount, currency="MXN",
                                     date="2026-11-02", country="MX", source_file_id=source_file_id,
                                     source_record=f"row {number + 1}"))
        session.flush()
        version = session.get(ListVersion, 1)
        add_run(session, "run-2", version, {**HELD, "D4": HELD["D1"], "D5": HELD["D1"]})
        queue.sync_queue(session, "run-2")


def add_case(url: str, tag: str) -> dict[str, int]:
    """A fresh, independent set of held items in a store built by `add_base` (one per browser-test
    repetition): party P1-<tag> paid D1/D4/D5-<tag>, all held on the FTO entity ofac:1 (one group),
    and D2-<tag> paid to P2, held on ofac:2. Returns {disbursement id: review item id}."""
    from sqlalchemy import select

    from aidvet.review import queue
    from aidvet.store.db import session_scope
    from aidvet.store.models import ReviewItem

    party = f"grants:P1-{tag}"
    with session_scope(url) as session:
        source_file_id = session.query(SourceFile).first().id
        session.add(Party(party_key=party, name="Cartel Jalisco Nueva Generacion SA", country="MX",
                          content_hash=f"p1-{tag}"))
        payees = {f"D1-{tag}": party, f"D4-{tag}": party, f"D5-{tag}": party, f"D2-{tag}": "grants:P2"}
        for number, (disbursement_id, payee) in enumerate(payees.items(), start=1):
            session.add(Disbursement(disbursement_id=disbursement_id, award_id=f"A-{tag}", payee_key=payee,
                                     payee_name=session.get(Party, payee).name if payee != party
                                     else "Cartel Jalisco Nueva Generacion SA", amount=f"{1000 * number}.00",
                                     currency="USD", date="2026-11-03", country="MX", source_file_id=source_file_id,
                                     source_record=f"row {number + 1}"))
        session.flush()
        held = {d: (p, "ofac:2" if d.startswith("D2") else "ofac:1", 90.0 if d.startswith("D2") else 97.0)
                for d, p in payees.items()}
        add_run(session, f"run-{tag}", session.get(ListVersion, 1), held, cleared=())
        queue.sync_queue(session, f"run-{tag}")
        return dict(session.execute(select(ReviewItem.disbursement_id, ReviewItem.id)
                                    .where(ReviewItem.disbursement_id.in_(list(payees)))).all())
