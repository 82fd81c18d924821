"""The screening index, built once per set of list versions and kept where every process finds it.

A built `NameIndex` is written to `<folder>/<key>.index`. The key is the SHA-256 of the hashes of
the lists it was built from (in order) and of the engine's code version: the source of
`aidvet.screening` (and its name tables) and `aidvet.lists.model`, the versions of the libraries that prepare and
compare names, and the Python version. A new list version or a change to the engine's code gives
a new key, so a stale index is never read: it is rebuilt and written beside the old one. The
folder is a local path or an fsspec URL; the pipeline and `aidvet screen` use
`$AIDVET_ARTIFACT_ROOT/screening-index`.

A file is a one-line JSON header (format, key, list hashes, code version, SHA-256 and length of
the body) followed by the index in plain values (`NameIndex.state`) written by `marshal`, which
makes them several times faster than unpickling the index's objects (every parallel screening
worker loads it). A file whose header does not name the expected key, or whose body does not match
its SHA-256 (cut short, half written), is rebuilt, never used. The marshal format may change with
the Python version, which is part of the key. Entities are pickled inside it and unpickling runs
code, and neither marshal nor pickle guards against crafted input: the folder must be as trusted
as the code itself (it is the artifact root the pipeline publishes to).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sys
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import fsspec

from aidvet.errors import AidvetError
from aidvet.gc_pause import cycle_collection_pause
from aidvet.lists.model import Entity
from aidvet.screening.index import NameIndex

FORMAT = 2
SUFFIX = ".index"
KEEP_NEWEST = 8  # indexes kept in a folder (list sets in use at once: the pipeline's, CLI users')
# The libraries whose behaviour is baked into a built index (transliteration, edit distances,
# rigour's residue distance).
ENGINE_LIBRARIES = ("anyascii", "rapidfuzz", "rigour")


class IndexFileError(AidvetError):
    """A stored index file is unreadable, cut short, or was built for other lists or code."""


@cache
def folder_in(artifact_root: str) -> str:
    """The index folder of an artifact root."""
    return f"{artifact_root.rstrip('/')}/screening-index"


@cache
def engine_code_version() -> str:
    """SHA-256 of everything a built index depends on besides the lists."""
    import aidvet.lists.model
    import aidvet.screening

    return code_version_of([Path(aidvet.screening.__file__).parent, Path(aidvet.lists.model.__file__)])


def code_version_of(paths: Iterable[Path]) -> str:
    """SHA-256 of the Python sources and name tables at `paths` (files, or folders' `*.py` and
    `*.txt`), the engine libraries' versions, the Python version and the file format."""
    digest = hashlib.sha256(f"format {FORMAT}; python {sys.version_info[:2]}".encode())
    for library in ENGINE_LIBRARIES:
        digest.update(f"; {library} {metadata.version(library)}".encode())
    for path in paths:
        for source in sorted([*path.glob("*.py"), *path.glob("*.txt")]) if path.is_dir() else [path]:
            digest.update(f"\n{source.name}\n".encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()


def index_key(list_hashes: Sequence[str], code_version: str) -> str:
    text = json.dumps({"lists": list(list_hashes), "code": code_version, "format": FORMAT})
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class StoredIndex:
    index: NameIndex
    uri: str  # where it is stored: screening workers load it from here
    built: bool  # True when it was missing or stale and this call built it


class IndexStore:
    """Built indexes in one folder (local path or fsspec URL), one file per key."""

    def __init__(self, folder: str, code_version: str | None = None):
        self.folder = str(folder).rstrip("/")
        self.code_version = code_version or engine_code_version()

    def uri_for(self, list_hashes: Sequence[str]) -> str:
        return f"{self.folder}/{index_key(list_hashes, self.code_version)}{SUFFIX}"

    def get(self, list_hashes: Sequence[str], entities: Callable[[], Iterable[Entity]]) -> StoredIndex:
        """The index of these lists: loaded when stored and current, else built from
        `entities()` (called only then) and stored."""
        uri = self.uri_for(list_hashes)
        key = index_key(list_hashes, self.code_version)
        try:
            return StoredIndex(read_index(uri, key), uri, built=False)
        except (FileNotFoundError, IndexFileError):
            pass  # missing, cut short or half written: built below, replacing the file
        index = NameIndex(list(entities()))
        write_index(uri, index, {"key": key, "lists": list(list_hashes), "code_version": self.code_version})
        self.prune(keep=uri)
        return StoredIndex(index, uri, built=True)

    def prune(self, keep: str) -> None:
        """Remove all but the KEEP_NEWEST most recently written indexes (always keeping `keep`):
        indexes of earlier list versions or code are never read again."""
        fs, folder = fsspec.core.url_to_fs(self.folder)
        kept = fsspec.core.url_to_fs(keep)[1]
        files = [info for info in fs.ls(folder, detail=True) if info["name"].endswith(SUFFIX)]
        files.sort(key=_written_at, reverse=True)
        for info in files[KEEP_NEWEST:]:
            if info["name"] != kept:
                fs.rm(info["name"])


def _written_at(info: dict) -> float:
    moment = info.get("mtime") or info.get("LastModified") or info.get("created") or 0
    return moment.timestamp() if hasattr(moment, "timestamp") else float(moment)


def write_index(uri: str, index: NameIndex, header: dict) -> None:
    """Write `index` to `uri` atomically (a temporary file beside it, then a rename)."""
    body = marshal.dumps(index.state())
    head = {"format": FORMAT, **header, "sha256": hashlib.sha256(body).hexdigest(), "length": len(body)}
    fs, path = fsspec.core.url_to_fs(uri)
    fs.makedirs(fs._parent(path), exist_ok=True)
    temporary = f"{path}.tmp-{uuid.uuid4().hex[:8]}"
    with fs.open(temporary, "wb") as handle:
        handle.write(json.dumps(head).encode() + b"\n")
        handle.write(body)
    fs.mv(temporary, path)


def read_index(uri: str, expected_key: str | None = None) -> NameIndex:
    """The index stored at `uri`; FileNotFoundError when there is none, IndexFileError when the
    file is not a whole index for `expected_key`."""
    with fsspec.open(uri, "rb") as handle:
        data = handle.read()
    head_end = data.find(b"\n")
    head_line, body = data[:head_end], memoryview(data)[head_end + 1:]  # the body is not copied
    try:
        head = json.loads(head_line)
    except ValueError:
        raise IndexFileError(f"{uri}: expected a screening index header, found none") from None
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise IndexFileError(f"{uri}: expected screening index format {FORMAT}")
    if expected_key is not None and head.get("key") != expected_key:
        raise IndexFileError(f"{uri}: built for key {head.get('key')}, expected {expected_key}")
    if len(body) != head.get("length") or hashlib.sha256(body).hexdigest() != head.get("sha256"):
        raise IndexFileError(f"{uri}: index body does not match its header (cut short or changed)")
    with cycle_collection_pause():  # hundreds of thousands of small objects: collection passes slow the load
        return NameIndex.from_state(marshal.loads(body))
