"""resolve_duplicates: identical copies count once, differing copies are all quarantined stand-ins."""

from aidvet.sources.duplicates import resolve_duplicates
from aidvet.sources.model import Disbursement, SourceBatch


def _batch(sha: str, *rows: tuple[str, str, str]) -> SourceBatch:
    batch = SourceBatch(source_file=f"/in/{sha}.csv", sha256=sha * 64)
    batch.disbursements = [Disbursement(d_id, "AW", "grants:P", payee, amount, "USD", "2026-10-01", "KE",
                                        batch.source_file, f"line {n + 2}") for n, (d_id, payee, amount) in enumerate(rows)]
    return batch


def test_identical_copies_in_one_file_and_across_files_count_once():
    a, b = _batch("a", ("D1", "X", "1"), ("D1", "X", "1")), _batch("b", ("D1", "X", "1"), ("D2", "Y", "2"))
    report = resolve_duplicates([("grants-csv", a), ("grants-csv", b)])
    assert [d.disbursement_id for d in a.disbursements + b.disbursements] == ["D1", "D2"]
    assert report.identical == {0: 1, 1: 1} and report.conflicting == {} and report.reasons == {}


def test_differing_copies_all_become_stand_ins_whose_reason_names_every_copy():
    a, b, c = _batch("a", ("D1", "X", "1")), _batch("b", ("D1", "X", "2")), _batch("c", ("D1", "Z", "1"), ("D3", "Q", "3"))
    report = resolve_duplicates([("grants-csv", a), ("iati", b), ("grants-csv", c)])
    ids = [d.disbursement_id for d in a.disbursements + b.disbursements + c.disbursements]
    assert ids == ["D1@" + "a" * 12 + ":line 2", "D1@" + "b" * 12 + ":line 2", "D1@" + "c" * 12 + ":line 2", "D3"]
    assert report.conflicting == {0: 1, 1: 1, 2: 1}
    reason = report.reasons[ids[0]]
    assert reason.startswith("disbursement id 'D1' not unique: 3 differing copies")
    assert all(f"/in/{x}.csv line 2" in reason for x in "abc") and "(iati)" in reason
    assert [d.amount for d in a.disbursements + b.disbursements] == ["1", "2"]  # values kept as given


def test_batches_without_repeated_ids_are_left_as_they_are():
    a, b = _batch("a", ("D1", "X", "1"), ("D2", "Y", "2")), _batch("b", ("D3", "X", "1"))
    rows_a, rows_b = a.disbursements, b.disbursements
    report = resolve_duplicates([("grants-csv", a), ("grants-csv", b)])
    assert a.disbursements is rows_a and b.disbursements is rows_b
    assert report.identical == {} and report.conflicting == {} and report.reasons == {}


def test_reasons_follow_the_order_ids_are_first_met_and_untouched_rows_keep_their_place():
    a = _batch("a", ("D9", "X", "1"), ("D5", "Y", "2"), ("D9", "X", "1"), ("D1", "Z", "3"), ("D5", "Y", "4"))
    report = resolve_duplicates([("grants-csv", a)])
    assert [d.disbursement_id for d in a.disbursements] == ["D9", "D5@" + "a" * 12 + ":line 3", "D1",
                                                            "D5@" + "a" * 12 + ":line 6"]
    assert report.identical == {0: 1} and report.conflicting == {0: 2}
