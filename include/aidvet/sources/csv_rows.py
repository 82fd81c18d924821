"""Delimited text read row by row, with a bad row reported instead of failing the whole file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from aidvet.errors import InputError

# The csv module refuses a field over 128 KiB with a bare csv.Error. A longer field is read (the
# quality gate quarantines its record, naming the field and its length); only a field beyond
# FIELD_LIMIT rejects its file, as malformed CSV naming the line.
FIELD_LIMIT = 64 * 1024 * 1024
csv.field_size_limit(FIELD_LIMIT)


@dataclass
class Row:
    line: int  # physical line where the record starts (the header is line 1)
    values: dict[str, str] | None  # None when the row is malformed
    problem: str | None = None


def decode_text(data: bytes, file: str) -> str:
    """UTF-8 (a BOM is accepted); an InputError naming the line of the first bad byte otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(file, f"line {line}", f"UTF-8 text (byte {data[error.start]:#04x} is not UTF-8)") from None


def read_header(text: str, file: str) -> list[str]:
    try:
        header = next(csv.reader(io.StringIO(text)))
    except (StopIteration, csv.Error) as error:
        raise InputError(file, "line 1", f"a CSV header row ({error or 'no rows'})") from None
    return [name.strip() for name in header]


def iter_rows(text: str, header: list[str], file: str) -> Iterator[Row]:
    """Rows after the header; a row with the wrong number of fields is yielded with a problem.

    A quoting error rejects the file: after it, the csv module cannot tell where rows begin.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader, None)
    start = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InputError(file, f"line {start}", f"well-formed CSV ({error})") from None
        if fields and any(field.strip() for field in fields):
            if len(fields) != len(header):
                yield Row(start, None, f"{len(header)} fields per row (found {len(fields)})")
            else:
                yield Row(start, dict(zip(header, fields)))
        start = reader.line_num + 1
