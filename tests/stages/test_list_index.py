"""The run's list index: built once by plan_screening, loaded by every screening partition and
by later runs on the same list versions, rebuilt for a new list version (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from aidvet.lists import load_files
from aidvet.lists.versions import store_version
from aidvet.pipeline import run_pipeline
from aidvet.stages import list_index
from aidvet.stages.screen import plan, screen_partition
from aidvet.store.db import session_scope
from aidvet.store.models import Run, ScreeningHit

RUN = "scheduled__2026-11-28T02:00:00+00:00"


def _indexes(settings) -> dict[str, int]:
    """Index file -> the time it was last written."""
    folder = Path(settings.artifact_root) / "screening-index"
    return {path.name: path.stat().st_mtime_ns for path in folder.glob("*.index")}


def _hits(settings, run_id):
    with session_scope(settings.db_url) as session:
        return sorted(session.execute(select(ScreeningHit.disbursement_id, ScreeningHit.party_key,
                                             ScreeningHit.entity_id, ScreeningHit.score)
                                      .where(ScreeningHit.run_id == run_id)).all())


def test_partitions_and_later_runs_load_the_index_plan_built(sample_with_list):
    settings = sample_with_list
    run_id = Path(run_pipeline(settings, RUN)).name
    [(name, written)] = _indexes(settings).items()
    with session_scope(settings.db_url) as session:
        version_ids = session.get(Run, run_id).list_version_ids
        assert list_index.stored_index(session, settings.artifact_root, version_ids).uri.endswith(name)
    hits = _hits(settings, run_id)
    assert hits  # the sample plants listed names

    for partition in plan(settings, run_id):  # a retry of every partition: nothing is built again
        screen_partition(settings, run_id, partition)
    assert _indexes(settings) == {name: written}
    assert _hits(settings, run_id) == hits

    (Path(settings.artifact_root) / "screening-index" / name).unlink()  # artifact root emptied
    screen_partition(settings, run_id, 0)
    assert set(_indexes(settings)) == {name}


def test_a_new_list_version_builds_a_new_index(sample_with_list, tmp_path):
    settings = sample_with_list
    run_pipeline(settings, RUN)
    before = _indexes(settings)
    lists = Path(settings.inputs[0]).parent / "lists" / "sample-sdn"
    newer = tmp_path / "newer-sdn"
    newer.mkdir()
    for path in lists.iterdir():
        newer.joinpath(path.name).write_bytes(path.read_bytes())
    sdn = newer / "sdn.csv"
    sdn.write_text('99999,"BANCO FANTASMA",-0-,"SDGT",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n' + sdn.read_text(encoding="utf-8"),
                   encoding="utf-8")
    with session_scope(settings.db_url) as session:
        store_version(session, load_files([newer]))
    run_pipeline(settings, "manual__second")
    after = _indexes(settings)
    assert set(before) < set(after) and len(after) == 2
    assert after[next(iter(before))] == before[next(iter(before))]  # the older one was not rewritten
