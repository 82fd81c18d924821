"""The artifact root: where runs publish their files. A local folder, or any fsspec URL (s3://...).

Publication is atomic per run: files are written into a staging folder beside the run's folder
and moved into place at the end, replacing what an earlier attempt of the same run wrote.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import fsspec
from fsspec.implementations.local import LocalFileSystem


@dataclass(frozen=True)
class ArtifactRoot:
    url: str

    def run_uri(self, run_id: str) -> str:
        return f"{self.url.rstrip('/')}/runs/{run_id}"

    def stage(self, run_id: str) -> "Staging":
        return Staging(self, run_id)


class Staging:
    """Collect a run's output files, then `commit()` them into `runs/<run_id>/` in one move."""

    def __init__(self, root: ArtifactRoot, run_id: str):
        self.root, self.run_id = root, run_id
        self.fs, self.target = fsspec.core.url_to_fs(root.run_uri(run_id))
        self.staging = f"{self.target}.staging-{uuid.uuid4().hex[:8]}"
        self.fs.makedirs(self.staging, exist_ok=True)
        self.sha256: dict[str, str] = {}

    def write_bytes(self, name: str, data: bytes) -> None:
        path = f"{self.staging}/{name}"
        self.fs.makedirs(self.fs._parent(path), exist_ok=True)
        with self.fs.open(path, "wb") as handle:
            handle.write(data)
        self.sha256[name] = hashlib.sha256(data).hexdigest()

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
    fs.makedirs(fs._parent(path), exist_ok=True)
    with fs.open(path, "wb") as handle:
        handle.write(data)


def replace_folder(local: Path, uri: str) -> None:
    """Copy a local folder to `uri`, replacing what an earlier attempt put there."""
    fs, path = fsspec.core.url_to_fs(uri)
    if fs.exists(path):
        fs.rm(path, recursive=True)
    fs.makedirs(fs._parent(path), exist_ok=True)
    fs.put(str(local), path, recursive=True)
