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
