import pandas as pd

from aidvet.publish.tables import amounts_by_currency


def test_amounts_are_exact_and_unparseable_ones_are_counted_not_dropped():
    frame = pd.DataFrame({"amount": ["0.10", "0.20", "12,5OO", "NaN", None, "-1"],
                          "currency": ["USD", "USD", "USD", "USD", "MXN", None]})
    assert amounts_by_currency(frame) == {
        "(none)": {"total": "-1", "unparsed": 0},
        "MXN": {"total": "0", "unparsed": 1},
        "USD": {"total": "0.30", "unparsed": 2},
    }
