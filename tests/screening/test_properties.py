"""Properties of the name score over arbitrary text."""

from hypothesis import given, settings
from hypothesis import strategies as st

from aidvet.screening import score_names
from aidvet.screening.prepare import prepare

names = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
kinds = st.sampled_from([None, "person", "organization"])


@settings(max_examples=150, deadline=None)
@given(names, names, kinds)
def test_score_is_between_0_and_100(name1, name2, kind):
    assert 0 <= score_names(name1, name2, kind) <= 100


@settings(max_examples=150, deadline=None)
@given(names, kinds)
def test_a_name_with_tokens_scores_100_against_itself(name, kind):
    if prepare(name, kind).tokens:
        assert score_names(name, name, kind) == 100
