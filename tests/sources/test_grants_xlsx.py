"""Grants export as XLSX: the CSV column contract, typed cells turned into the CSV's text."""

from __future__ import annotations

import datetime

import openpyxl
import pytest

from aidvet.errors import InputError
from aidvet.sources.grants_csv import DISBURSEMENT_COLUMNS, KEY_INDIVIDUAL_COLUMNS
from aidvet.sources.grants_xlsx import read_grants_xlsx

ROW = {
    "disbursement_id": "D-1", "award_id": "AW-1", "award_title": "Clean water", "prime_recipient_id": "PR-1",
    "prime_recipient_name": "Prime Org", "prime_recipient_country": "US", "payee_id": "S-1",
    "payee_name": "Campaa Global A.C.", "payee_type": "organization", "payee_role": "subrecipient",
    "payee_country": "MX", "amount": 1500, "currency": "USD", "disbursement_date": datetime.datetime(2024, 3, 1),
}


def _workbook(path, rows, columns=DISBURSEMENT_COLUMNS, title="disbursements", individuals=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(c) for c in columns] if isinstance(row, dict) else row)
    if individuals is not None:
        extra = workbook.create_sheet("key_individuals")
        extra.append(list(KEY_INDIVIDUAL_COLUMNS))
        for row in individuals:
            extra.append(row)
    workbook.save(path)
    return path


def test_rows_follow_the_csv_contract_and_name_sheet_and_row(tmp_path):
    path = _workbook(tmp_path / "g.xlsx", [ROW, [None], {**ROW, "disbursement_id": "D-2", "amount": 12.5}],
                     individuals=[["S-1", "Ana Pérez", datetime.date(1980, 5, 17), "passport", "G123", "MX"]])
    batch = read_grants_xlsx(path)
    first, second = batch.disbursements
    assert (first.disbursement_id, first.amount, first.date, first.payee_name, first.source_record) == (
        "D-1", "1500", "2024-03-01", "Campaa Global A.C.", "disbursements!row 2")
    assert (second.amount, second.source_record) == ("12.5", "disbursements!row 4")
    assert batch.awards[0].source_record == "disbursements!row 2"
    person = next(p for p in batch.parties if p.role == "key_individual")
    assert (person.name, person.date_of_birth, person.id_number, person.parent_key) == (
        "Ana Pérez", "1980-05-17", "G123", "grants:S-1")


def test_single_sheet_with_any_name_is_the_disbursement_sheet(tmp_path):
    batch = read_grants_xlsx(_workbook(tmp_path / "g.xlsx", [ROW], title="Sheet1"))
    assert batch.disbursements[0].source_record == "Sheet1!row 2"


def test_missing_column_is_an_input_error_naming_sheet_row(tmp_path):
    columns = [c for c in DISBURSEMENT_COLUMNS if c != "currency"]
    with pytest.raises(InputError, match="missing currency") as raised:
        read_grants_xlsx(_workbook(tmp_path / "g.xlsx", [ROW], columns=columns))
    assert raised.value.record == "disbursements!row 1"


def test_cells_beyond_the_header_reject_that_row_only(tmp_path):
    stray = [ROW.get(c) for c in DISBURSEMENT_COLUMNS] + ["stray"]
    batch = read_grants_xlsx(_workbook(tmp_path / "g.xlsx", [stray, {**ROW, "disbursement_id": "D-3"}]))
    assert [d.disbursement_id for d in batch.disbursements] == ["D-3"]
    assert batch.rejected == [("disbursements!row 2", f"values only under the {len(DISBURSEMENT_COLUMNS)} header columns")]


def test_not_a_workbook_is_an_input_error(write_file):
    with pytest.raises(InputError, match="an XLSX workbook"):
        read_grants_xlsx(write_file("g.xlsx", b"PK\x03\x04 not really a zip"))
    with pytest.raises(InputError, match="empty"):
        read_grants_xlsx(write_file("e.xlsx", b""))


def test_workbook_declaring_a_huge_unpacked_size_is_refused(tmp_path, monkeypatch):
    from aidvet.sources import grants_xlsx

    path = _workbook(tmp_path / "g.xlsx", [ROW])
    monkeypatch.setattr(grants_xlsx, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(InputError, match="unpacking to at most 1000 bytes"):
        read_grants_xlsx(path)
