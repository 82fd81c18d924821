"""Format detection from content, and load_source dispatching to the right reader."""

from __future__ import annotations

import openpyxl
import pytest
from iati_builders import iati_activity, iati_document, iati_transaction

from aidvet.errors import InputError
from aidvet.sources.detect import detect_format, load_source
from aidvet.sources.grants_csv import DISBURSEMENT_COLUMNS

GRANTS_ROW = "D-1,AW-1,Water,PR-1,Prime,US,S-1,Payee Org,organization,subrecipient,MX,10.00,USD,2024-01-01"


def _grants_csv(write_file, name="export.csv", columns=DISBURSEMENT_COLUMNS, row=GRANTS_ROW):
    return write_file(name, ",".join(columns) + "\n" + row + "\n")


def test_iati_xml_is_detected_even_with_a_misleading_name(write_file):
    path = write_file("data.csv", iati_document([iati_activity("A-1", [iati_transaction()])]))
    assert detect_format(path) == "iati"
    assert len(load_source(path).disbursements) == 1


def test_utf16_iati_is_detected(write_file):
    text = iati_document([iati_activity("A-1", [iati_transaction()])]).replace("UTF-8", "UTF-16")
    assert detect_format(write_file("u16.xml", text.encode("utf-16"))) == "iati"


def test_grants_csv_file_and_folder_are_detected(write_file, tmp_path):
    path = _grants_csv(write_file, "disbursements.csv")
    assert detect_format(path) == detect_format(tmp_path) == "grants-csv"
    assert load_source(tmp_path).disbursements[0].disbursement_id == "D-1"


def test_grants_csv_missing_a_column_is_detected_and_the_reader_names_it(write_file):
    columns = tuple(c for c in DISBURSEMENT_COLUMNS if c != "currency")
    path = _grants_csv(write_file, columns=columns, row=GRANTS_ROW.replace(",USD", ""))
    assert detect_format(path) == "grants-csv"
    with pytest.raises(InputError, match="missing currency"):
        load_source(path)


def test_grants_xlsx_is_detected(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(list(DISBURSEMENT_COLUMNS))
    workbook.active.append(GRANTS_ROW.split(","))
    workbook.save(tmp_path / "export.bin")
    assert detect_format(tmp_path / "export.bin") == "grants-xlsx"
    assert load_source(tmp_path / "export.bin").disbursements[0].payee_name == "Payee Org"


def test_usaspending_is_detected_from_its_header(shared_data, write_file):
    columns = (shared_data / "usaspending" / "subaward_d2_columns.txt").read_text().split()
    path = write_file("download.txt", ",".join(columns) + "\n")
    assert detect_format(path) == "usaspending-subawards"
    assert load_source(path).disbursements == []


@pytest.mark.parametrize("content, expected", [
    (b"", "empty"),
    (b"name,dob\nA,1990\n", "one of: IATI activity XML"),
    (b"<sdnList><sdnEntry/></sdnList>", "root is <iati-activities>"),
    (b"\x00\x01\x02binary", "one of: IATI activity XML"),
])
def test_unsupported_content_is_a_clear_input_error(write_file, content, expected):
    path = write_file("x.dat", content)
    with pytest.raises(InputError, match=expected) as raised:
        load_source(path)
    assert raised.value.file == str(path)


def test_forced_format_is_used_and_unknown_format_refused(write_file):
    path = _grants_csv(write_file)
    with pytest.raises(InputError, match="starting with '<'"):
        load_source(path, format="iati")
    with pytest.raises(InputError, match="a format among auto, iati"):
        load_source(path, format="pdf")
