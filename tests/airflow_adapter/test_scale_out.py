"""The scale-out settings and the process groups that start and stop a deployment's processes."""

import os
import sys

import pytest

from aidvet.airflow.scale_out import (CeleryDeployment, Deployment, celery_settings, living_group_members,
                                      server_commands, worker_command, worker_environment, worker_hostname)

# A process that starts a child and waits: stopping only the parent would leave the child running.
PARENT_WITH_CHILD = [sys.executable, "-c", "import subprocess, sys, time; "
                     "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)']); "
                     "print('ready', flush=True); time.sleep(300)"]


def test_every_process_gets_the_executor_broker_metadata_db_and_one_shared_secret():
    deployment = CeleryDeployment(metadata_db_url="postgresql+psycopg2://postgres@db:5432/airflow",
                                  jwt_secret="s3cret", api_host="api", api_port=9090, broker_key_prefix="t1:")
    settings = celery_settings(deployment)
    assert settings["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert settings["AIRFLOW__CELERY__BROKER_URL"] == "redis://127.0.0.1:6379/0"
    assert settings["AIRFLOW__CELERY__RESULT_BACKEND"] == "db+postgresql://postgres@db:5432/airflow"
    assert settings["AIRFLOW__API_AUTH__JWT_SECRET"] == "s3cret"
    assert settings["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://api:9090/execution/"
    assert settings["AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__GLOBAL_KEYPREFIX"] == "t1:"
    assert set(server_commands(deployment)) == {"api-server", "scheduler", "dag-processor", "triggerer"}
    assert worker_command("worker-b")[-2:] == ["--celery-hostname", "worker-b"]
    with pytest.raises(ValueError, match="jwt_secret"):
        celery_settings(CeleryDeployment(metadata_db_url="postgresql://db/airflow"))


def test_workers_on_one_host_name_themselves(monkeypatch):
    environment = worker_environment("worker-a", 8795)
    assert environment["AIRFLOW__CORE__HOSTNAME_CALLABLE"] == "aidvet.airflow.scale_out.worker_hostname"
    monkeypatch.setenv("AIDVET_WORKER_HOSTNAME", environment["AIDVET_WORKER_HOSTNAME"])
    assert worker_hostname() == "worker-a"


@pytest.mark.parametrize("end", ["stop", "kill"])
def test_stopping_or_killing_ends_the_whole_process_group(tmp_path, end):
    stack = Deployment(environment=dict(os.environ), log_dir=tmp_path)
    try:
        process = stack.start("parent", PARENT_WITH_CHILD)
        _wait_for_line(tmp_path / "parent.log", "ready")
        if end == "stop":
            stack.stop(grace=5)
        else:
            stack.kill("parent")
        assert living_group_members(process.pid) == []  # no process of the group is left, the child included
        assert stack.leftovers() == {}
        assert stack.exited() == {"parent": process.returncode}
    finally:
        stack.stop(grace=1)


def _wait_for_line(path, text, seconds=30.0):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text():
            return
        time.sleep(0.1)
    raise AssertionError(f"{path}: no {text!r} within {seconds} s")
