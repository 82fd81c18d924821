from collections import Counter

from aidvet.stages.screen import partition_of


def test_partitions_are_stable_and_cover_every_item():
    ids = [f"DSB-{n}" for n in range(1000)]
    first = [partition_of(i, 4) for i in ids]
    assert first == [partition_of(i, 4) for i in ids]  # stable across calls and processes (sha256, not hash())
    counts = Counter(first)
    assert set(counts) == {0, 1, 2, 3} and min(counts.values()) > 150


def test_each_distinct_party_is_screened_once_per_run_and_its_hits_reach_every_disbursement(sample_with_list,
                                                                                          monkeypatch):
    from sqlalchemy import func, select

    from aidvet.stages import screen
    from aidvet.stages.extract import extract
    from aidvet.stages.validate import validate
    from aidvet.store.db import session_scope
    from aidvet.store.models import Disbursement, RunItem, ScreeningHit

    screened = []
    real = screen.screen_parties

    def counting(entities, threshold, parties_by_key):
        screened.extend(parties_by_key)
        return real(entities, threshold, parties_by_key)

    monkeypatch.setattr(screen, "screen_parties", counting)
    run_id = validate(sample_with_list, extract(sample_with_list, "partitions-run"))
    partitions = screen.plan(sample_with_list, run_id)
    hit_rows = sum(screen.screen_partition(sample_with_list, run_id, p) for p in partitions)
    with session_scope(sample_with_list.db_url) as session:
        reach = screen.PartyReach.of_run(session, run_id)
        assert len(screened) == len(set(screened)) and set(screened) == set(reach.parties)
        assert len(partitions) > 1 and len(reach.parties) < 320  # fewer parties than disbursements: shared
        per_party = dict(session.execute(select(ScreeningHit.party_key, func.count(ScreeningHit.disbursement_id.distinct()))
                                         .where(ScreeningHit.run_id == run_id).group_by(ScreeningHit.party_key)).all())
        assert hit_rows > 0 and per_party
        for party_key, disbursements in per_party.items():
            if party_key.startswith("grants:") and reach.parties[party_key].role == "subrecipient":
                paid = session.scalar(select(func.count()).select_from(Disbursement)
                                      .join(RunItem, RunItem.disbursement_id == Disbursement.disbursement_id)
                                      .where(RunItem.run_id == run_id, Disbursement.payee_key == party_key,
                                             screen.without_quality_failures()))
                assert disbursements == paid, party_key
