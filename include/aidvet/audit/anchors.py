"""External anchors: the trail's head written outside the database after each run publishes.

The hash chain cannot show that its newest events were deleted (what is left still chains). So
after every publish the head (seq, hash, time, run) is appended as one JSON line to
`AIDVET_AUDIT_ANCHOR_FILE`, a file the operator keeps outside the database (another host, WORM
storage, a log shipper) and printed. `aidvet audit verify` then checks that every anchor in the
file is still in the trail with the same hash, and that the trail is not shorter than the newest
anchor.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aidvet.audit import chain
from aidvet.store.models import AuditEvent

FILE_VARIABLE = "AIDVET_AUDIT_ANCHOR_FILE"


def anchor_file() -> Path | None:
    value = os.environ.get(FILE_VARIABLE, "")
    return Path(value) if value else None


def write_anchor(session: Session, run_id: str, path: Path | None = None) -> dict | None:
    """Append the trail's head to the anchor file (if one is configured); return the anchor."""
    path = path or anchor_file()
    head = chain.head(session)
    if path is None or head is None:
        return None
    anchor = {**head, "at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "run_id": run_id}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:  # append-only: earlier lines are never rewritten
        out.write(json.dumps(anchor, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    return anchor


def describe(anchor: dict) -> str:
    return f"audit anchor: event {anchor['seq']} hash {anchor['hash']} at {anchor['at']}"


def read_anchors(path: Path) -> list[dict]:
    anchors = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            anchor = json.loads(line)
            int(anchor["seq"]), str(anchor["hash"])
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"{path}, line {number}: a JSON anchor with seq and hash, found {line[:80]!r}") from None
        anchors.append(anchor)
    return anchors


def anchor_problems(session: Session, path: Path | None = None) -> list[str]:
    """Anchors of the operator's file that the trail no longer holds, each named."""
    path = path or anchor_file()
    if path is None:
        return []
    if not path.is_file():
        return [f"anchor file {path} ({FILE_VARIABLE}) does not exist"]
    try:
        anchors = read_anchors(path)
    except ValueError as error:
        return [str(error)]
    problems = []
    newest = session.scalar(select(func.max(AuditEvent.seq))) or 0
    for anchor in anchors:
        if not chain.check_anchor(session, anchor):
            problems.append(f"anchor of run {anchor.get('run_id')} at {anchor.get('at')}: event {anchor['seq']} with "
                            f"hash {anchor['hash'][:16]}... is not in the trail (events deleted or rewritten; the "
                            f"trail ends at event {newest})")
    return problems
