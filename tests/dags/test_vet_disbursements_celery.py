"""vet_disbursements scaled out on Airflow's CeleryExecutor: PostgreSQL metadata DB, Redis broker, api-server,
scheduler, dag-processor, triggerer and two Celery workers, all started and stopped here. One worker is
killed (its whole process group, SIGKILL) while it screens a partition; the partition is retried on the
other worker, and the outputs equal an in-process (dag.test) run of the same inputs."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import secrets
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pandas as pd
import pendulum
import psycopg2
import pytest
from sqlalchemy.engine import make_url

from aidvet.airflow.scale_out import (CeleryDeployment, Deployment, celery_settings, free_port, server_commands,
                                      worker_command, worker_environment)
from aidvet.lists import load_files
from aidvet.lists.versions import store_version
from aidvet.store.db import session_scope

# 8 minutes measured on this shared 2-core machine (load average about 10), 13-14 with two more busy loops.
pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(1500)]

DAG_ID = "vet_disbursements"
WORKERS = ("worker-a", "worker-b")
PARTIES_PER_PARTITION = 15
MAX_PARTITIONS = 4
REDIS_DB = int(os.environ.get("AIDVET_TEST_REDIS_DB", "11"))
OUTCOMES = ("cleared", "held", "quarantined")


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)  # workers share one store: PostgreSQL
def test_vet_disbursements_on_two_celery_workers_survives_a_killed_worker(
        airflow_db, dagbag, sample_settings, pg_database_url, tmp_path, monkeypatch):
    settings = _with_policy(sample_settings, tmp_path)
    _load_sample_list(settings)
    payees = pd.read_csv(Path(settings.inputs[0]) / "disbursements.csv", dtype=str)["payee_id"].nunique()
    partitions = min(MAX_PARTITIONS, math.ceil(payees / PARTIES_PER_PARTITION))
    assert partitions == MAX_PARTITIONS  # with one task at a time per worker, one worker screens at least twice

    deployment = _deployment(pg_database_url)
    environment = _environment(deployment, settings, tmp_path)
    key_prefix = deployment.broker_key_prefix
    stack = Deployment(environment=environment, log_dir=tmp_path / "logs", bin_dir=Path(sys.executable).parent)
    try:
        _migrate(stack)
        _start_everything(stack, deployment)
        run_id = f"celery__{uuid.uuid4().hex[:8]}"
        _trigger(deployment, run_id, stack)
        victim, killed_partition = _kill_a_worker_while_it_screens(stack, pg_database_url, run_id)
        state = _wait_for_run(stack, pg_database_url, run_id, victim)
        assert state == "success", _diagnosis(stack, pg_database_url, run_id)
        screens, tries = _screen_tries(pg_database_url, run_id)
    finally:
        stack.stop()
        _drop_redis_keys(key_prefix)
    assert stack.leftovers() == {}  # every process, and every process they started, has ended

    survivor = next(name for name in WORKERS if name != victim)
    assert len(screens) == partitions
    assert {hostname for _, hostname, _ in screens.values()} == set(WORKERS)  # both workers screened
    state, hostname, try_number = screens[killed_partition]
    assert (state, hostname) == ("success", survivor) and try_number >= 2  # retried on the other worker
    assert (killed_partition, victim) in tries  # the killed try is on record, on the killed worker

    celery_run = _published(settings.artifact_root)
    given = pd.read_csv(Path(settings.inputs[0]) / "disbursements.csv", dtype=str)
    manifest = json.loads((celery_run / "manifest.json").read_text())
    counts = manifest["counts"]
    assert counts["input"] == len(given) == sum(counts[outcome] for outcome in OUTCOMES)
    published = pd.concat(pd.read_parquet(celery_run / f"{outcome}.parquet") for outcome in OUTCOMES)
    assert sorted(published["disbursement_id"]) == sorted(given["disbursement_id"])  # each exactly once
    assert counts["held"] >= 8

    local_run = _local_run(dagbag, settings, tmp_path, monkeypatch)
    for outcome in OUTCOMES:
        pd.testing.assert_frame_equal(_content(celery_run / f"{outcome}.parquet"),
                                      _content(local_run / f"{outcome}.parquet"), check_dtype=False)


# --- the deployment -----------------------------------------------------------------------------------------


def _deployment(metadata_db_url: str) -> CeleryDeployment:
    heartbeat_timeout = "30"  # a killed worker's task is noticed after this many seconds (default 300)
    return CeleryDeployment(
        metadata_db_url=metadata_db_url, broker_url=f"redis://127.0.0.1:6379/{REDIS_DB}",
        jwt_secret=secrets.token_hex(32), api_port=free_port(), worker_concurrency=1,
        broker_key_prefix=f"aidvet-test-{uuid.uuid4().hex[:8]}:",
        extra={"AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": heartbeat_timeout,
               "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "3",
               "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",  # only the run this test triggers
               "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
               "AIRFLOW__API__WORKERS": "1",
               "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",  # the test calls the REST API
               "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port())})


def _environment(deployment: CeleryDeployment, settings, tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "airflow-celery"
    home.mkdir()
    aidvet = {"AIRFLOW_HOME": str(home), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
              "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
              "AIDVET_DB_URL": settings.db_url, "AIDVET_ARTIFACT_ROOT": settings.artifact_root,
              "AIDVET_INPUTS": settings.inputs[0], "AIDVET_POLICY": str(settings.policy_path),
              "AIDVET_RETRY_DELAY_SECONDS": "1"}
    return {**os.environ, **aidvet, **celery_settings(deployment)}


def _migrate(stack: Deployment) -> None:
    migrate = stack.start("db-migrate", ["airflow", "db", "migrate"])
    assert migrate.wait(timeout=420) == 0, stack.log_tail("db-migrate")


def _start_everything(stack: Deployment, deployment: CeleryDeployment) -> None:
    for name, argv in server_commands(deployment).items():
        stack.start(name, argv)
    for hostname in WORKERS:
        stack.start(hostname, worker_command(hostname), worker_environment(hostname, free_port()))


def _trigger(deployment: CeleryDeployment, run_id: str, stack: Deployment) -> None:
    """Once the api-server answers and the dag-processor has stored the DAG: unpause it and start one run."""
    api = f"{deployment.api_url}/api/v2/dags/{DAG_ID}"
    _until(lambda: _api(api) is not None, 300, "the api-server to serve the parsed DAG", stack)
    _api(api, "PATCH", {"is_paused": False})
    _api(f"{api}/dagRuns", "POST", {"dag_run_id": run_id, "logical_date": None})


def _api(url: str, method: str = "GET", body: dict | None = None) -> dict | None:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return json.loads(response.read() or b"{}")
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        if method != "GET":
            raise AssertionError(f"{method} {url}: {error}") from error
        return None


def _kill_a_worker_while_it_screens(stack: Deployment, metadata_db_url: str, run_id: str) -> tuple[str, int]:
    """Wait for a worker that has finished a screen partition and is running another; SIGKILL its
    process group. Returns (worker, map index of the partition it was running)."""
    chosen: list[tuple[str, int]] = []

    def a_worker_is_screening_again() -> bool:
        screens, _ = _screen_tries(metadata_db_url, run_id)
        for worker in WORKERS:
            done = [index for index, (state, host, _) in screens.items() if host == worker and state == "success"]
            running = [index for index, (state, host, _) in screens.items() if host == worker and state == "running"]
            if done and running:
                chosen.append((worker, running[0]))
                return True
        finished = screens and all(state in ("success", "failed") for state, _, _ in screens.values())
        assert not finished, f"every screen partition ended before a worker ran its second: {screens}"
        return False

    _until(a_worker_is_screening_again, 600, "a worker screening its second partition", stack, every=0.2)
    worker, partition = chosen[0]
    stack.kill(worker)
    return worker, partition


def _wait_for_run(stack: Deployment, metadata_db_url: str, run_id: str, victim: str) -> str:
    states: list[str] = []

    def finished() -> bool:
        rows = _query(metadata_db_url, "SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s", DAG_ID, run_id)
        states[:] = [rows[0][0]] if rows else []
        return bool(states) and states[0] in ("success", "failed")

    _until(finished, 600, "the DAG run to finish", stack, expect_exited={victim})
    return states[0]


def _screen_tries(metadata_db_url: str, run_id: str):
    """{map index: (state, hostname, try number)} of the screen task now, and {(map index, hostname)} of its
    earlier tries."""
    current = _query(metadata_db_url, "SELECT map_index, state, hostname, try_number FROM task_instance "
                     "WHERE dag_id = %s AND run_id = %s AND task_id = 'screen' AND map_index >= 0", DAG_ID, run_id)
    earlier = _query(metadata_db_url, "SELECT map_index, hostname FROM task_instance_history "
                     "WHERE dag_id = %s AND run_id = %s AND task_id = 'screen'", DAG_ID, run_id)
    return ({index: (state, host, tries) for index, state, host, tries in current},
            {(index, host) for index, host in earlier})


def _diagnosis(stack: Deployment, metadata_db_url: str, run_id: str) -> str:
    rows = _query(metadata_db_url, "SELECT task_id, map_index, state, hostname, try_number FROM task_instance "
                  "WHERE dag_id = %s AND run_id = %s ORDER BY task_id, map_index", DAG_ID, run_id)
    return f"task instances: {rows}\n" + "\n".join(f"--- {name}\n{stack.log_tail(name, 2000)}"
                                                    for name in stack.processes)


def _until(condition, seconds: float, what: str, stack: Deployment, every: float = 1.0,
           expect_exited: set[str] = frozenset()) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        died = {name: code for name, code in stack.exited().items()
                if name not in expect_exited and name != "db-migrate"}
        assert not died, f"while waiting for {what}, processes ended: {died}\n" + \
            "\n".join(f"--- {name}\n{stack.log_tail(name)}" for name in died)
        time.sleep(every)
    raise AssertionError(f"no {what} within {seconds:.0f} s\n" + "\n".join(
        f"--- {name}\n{stack.log_tail(name, 1500)}" for name in stack.processes))


def _query(database_url: str, sql: str, *params) -> list[tuple]:
    url = make_url(database_url)
    connection = psycopg2.connect(host=url.host, port=url.port or 5432, user=url.username, dbname=url.database)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    except psycopg2.errors.UndefinedTable:
        return []  # not migrated yet
    finally:
        connection.close()


def _drop_redis_keys(prefix: str) -> None:
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


# --- inputs and outputs -------------------------------------------------------------------------------------


def _with_policy(settings, tmp_path: Path):
    """The project's policy with small partitions, so the sample's payees make several."""
    policy = tmp_path / "policy.toml"
    policy.write_text(settings.policy_path.read_text()
                      .replace("parties_per_partition = 2000", f"parties_per_partition = {PARTIES_PER_PARTITION}")
                      .replace("max_partitions = 32", f"max_partitions = {MAX_PARTITIONS}"))
    return dataclasses.replace(settings, policy_path=policy)


def _load_sample_list(settings) -> None:
    with session_scope(settings.db_url) as session:
        store_version(session, load_files([Path(settings.inputs[0]).parent / "lists" / "sample-sdn"]))


def _local_run(dagbag, settings, tmp_path: Path, monkeypatch) -> Path:
    """The same inputs, list and policy through dag.test() (in-process tasks) on a store of its own."""
    from aidvet.store.migrate import upgrade

    local = dataclasses.replace(settings, db_url=f"sqlite:///{tmp_path / 'local.db'}",
                                artifact_root=str(tmp_path / "artifacts-local"))
    upgrade(local.db_url)
    _load_sample_list(local)
    for name, value in {"AIDVET_DB_URL": local.db_url, "AIDVET_ARTIFACT_ROOT": local.artifact_root,
                        "AIDVET_INPUTS": local.inputs[0], "AIDVET_POLICY": str(local.policy_path)}.items():
        monkeypatch.setenv(name, value)
    dag_run = dagbag.dags[DAG_ID].test(logical_date=pendulum.datetime(2026, 11, 29, tz="UTC"))
    assert dag_run.state == "success"
    return _published(local.artifact_root)


def _published(artifact_root: str) -> Path:
    (run,) = (Path(artifact_root) / "runs").iterdir()
    return run


def _content(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path).sort_values("disbursement_id").reset_index(drop=True)
