"""Static charts for the run report, as inline PNG data URIs (the report stays one file)."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")  # no display: render to memory only
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

COLORS = {"cleared": "#2e7d32", "held": "#c62828", "quarantined": "#f9a825"}


def _data_uri(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def bar_chart(title: str, counts: dict[str, int], color: str = "#455a64") -> str | None:
    """Horizontal bars, largest first; None when there is nothing to draw."""
    if not counts:
        return None
    items = sorted(counts.items(), key=lambda item: item[1])[-12:]
    figure, axes = plt.subplots(figsize=(6, 0.35 * len(items) + 0.8))
    axes.barh([label[:40] for label, _ in items], [value for _, value in items], color=color)
    axes.set_title(title, fontsize=10)
    axes.tick_params(labelsize=8)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: whole numbers, never 0.2 of a row
    axes.set_xlim(0, max(1, max(value for _, value in items)))
    return _data_uri(figure)


def trend_chart(runs: list[dict]) -> str | None:
    """Cleared / held / quarantined counts over recent runs, oldest first."""
    if len(runs) < 2:
        return None
    figure, axes = plt.subplots(figsize=(6, 2.6))
    labels = [run["label"] for run in runs]
    for outcome, color in COLORS.items():
        axes.plot(labels, [run["counts"].get(outcome, 0) for run in runs], marker="o", color=color, label=outcome)
    axes.set_title("outcomes over recent runs", fontsize=10)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(axis="x", labelrotation=45, labelsize=7)
    axes.legend(fontsize=8)
    return _data_uri(figure)
