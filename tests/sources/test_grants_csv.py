import pytest

from aidvet.errors import InputError
from aidvet.sources import grants_csv

HEADER = ",".join(grants_csv.DISBURSEMENT_COLUMNS)
ROW = "D1,A1,Title,P1,Prime Org,US,S1,Fundación Oaxaca A.C.,organization,subrecipient,MX,100.00,MXN,2026-01-02"


def _write(tmp_path, text, name="disbursements.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_rows_with_their_line_numbers_and_keeps_values_as_given(tmp_path):
    _write(tmp_path, f"{HEADER}\n{ROW}\n{ROW.replace('D1', 'D2').replace('100.00', '-5')}\n")
    batch = grants_csv.load(tmp_path)
    assert [(d.disbursement_id, d.amount, d.source_record) for d in batch.disbursements] == [
        ("D1", "100.00", "line 2"), ("D2", "-5", "line 3")]
    assert {p.role for p in batch.parties} == {"prime", "subrecipient"}


def test_a_bom_is_accepted(tmp_path):
    _write(tmp_path, f"\ufeff{HEADER}\n{ROW}\n")
    assert len(grants_csv.load(tmp_path).disbursements) == 1


def test_a_row_without_an_id_gets_one_naming_its_line(tmp_path):
    _write(tmp_path, f"{HEADER}\n{ROW.replace('D1', '', 1)}\n")
    assert grants_csv.load(tmp_path).disbursements[0].disbursement_id == "disbursements.csv:line 2"


@pytest.mark.parametrize("text, expected", [
    ("", "the file is empty"),
    (HEADER.replace(",currency", "") + "\n", "missing currency"),
    (HEADER + ",extra\n", "unexpected extra"),
    (f"{HEADER}\n{ROW},surplus\n", "line 2"),
    (f"{HEADER}\nD1,A1\n", "line 2"),
])
def test_bad_files_get_a_clear_error_naming_file_and_record(tmp_path, text, expected):
    _write(tmp_path, text)
    with pytest.raises(InputError, match=expected) as error:
        grants_csv.load(tmp_path)
    assert "disbursements.csv" in str(error.value)


def test_wrong_encoding_names_the_line(tmp_path):
    _write(tmp_path, f"{HEADER}\n{ROW}\n{ROW}\n", encoding="latin-1")
    with pytest.raises(InputError, match="line 2: UTF-8"):
        grants_csv.load(tmp_path)


def test_key_individuals_are_parties_of_their_payee(tmp_path):
    _write(tmp_path, f"{HEADER}\n{ROW}\n")
    _write(tmp_path, ",".join(grants_csv.KEY_INDIVIDUAL_COLUMNS) + "\nS1,Ana López,1970-01-01,Pasaporte,P123,MX\n",
           name="key_individuals.csv")
    person = [p for p in grants_csv.load(tmp_path).parties if p.role == "key_individual"][0]
    assert (person.kind, person.parent_key, person.id_number) == ("person", "grants:S1", "P123")


def test_a_file_is_read_in_pieces_a_character_across_a_piece_boundary_is_text_a_bad_byte_past_it_is_named(tmp_path):
    head, row, piece = f"{HEADER}\n".encode(), f"{ROW}\n".encode(), 1 << 20
    rows = piece // len(row) + 2
    text = head + row * rows
    pad = piece - 1 - text.rindex("ó".encode(), 0, piece - 1)  # move an "ó" to straddle the first piece's end
    text = text.replace(b",Title,", b",Title" + b"x" * pad + b",", 1)
    path = tmp_path / "disbursements.csv"
    path.write_bytes(text)
    assert text[piece - 1:piece + 1] == "ó".encode()
    assert len(grants_csv.load(tmp_path).disbursements) == rows
    path.write_bytes(text + ROW.replace("ó", "\xf3").encode("latin-1") + b"\n")
    with pytest.raises(InputError, match=f"line {rows + 2}: UTF-8"):
        grants_csv.load(tmp_path)
