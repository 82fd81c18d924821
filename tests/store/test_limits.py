"""Over-long values: cut to the column's length, distinct values stay distinct, the reason names the field."""

from aidvet.sources.model import Disbursement
from aidvet.store import models
from aidvet.store.limits import clamp, clamped, overlong_reasons


def test_clamp_fits_the_limit_and_keeps_different_values_different():
    first, second = clamp("X" * 300, 250), clamp("X" * 299 + "Y", 250)
    assert len(first) == len(second) == 250 and first != second
    assert clamp("short", 250) == "short" and clamp(None, 10) is None


def test_a_record_over_the_store_s_columns_is_named_field_by_field():
    row = Disbursement("D" * 300, None, None, "N" * 1_000_001, "1" * 101, "USD", "2026-10-01", "KE", "f.csv", "line 2")
    assert overlong_reasons(models.Disbursement, row) == [
        "value too long: disbursement_id is 300 characters, the limit is 250",
        "value too long: payee_name is 1000001 characters, the limit is 1000",
        "value too long: amount is 101 characters, the limit is 80"]
    fitted = clamped(models.Disbursement, row)
    assert (len(fitted.disbursement_id), len(fitted.payee_name), len(fitted.amount)) == (250, 1000, 80)
    assert overlong_reasons(models.Disbursement, fitted) == []
