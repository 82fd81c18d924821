"""SQL expressions over run items shared by the stages that stream them."""

from __future__ import annotations

from sqlalchemy import Text, cast

from aidvet.store.models import RunItem

NO_FAILURES = "[]"  # how the JSON column stores an empty list on SQLite and PostgreSQL


def quality_failures_text():
    """The stored JSON text of an item's quality failures: decoding it only when not empty saves
    parsing a million empty lists."""
    return cast(RunItem.quality_failures, Text)


def without_quality_failures():
    """Run items that passed the quality gate (screened, then decided on their hits)."""
    return quality_failures_text() == NO_FAILURES
