"""What a run publishes about compliance: each held reason's category (for the report's counts) and
the vetting results of the run's payees (`vetting.csv`, and a summary in the manifest)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
from sqlalchemy.orm import Session

from aidvet.compliance.holds import BAD_OWNERSHIP, CONTROLLED, OWNED
from aidvet.compliance.vetting import REVETTING, vetting_table

CATEGORIES = ("screening unavailable", OWNED, CONTROLLED, BAD_OWNERSHIP, REVETTING)
VETTING_COLUMNS = ["party_key", "award_id", "result", "vetted_at", "expires_at", "run_id", "revet_reason"]
EXPIRING_DAYS = 90


def held_category(reason: str) -> str:
    """The first rule a held reason names; a name hit is a "possible match"."""
    text = str(reason or "")
    found = [(text.find(category), category) for category in CATEGORIES if category in text]
    return min(found)[1] if found else "possible match"


def vetting_outputs(session: Session, payee_keys, now: datetime | None = None) -> tuple[pd.DataFrame, dict]:
    """(vetting.csv table, manifest summary) for the run's payees."""
    now = now or datetime.now(timezone.utc)
    rows = vetting_table(session, {k for k in payee_keys if isinstance(k, str)})
    frame = pd.DataFrame(rows, columns=VETTING_COLUMNS).astype("object")
    soon = (now + timedelta(days=EXPIRING_DAYS)).isoformat(timespec="seconds")
    summary = {"results": len(rows),
               "revetting_due": sum(1 for r in rows if r["revet_reason"]),
               f"expiring_within_{EXPIRING_DAYS}_days": sum(1 for r in rows if not r["revet_reason"]
                                                            and r["expires_at"] <= soon)}
    return frame, summary
