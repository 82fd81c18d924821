"""The SQL source, on SQLite files made in each test."""

from __future__ import annotations

import sqlite3

import pytest

from aidvet.errors import InputError
from aidvet.sources.sql import read_sql


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "grants.db"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE payments (pay_no TEXT, grant_no TEXT, grant_title TEXT, vendor TEXT, vendor_id TEXT, "
            "amt NUMERIC, cur TEXT, paid_on DATE, ctry TEXT)"
        )
        connection.executemany("INSERT INTO payments VALUES (?,?,?,?,?,?,?,?,?)", [
            ("P-1", "G-1", "Water", "Asociación Ñandú", "V-9", 1500.5, "USD", "2024-03-01", "PY"),
            ("P-2", "G-1", "Water", "nan", None, -3, "usd", "2024-03-02", None),
            (None, None, None, None, None, None, None, None, None),
        ])
    return f"sqlite:///{path}"


QUERY = ("SELECT pay_no AS disbursement_id, grant_no AS award_id, grant_title AS award_title, vendor AS payee_name, "
         "vendor_id AS payee_key, amt AS amount, cur AS currency, paid_on AS date, ctry AS country "
         "FROM payments WHERE amt IS NULL OR amt > :floor ORDER BY rowid")


def test_query_rows_become_disbursements_kept_as_given(database):
    batch = read_sql(database, QUERY, {"floor": -100})
    first, second, third = batch.disbursements
    assert (first.disbursement_id, first.award_id, first.payee_name, first.amount, first.currency, first.date,
            first.country) == ("P-1", "G-1", "Asociación Ñandú", "1500.5", "USD", "2024-03-01", "PY")
    assert first.payee_key == "sql:V-9" and second.payee_key.startswith("sql:name:")
    assert (second.payee_name, second.amount, second.currency, second.country) == ("nan", "-3", "usd", None)
    assert third.disbursement_id == f"{batch.source_file}#row 3" and third.payee_key is None
    assert [d.source_record for d in batch.disbursements] == ["row 1", "row 2", "row 3"]
    assert batch.source_file == database.replace("sqlite:///", "sql:sqlite:///")
    assert [(a.award_id, a.title) for a in batch.awards] == [("G-1", "Water")]


def test_bound_parameters_and_hash_follow_the_rows(database):
    everything, fewer = read_sql(database, QUERY, {"floor": -100}), read_sql(database, QUERY, {"floor": 0})
    assert len(fewer.disbursements) == 2
    assert everything.sha256 == read_sql(database, QUERY, {"floor": -100}).sha256 != fewer.sha256


def test_missing_canonical_columns_are_named(database):
    with pytest.raises(InputError, match="missing: award_id, payee_name") as raised:
        read_sql(database, "SELECT pay_no AS disbursement_id, amt AS amount, cur AS currency, paid_on AS date, "
                           "ctry AS country FROM payments")
    assert raised.value.record == "query"


def test_broken_query_and_bad_url_are_input_errors(database):
    with pytest.raises(InputError, match="a query that runs .*no such table"):
        read_sql(database, "SELECT * FROM nowhere")
    with pytest.raises(InputError, match="SQLAlchemy database URL"):
        read_sql("not a url", QUERY)


def test_password_never_appears_in_source_file():
    with pytest.raises(InputError) as raised:
        read_sql("postgresql+psycopg2://user:s3cret@127.0.0.1:1/db", "SELECT 1")
    assert "s3cret" not in str(raised.value)
