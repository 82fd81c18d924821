"""A publish that fails half-way leaves the run's previous outputs exactly as they were."""

import hashlib

import pytest

from aidvet.pipeline import run_pipeline
from aidvet.publish import report
from aidvet.stages.publish import publish


def _digests(folder):
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


def test_failed_publish_keeps_previous_outputs_and_leaves_no_staging(sample_with_list, monkeypatch):
    uri = run_pipeline(sample_with_list, "run-1")
    from pathlib import Path

    before = _digests(Path(uri))
    monkeypatch.setattr(report, "render", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError, match="disk full"):
        publish(sample_with_list, "run-1")
    assert _digests(Path(uri)) == before
    assert [p.name for p in Path(uri).parent.iterdir()] == ["run-1"]
