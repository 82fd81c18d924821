"""What DAG files need from Airflow: default args, schedules, assets, and settings from Variables."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta

from airflow.sdk import Asset, AssetOrTimeSchedule, CronTriggerTimetable, Variable

from aidvet.config import Settings, settings, split_inputs

DEFAULT_ARGS = {
    "owner": "aidvet",
    "retries": 2,
    "retry_delay": timedelta(seconds=float(os.environ.get("AIDVET_RETRY_DELAY_SECONDS", 120))),
}

# A new accepted list version (refresh_watchlists) also triggers a vetting run.
LIST_CHANGED = Asset(name="aidvet_list_version_accepted", uri="aidvet://lists/accepted")
PUBLISHED = {outcome: Asset(name=f"aidvet_{outcome}_list", uri=f"aidvet://published/{outcome}")
             for outcome in ("cleared", "held", "quarantined")}

# How long an unusual run waits for a person's sign-off before it fails (closed).
SIGNOFF_TIMEOUT = timedelta(seconds=float(os.environ.get("AIDVET_SIGNOFF_TIMEOUT_SECONDS", 12 * 3600)))

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
            overrides[field] = split_inputs(value) if field == "inputs" else value
    merged = replace(current, **overrides)
    return replace(merged, inputs=resolve_inputs(merged.inputs))


def max_map_length() -> int:
    """Airflow's [core] max_map_length: a task pushing a longer list to map over fails, so the
    screening plan never asks for more partitions than this."""
    from airflow.configuration import conf

    return conf.getint("core", "max_map_length")


def partition_kwargs(partitions: list[int]) -> list[dict[str, int]]:
    """The mapped screen tasks' arguments: each partition number with the planned count, so a
    retry on another worker selects exactly the same disbursements."""
    return [{"partition": partition, "partitions": len(partitions)} for partition in partitions]


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


# Airflow connection types and the SQLAlchemy dialects that read them.
SQLALCHEMY_DIALECTS = {"postgres": "postgresql+psycopg2", "postgresql": "postgresql+psycopg2", "mysql": "mysql",
                       "mssql": "mssql+pyodbc", "oracle": "oracle", "sqlite": "sqlite"}


def resolve_inputs(inputs: tuple[str, ...]) -> tuple[str, ...]:
    """`airflow-conn:<id>` inputs become `sql:<SQLAlchemy URL>` from that Airflow connection."""
    from airflow.sdk import Connection

    return tuple(f"sql:{connection_url(Connection.get(spec.removeprefix('airflow-conn:')))}"
                 if spec.startswith("airflow-conn:") else spec for spec in inputs)


def connection_url(connection) -> str:
    """A SQLAlchemy URL for an Airflow connection (conn_type, host, schema, login, password, port)."""
    from sqlalchemy.engine import URL

    dialect = SQLALCHEMY_DIALECTS.get(connection.conn_type)
    if dialect is None:
        raise ValueError(f"connection {connection.conn_id}: type {connection.conn_type!r} is not a SQL database "
                         f"this adapter knows ({', '.join(sorted(SQLALCHEMY_DIALECTS))})")
    if dialect == "sqlite":
        return f"sqlite:///{connection.host}"
    return URL.create(dialect, username=connection.login or None, password=connection.password or None,
                      host=connection.host or None, port=connection.port or None,
                      database=connection.schema or None).render_as_string(hide_password=False)
