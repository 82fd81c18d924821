from collections import Counter

from aidvet.stages.screen import partition_of


def test_partitions_are_stable_and_cover_every_item():
    ids = [f"DSB-{n}" for n in range(1000)]
    first = [partition_of(i, 4) for i in ids]
    assert first == [partition_of(i, 4) for i in ids]  # stable across calls and processes (sha256, not hash())
    counts = Counter(first)
    assert set(counts) == {0, 1, 2, 3} and min(counts.values()) > 150
