"""The packed containers of a stored index: the same answers as the dict and list they replace."""

import pickle
import random
import string

import pytest

from aidvet.screening.packed import PackedTable, PickledList


def _random_table(rng: random.Random, size: int) -> dict[str, str]:
    def word() -> str:
        return "".join(rng.choices(string.ascii_lowercase + string.digits, k=rng.randint(1, 12)))
    return {word(): " ".join(word() for _ in range(rng.randint(1, 4))) for _ in range(size)}


@pytest.mark.parametrize("size", [0, 1, 7, 5000])
def test_a_packed_table_answers_as_the_dict_it_packs(size):
    rng = random.Random(size)
    table = _random_table(rng, size)
    packed = PackedTable(table)
    assert len(packed) == len(table) and dict(packed.items()) == table
    for key, value in table.items():
        assert packed.get(key) == value
        assert packed.get(key[:-1], "") == table.get(key[:-1], "")  # a prefix of a key is not that key
        assert packed.get(key + "x") == table.get(key + "x")
    assert packed.get("", "none") == table.get("", "none")


def test_a_packed_table_survives_its_state_and_pickle():
    table = _random_table(random.Random(3), 300)
    packed = PackedTable(table)
    for copy in (PackedTable.from_state(packed.state()), pickle.loads(pickle.dumps(packed))):
        assert copy == packed and all(copy.get(key) == value for key, value in table.items())


def test_a_packed_table_refuses_what_it_cannot_hold():
    with pytest.raises(ValueError):
        PackedTable({"a\tb": "c"})
    with pytest.raises(ValueError):
        PackedTable({"a": "b\nc"})


def test_a_pickled_list_reads_each_item_once_and_as_stored():
    items = [{"n": number, "text": str(number) * 3} for number in range(50)]
    lazy = PickledList.of(items)
    assert len(lazy) == 50 and lazy[7] == items[7] and lazy[-1] == items[-1] and lazy[3:6] == items[3:6]
    assert lazy[7] is lazy[7]  # unpickled once, then kept
    assert list(lazy) == items and lazy == items
    assert PickledList.pickled(lazy) == PickledList.pickled(items)
    assert pickle.loads(pickle.dumps(lazy)) == items
