"""Shared fixtures: the real public data folder, and a store on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import os
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Airflow reads its settings when first imported: give the tests a home of their own.
os.environ.setdefault("AIRFLOW_HOME", str(ROOT / "var" / "airflow-test"))
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(ROOT / "dags"))
os.environ.setdefault("AIRFLOW__CORE__PLUGINS_FOLDER", str(ROOT / "plugins"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("AIDVET_SIGNOFF_TIMEOUT_SECONDS", "60")  # tests keep runs usual: dag.test() cannot answer a sign-off
os.environ.setdefault("AIDVET_RETRY_DELAY_SECONDS", "1")  # a failing task in dag.test() must not wait minutes
SHARED_DATA = Path(os.environ.get("AIDVET_SHARED_DATA", ROOT.parent / "shared" / "data"))
PG_URL = os.environ.get("AIDVET_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data; skipped with a reason when absent, a failure under CI=true."""
    if not SHARED_DATA.is_dir():
        message = f"real public data folder {SHARED_DATA} is absent"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: it must be there)")
        pytest.skip(message)
    return SHARED_DATA


def _create_pg_database(name: str) -> None:
    import psycopg2
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    connection = psycopg2.connect(host=url.host, port=url.port or 5432, user=url.username, dbname=url.database)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def _drop_pg_database(name: str) -> None:
    import psycopg2
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    connection = psycopg2.connect(host=url.host, port=url.port or 5432, user=url.username, dbname=url.database)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """A fresh, migrated vetting store on SQLite and on PostgreSQL (each test runs on both)."""
    from aidvet.store.db import engine_for
    from aidvet.store.migrate import upgrade

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'aidvet.db'}"
        upgrade(url)
        yield url
        engine_for(url).dispose()
        return
    name = f"aidvet_test_{uuid.uuid4().hex[:12]}"
    _create_pg_database(name)
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    engine_for(url).dispose()
    _drop_pg_database(name)


@pytest.fixture
def sample_settings(tmp_path, store_url):
    """Settings for a whole run on the bundled sample data, with a private store and artifact root."""
    from aidvet.config import settings
    from aidvet.sample import designated, grants

    grants.generate(tmp_path / "sample" / "grants")
    designated.write_ofac_csv(tmp_path / "sample" / "lists" / "sample-sdn")
    base = settings()
    return dataclasses.replace(base, db_url=store_url, artifact_root=str(tmp_path / "artifacts"),
                               inputs=(str(tmp_path / "sample" / "grants"),))


@pytest.fixture
def sample_with_list(sample_settings):
    """sample_settings with the sample designated-entity list loaded as an accepted version."""
    from aidvet.lists import load_files
    from aidvet.lists.versions import store_version
    from aidvet.store.db import session_scope

    parsed = load_files([Path(sample_settings.inputs[0]).parent / "lists" / "sample-sdn"])
    with session_scope(sample_settings.db_url) as session:
        store_version(session, parsed)
    return sample_settings


@pytest.fixture
def pg_database_url():
    """A fresh, empty PostgreSQL database, dropped after the test (e.g. a second Airflow's metadata DB)."""
    from sqlalchemy.engine import make_url

    name = f"aidvet_test_{uuid.uuid4().hex[:12]}"
    _create_pg_database(name)
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    _drop_pg_database(name)
