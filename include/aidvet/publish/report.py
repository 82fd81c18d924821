"""The run report: one self-contained HTML file (no external assets), every value escaped and every
bidi control character shown as its code point (a right-to-left override cannot reverse a name)."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from aidvet.compliance.outputs import held_category
from aidvet.publish import charts
from aidvet.review.identity import visible  # bidi controls in names shown as code points, never obeyed


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=PackageLoader("aidvet.publish", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       finalize=lambda value: visible(value) if isinstance(value, str) else value)


def outcome_bars(counts: dict[str, int]) -> list[dict]:
    """Bar widths (percent of input) for the inline outcome bars."""
    total = max(counts.get("input", 0), 1)
    return [{"outcome": outcome, "count": counts.get(outcome, 0), "width": round(100 * counts.get(outcome, 0) / total, 1)}
            for outcome in ("cleared", "held", "quarantined")]


def held_breakdowns(held: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Held items counted by reason, program, country and list source."""
    reasons = Counter(held_category(r) for r in held["reason"])
    programs = Counter(p for value in held["programs"].fillna("") for p in str(value).split())
    countries = Counter(str(c) for c in held["country"].fillna("(none)"))
    sources = Counter(str(e).split(":", 1)[0] for e in held["entity_id"].dropna())
    return {"reason": dict(reasons), "program": dict(programs), "country": dict(countries), "source": dict(sources)}


def quarantine_reasons(quarantined: pd.DataFrame) -> dict[str, int]:
    """Quarantined rows counted by failing expectation (a row may fail several)."""
    return dict(Counter(reason.split(" [", 1)[0].strip()
                        for value in quarantined["reason"].fillna("") for reason in str(value).split("; ") if reason))


def render(manifest: dict, frames: dict[str, pd.DataFrame], trend: list[dict] | None = None) -> str:
    held_by = held_breakdowns(frames["held"])
    quarantine_by = quarantine_reasons(frames["quarantined"])
    figures = {
        "held_program": charts.bar_chart("held by program", held_by["program"], charts.COLORS["held"]),
        "quarantine": charts.bar_chart("quarantined by failing expectation", quarantine_by,
                                       charts.COLORS["quarantined"]),
        "trend": charts.trend_chart(trend or []),
    }
    return _environment().get_template("report.html.j2").render(
        manifest=manifest,
        bars=outcome_bars(manifest["counts"]),
        held=frames["held"].fillna("").to_dict("records"),
        quarantined=frames["quarantined"].fillna("").to_dict("records"),
        held_by=held_by,
        quarantine_by=quarantine_by,
        figures=figures,
        trend=trend or [],
        quality_report=f"../../quality/{manifest['run_id']}/disbursements.json",
        data_docs={suite: f"../../quality/{manifest['run_id']}/data_docs/{suite}/index.html"
                   for suite in ("disbursements", "grants", "subrecipients")},
    )
