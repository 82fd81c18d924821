from pathlib import Path

import pandas as pd
import pytest

from aidvet.quality import QualityPolicy, validate_disbursements
from aidvet.quality.disbursements import COLUMNS

EXPECTATIONS = Path(__file__).resolve().parents[2] / "expectations"
GOOD = {"disbursement_id": "D1", "award_id": "A1", "payee_key": "grants:S1", "payee_name": "Fundación Oaxaca A.C.",
        "amount": "1200.50", "currency": "MXN", "date": "2026-03-01", "country": "MX",
        "source_file": "x.csv", "source_record": "line 2"}


def _validate(*changes, **policy):
    rows = [{**GOOD, "disbursement_id": f"D{i}", **change} for i, change in enumerate(changes)]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame, validate_disbursements(frame, known_award_ids=["A1"], expectations_dir=EXPECTATIONS,
                                         policy=QualityPolicy(**policy))


@pytest.mark.parametrize("change, reason", [
    ({"payee_name": None}, "payee name missing"),
    ({"payee_name": "nan"}, "payee name is a placeholder"),
    ({"payee_name": "Unspecified Vendors - Mexico"}, "payee name is a placeholder"),
    ({"payee_name": "USAID redacted this field in accordance with the exceptions"}, "payee name is a placeholder"),
    ({"amount": "-5"}, "amount not positive"),
    ({"amount": "0"}, "amount not positive"),
    ({"amount": "1,000.00"}, "amount missing or not a number"),
    ({"amount": "NaN"}, "amount missing or not a number"),
    ({"currency": "XYZ"}, "currency not an ISO 4217 code"),
    ({"country": "Mexico"}, "country not an ISO 3166 alpha-2 code"),
    ({"date": "03/01/2026"}, "date missing or not YYYY-MM-DD"),
    ({"date": "1999-12-31"}, "date outside the configured window"),
    ({"date": "2999-12-31"}, "date outside the configured window"),  # beyond nanosecond timestamps
    ({"date": "1066-10-14"}, "date outside the configured window"),
    ({"award_id": "A-unknown"}, "award unknown"),
])
def test_each_bad_row_is_named_with_its_failing_expectation(change, reason):
    frame, result = _validate({}, {}, {}, change, max_bad_share=0.5)
    assert list(result.row_failures) == [3]
    assert any(failure.startswith(reason) for failure in result.row_failures[3]), result.row_failures
    assert not result.batch_failures


def test_good_rows_pass():
    _frame, result = _validate({}, {"currency": "USD", "country": "GT"})
    assert result.success


def test_duplicate_ids_quarantine_both_rows():
    frame = pd.DataFrame([GOOD, GOOD, {**GOOD, "disbursement_id": "D2"}], columns=COLUMNS)
    result = validate_disbursements(frame, known_award_ids=["A1"], expectations_dir=EXPECTATIONS,
                                    policy=QualityPolicy(max_bad_share=1))
    assert sorted(result.row_failures) == [0, 1]


def test_too_many_bad_rows_reject_the_batch():
    _frame, result = _validate({}, {"amount": "-1"}, {"currency": "??"}, max_bad_share=0.5)
    assert result.batch_failures and "over the allowed share" in result.batch_failures[0]


def test_schema_change_rejects_the_batch():
    frame = pd.DataFrame([GOOD], columns=COLUMNS)
    frame["surprise"] = "x"
    from aidvet.quality.disbursements import with_derived_columns
    from aidvet.quality.gx_runner import load_suite_json, run_suite

    result = run_suite(with_derived_columns(frame), load_suite_json(EXPECTATIONS, "disbursements"),
                       {"iso_4217_codes": ["MXN"], "iso_3166_codes": ["MX"], "known_award_ids": ["A1"],
                        "earliest_date": pd.Timestamp("2000-01-01"), "latest_date": pd.Timestamp("2100-01-01")})
    assert any("schema changed" in failure for failure in result.batch_failures)


@pytest.mark.parametrize("other_date", ["2026-04-01", "2999-12-31"])
def test_the_date_window_judges_alike_whether_or_not_every_date_fits_nanoseconds(other_date):
    """One date beyond 2262 keeps the column at microseconds (judged value by value): the rows in
    and out of the window are the same either way."""
    _frame, result = _validate({}, {"date": "2000-01-01"}, {"date": "1999-12-31"}, {"date": other_date},
                               {"date": "2027-01-01"}, max_bad_share=1, latest_date=pd.Timestamp("2026-12-31").date())
    expected = [2, 4] + ([3] if other_date.startswith("2999") else [])
    assert sorted(result.row_failures) == sorted(expected)
    assert all(any(f.startswith("date outside the configured window") for f in result.row_failures[i]) for i in expected)
