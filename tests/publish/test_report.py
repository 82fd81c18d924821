import re

import pandas as pd

from aidvet.publish import report, tables

MANIFEST = {
    "run_id": "r1", "published_at": "2026-11-28T00:00:00+00:00", "code_version": "0.1.0",
    "policy": {"path": "policy.toml", "sha256": "ab" * 32}, "inputs": [], "screening_unavailable": None,
    "list_versions": [{"id": 3, "source": "ofac", "sha256": "cd" * 32, "published_at": None, "retrieved_at": "x",
                       "counts": {"entities": 12}, "delta": {"previous_version_id": 2, "added": 1, "removed": 0,
                                                             "changed": 4}}],
    "counts": {"input": 3, "cleared": 1, "held": 1, "quarantined": 1},
    "amounts": {k: {"USD": {"total": "10.00", "unparsed": 0}} for k in ("input", "cleared", "held", "quarantined")},
}


def _frames(payee):
    def frame(outcome, **extra):
        row = {column: "" for column in tables.COLUMNS[outcome]}
        row.update(disbursement_id=f"D-{outcome}", payee_name=payee, currency="USD", amount="10.00", **extra)
        return pd.DataFrame([row], columns=tables.COLUMNS[outcome])

    return {"cleared": frame("cleared"),
            "held": frame("held", reason="possible match: X", programs="SDGT FTO", country="MX", entity_id="ofac:1",
                          terrorist=True),
            "quarantined": frame("quarantined", reason="amount not positive [expect_x(amount_value)]")}


def test_names_from_data_are_escaped():
    html = report.render(MANIFEST, _frames('<script>alert("x")</script>'))
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_report_is_self_contained_with_embedded_charts():
    trend = [{"run_id": f"r{i}", "label": f"run {i}", "status": "succeeded",
              "counts": {"input": 3, "cleared": 1, "held": 1, "quarantined": 1}} for i in range(3)]
    html = report.render(MANIFEST, _frames("Fundación Oaxaca"), trend)
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing fetched from elsewhere
    assert html.count('src="data:image/png;base64,') == 3  # trend, held by program, quarantine reasons
    assert "+1 added, −0 removed, 4 changed" in html
    assert "data_docs/disbursements/index.html" in html and "data_docs/subrecipients/index.html" in html


def test_held_breakdowns_count_each_dimension():
    held = _frames("A")["held"]
    by = report.held_breakdowns(held)
    assert by == {"reason": {"possible match": 1}, "program": {"SDGT": 1, "FTO": 1}, "country": {"MX": 1},
                  "source": {"ofac": 1}}


def test_held_rows_show_amount_currency_award_and_the_party_that_hit():
    frames = _frames("Agua de Jalisco")
    frames["held"].loc[0, ["award_id", "party_name", "party_role", "amount"]] = ["AW-7", "Ruben O.", "key_individual",
                                                                                 "1234.50"]
    html = report.render(MANIFEST, frames)
    assert "<td>AW-7</td>" in html and '<td class="num">1234.50</td><td>USD</td>' in html
    assert "Ruben O.</bdi> <small>(key_individual)</small>" in html


def test_a_right_to_left_override_in_a_name_is_shown_not_obeyed():
    html = report.render(MANIFEST, _frames("Acme \u202eTrust"))
    assert "\u202e" not in html and "Acme ⟨U+202E⟩Trust" in html


def test_count_charts_have_whole_number_ticks():
    from matplotlib.ticker import MaxNLocator

    import matplotlib.pyplot as plt

    from aidvet.publish import charts

    captured = []
    original = charts._data_uri
    charts._data_uri = lambda figure: captured.append(figure) or original(figure)
    try:
        charts.bar_chart("quarantined", {"amount not positive": 1})
    finally:
        charts._data_uri = original
    [figure] = captured
    locator = figure.axes[0].xaxis.get_major_locator()
    assert isinstance(locator, MaxNLocator)
    assert all(tick == int(tick) for tick in figure.axes[0].get_xticks())
    plt.close("all")
