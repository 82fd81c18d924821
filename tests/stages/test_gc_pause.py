"""Stages pause the cyclic garbage collector while they run and give it back as they found it."""

import gc

import pytest

from aidvet.stages.decide import decide
from aidvet.stages.extract import extract
from aidvet.gc_pause import cycle_collection_paused
from aidvet.stages.publish import publish
from aidvet.stages.validate import validate


@cycle_collection_paused
def _collector_state_inside(fail: bool = False) -> bool:
    if fail:
        raise ValueError("stage failed")
    return gc.isenabled()


@pytest.fixture
def collector_enabled():
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_the_collector_is_off_inside_and_back_on_after_a_return_or_an_error(collector_enabled):
    assert _collector_state_inside() is False and gc.isenabled()
    with pytest.raises(ValueError):
        _collector_state_inside(fail=True)
    assert gc.isenabled()


def test_a_collector_the_caller_had_disabled_stays_disabled(collector_enabled):
    gc.disable()
    assert _collector_state_inside() is False and not gc.isenabled()


@pytest.mark.parametrize("stage", [extract, validate, decide, publish])
def test_the_big_stages_pause_it(stage):
    assert getattr(stage, "__wrapped__", None) is not None
    inner = stage.__wrapped__  # records_failure's wrapper -> the pausing wrapper -> the stage itself
    assert inner.__code__ is cycle_collection_paused(lambda: None).__code__
