"""Screening engine: prepare names, find candidates through an index, score and explain hits."""

from aidvet.screening.engine import DEFAULT_THRESHOLD, Hit, Query, Screener, score_names

__all__ = ["DEFAULT_THRESHOLD", "Hit", "Query", "Screener", "score_names"]
