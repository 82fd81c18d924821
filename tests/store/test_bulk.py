"""Set-based writes: every value arrives as given (COPY's escapes on PostgreSQL), upserts replace."""

from datetime import datetime, timezone

from sqlalchemy import select

from aidvet.store import bulk
from aidvet.store.db import session_scope
from aidvet.store.models import Decision, Disbursement, Run, RunItem, SourceFile

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


def test_update_rows_sets_the_given_columns_of_stored_rows_by_key_and_nothing_else(store_url):
    with session_scope(store_url) as session:
        session.add(Run(run_id="r1", policy_hash="p"))
        bulk.upsert(session, SourceFile, [_file(1, "f", "csv")])
        session.flush()
        bulk.insert_rows(session, Disbursement, [{"disbursement_id": f"D{n}", "source_file_id": 1,
                                                  "source_record": f"line {n}"} for n in range(3)])
        bulk.insert_rows(session, RunItem, [{"run_id": "r1", "disbursement_id": f"D{n}", "quality_failures": [f"q{n}"],
                                             "outcome": None, "reason": None, "best_score": None} for n in range(3)])
    with session_scope(store_url) as session:
        assert bulk.update_rows(session, RunItem, [
            {"run_id": "r1", "disbursement_id": "D2", "outcome": "held", "reason": "tab\there \\N", "best_score": 91.5},
            {"run_id": "r1", "disbursement_id": "D0", "outcome": "cleared", "reason": None, "best_score": None},
            {"run_id": "r1", "disbursement_id": "D9", "outcome": "held", "reason": "not stored", "best_score": 1.0}]) == 3
    with session_scope(store_url) as session:
        assert session.execute(select(RunItem.disbursement_id, RunItem.quality_failures, RunItem.outcome,
                                      RunItem.reason, RunItem.best_score).order_by(RunItem.disbursement_id)).all() == [
            ("D0", ["q0"], "cleared", None, None), ("D1", ["q1"], None, None, None),
            ("D2", ["q2"], "held", "tab\there \\N", 91.5)]
