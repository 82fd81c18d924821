"""The run's inputs exactly as screened — disbursements, the parties they reach, awards — kept in
the run folder (`snapshot/*.parquet`) so `aidvet replay` re-screens what this run saw, even after
later ingests changed the store's rows."""

from __future__ import annotations

import io
import json

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from aidvet.store.models import Award, Party

PARTY_COLUMNS = ["party_key", "name", "kind", "role", "country", "date_of_birth", "id_number", "id_type",
                 "nationality", "parent_key", "content_hash"]
AWARD_COLUMNS = ["award_id", "prime_party_key"]


def snapshot_tables(session: Session, disbursements: pd.DataFrame) -> dict[str, pd.DataFrame]:
    payee_keys = set(disbursements["payee_key"].dropna())
    award_ids = set(disbursements["award_id"].dropna())
    awards = session.execute(select(Award.award_id, Award.prime_party_key).where(Award.award_id.in_(award_ids))).all()
    prime_keys = {prime for _award, prime in awards if prime}
    parties = session.scalars(select(Party).where(or_(Party.party_key.in_(payee_keys | prime_keys),
                                                      Party.parent_key.in_(payee_keys)))).all()
    frame = disbursements.copy()
    frame["quality_failures"] = frame["quality_failures"].map(lambda failures: json.dumps(failures) if failures else "[]")
    return {
        "disbursements": frame,
        "parties": pd.DataFrame([{c: getattr(p, c) for c in PARTY_COLUMNS} for p in parties], columns=PARTY_COLUMNS),
        "awards": pd.DataFrame(awards, columns=AWARD_COLUMNS),
    }


def read_snapshot(data: bytes) -> pd.DataFrame:
    frame = pd.read_parquet(io.BytesIO(data)).astype(object)
    return frame.where(frame.notna(), None)
