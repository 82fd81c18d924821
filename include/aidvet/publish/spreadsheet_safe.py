"""Cells that a spreadsheet would run as a formula, made inert for CSV outputs (CSV injection).

Officers open the payment CSVs in Excel or LibreOffice, which evaluate a cell starting with
`=`, `+`, `-`, `@` (or a tab / carriage return before one). Such a text value gets a leading `'`
in CSV outputs, so it shows as the text it is; plain numbers ("-120.50") are left alone. Parquet
files and the store keep the raw value.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported by the caller; the review CLI must start without it
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and full-width forms
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralize(value):
    """`value`, with a leading `'` when it is text a spreadsheet would evaluate as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells are safe to open in a spreadsheet."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    def safe(column):
        if not (is_object_dtype(column) or is_string_dtype(column)):
            return column
        try:  # only the cells starting like a formula need a look of their own
            risky = column.str.startswith(FORMULA_STARTS, na=False).astype(bool)
        except (AttributeError, TypeError):  # a column of other objects than text
            return column.map(neutralize)
        if not risky.any():
            return column
        column = column.copy()
        column[risky] = column[risky].map(neutralize)
        return column
    return frame.apply(safe)


def neutralize_row(row):
    """A dict or sequence row for `csv.writer` / `csv.DictWriter`, made safe cell by cell."""
    if isinstance(row, dict):
        return {key: neutralize(value) for key, value in row.items()}
    return [neutralize(value) for value in row]
