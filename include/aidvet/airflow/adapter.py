"""What DAG files need from Airflow: default args, schedules, assets, and settings from Variables."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta

from airflow.sdk import Asset, AssetOrTimeSchedule, CronTriggerTimetable, Variable

from aidvet.config import Settings, settings

DEFAULT_ARGS = {
    "owner": "aidvet",
    "retries": 2,
    "retry_delay": timedelta(minutes=2),
}

# A new accepted list version (refresh_watchlists) also triggers a vetting run.
LIST_CHANGED = Asset(name="aidvet_list_version_accepted", uri="aidvet://lists/accepted")
PUBLISHED = {outcome: Asset(name=f"aidvet_{outcome}_list", uri=f"aidvet://published/{outcome}")
             for outcome in ("cleared", "held", "quarantined")}

NIGHTLY = CronTriggerTimetable("0 2 * * *", timezone="UTC")
NIGHTLY_OR_LIST_CHANGE = AssetOrTimeSchedule(timetable=NIGHTLY, assets=LIST_CHANGED)

# Airflow Variables override the environment, so operators can repoint a deployment from the UI.
VARIABLES = {"aidvet_db_url": "db_url", "aidvet_artifact_root": "artifact_root", "aidvet_inputs": "inputs"}


def run_settings() -> Settings:
    current = settings()
    overrides = {}
    for variable, field in VARIABLES.items():
        value = Variable.get(variable, default=None)
        if value:
            overrides[field] = tuple(value.split(os.pathsep)) if field == "inputs" else value
    return replace(current, **overrides)
