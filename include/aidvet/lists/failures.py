"""Record list files that could not be parsed: a list version row with status "failed" and the
reason, and a `list.failed` audit event naming the files, so a failed load is on record like a
rejected one (it is never used: only accepted versions are)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.audit import chain
from aidvet.errors import InputError
from aidvet.lists.formats.ofac_csv import ROLE_FILE_NAMES
from aidvet.lists.parse import combined_sha256
from aidvet.store.models import ListVersion

FAILED = "failed"
UNKNOWN_SOURCE = "unknown"


def record_failure(session: Session, paths: list[str | Path], error: Exception, *,
                   source: str | None = None) -> ListVersion | None:
    """Record that the list files at `paths` failed to parse; returns the failed version row, or
    None when not one file could be read (then only the audit event is written)."""
    files = file_digests(paths)
    reason = str(error)
    failed_file = error.file if isinstance(error, InputError) else None
    payload = {"source": source, "file": failed_file, "files": [list(pair) for pair in files], "reason": reason}
    if not files:
        chain.append(session, "list.failed", subject=source or "list files", payload=payload)
        return None
    source = source or guess_source(files)
    digest = combined_sha256(sha for _path, sha in files)
    version = session.scalars(select(ListVersion).where(ListVersion.source == source,
                                                        ListVersion.sha256 == digest)).first()
    if version is None:
        version = ListVersion(source=source, sha256=digest, counts={}, warnings=[])
        session.add(version)
    version.files, version.status, version.reason = [list(pair) for pair in files], FAILED, reason
    version.retrieved_at = datetime.now(timezone.utc)
    session.flush()
    chain.append(session, "list.failed", subject=f"list version {version.id}", payload={**payload, "source": source})
    return version


def file_digests(paths: list[str | Path]) -> list[tuple[str, str]]:
    """(path, sha256) of every readable file at `paths` (a folder gives its visible files)."""
    found = []
    for path in map(Path, paths):
        children = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")) \
            if path.is_dir() else [path]
        for child in children:
            try:
                found.append((str(child), hashlib.sha256(child.read_bytes()).hexdigest()))
            except OSError:
                continue  # a path that is not there is named in the reason already
    return found


def guess_source(files: list[tuple[str, str]]) -> str:
    """The source OFAC's own file names say, else "unknown"."""
    sources = {ROLE_FILE_NAMES[Path(path).name.lower()][0] for path, _sha in files
               if Path(path).name.lower() in ROLE_FILE_NAMES}
    return sources.pop() if len(sources) == 1 else UNKNOWN_SOURCE
