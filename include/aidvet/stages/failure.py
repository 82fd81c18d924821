"""A stage that raises leaves its run recorded as failed (status, stage, `run.failed` event), never
"running" with only a traceback to show for it. Used as a decorator on every stage function, so the
in-process pipeline and the Airflow tasks record failures alike."""

from __future__ import annotations

import functools
import logging

from aidvet import runs
from aidvet.store.db import session_scope
from aidvet.store.run_lock import RunConflict

log = logging.getLogger(__name__)
NOT_THE_RUNS_FAILURE = (runs.UnsafeRunId, RunConflict)  # no run of that id to mark, or another process's run


def records_failure(stage: str, *, from_dag_run_id: bool = False):
    """Decorate `stage(settings, run_id, ...)`; with `from_dag_run_id` the second argument is the
    Airflow run id, made safe first."""
    def decorate(function):
        @functools.wraps(function)
        def wrapper(settings, run_ref, *args, **kwargs):
            try:
                return function(settings, run_ref, *args, **kwargs)
            except NOT_THE_RUNS_FAILURE:
                raise
            except Exception as error:
                run_id = runs.safe_run_id(run_ref) if from_dag_run_id else run_ref
                _record(settings, run_id, stage, error, run_ref if from_dag_run_id else None)
                raise
        return wrapper
    return decorate


def _record(settings, run_id: str, stage: str, error: BaseException, dag_run_id: str | None) -> None:
    reason = f"{stage} failed: {type(error).__name__}: {error}"[:2000]
    try:
        with session_scope(settings.db_url) as session:
            runs.record_failure(session, run_id, stage=stage, reason=reason, dag_run_id=dag_run_id)
    except Exception:  # the store itself is out of reach: the original error is what matters
        log.exception("could not record run %s as failed in %s", run_id, stage)
