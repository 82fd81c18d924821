"""One process at a time per run id: a PostgreSQL advisory lock, or a file lock beside a SQLite store.

`run_lock` is re-entrant inside one process (the in-process pipeline holds it for the whole run
and extract takes it again), and refuses at once, with RunConflict, while another process holds it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from aidvet.errors import AidvetError
from aidvet.store.db import engine_for

_held: dict[tuple[str, str], int] = {}
_guard = threading.Lock()


class RunConflict(AidvetError):
    """Another process is running the same run id right now."""


@contextmanager
def run_lock(db_url: str, run_id: str) -> Iterator[None]:
    key = (db_url, run_id)
    with _guard:
        if key in _held:
            _held[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
        return
    with _acquire(db_url, run_id):
        with _guard:
            _held[key] = 1
        try:
            yield
        finally:
            with _guard:
                del _held[key]


def _conflict(run_id: str) -> RunConflict:
    return RunConflict(f"run {run_id} is being run by another process right now; wait for it to finish "
                       "(or fail) and run it again")


@contextmanager
def _acquire(db_url: str, run_id: str) -> Iterator[None]:
    url = make_url(db_url)
    if url.get_backend_name() == "postgresql":
        with _pg_lock(db_url, run_id):
            yield
    elif url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        with _file_lock(Path(url.database), run_id):
            yield
    else:
        yield


@contextmanager
def _pg_lock(db_url: str, run_id: str) -> Iterator[None]:
    key = int.from_bytes(hashlib.sha256(f"aidvet-run:{run_id}".encode()).digest()[:8], "big", signed=True)
    with engine_for(db_url).connect() as connection:
        if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
            connection.rollback()
            raise _conflict(run_id)
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()


@contextmanager
def _file_lock(database: Path, run_id: str) -> Iterator[None]:
    folder = database.parent / f"{database.name}.run-locks"
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(run_id.encode()).hexdigest()[:32]
    descriptor = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _conflict(run_id) from None
        yield
    finally:
        os.close(descriptor)
