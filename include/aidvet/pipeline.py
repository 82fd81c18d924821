"""The whole vetting run in one process, stage by stage (what the DAG does task by task).

For tests, scripts and teams without a scheduler; the DAG calls the same stage functions.
"""

from __future__ import annotations

from aidvet.config import Settings
from aidvet.runs import safe_run_id
from aidvet.stages.decide import decide
from aidvet.stages.extract import extract
from aidvet.stages.publish import publish
from aidvet.stages.screen import plan, screen_partition
from aidvet.stages.validate import validate
from aidvet.store.run_lock import run_lock


def run_pipeline(settings: Settings, dag_run_id: str) -> str:
    """Run every stage; returns the URI of the published run folder."""
    with run_lock(settings.db_url, safe_run_id(dag_run_id)):  # a second process on this run id: RunConflict
        run_id = validate(settings, extract(settings, dag_run_id))
        partitions = plan(settings, run_id)
        for partition in partitions:
            screen_partition(settings, run_id, partition, len(partitions))
        decide(settings, run_id)
        return publish(settings, run_id)
