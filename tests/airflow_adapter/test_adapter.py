from types import SimpleNamespace

import pytest

from aidvet.airflow.adapter import connection_url, resolve_inputs


def _connection(**fields):
    base = dict(conn_id="grants_db", conn_type="postgres", host="db.example", schema="grants", login="reader",
                password="s3cret", port=5432)
    return SimpleNamespace(**{**base, **fields})


def test_postgres_connection_becomes_a_sqlalchemy_url():
    assert connection_url(_connection()) == "postgresql+psycopg2://reader:s3cret@db.example:5432/grants"


def test_sqlite_connection_points_at_its_file():
    assert connection_url(_connection(conn_type="sqlite", host="/data/grants.db")) == "sqlite:////data/grants.db"


def test_a_non_sql_connection_is_a_clear_error():
    with pytest.raises(ValueError, match="grants_db: type 'http'"):
        connection_url(_connection(conn_type="http"))


def test_inputs_without_connections_pass_through():
    assert resolve_inputs(("a/b.xml", "sql:sqlite:///x.db")) == ("a/b.xml", "sql:sqlite:///x.db")
