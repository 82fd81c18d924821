"""Automatic decisions are sealed per batch by a Merkle root in the chained audit trail: verify
re-derives each root from the stored decisions and names what someone changed behind aidvet's back
(altered, deleted, swapped, added); prove gives an inclusion proof checkable by hand."""

import dataclasses
import hashlib
import json

import pytest
from sqlalchemy import text

from aidvet.audit import batches, chain, merkle
from aidvet.cli import main
from aidvet.config import settings
from aidvet.stages.decide import decide
from aidvet.store.db import session_scope
from aidvet.store.models import Disbursement, Run, RunItem, SourceFile

RUN = "batch-run"
IDS = [f"DSB-{n:03d}" for n in range(10)]  # with batch size 4: batches of 4, 4 and 2


@pytest.fixture
def decided(store_url, monkeypatch):
    with session_scope(store_url) as session:
        source = SourceFile(sha256="f" * 64, path="grants.csv", format="grants-csv")
        session.add_all([source, Run(run_id=RUN, list_version_ids=[1])])
        session.flush()
        chain.append(session, "run.started", run_id=RUN)  # as runs.start records it (verify cross-checks it)
        for n, disbursement_id in enumerate(IDS):
            session.add(Disbursement(disbursement_id=disbursement_id, amount="10", currency="USD",
                                     source_file_id=source.id, source_record=f"line {n + 2}"))
        session.flush()
        session.add_all(RunItem(run_id=RUN, disbursement_id=d, quality_failures=["amount not positive"] if n % 3 == 0
                                else []) for n, d in enumerate(IDS))
    current = dataclasses.replace(settings(), db_url=store_url)
    decide(current, RUN, batch_size=4)
    monkeypatch.setenv("AIDVET_DB_URL", store_url)
    return store_url


def _tamper(url, *statements):
    with session_scope(url) as session:
        for statement in statements:
            session.execute(text(statement))


def _problems(url):
    with session_scope(url) as session:
        result = batches.verify_runs(session)
    return result, " | ".join(str(p) for p in result.problems)


def test_an_honest_run_is_three_chained_batch_events_not_one_event_per_decision(decided):
    result, _ = _problems(decided)
    assert (result.ok, result.runs, result.batches, result.decisions) == (True, 1, 3, 10)
    with session_scope(decided) as session:
        assert chain.verify(session).ok
        events = batches.current_batches(session, RUN)
        assert [e.payload["size"] for e in events] == [4, 4, 2]
        assert [(e.payload["first"], e.payload["last"]) for e in events] == [(IDS[0], IDS[3]), (IDS[4], IDS[7]),
                                                                             (IDS[8], IDS[9])]


def test_altered_decision_is_named(decided):
    _tamper(decided, f"UPDATE decisions SET outcome = 'cleared', reason = 'ok' WHERE disbursement_id = '{IDS[3]}'")
    result, text_ = _problems(decided)
    assert not result.ok and len(result.problems) == 1 and result.problems[0].batch == 1
    assert f"decision for {IDS[3]} altered" in text_


def test_deleted_decision_is_named(decided):
    _tamper(decided, f"DELETE FROM decisions WHERE disbursement_id = '{IDS[5]}'")
    result, text_ = _problems(decided)
    assert [p.batch for p in result.problems] == [2] and f"decision for {IDS[5]} deleted" in text_


def test_swapped_decisions_are_named(decided):
    # swap which disbursement two stored decisions (one quarantined, one cleared) belong to
    _tamper(decided,
            f"UPDATE decisions SET disbursement_id = 'tmp' WHERE disbursement_id = '{IDS[0]}'",
            f"UPDATE decisions SET disbursement_id = '{IDS[0]}' WHERE disbursement_id = '{IDS[1]}'",
            f"UPDATE decisions SET disbursement_id = '{IDS[1]}' WHERE disbursement_id = 'tmp'")
    result, text_ = _problems(decided)
    assert [p.batch for p in result.problems] == [1]
    assert f"decision for {IDS[0]} altered" in text_ and f"decision for {IDS[1]} altered" in text_


def test_added_decisions_are_named(decided):
    insert = ("INSERT INTO decisions (run_id, disbursement_id, outcome, reason, decided_by, decided_at, "
              "list_version_ids) VALUES ('{run}', '{d}', 'cleared', 'forged', 'policy', '2026-01-01', '[1]')")
    _tamper(decided, insert.format(run=RUN, d=IDS[2]), insert.format(run=RUN, d="DSB-999"))
    result, text_ = _problems(decided)
    assert f"decision for {IDS[2]} added (2 decisions for one item)" in text_
    assert "decision for DSB-999 is in no recorded batch" in text_


