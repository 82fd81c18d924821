"""The run report: one self-contained HTML file (no external assets), every value escaped."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=PackageLoader("aidvet.publish", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True))


def outcome_bars(counts: dict[str, int]) -> list[dict]:
    """Bar widths (percent of input) for the inline outcome chart."""
    total = max(counts.get("input", 0), 1)
    return [{"outcome": outcome, "count": counts.get(outcome, 0), "width": round(100 * counts.get(outcome, 0) / total, 1)}
            for outcome in ("cleared", "held", "quarantined")]


def render(manifest: dict, frames: dict[str, pd.DataFrame]) -> str:
    template = _environment().get_template("report.html.j2")
    return template.render(
        manifest=manifest,
        bars=outcome_bars(manifest["counts"]),
        held=frames["held"].fillna("").to_dict("records"),
        quarantined=frames["quarantined"].fillna("").to_dict("records"),
        quality_report=f"../../quality/{manifest['run_id']}/disbursements.json",
    )
