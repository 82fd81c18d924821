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
