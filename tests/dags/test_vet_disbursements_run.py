"""An end-to-end run of the real DAG through Airflow (dag.test), on the sample data."""

import json
from pathlib import Path

import pandas as pd
import pendulum

from aidvet.lists import load_files
from aidvet.lists.versions import store_version
from aidvet.store.db import session_scope


def test_dag_run_publishes_every_disbursement_once(airflow_db, dagbag, sample_settings, monkeypatch):
    for name, value in {"AIDVET_DB_URL": sample_settings.db_url, "AIDVET_ARTIFACT_ROOT": sample_settings.artifact_root,
                        "AIDVET_INPUTS": sample_settings.inputs[0]}.items():
        monkeypatch.setenv(name, value)
    with session_scope(sample_settings.db_url) as session:
        store_version(session, load_files([Path(sample_settings.inputs[0]).parent / "lists" / "sample-sdn"]))

    dag_run = dagbag.dags["vet_disbursements"].test(logical_date=pendulum.datetime(2026, 11, 28, tz="UTC"))

    assert dag_run.state == "success"
    states = {ti.task_id: ti.state for ti in dag_run.get_task_instances()}
    assert states["run_signoff"] == "skipped" and states["publish"] == "success"  # a usual run needs no sign-off
    runs = list((Path(sample_settings.artifact_root) / "runs").iterdir())
    assert len(runs) == 1
    manifest = json.loads((runs[0] / "manifest.json").read_text())
    given = pd.read_csv(Path(sample_settings.inputs[0]) / "disbursements.csv", dtype=str)
    published = pd.concat(pd.read_parquet(runs[0] / f"{name}.parquet") for name in ("cleared", "held", "quarantined"))
    assert sorted(published["disbursement_id"]) == sorted(given["disbursement_id"])
    assert manifest["counts"]["input"] == len(given) and manifest["counts"]["held"] >= 8
    assert manifest["list_versions"] and manifest["list_versions"][0]["source"] == "ofac"
    assert (runs[0] / "report.html").read_text().count("Tren de Aragua") >= 1
