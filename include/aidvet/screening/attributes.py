"""Attributes beside the name: country, date or year of birth, identifiers, kind.

Each comparison returns the points it adds to (or takes from) the name score and a short phrase
for the explanation. Missing data on either side is neutral.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import pycountry

from aidvet.screening.prepare import ORGANIZATION, PERSON, kind_of

DOB_EXACT_BONUS = 8.0
DOB_YEAR_BONUS = 4.0
DOB_CONFLICT_PENALTY = -15.0
COUNTRY_AGREE_BONUS = 3.0
COUNTRY_CONFLICT_PENALTY = -4.0
KIND_CONFLICT_PENALTY = -12.0
IDENTIFIER_MATCH_SCORE = 95.0  # an exact identifier match is a hit whatever the names say
CIRCA_TOLERANCE_YEARS = 2
MAX_BONUS = DOB_EXACT_BONUS + COUNTRY_AGREE_BONUS

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DATE_FORMATS = ("%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y")
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")


@dataclass(slots=True)
class AttributeCheck:
    attribute: str  # dob | country | identifier | kind
    outcome: str  # agrees | conflicts | matches
    points: float
    text: str

    def to_dict(self) -> dict:
        return {"attribute": self.attribute, "outcome": self.outcome, "points": self.points, "text": self.text}


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """ISO alpha-2 code of a country name or code as written, None when unknown."""
    value = value.strip()
    if not value:
        return None
    try:
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        pass
    try:
        return pycountry.countries.search_fuzzy(value)[0].alpha_2 if len(value) > 3 else None
    except LookupError:
        return None


@lru_cache(maxsize=65536)
def parse_birth_date(text: str) -> tuple[str | None, frozenset[int], bool]:
    """(ISO date or None, years mentioned, circa?) of a date of birth as written."""
    text = text.strip()
    circa = "circa" in text.lower() or "approx" in text.lower() or "ca." in text.lower()
    date = None
    for form in _DATE_FORMATS:
        try:
            date = datetime.strptime(text, form).date().isoformat()
            break
        except ValueError:
            continue
    years = frozenset(int(year) for year in _YEAR.findall(text))
    if len(years) == 2 and " to " in text.lower():  # "1960 to 1962"
        low, high = sorted(years)
        years = frozenset(range(low, high + 1))
    return date, years, circa


def compare_birth_dates(query_dob: str | None, listed: list[str]) -> AttributeCheck | None:
    if not query_dob or not listed:
        return None
    query_date, query_years, _ = parse_birth_date(query_dob)
    if not query_years:
        return None
    listed_parsed = [parse_birth_date(value) for value in listed]
    if query_date and any(date == query_date for date, _, _ in listed_parsed):
        return AttributeCheck("dob", "agrees", DOB_EXACT_BONUS, f"date of birth {query_date} agrees")
    for date, years, circa in listed_parsed:
        if query_years & years and not (query_date and date and date != query_date and not circa):
            return AttributeCheck("dob", "agrees", DOB_YEAR_BONUS, f"year of birth {min(query_years & years)} agrees")
    if query_date and any(date and date[:4] == query_date[:4] for date, _, _ in listed_parsed):
        return AttributeCheck("dob", "agrees", DOB_YEAR_BONUS, f"year of birth {query_date[:4]} agrees")
    tolerance = [
        years for _, years, circa in listed_parsed
        if circa and any(abs(q - y) <= CIRCA_TOLERANCE_YEARS for q in query_years for y in years)
    ]
    if tolerance:
        return AttributeCheck("dob", "agrees", 0.0, f"year of birth {min(query_years)} near a circa date")
    listed_text = ", ".join(listed)
    if not any(years for _, years, _ in listed_parsed):
        return None
    return AttributeCheck("dob", "conflicts", DOB_CONFLICT_PENALTY,
                          f"date of birth {query_dob} conflicts with {listed_text}")


def compare_countries(query_country: str | None, listed: list[str]) -> AttributeCheck | None:
    if not query_country or not listed:
        return None
    query_code = country_code(query_country)
    listed_codes = {code for code in (country_code(value) for value in listed) if code}
    if not query_code or not listed_codes:
        return None
    if query_code in listed_codes:
        return AttributeCheck("country", "agrees", COUNTRY_AGREE_BONUS, f"country {query_code} agrees")
    return AttributeCheck("country", "conflicts", COUNTRY_CONFLICT_PENALTY,
                          f"country {query_code} not among {'/'.join(sorted(listed_codes))}")


def normalize_identifier(value: str) -> str:
    return _NON_ALNUM.sub("", value).upper()


def compare_kinds(query_kind: str | None, listed_kind: str) -> AttributeCheck | None:
    query_kind, listed_kind = kind_of(query_kind), kind_of(listed_kind)
    if not query_kind or not listed_kind or query_kind == listed_kind:
        return None
    if {query_kind, listed_kind} == {PERSON, ORGANIZATION}:
        return AttributeCheck("kind", "conflicts", KIND_CONFLICT_PENALTY,
                              f"kinds differ: input {query_kind}, listed {listed_kind}")
    return None
