"""Which source format a file is, from its content, and `load_source` to read it.

Detection looks at the first bytes only: a ZIP container is a grants XLSX workbook, XML whose root
is <iati-activities> is IATI, and a delimited header is a grants export or a USAspending subaward
download by its column names. Anything else is an InputError listing what is supported. Detection
is deliberately loose (a grants CSV missing one column is still detected as a grants CSV) so that
the reader, not the detector, names exactly what is wrong.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from pathlib import Path

from aidvet.errors import InputError
from aidvet.sources import grants_csv
from aidvet.sources.grants_xlsx import looks_like_xlsx, read_grants_xlsx
from aidvet.sources.iati import looks_like_iati, read_iati
from aidvet.sources.model import SourceBatch
from aidvet.sources.usaspending import looks_like_usaspending, read_usaspending_subawards

READERS: dict[str, Callable[[Path], SourceBatch]] = {
    "iati": read_iati,
    grants_csv.FORMAT: grants_csv.load,
    "grants-xlsx": read_grants_xlsx,
    "usaspending-subawards": read_usaspending_subawards,
}
FORMATS = ("auto", *READERS)
HEAD_BYTES = 64 * 1024
GRANTS_MARKERS = {"disbursement_id", "payee_name", "disbursement_date"}


def load_source(path: str | Path, format: str = "auto") -> SourceBatch:
    """Read one input (file, or a grants export folder) as `format`, detected when "auto"."""
    return detect_and_load(path, format)[1]


def detect_and_load(path: str | Path, format: str = "auto") -> tuple[str, SourceBatch]:
    """(format name, SourceBatch): for callers that record which format an input was read as."""
    if format not in FORMATS:
        raise InputError(str(path), None, f"a format among {', '.join(FORMATS)} (got {format!r})")
    name = detect_format(path) if format == "auto" else format
    return name, READERS[name](Path(path))


def detect_format(path: str | Path) -> str:
    path = Path(path)
    if path.is_dir():
        if (path / "disbursements.csv").is_file():
            return grants_csv.FORMAT
        raise InputError(str(path), None, "a file, or a grants export folder holding disbursements.csv")
    head = _head(path)
    if looks_like_xlsx(head):
        return "grants-xlsx"
    text = _decode_head(head)
    if text.lstrip().startswith("<"):
        if looks_like_iati(text.encode("utf-8")):
            return "iati"
        raise InputError(str(path), "line 1", "an IATI activity file (XML whose root is <iati-activities>)")
    header = _csv_header(text)
    if GRANTS_MARKERS <= set(header):
        return grants_csv.FORMAT
    if looks_like_usaspending(header):
        return "usaspending-subawards"
    raise InputError(str(path), "line 1", "one of: IATI activity XML, grants export CSV/XLSX, USAspending subaward CSV "
                                          f"(found {text[:60]!r})")


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            head = stream.read(HEAD_BYTES)
    except OSError as error:
        raise InputError(str(path), None, f"a readable file ({error.strerror or error})") from None
    if not head.strip():
        raise InputError(str(path), None, "a non-empty file (the file is empty)")
    return head


def _decode_head(head: bytes) -> str:
    """The head as text for sniffing only: UTF-16 by its BOM, else UTF-8 with bad bytes replaced."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8-sig", errors="replace")


def _csv_header(text: str) -> list[str]:
    first_line = text.splitlines()[0] if text.splitlines() else ""
    try:
        return [name.strip().lstrip("\ufeff") for name in next(csv.reader(io.StringIO(first_line)), [])]
    except csv.Error:
        return []
