"""The screener's shortcuts (token caches, prefix filtering, bounds, the fused-letters length
window, stored and pickled indexes) change only how fast it is: on real listed names it returns exactly what
scoring every listed name with the plain per-pair scorer returns."""

import pickle
import random

import pytest

from aidvet.lists import load_files
from aidvet.screening import Query, Screener
from aidvet.screening.bound import _close_lengths
from aidvet.screening.compare import FUSED_CUTOFF, compare
from aidvet.screening.evaluation import iati_names
from aidvet.screening.prepare import kind_of, prepare
from aidvet.screening.stored import read_index, write_index

UN_LIST = "lists/un/consolidated-2025-04-19.xml"


@pytest.fixture(scope="module")
def un_screener(shared_data):
    # A low threshold: more records near the bounds, where a wrong shortcut would show.
    return Screener(load_files([shared_data / UN_LIST]).entities, threshold=70)


def _variants(name: str, rng: random.Random) -> list[str]:
    words = name.split()
    cut = rng.randrange(1, max(2, len(name) - 1))
    typo = name[:cut] + name[cut + 1:]
    variants = [name, typo, " ".join(reversed(words)), name.replace(" ", "", 1),
                f"{name} S.A. de C.V.", words[0], " ".join(words[:2])]
    if len(words) >= 3:
        # Fused letters with a typo, another word left to reach the listed name by (with every
        # word joined, only the fused comparison could: the index does not look there).
        variants.append(typo.replace(" ", "", 1))
    return variants


def _queries(screener: Screener, shared_data, count: int) -> list[Query]:
    rng = random.Random(12)
    listed = [name for entity in screener.entities for name, _ in entity.all_names() if name.strip()]
    names = [variant for name in rng.sample(listed, count) for variant in _variants(name, rng)]
    names += rng.sample(iati_names(shared_data), count)
    kinds = (None, "person", "organization")
    return [Query(f"q{number}", name, kinds[number % 3]) for number, name in enumerate(names)]


def test_real_names_screen_as_scoring_every_listed_name_gives(un_screener, shared_data):
    index = un_screener.index
    for query in _queries(un_screener, shared_data, 40):
        prepared = prepare(query.name, kind_of(query.kind))
        needed = un_screener.lowest_name_score(query)
        scored = [(score, number) for number, record in enumerate(index.records)
                  if (score := compare(prepared, record.prepared, index.weights).score) >= needed]
        assert un_screener.screen_one(query) == un_screener.hits_from(query, scored), query


@pytest.mark.parametrize("how", ["stored", "pickled"])
def test_a_stored_or_pickled_index_screens_as_the_one_built(un_screener, shared_data, tmp_path, how):
    if how == "stored":
        write_index(str(tmp_path / "un.index"), un_screener.index, {"key": None})
        index = read_index(str(tmp_path / "un.index"))
    else:
        index = pickle.loads(pickle.dumps(un_screener.index))
    loaded = Screener(index=index, threshold=70)
    built = un_screener.index
    assert [(record.entity_index, record.alias, record.prepared, record.weights) for record in index.records] == \
        [(record.entity_index, record.alias, record.prepared, record.weights) for record in built.records]
    assert list(index.entities) == built.entities and index.deletion_index == built.deletion_index
    assert index.weights.state() == built.weights.state()
    queries = _queries(un_screener, shared_data, 20)
    assert loaded.screen(queries) == un_screener.screen(queries)


def test_the_fused_length_window_is_the_slack_test():
    slack = 1.0 - FUSED_CUTOFF
    for length in range(300):
        shortest, longest = _close_lengths(length)
        close = [other for other in range(1000) if abs(other - length) <= slack * (other + length)]
        assert close == list(range(shortest, longest + 1)), length
