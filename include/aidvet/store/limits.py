"""How long a value the store holds: column lengths, and a cap on free-text names.

A value over its limit never reaches the database (PostgreSQL would refuse it and abort the run;
SQLite would store it): it is cut to the limit, ending in '#' and 12 hex digits of its SHA-256 so
two different long values stay different, and the record it belongs to is quarantined with a
reason naming the field, its length and the limit (`overlong_reasons`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from functools import lru_cache

from aidvet.store import models

# free text the database would hold, but no screening or person should be fed
TEXT_LIMITS = {"payee_name": 1000, "name": 1000, "title": 4000}
DIGEST = 13  # "#" + 12 hex digits


@lru_cache(maxsize=None)
def limits_of(model) -> dict[str, int]:
    """column -> maximum characters, for the String columns (and capped Text columns) of `model`
    (computed once per model: a big batch asks for every record). Do not change the dict returned."""
    limits = {}
    for column in model.__table__.columns:
        length = getattr(column.type, "length", None) or TEXT_LIMITS.get(column.key)
        if length:
            limits[column.key] = length
    return limits


def clamp(value, limit: int):
    """`value` if it fits, else its first characters plus '#<12 hex of its SHA-256>', `limit` long."""
    if not isinstance(value, str) or len(value) <= limit:
        return value
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{value[: limit - DIGEST]}#{digest}"


def overlong_reasons(model, record) -> list[str]:
    """A reason per field of `record` (a dataclass) longer than `model`'s column holds."""
    reasons = []
    for name, limit in limits_of(model).items():
        value = getattr(record, name, None)
        if isinstance(value, str) and len(value) > limit:
            reasons.append(f"value too long: {name} is {len(value)} characters, the limit is {limit}")
    return reasons


def clamped(model, record, field_names: dict[str, str] | None = None):
    """A copy of the dataclass `record` whose fields fit `model`'s columns (`field_names` maps a
    record field to its column where the names differ); `record` itself when it fits already."""
    changes = {}
    for field, limit in _field_limits(model, type(record), tuple(sorted((field_names or {}).items()))):
        value = getattr(record, field)
        if isinstance(value, str) and len(value) > limit:
            changes[field] = clamp(value, limit)
    return dataclasses.replace(record, **changes) if changes else record


@lru_cache(maxsize=None)
def _field_limits(model, record_type, field_names: tuple[tuple[str, str], ...]) -> tuple[tuple[str, int], ...]:
    """(record field, its column's limit) for the fields of `record_type` that `model` limits."""
    limits, names = limits_of(model), dict(field_names)
    return tuple((field.name, limits[names.get(field.name, field.name)]) for field in dataclasses.fields(record_type)
                 if names.get(field.name, field.name) in limits)


def clamp_batch(batch) -> None:
    """Make every disbursement, party and award of a SourceBatch fit the store, in place."""
    batch.disbursements = [clamped(models.Disbursement, d) for d in batch.disbursements]
    batch.parties = [clamped(models.Party, p) for p in batch.parties]
    batch.awards = [clamped(models.Award, a, {"prime_recipient": "prime_party_key"}) for a in batch.awards]
