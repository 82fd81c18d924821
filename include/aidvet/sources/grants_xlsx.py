"""Grants-management export as an XLSX workbook, under the CSV export's column contract.

The workbook holds a sheet `disbursements` (a workbook with a single sheet may name it anything)
and optionally a sheet `key_individuals`; their first rows are headers with exactly the columns
of `aidvet.sources.grants_csv` (any order). Cells are turned into the text a CSV export would hold:
dates as YYYY-MM-DD, whole numbers without a decimal point. A record's `source_record` names
sheet and row, e.g. `disbursements!row 7`. Workbook XML is parsed by openpyxl, which uses
defusedxml when it is installed (it is a pinned dependency).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from aidvet.errors import InputError
from aidvet.sources import grants_csv
from aidvet.sources.files import read_input, sha256_hex
from aidvet.sources.model import Award, Party, SourceBatch

FORMAT = "grants-xlsx"
MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # a grants export is far smaller; more is a decompression bomb
DISBURSEMENT_SHEET, KEY_INDIVIDUAL_SHEET = "disbursements", "key_individuals"


def read_grants_xlsx(path: str | Path) -> SourceBatch:
    file = str(path)
    data = read_input(path)
    batch = SourceBatch(source_file=file, sha256=sha256_hex(data))
    workbook = _open(data, file)
    try:
        sheets = _sheets(workbook, file)
        parties: dict[str, Party] = {}
        awards: dict[str, Award] = {}
        for number, row in _rows(sheets[DISBURSEMENT_SHEET], grants_csv.DISBURSEMENT_COLUMNS, file, batch):
            record = f"{sheets[DISBURSEMENT_SHEET].title}!row {number}"
            grants_csv.add_row(batch, parties, awards, Path(file), number, row)
            _name_record(batch, awards, row, record)
        if KEY_INDIVIDUAL_SHEET in sheets:
            for number, row in _rows(sheets[KEY_INDIVIDUAL_SHEET], grants_csv.KEY_INDIVIDUAL_COLUMNS, file, batch):
                party = grants_csv.key_individual(row, number)
                parties.setdefault(party.party_key, party)
    finally:
        workbook.close()
    batch.parties, batch.awards = list(parties.values()), list(awards.values())
    return batch


def looks_like_xlsx(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def _open(data: bytes, file: str):
    """From the bytes already read (and hashed), whatever the file's name ends with."""
    try:
        unpacked = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise InputError(file, None, f"an XLSX workbook unpacking to at most {MAX_UNPACKED_BYTES} bytes "
                                         f"(declares {unpacked})")
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise InputError(file, None, f"an XLSX workbook ({type(error).__name__}: {error})") from None


def _sheets(workbook, file: str) -> dict:
    by_name = {sheet.title.strip().lower(): sheet for sheet in workbook.worksheets}
    sheets = {name: by_name[name] for name in (DISBURSEMENT_SHEET, KEY_INDIVIDUAL_SHEET) if name in by_name}
    if DISBURSEMENT_SHEET not in sheets:
        if len(workbook.worksheets) != 1:
            raise InputError(file, None, f"a sheet named '{DISBURSEMENT_SHEET}' (found {', '.join(workbook.sheetnames)})")
        sheets[DISBURSEMENT_SHEET] = workbook.worksheets[0]
    return sheets


def _rows(sheet, columns: tuple[str, ...], file: str, batch: SourceBatch) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, values) of each non-empty row; a row with cells outside the header is rejected."""
    rows = sheet.iter_rows(values_only=True)
    header = [cell_text(cell) for cell in next(rows, ())]
    while header and header[-1] == "":
        header.pop()
    _check_header(header, columns, file, sheet.title)
    for number, cells in enumerate(rows, start=2):
        values = [cell_text(cell) for cell in cells]
        if not any(values):
            continue
        if any(values[len(header):]):
            batch.rejected.append((f"{sheet.title}!row {number}", f"values only under the {len(header)} header columns"))
            continue
        values += [""] * (len(header) - len(values))
        yield number, dict(zip(header, values))


def _check_header(header: list[str], columns: tuple[str, ...], file: str, sheet: str) -> None:
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    repeated = sorted({c for c in header if header.count(c) > 1})
    if missing or extra or repeated:
        detail = "; ".join(f"{label} {', '.join(names)}" for label, names in
                           (("missing", missing), ("unexpected", extra), ("repeated", repeated)) if names)
        raise InputError(file, f"{sheet}!row 1", f"header with columns {', '.join(columns)} ({detail})")


def cell_text(value) -> str:
    """A cell as CSV text: '' for empty, ISO dates, 1500 not 1500.0; strings stripped."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _name_record(batch: SourceBatch, awards: dict, row: dict[str, str], record: str) -> None:
    """The CSV reader names records by line; in a workbook they are named by sheet and row."""
    batch.disbursements[-1].source_record = record
    award = awards.get(row["award_id"])
    if award is not None and award.source_record and award.source_record.startswith("line "):
        award.source_record = record
