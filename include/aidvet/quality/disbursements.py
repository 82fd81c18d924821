"""The quality gate for canonical disbursements: which rows are quarantined, and whether the batch stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pycountry
from pandas.errors import OutOfBoundsDatetime

from aidvet.quality.gx_runner import QualityResult, load_suite_json, run_suite

SUITE = "disbursements"
COLUMNS = ["disbursement_id", "award_id", "payee_key", "payee_name", "amount", "currency", "date", "country",
           "source_file", "source_record"]


@dataclass(frozen=True)
class QualityPolicy:
    earliest_date: date = date(2000, 1, 1)
    latest_date: date | None = None  # default: a year from today
    max_bad_share: float = 0.25  # more bad rows than this and the whole batch is rejected


@lru_cache(maxsize=1)
def iso_4217_codes() -> tuple[str, ...]:
    return tuple(sorted(currency.alpha_3 for currency in pycountry.currencies))


@lru_cache(maxsize=1)
def iso_3166_codes() -> tuple[str, ...]:
    return tuple(sorted(country.alpha_2 for country in pycountry.countries)) + ("XK",)  # Kosovo, user-assigned


def with_derived_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the typed columns the suite checks; the given text columns are kept unchanged."""
    frame = frame.copy()
    amount = frame["amount"].where(frame["amount"].astype("string").str.fullmatch(r"-?\d+(\.\d+)?"), None)
    frame["amount_value"] = pd.to_numeric(amount, errors="coerce")
    frame["date_value"] = _nanosecond_dates(pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce"))
    return frame


def _nanosecond_dates(dates: pd.Series) -> pd.Series:
    """Dates at nanosecond resolution where all of them fit (1677-2262): Great Expectations
    compares such a column in one vectorized step, any other a value at a time in Python (the
    same outcome, a million calls slower). A date beyond keeps the column as parsed."""
    try:
        return dates.astype("datetime64[ns]")
    except OutOfBoundsDatetime:
        return dates


def validate_disbursements(frame: pd.DataFrame, *, known_award_ids: list[str], expectations_dir: Path,
                           policy: QualityPolicy = QualityPolicy(), docs_dir: Path | None = None) -> QualityResult:
    latest = policy.latest_date or date.fromordinal(date.today().toordinal() + 365)
    parameters = {
        "iso_4217_codes": list(iso_4217_codes()),
        "iso_3166_codes": list(iso_3166_codes()),
        "known_award_ids": sorted(set(known_award_ids)),
        "earliest_date": datetime.combine(policy.earliest_date, datetime.min.time()),
        "latest_date": datetime.combine(latest, datetime.min.time()),
    }
    result = run_suite(with_derived_columns(frame[COLUMNS]), load_suite_json(expectations_dir, SUITE), parameters,
                       docs_dir=docs_dir)
    bad = len(result.structural_rows)
    if len(frame) and bad / len(frame) > policy.max_bad_share:
        result.batch_failures.append(
            f"{bad} of {len(frame)} rows failed, over the allowed share {policy.max_bad_share:.0%}")
    return result
