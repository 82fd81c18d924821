"""Set-based writes: every value arrives as given (COPY's escapes on PostgreSQL), upserts replace."""

from datetime import datetime, timezone

from sqlalchemy import select

from aidvet.store import bulk
from aidvet.store.db import session_scope
from aidvet.store.models import Decision, Run, SourceFile

AWKWARD_TEXT = ["plain", "", "tab\there", "line\nbreak", "carriage\rreturn", "back\\slash", "\\N", "\\t literally",
                "vertical\x0btab", "form\x0cfeed", "line\u2028separator", "nonbreaking\u00a0space", "emoji \U0001F600",
                "Ω ü 中文", "=HYPERLINK(\"x\")"]


def test_text_json_null_and_time_values_arrive_exactly_as_given(store_url):
    decided_at = datetime(2026, 5, 1, 12, 30, 15, tzinfo=timezone.utc)
    with session_scope(store_url) as session:
        session.add(Run(run_id="r1", policy_hash="p"))
        session.flush()
        rows = [{"run_id": "r1", "disbursement_id": f"D{n:03d}", "outcome": "held", "reason": text,
                 "decided_by": "policy", "decided_at": decided_at, "policy_hash": None if n % 2 else "h",
                 "list_version_ids": [[], [1, 2], ["x\ty"], [text]][n % 4], "score": None if n % 3 else n / 7}
                for n, text in enumerate(AWKWARD_TEXT)]
        assert bulk.insert_rows(session, Decision, rows) == len(rows)
    with session_scope(store_url) as session:
        stored = session.execute(select(Decision.disbursement_id, Decision.reason, Decision.policy_hash,
                                        Decision.list_version_ids, Decision.score, Decision.decided_at)
                                 .order_by(Decision.disbursement_id)).all()
    assert [(d, r, p, v, s) for d, r, p, v, s, _at in stored] == [
        (row["disbursement_id"], row["reason"], row["policy_hash"], row["list_version_ids"], row["score"])
        for row in rows]
    assert {at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at for *_rest, at in stored} == {decided_at}


def _file(number: int, path: str, format: str) -> dict:
    return {"id": number, "sha256": str(number) * 64, "path": path, "format": format, "record_count": 0,
            "status": "ingested", "ingested_at": datetime(2026, 5, 1, tzinfo=timezone.utc)}


def test_upsert_replaces_a_stored_row_and_the_last_of_equal_keys_wins(store_url):
    with session_scope(store_url) as session:
        bulk.upsert(session, SourceFile, [_file(1, "first", "csv")])
    with session_scope(store_url) as session:
        written = bulk.upsert(session, SourceFile, [_file(1, "second\tpath", "csv"), _file(2, "other", "csv"),
                                                    _file(1, "third\\path", "x")])
        assert written == 2
    with session_scope(store_url) as session:
        assert session.execute(select(SourceFile.id, SourceFile.path, SourceFile.format)
                               .order_by(SourceFile.id)).all() == [(1, "third\\path", "x"), (2, "other", "csv")]
