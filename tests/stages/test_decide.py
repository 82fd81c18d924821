"""decide_item: the policy, rule by rule."""

import pytest

from aidvet.policy import Policy
from aidvet.stages.decide import SCREENING_UNAVAILABLE, best_hits, decide_item
from aidvet.store.models import Run, RunItem, ScreeningHit

POLICY = Policy(hold_threshold=88, terrorist_hold_threshold=84)
RUN = Run(run_id="r", list_version_ids=[1], screening_unavailable=None)


def _hit(score, terrorist=False, entity="ofac:1", disbursement="D1"):
    return ScreeningHit(disbursement_id=disbursement, entity_id=entity, score=score, terrorist=terrorist,
                        matched_name="LISTED NAME")


def _item(failures=()):
    return RunItem(run_id="r", disbursement_id="D1", quality_failures=list(failures))


def test_quarantine_wins_over_everything():
    outcome, reason, _ = decide_item(_item(["amount not positive [x]"]), RUN, _hit(100, True), POLICY)
    assert (outcome, reason) == ("quarantined", "amount not positive [x]")


@pytest.mark.parametrize("run", [Run(run_id="r", list_version_ids=[], screening_unavailable=None),
                                 Run(run_id="r", list_version_ids=[1], screening_unavailable="un: too old")])
def test_without_a_usable_list_everything_valid_is_held(run):
    outcome, reason, _ = decide_item(_item(), run, None, POLICY)
    assert outcome == "held" and reason.startswith(SCREENING_UNAVAILABLE)


@pytest.mark.parametrize("score, terrorist, expected", [
    (None, False, "cleared"), (87.9, False, "cleared"), (88.0, False, "held"),
    (83.9, True, "cleared"), (84.0, True, "held"),
])
def test_hold_thresholds_are_stricter_for_designated_terrorists(score, terrorist, expected):
    hit = None if score is None else _hit(score, terrorist)
    outcome, reason, _ = decide_item(_item(), RUN, hit, POLICY)
    assert outcome == expected
    if expected == "held" and terrorist:
        assert "designated terrorist" in reason


def test_best_hit_is_judged_by_margin_over_its_own_threshold():
    plain, terrorist = _hit(87, entity="ofac:plain"), _hit(85, terrorist=True, entity="ofac:fto")
    assert best_hits([plain, terrorist], POLICY)["D1"].entity_id == "ofac:fto"
