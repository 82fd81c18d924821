"""A DAG run's history from Airflow's metadata database (plain SQL on `dag_run` and
`task_instance`, so the audit export needs no scheduler and no Airflow import)."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError


def airflow_db_url(project_home: Path) -> str:
    """AIDVET_AIRFLOW_DB_URL, else Airflow's own setting, else the project-local SQLite file."""
    explicit = os.environ.get("AIDVET_AIRFLOW_DB_URL") or os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN")
    if explicit:
        return explicit
    home = Path(os.environ.get("AIRFLOW_HOME", project_home / "var" / "airflow"))
    return f"sqlite:///{home / 'airflow.db'}"


def dag_run_history(url: str, dag_run_id: str) -> dict[str, Any]:
    """{"dag_runs": [...], "task_instances": [...]} for every DAG run with that run id, or an "error"."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            runs = connection.execute(text("SELECT * FROM dag_run WHERE run_id = :run_id"),
                                      {"run_id": dag_run_id}).mappings().all()
            tasks = connection.execute(
                text("SELECT * FROM task_instance WHERE run_id = :run_id ORDER BY start_date, task_id, map_index"),
                {"run_id": dag_run_id}).mappings().all()
    except SQLAlchemyError as error:
        return {"dag_runs": [], "task_instances": [], "error": f"{url}: {error.__class__.__name__}: {error}"}
    finally:
        engine.dispose()
    return {"dag_runs": [_plain(row) for row in runs], "task_instances": [_plain(row) for row in tasks]}


def dag_runs_since(url: str, dag_id: str, since: datetime) -> dict[str, Any]:
    """{"dag_runs": [...]} of one DAG started at or after `since` (e.g. publish_released after a run)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            runs = connection.execute(text("SELECT * FROM dag_run WHERE dag_id = :dag_id ORDER BY start_date"),
                                      {"dag_id": dag_id}).mappings().all()
    except SQLAlchemyError as error:
        return {"dag_runs": [], "error": f"{url}: {error.__class__.__name__}: {error}"}
    finally:
        engine.dispose()
    since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
    return {"dag_runs": [_plain(row) for row in runs if _after(row.get("start_date") or row.get("run_after"), since)]}


def _after(moment, since: datetime) -> bool:
    if moment is None:
        return True  # queued, not started yet: after the run
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace(" ", "T"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)) >= since


def _plain(row) -> dict[str, Any]:
    return {key: _value(key, value) for key, value in row.items()}


def _value(key: str, value):
    """JSON-safe; Airflow's timestamps (stored in UTC) as ISO 8601 with their +00:00 offset."""
    if isinstance(value, str) and (key.endswith(("_date", "_at", "_after")) or key == "updated_at"):
        try:
            value = datetime.fromisoformat(value.replace(" ", "T"))
        except ValueError:
            return value
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).isoformat()
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
