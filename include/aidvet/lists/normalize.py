"""Small value normalizers shared by the list parsers: dates, de-duplication, whitespace."""

from __future__ import annotations

import re
from collections.abc import Iterable

MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}

_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3})[a-z]* (\d{4})$")
_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_US = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


def clean(text: str | None) -> str | None:
    """Collapse runs of whitespace; None for empty text."""
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


def unique(values: Iterable[str | None]) -> list[str]:
    """Non-empty values in first-seen order, without repeats."""
    seen: dict[str, None] = {}
    for value in values:
        if value and value not in seen:
            seen[value] = None
    return list(seen)


def iso_date(text: str) -> str:
    """'17 Jul 1966' -> '1966-07-17', 'Mar 1945' -> '1945-03', '03/28/2025' -> '2025-03-28'.

    Anything else ('circa 1951', '1989 to 1991') is returned as listed: a partial or fuzzy date
    is still evidence for a reviewer, and inventing precision would be worse.
    """
    text = " ".join(text.split())
    if _ISO.match(text):
        return text
    if match := _DAY_MONTH_YEAR.match(text):
        month = MONTHS.get(match.group(2).lower())
        if month:
            return f"{match.group(3)}-{month:02d}-{int(match.group(1)):02d}"
    if match := _MONTH_YEAR.match(text):
        month = MONTHS.get(match.group(1).lower())
        if month:
            return f"{match.group(2)}-{month:02d}"
    if match := _US.match(text):
        return f"{match.group(3)}-{match.group(1)}-{match.group(2)}"
    return text
