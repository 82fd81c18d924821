"""The scale-out deployment: Airflow's CeleryExecutor with a PostgreSQL metadata DB and a Redis broker.

`celery_settings` is the exact configuration every Airflow process of such a deployment shares (as
AIRFLOW__SECTION__KEY environment variables, the form the README documents); `Deployment` starts the
processes on one machine (api-server, scheduler, dag-processor, triggerer, N Celery workers), each in
its own process group, and stops all of them. Nothing here imports Airflow: the processes do.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# `[core] hostname_callable` for several workers on one host: each names itself by this variable, so the
# task instances record which worker ran them (on separate machines the default FQDN already differs).
WORKER_HOSTNAME_VARIABLE = "AIDVET_WORKER_HOSTNAME"


def worker_hostname() -> str:
    return os.environ.get(WORKER_HOSTNAME_VARIABLE) or socket.getfqdn()


@dataclass(frozen=True)
class CeleryDeployment:
    """What differs between deployments; everything else in `celery_settings` is fixed."""

    metadata_db_url: str  # SQLAlchemy URL of Airflow's metadata DB (PostgreSQL)
    broker_url: str = "redis://127.0.0.1:6379/0"
    jwt_secret: str = ""  # the same random secret in every process: the API server checks the workers' tokens
    api_host: str = "127.0.0.1"
    api_port: int = 8080
    worker_concurrency: int = 2
    broker_key_prefix: str = ""  # optional Redis key prefix, so several deployments can share one Redis db
    extra: Mapping[str, str] = field(default_factory=dict)  # further AIRFLOW__... settings

    @property
    def api_url(self) -> str:
        return f"http://{self.api_host}:{self.api_port}"


def celery_settings(deployment: CeleryDeployment) -> dict[str, str]:
    """The environment every Airflow process of the deployment gets (workers on other machines too)."""
    if not deployment.jwt_secret:
        raise ValueError("CeleryDeployment.jwt_secret: a shared random secret (e.g. `openssl rand -hex 32`)")
    settings = {
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": deployment.metadata_db_url,
        "AIRFLOW__CELERY__BROKER_URL": deployment.broker_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + deployment.metadata_db_url.replace("+psycopg2", ""),
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(deployment.worker_concurrency),
        "AIRFLOW__API_AUTH__JWT_SECRET": deployment.jwt_secret,
        "AIRFLOW__API__BASE_URL": deployment.api_url,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{deployment.api_url}/execution/",
    }
    if deployment.broker_key_prefix:
        settings["AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__GLOBAL_KEYPREFIX"] = deployment.broker_key_prefix
    return settings | dict(deployment.extra)


def server_commands(deployment: CeleryDeployment) -> dict[str, list[str]]:
    """The processes besides the workers, by name: each runs once per deployment."""
    return {"api-server": ["airflow", "api-server", "--host", deployment.api_host, "--port", str(deployment.api_port)],
            "scheduler": ["airflow", "scheduler"],
            "dag-processor": ["airflow", "dag-processor"],
            "triggerer": ["airflow", "triggerer"]}


def worker_command(hostname: str) -> list[str]:
    """One Celery worker; its --celery-hostname must be unique in the deployment."""
    return ["airflow", "celery", "worker", "--celery-hostname", hostname]


def worker_environment(hostname: str, log_server_port: int) -> dict[str, str]:
    """What a worker sharing its host with another needs besides `celery_settings`: its own name in
    task instances and its own log-server port."""
    return {"AIRFLOW__CORE__HOSTNAME_CALLABLE": f"{__name__}.worker_hostname", WORKER_HOSTNAME_VARIABLE: hostname,
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(log_server_port)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Deployment:
    """Airflow processes on this machine, each in its own session (process group), logs in `log_dir`.

    `stop()` ends every process group it started (SIGTERM, then SIGKILL after `grace` seconds); use it as
    a context manager so a failure anywhere still stops everything."""

    environment: Mapping[str, str]
    log_dir: Path
    bin_dir: Path | None = None  # where the `airflow` executable is; default: from PATH
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, argv: list[str], extra_env: Mapping[str, str] | None = None) -> subprocess.Popen:
        if name in self.processes:
            raise ValueError(f"process {name!r} is already started")
        if self.bin_dir is not None:
            argv = [str(self.bin_dir / argv[0]), *argv[1:]]
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{name}.log", "ab") as log:
            process = subprocess.Popen(argv, env={**self.environment, **(extra_env or {})}, stdout=log,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.processes[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL a process and everything it started (a worker's pool children and task processes),
        as a machine failure would."""
        process = self.processes[name]
        _signal_group(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self, grace: float = 15.0, names: Iterable[str] | None = None) -> None:
        chosen = [self.processes[name] for name in (names or list(self.processes))]
        for process in chosen:
            _signal_group(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in chosen:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(process.pid, signal.SIGKILL)  # children a clean exit left behind, too
            process.wait(timeout=30)

    def exited(self) -> dict[str, int]:
        """Processes that have ended, with their exit codes."""
        return {name: process.returncode for name, process in self.processes.items() if process.poll() is not None}

    def leftovers(self) -> dict[str, list[int]]:
        """Processes still running in each started process group (children included), by name."""
        return {name: members for name, process in self.processes.items()
                if (members := living_group_members(process.pid))}

    def log_tail(self, name: str, chars: int = 3000) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def __enter__(self) -> Deployment:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def living_group_members(group: int) -> list[int]:
    """Pids of a process group's members that are not zombies (Linux /proc; a zombie runs nothing)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _parent, group_id = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(group_id) == group and state != "Z":
            members.append(int(stat.parent.name))
    return members


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)  # start_new_session: the group id is the leader's pid
    except ProcessLookupError:
        pass
