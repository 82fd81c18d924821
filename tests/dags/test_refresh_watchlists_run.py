"""refresh_watchlists through Airflow, downloading the real OFAC files from a local HTTP server
through an Airflow connection; a second run finds nothing new and announces nothing."""

import functools
import http.server
import json
import threading

import pendulum
import pytest
from sqlalchemy import select

from aidvet.store.db import session_scope
from aidvet.store.models import AuditEvent, ListVersion

pytestmark = pytest.mark.timeout(300)  # an HTTP server thread and a DAG run


@pytest.fixture
def list_server(shared_data):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(shared_data / "lists"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _task_states(dag_run):
    return {ti.task_id: ti.state for ti in dag_run.get_task_instances()}


def test_refresh_downloads_through_a_connection_and_announces_only_new_versions(
        airflow_db, dagbag, list_server, store_url, tmp_path, monkeypatch):
    monkeypatch.setenv("AIDVET_DB_URL", store_url)
    monkeypatch.setenv("AIDVET_LISTS_DIR", str(tmp_path / "lists"))
    monkeypatch.setenv("AIDVET_LIST_DROP", str(tmp_path / "drop"))
    monkeypatch.setenv("AIRFLOW_VAR_AIDVET_LIST_SOURCES", "ofac")
    monkeypatch.setenv("AIRFLOW_CONN_AIDVET_LIST_OFAC", json.dumps({
        "conn_type": "http", "host": f"{list_server}/ofac/2021-04-25",
        "extra": {"files": ["sdn.csv", "alt.csv", "add.csv"]}}))
    dag = dagbag.dags["refresh_watchlists"]

    first = dag.test(logical_date=pendulum.datetime(2026, 11, 27, tz="UTC"))
    assert first.state == "success"
    assert _task_states(first)["announce"] == "success"
    with session_scope(store_url) as session:
        versions = session.scalars(select(ListVersion)).all()
        kinds = session.scalars(select(AuditEvent.kind)).all()
    assert [(v.source, v.status, v.counts["entities"]) for v in versions] == [("ofac", "accepted", 8890)]
    assert "list.accepted" in kinds
    assert len(list((tmp_path / "lists" / "ofac").iterdir())) == 1

    second = dag.test(logical_date=pendulum.datetime(2026, 11, 28, tz="UTC"))
    assert second.state == "success"
    assert _task_states(second)["announce"] == "skipped"
    with session_scope(store_url) as session:
        assert session.scalar(select(ListVersion.id).where(ListVersion.id > versions[0].id)) is None
