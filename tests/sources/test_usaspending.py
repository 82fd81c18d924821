"""USAspending subaward downloads, built from the real d2/d1 column header files."""

from __future__ import annotations

import csv
import io

import pytest

from aidvet.errors import InputError
from aidvet.sources.usaspending import read_usaspending_subawards


def _columns(shared_data, layout="d2"):
    return (shared_data / "usaspending" / f"subaward_{layout}_columns.txt").read_text().split()


def _row(**overrides):
    row = {
        "prime_award_unique_key": "ASST_NON_72052320CA00001_7200",
        "prime_award_fain": "72052320CA00001",
        "prime_awardee_uei": "PRIMEUEI0001",
        "prime_awardee_name": "Prime Partner Inc.",
        "prime_awardee_country_code": "USA",
        "prime_award_base_transaction_description": "Youth violence prevention",
        "subaward_sam_report_id": "9001",
        "subaward_number": "SUB-1",
        "subaward_amount": "25000.00",
        "subaward_action_date": "2024-05-01",
        "subawardee_uei": "SUBUEI000001",
        "subawardee_name": "Fundación Juventud Segura A.C.",
        "subawardee_country_code": "MEX",
        "subawardee_highly_compensated_officer_1_name": "María López",
    }
    row.update(overrides)
    return row


def _csv(columns, rows, rename=None):
    header = [rename.get(c, c) for c in columns] if rename else columns
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def test_d2_rows_become_subaward_disbursements(shared_data, write_file):
    columns = _columns(shared_data)
    path = write_file("subawards.csv", _csv(columns, [_row(), _row(subaward_number="SUB-2", subawardee_uei="", subawardee_name="Otra Org")]))
    batch = read_usaspending_subawards(path)
    first, second = batch.disbursements
    assert first.disbursement_id == "ASST_NON_72052320CA00001_7200/SUB-1/9001"
    assert (first.payee_name, first.amount, first.currency, first.date, first.country) == (
        "Fundación Juventud Segura A.C.", "25000.00", "USD", "2024-05-01", "MX")
    assert (first.source_file, first.source_record, second.source_record) == (str(path), "line 2", "line 3")
    assert first.payee_key == "usaspending:uei:SUBUEI000001"
    assert second.payee_key.startswith("usaspending:name:")
    (award,) = batch.awards
    assert (award.award_id, award.prime_recipient, award.country) == (
        "ASST_NON_72052320CA00001_7200", "usaspending:uei:PRIMEUEI0001", "US")
    roles = {(p.role, p.name) for p in batch.parties}
    assert {("prime", "Prime Partner Inc."), ("subrecipient", "Fundación Juventud Segura A.C."),
            ("key_individual", "María López")} <= roles
    officer = next(p for p in batch.parties if p.role == "key_individual")
    assert (officer.kind, officer.parent_key) == ("person", "usaspending:uei:SUBUEI000001")


def test_old_fsrs_column_names_are_accepted(shared_data, write_file):
    columns = _columns(shared_data)
    rename = {c: c.replace("subaward_sam_report_", "subaward_fsrs_report_") for c in columns}
    assert any("fsrs" in name for name in rename.values())
    batch = read_usaspending_subawards(write_file("old.csv", _csv(columns, [_row()], rename)))
    assert batch.disbursements[0].disbursement_id.endswith("/9001")


def test_d1_contract_layout_and_reordered_columns_are_read(shared_data, write_file):
    columns = list(reversed(_columns(shared_data, "d1")))
    batch = read_usaspending_subawards(write_file("d1.csv", _csv(columns, [_row()])))
    assert len(batch.disbursements) == 1


def test_missing_required_column_is_an_input_error(shared_data, write_file):
    columns = [c for c in _columns(shared_data) if c != "subaward_amount"]
    path = write_file("s.csv", _csv(columns, [_row()]))
    with pytest.raises(InputError, match="missing columns: subaward_amount") as raised:
        read_usaspending_subawards(path)
    assert raised.value.record == "line 1"


def test_both_fsrs_and_sam_columns_is_ambiguous(shared_data, write_file):
    columns = _columns(shared_data) + ["subaward_fsrs_report_id"]
    with pytest.raises(InputError, match="repeated"):
        read_usaspending_subawards(write_file("s.csv", _csv(columns, [_row()])))


def test_row_with_wrong_field_count_is_rejected_with_its_line_and_others_go_on(shared_data, write_file):
    columns = _columns(shared_data)
    text = _csv(columns, [_row(), _row(subaward_number="SUB-3")])
    lines = text.splitlines()
    text = "\n".join([lines[0], lines[1] + ",extra", lines[2]]) + "\n"
    batch = read_usaspending_subawards(write_file("s.csv", text))
    assert [d.source_record for d in batch.disbursements] == ["line 3"]
    assert batch.rejected == [("line 2", f"{len(columns)} fields per row (found {len(columns) + 1})")]


def test_quoted_newline_keeps_line_numbers_of_records(shared_data, write_file):
    columns = _columns(shared_data)
    text = _csv(columns, [_row(prime_award_base_transaction_description="two\nlines"), _row(subaward_number="SUB-9")])
    batch = read_usaspending_subawards(write_file("s.csv", text))
    assert [d.source_record for d in batch.disbursements] == ["line 2", "line 4"]


def test_bom_is_accepted_and_bad_bytes_named_by_line(shared_data, write_file):
    columns = _columns(shared_data)
    text = _csv(columns, [_row(), _row(subaward_number="SUB-2")])
    assert len(read_usaspending_subawards(write_file("bom.csv", b"\xef\xbb\xbf" + text.encode())).disbursements) == 2
    with pytest.raises(InputError, match="not UTF-8") as raised:
        read_usaspending_subawards(write_file("l1.csv", text.encode("latin-1")))
    assert raised.value.record == "line 2"


def test_unterminated_quote_rejects_the_file(shared_data, write_file):
    text = _csv(_columns(shared_data), [_row()]) + '"unterminated,\n'
    with pytest.raises(InputError, match="well-formed CSV"):
        read_usaspending_subawards(write_file("s.csv", text))


def test_values_kept_as_given(shared_data, write_file):
    row = _row(subaward_amount="-5", subawardee_name="nan", subawardee_country_code="ZZZ")
    (d,) = read_usaspending_subawards(write_file("s.csv", _csv(_columns(shared_data), [row]))).disbursements
    assert (d.amount, d.payee_name, d.country) == ("-5", "nan", "ZZZ")
