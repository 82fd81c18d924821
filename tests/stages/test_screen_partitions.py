import math
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from aidvet.errors import AidvetError
from aidvet.policy import parse_policy
from aidvet.stages.screen import partition_count, partition_of, plan


def test_partitions_are_stable_and_cover_every_item():
    ids = [f"DSB-{n}" for n in range(1000)]
    first = [partition_of(i, 4) for i in ids]
    assert first == [partition_of(i, 4) for i in ids]  # stable across calls and processes (sha256, not hash())
    counts = Counter(first)
    assert set(counts) == {0, 1, 2, 3} and min(counts.values()) > 150


@pytest.mark.parametrize(("parties", "per", "most", "cap", "expected"), [
    (0, 100, 8, None, 1),        # an empty run still has one partition (decide needs the screen step done)
    (100, 100, 8, None, 1),
    (101, 100, 8, None, 2),      # rounds up: no partition gets more than `per` parties
    (10_000, 100, 8, None, 8),   # at most max_partitions
    (10_000, 100, 64, 10, 10),   # and never more than the scheduler's limit (max_map_length)
    (10_000, 100, 64, 0, 1),
])
def test_partition_count_follows_the_data_within_both_limits(parties, per, most, cap, expected):
    assert partition_count(parties, per, most, cap) == expected


def test_policy_rejects_a_partition_setting_that_is_not_a_positive_whole_number():
    assert parse_policy(b"[run]\nparties_per_partition = 50\nmax_partitions = 4\n").max_partitions == 4
    with pytest.raises(AidvetError, match=r"policy.toml: \[run\] parties_per_partition: expected"):
        parse_policy(b"[run]\nparties_per_partition = 0\n", "policy.toml")
    with pytest.raises(AidvetError, match=r"max_partitions"):
        parse_policy(b'[run]\nmax_partitions = "many"\n', "policy.toml")


def test_plan_splits_a_run_by_its_distinct_payees(sample_with_list, tmp_path):
    import dataclasses

    from aidvet.stages.extract import extract
    from aidvet.stages.validate import validate

    policy = tmp_path / "policy.toml"
    policy.write_text((sample_with_list.policy_path).read_text().replace("parties_per_partition = 2000",
                                                                          "parties_per_partition = 10"))
    settings = dataclasses.replace(sample_with_list, policy_path=policy)
    run_id = validate(settings, extract(settings, "manual__partitions"))
    payees = pd.read_csv(Path(settings.inputs[0]) / "disbursements.csv", dtype=str)["payee_id"].nunique()
    assert payees > 40
    assert plan(settings, run_id) == list(range(math.ceil(payees / 10)))  # 10 payees per partition
    assert plan(settings, run_id, cap=3) == [0, 1, 2]


def test_each_distinct_party_is_screened_once_per_run_and_its_hits_reach_every_disbursement(sample_with_list,
                                                                                          monkeypatch, tmp_path):
    import dataclasses

    from sqlalchemy import func, select

    from aidvet.stages import screen
    from aidvet.stages.extract import extract
    from aidvet.stages.validate import validate
    from aidvet.store.db import session_scope
    from aidvet.store.models import Disbursement, Party, RunItem, RunParty, ScreeningHit
    from aidvet.store.run_items import without_quality_failures

    screened = []
    real = screen.screen_parties

    def counting(screener, parties_by_key):
        screened.extend(parties_by_key)
        return real(screener, parties_by_key)

    monkeypatch.setattr(screen, "screen_parties", counting)
    policy = tmp_path / "policy.toml"  # 10 payees per partition: several partitions on the sample
    policy.write_text(sample_with_list.policy_path.read_text().replace("parties_per_partition = 2000",
                                                                       "parties_per_partition = 10"))
    sample_with_list = dataclasses.replace(sample_with_list, policy_path=policy)
    run_id = validate(sample_with_list, extract(sample_with_list, "partitions-run"))
    partitions = screen.plan(sample_with_list, run_id)
    hit_rows = sum(screen.screen_partition(sample_with_list, run_id, p, len(partitions)) for p in partitions)
    with session_scope(sample_with_list.db_url) as session:
        recorded = dict(session.execute(select(RunParty.party_key, RunParty.partition)
                                        .where(RunParty.run_id == run_id)).all())
        assert len(screened) == len(set(screened)) and set(screened) == set(recorded)
        assert len(partitions) > 1 and len(recorded) < 320  # fewer parties than disbursements: shared
        assert set(recorded.values()) == set(partitions)
        per_party = dict(session.execute(select(ScreeningHit.party_key, func.count(ScreeningHit.disbursement_id.distinct()))
                                         .where(ScreeningHit.run_id == run_id).group_by(ScreeningHit.party_key)).all())
        assert hit_rows > 0 and per_party
        for party_key, disbursements in per_party.items():
            party = session.get(Party, party_key)
            if party_key.startswith("grants:") and party.role == "subrecipient":
                paid = session.scalar(select(func.count()).select_from(Disbursement)
                                      .join(RunItem, RunItem.disbursement_id == Disbursement.disbursement_id)
                                      .where(RunItem.run_id == run_id, Disbursement.payee_key == party_key,
                                             without_quality_failures()))
                assert disbursements == paid, party_key
