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
    "retry_delay": timedelta(seconds=float(os.environ.get("AIDVET_RETRY_DELAY_SECONDS", 120))),
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


def list_source_urls(source: str) -> list[str]:
    """Download URLs of a list source: from the Airflow connection `aidvet_list_<source>` when it
    exists (HTTP type; host = base URL, extra {"files": [...]}), else the documented defaults."""
    from airflow.sdk import Connection

    from aidvet.lists.fetch import DEFAULT_SOURCES

    try:
        connection = Connection.get(f"aidvet_list_{source.replace('-', '_')}")
    except Exception:  # the SDK raises its own "not found" error types; any failure means "not configured"
        return list(DEFAULT_SOURCES.get(source, []))
    base = connection.host if "://" in (connection.host or "") else f"{connection.schema or 'https'}://{connection.host}"
    if connection.port:
        scheme, rest = base.split("://", 1)
        host, _, path = rest.partition("/")
        base = f"{scheme}://{host}:{connection.port}/{path}"
    files = connection.extra_dejson.get("files") or []
    return [f"{base.rstrip('/')}/{name}" for name in files] or [base]


def list_sources() -> list[str]:
    """Sources to refresh: Variable `aidvet_list_sources` (comma-separated), default ofac, ofac-cons, un."""
    value = Variable.get("aidvet_list_sources", default=None) or "ofac,ofac-cons,un"
    return [source.strip() for source in value.split(",") if source.strip()]
