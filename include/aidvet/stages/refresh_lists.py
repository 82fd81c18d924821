"""Refresh one designated-entity list source: fetch (HTTP or drop folder) -> parse -> validate
and guard -> store a version. The `refresh_watchlists` DAG maps this over the configured sources.

Fails closed: a download, parse or guard failure leaves the source's previous accepted version
in force (or none), and is recorded; a rejected version is never used by a vetting run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from aidvet.audit import chain
from aidvet.errors import InputError, ListRejected
from aidvet.lists import load_files
from aidvet.lists.failures import record_failure
from aidvet.lists.fetch import fetch_to_folder
from aidvet.lists.versions import store_version
from aidvet.store.db import session_scope
from aidvet.store.models import ListVersion


@dataclass
class RefreshResult:
    source: str
    status: str  # new | unchanged | rejected | failed
    version_id: int | None = None
    detail: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def refresh_source(source: str, *, db_url: str, urls: list[str], download_root: Path,
                   drop_folder: Path | None = None, accept_shrink: bool = False) -> RefreshResult:
    """Fetch `urls` (or take the files in `drop_folder`, when it holds any) and store a version."""
    try:
        files = _collect(source, urls, download_root, drop_folder)
    except InputError as error:
        return _record(db_url, RefreshResult(source, "failed", detail=str(error)))
    try:
        parsed = load_files(files)
    except InputError as error:  # recorded as a failed version row and a list.failed event
        with session_scope(db_url) as session:
            failed = record_failure(session, files, error, source=source)
        return RefreshResult(source, "failed", failed.id if failed else None, str(error))
    try:
        with session_scope(db_url) as session:
            known = session.scalar(select(ListVersion.id).where(ListVersion.source == parsed.source,
                                                                ListVersion.sha256 == parsed.sha256,
                                                                ListVersion.status == "accepted"))
            version = store_version(session, parsed, accept_shrink=accept_shrink)  # same bytes: confirmed current
        if known is not None:
            return RefreshResult(source, "unchanged", known, f"same bytes as accepted version {known}, confirmed current")
        return RefreshResult(source, "new", version.id, f"{len(parsed.entities)} entities")
    except ListRejected as error:  # store_version recorded the rejection and its audit event
        with session_scope(db_url) as session:
            rejected = session.scalar(select(ListVersion.id).where(ListVersion.source == parsed.source,
                                                                   ListVersion.sha256 == parsed.sha256))
        return RefreshResult(source, "rejected", rejected, str(error))


def _collect(source: str, urls: list[str], download_root: Path, drop_folder: Path | None) -> list[Path]:
    if drop_folder is not None and drop_folder.is_dir() and any(p.is_file() for p in drop_folder.iterdir()):
        return [drop_folder]
    if not urls:
        raise InputError(source, None, "download URLs (an Airflow connection or the defaults) or a drop folder with files")
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return fetch_to_folder(urls, download_root / source / stamp)


def _record(db_url: str, result: RefreshResult) -> RefreshResult:
    with session_scope(db_url) as session:
        chain.append(session, f"list.{result.status}", subject=result.source, payload=result.to_dict())
    return result
