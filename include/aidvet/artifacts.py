"""The artifact root: where runs publish their files. A local folder, or any fsspec URL (s3://...).

Publication is atomic per run: files are written into a staging folder beside the run's folder
and moved into place at the end, replacing what an earlier attempt of the same run wrote.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import fsspec
from fsspec.implementations.local import LocalFileSystem

from aidvet.errors import AidvetError

# one path segment, never "." or ".." (what `aidvet.runs.safe_run_id` produces)
_FOLDER_NAME = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,199}")


class ArtifactRootUnwritable(AidvetError):
    """The artifact root refused a write (read-only, no permission, full)."""


def checked_folder_name(name: str) -> str:
    """`name` if it is one safe path segment; a publish never writes outside its own folder."""
    if not _FOLDER_NAME.fullmatch(name or ""):
        raise AidvetError(f"{name!r} is not a safe run folder name (one segment of A-Z a-z 0-9 . _ ~ -, "
                          "not starting with '.'): make it with aidvet.runs.safe_run_id")
    return name


@dataclass(frozen=True)
class ArtifactRoot:
    url: str

    def run_uri(self, run_id: str) -> str:
        return f"{self.url.rstrip('/')}/runs/{checked_folder_name(run_id)}"

    def stage(self, run_id: str) -> "Staging":
        return Staging(self, run_id)


class Staging:
    """Collect a run's output files, then `commit()` them into `runs/<run_id>/` in one move."""

    def __init__(self, root: ArtifactRoot, run_id: str):
        self.root, self.run_id = root, run_id
        self.fs, self.target = fsspec.core.url_to_fs(root.run_uri(run_id))
        self.staging = f"{self.target}.staging-{uuid.uuid4().hex[:8]}"
        try:
            self._remove_leftovers()
            self.fs.makedirs(self.staging, exist_ok=True)
        except OSError as error:
            raise ArtifactRootUnwritable(f"artifact root {root.url} is not writable: cannot create {self.staging} "
                                         f"({error.strerror or error})") from None
        self.sha256: dict[str, str] = {}

    def _remove_leftovers(self) -> None:
        """Staging and replaced folders of this run that a killed publish left behind.
        (Two publishes of one run id never overlap: the run lock refuses the second run.)"""
        parent, name = self.fs._parent(self.target), self.target.rstrip("/").rsplit("/", 1)[-1]
        if not self.fs.exists(parent):
            return
        for path in self.fs.ls(parent, detail=False):
            leaf = path.rstrip("/").rsplit("/", 1)[-1]
            if re.fullmatch(re.escape(name) + r"\.(staging|old)-[0-9a-f]{8}", leaf):
                self.fs.rm(path, recursive=True)

    def write_bytes(self, name: str, data: bytes) -> None:
        with self.writer(name) as handle:
            handle.write(data)

    @contextmanager
    def writer(self, name: str):
        """A binary file of the staging folder written piece by piece (a big table need not be in
        memory at once); its sha256 is recorded once it is complete."""
        path = f"{self.staging}/{name}"
        try:
            self.fs.makedirs(self.fs._parent(path), exist_ok=True)
            with self.fs.open(path, "wb") as handle:
                sink = HashingWriter(handle)
                yield sink
        except OSError as error:
            raise ArtifactRootUnwritable(f"artifact root {self.root.url} is not writable: cannot write {path} "
                                         f"({error.strerror or error})") from None
        self.sha256[name] = sink.digest.hexdigest()

    def commit(self) -> str:
        if isinstance(self.fs, LocalFileSystem):
            _replace_local_folder(Path(self.staging), Path(self.target))
        else:  # object stores: each object put is atomic; replace the prefix object by object
            if self.fs.exists(self.target):
                self.fs.rm(self.target, recursive=True)
            self.fs.mv(self.staging, self.target, recursive=True)
        return self.root.run_uri(self.run_id)

    def abort(self) -> None:
        if self.fs.exists(self.staging):
            self.fs.rm(self.staging, recursive=True)


class HashingWriter:
    """A write-only binary file that hashes what passes through it (enough of a file for pyarrow)."""

    closed = False

    def __init__(self, handle):
        self.handle, self.digest, self.position = handle, hashlib.sha256(), 0

    def write(self, data) -> int:
        data = bytes(data)
        self.digest.update(data)
        self.handle.write(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        self.handle.flush()


def _replace_local_folder(staging: Path, target: Path) -> None:
    old = target.with_name(f"{target.name}.old-{uuid.uuid4().hex[:8]}")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def read_bytes(uri: str) -> bytes:
    with fsspec.open(uri, "rb") as handle:
        return handle.read()


def write_bytes(uri: str, data: bytes) -> None:
    """Write one file outside a run's atomic publication (e.g. a data-quality report)."""
    fs, path = fsspec.core.url_to_fs(uri)
    try:
        fs.makedirs(fs._parent(path), exist_ok=True)
        with fs.open(path, "wb") as handle:
            handle.write(data)
    except OSError as error:
        raise ArtifactRootUnwritable(f"cannot write {uri}: {error.strerror or error}") from None


def replace_folder(local: Path, uri: str) -> None:
    """Copy a local folder to `uri`, replacing what an earlier attempt put there."""
    fs, path = fsspec.core.url_to_fs(uri)
    try:
        if fs.exists(path):
            fs.rm(path, recursive=True)
        fs.makedirs(fs._parent(path), exist_ok=True)
        fs.put(str(local), path, recursive=True)
    except OSError as error:
        raise ArtifactRootUnwritable(f"cannot write {uri}: {error.strerror or error}") from None
