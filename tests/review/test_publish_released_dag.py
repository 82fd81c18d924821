"""dags/publish_released.py: imports cleanly, thin, documented, wired to the published assets."""

from __future__ import annotations

import os
from pathlib import Path


def test_publish_released_dag():
    from airflow.dag_processing.dagbag import DagBag

    path = Path(os.environ["AIRFLOW__CORE__DAGS_FOLDER"]) / "publish_released.py"
    bag = DagBag(dag_folder=str(path))
    assert bag.import_errors == {}
    dag = bag.dags["publish_released"]
    assert dag.tags and len(dag.doc_md) > 200
    task, notify = sorted(dag.tasks, key=lambda t: t.task_id != "publish_reviewed")
    assert (task.task_id, task.owner) == ("publish_reviewed", "aidvet") and task.retries >= 1
    assert notify.task_id == "notify_reviewers" and notify.upstream_task_ids == {"publish_reviewed"}
    assert len(task.doc_md) > 80
    assert {outlet.name for outlet in task.outlets} == {"aidvet_released_list", "aidvet_blocked_list"}
    assert "aidvet_held_list" in repr(dag.timetable)
    assert len(path.read_text().splitlines()) <= 100