def test_cli_verify_fails_and_names_the_decision(decided, capsys):
    assert main(["audit", "verify"]) == 0
    assert "10 automatic decisions match the Merkle roots of 3 batches" in capsys.readouterr().out
    _tamper(decided, f"UPDATE decisions SET score = 99.0 WHERE disbursement_id = '{IDS[8]}'")
    assert main(["audit", "verify"]) == 1
    assert f"decision for {IDS[8]} altered" in capsys.readouterr().out


def test_a_redecided_run_is_verified_against_its_newest_batches(decided):
    decide(dataclasses.replace(settings(), db_url=decided), RUN, batch_size=5)
    result, _ = _problems(decided)
    assert result.ok and result.batches == 2


def test_prove_prints_a_proof_checkable_by_hand(decided, capsys):
    assert main(["audit", "prove", RUN, IDS[6]]) == 0
    proof = json.loads(capsys.readouterr().out)
    assert (proof["index"], proof["size"], proof["valid"]) == (2, 4, True)
    # by hand, as docs/audit.md describes: hash the leaf, fold in the path, compare with the event's root
    node = hashlib.sha256(b"\x00" + proof["leaf"].encode("utf-8")).digest()
    assert node.hex() == proof["leaf_hash"]
    for sibling, side in zip(proof["path"], ("right", "left")):  # index 2 of 4: sibling right, then left
        pair = node + bytes.fromhex(sibling) if side == "right" else bytes.fromhex(sibling) + node
        node = hashlib.sha256(b"\x01" + pair).digest()
    assert node.hex() == proof["merkle_root"]
    with session_scope(decided) as session:
        from aidvet.store.models import AuditEvent
        event = session.get(AuditEvent, proof["event"]["seq"])
        assert event.payload["merkle_root"] == proof["merkle_root"] and event.hash == proof["event"]["hash"]
    assert json.loads(proof["leaf"])[:3] == [RUN, IDS[6], "quarantined"]


def test_prove_of_an_altered_decision_fails(decided, capsys):
    _tamper(decided, f"UPDATE decisions SET reason = 'edited' WHERE disbursement_id = '{IDS[6]}'")
    assert main(["audit", "prove", RUN, IDS[6]]) == 1
    assert "NOT lead to the recorded root" in capsys.readouterr().out


def test_leaf_encoding_is_stable():
    row = {"run_id": "r", "disbursement_id": "D1", "outcome": "held", "reason": "possible match: É",
           "decided_by": "policy", "policy_hash": "p", "list_version_ids": [1, 2], "score": 91.5}
    assert batches.leaf_bytes(row) == '["r","D1","held","possible match: É","policy","p",[1,2],91.5]'.encode()
    assert merkle.leaf_hash(batches.leaf_bytes(row)) == hashlib.sha256(b"\x00" + batches.leaf_bytes(row)).digest()


def _decisions(url):
    with session_scope(url) as session:
        rows = session.execute(text("SELECT disbursement_id, outcome, reason, score FROM decisions "
                                    "WHERE decided_by = 'policy' ORDER BY disbursement_id")).all()
        outcomes = session.execute(text(f"SELECT disbursement_id, outcome FROM run_items WHERE run_id = '{RUN}' "
                                        "ORDER BY disbursement_id")).all()
    return [tuple(r) for r in rows], [tuple(r) for r in outcomes]


def test_a_batch_that_fails_leaves_nothing_half_written_and_a_retry_gives_the_same_outputs(decided, monkeypatch):
    before = _decisions(decided)
    sealed = []
    real_record = batches.record

    def record_then_fail_on_the_second_batch(session, run_id, decide_seq, number, rows):
        event = real_record(session, run_id, decide_seq, number, rows)
        if number == 2:
            raise ConnectionError("database connection dropped mid-batch")
        sealed.append(number)
        return event

    monkeypatch.setattr(batches, "record", record_then_fail_on_the_second_batch)
    current = dataclasses.replace(settings(), db_url=decided)
    with pytest.raises(ConnectionError):
        decide(current, RUN, batch_size=4)
    decisions, _ = _decisions(decided)
    assert sealed == [1] and [d for d, *_ in decisions] == IDS[:4]  # batch 1 whole, nothing of batch 2
    result, _ = _problems(decided)
    assert (result.ok, result.batches, result.decisions) == (True, 1, 4)  # what was sealed is whole and consistent
    monkeypatch.setattr(batches, "record", real_record)
    decide(current, RUN, batch_size=4)
    assert _decisions(decided) == before
    assert _problems(decided)[0].ok
