"""vet_disbursements reading its input from a database through an Airflow connection."""

import json
import sqlite3
from pathlib import Path

import pendulum

from aidvet.lists import load_files
from aidvet.lists.versions import store_version
from aidvet.store.db import session_scope

QUERY = ("SELECT pay_no AS disbursement_id, grant_no AS award_id, vendor AS payee_name, amt AS amount, "
         "cur AS currency, paid_on AS date, ctry AS country FROM payments")


def test_inputs_from_an_airflow_connection(airflow_db, dagbag, sample_settings, tmp_path, monkeypatch):
    database = tmp_path / "grants.db"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE payments (pay_no TEXT, grant_no TEXT, vendor TEXT, amt TEXT, cur TEXT, "
                   "paid_on TEXT, ctry TEXT)")
        db.executemany("INSERT INTO payments VALUES (?, ?, ?, ?, ?, ?, ?)", [
            ("P-1", "G-1", "Fundación Oaxaca A.C.", "100.00", "MXN", "2026-02-01", "MX"),
            ("P-2", "G-1", "Cooperativa Agroecológica Petén", "50.00", "USD", "2026-02-02", "GT"),
            ("P-3", "G-1", "n/a", "75.00", "USD", "2026-02-03", "SV")])
    for name, value in {"AIDVET_DB_URL": sample_settings.db_url, "AIDVET_ARTIFACT_ROOT": sample_settings.artifact_root,
                        "AIDVET_INPUTS": "airflow-conn:grants_db", "AIDVET_SQL_QUERY": QUERY,
                        "AIRFLOW_CONN_GRANTS_DB": json.dumps({"conn_type": "sqlite", "host": str(database)})}.items():
        monkeypatch.setenv(name, value)
    with session_scope(sample_settings.db_url) as session:
        store_version(session, load_files([Path(sample_settings.inputs[0]).parent / "lists" / "sample-sdn"]))

    dag_run = dagbag.dags["vet_disbursements"].test(logical_date=pendulum.datetime(2026, 11, 27, tz="UTC"))

    assert dag_run.state == "success"
    (run,) = (Path(sample_settings.artifact_root) / "runs").iterdir()
    manifest = json.loads((run / "manifest.json").read_text())
    # (no listed payee here: a run holding half its items would rightly wait for a person's sign-off)
    assert manifest["counts"] == {"input": 3, "cleared": 2, "held": 0, "quarantined": 1}
    assert manifest["inputs"][0]["path"].endswith("grants.db")  # the database, named without a password
