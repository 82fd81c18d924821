"""How long a value the store holds: column lengths, and a cap on free-text names.

A value over its limit never reaches the database (PostgreSQL would refuse it and abort the run;
SQLite would store it): it is cut to the limit, ending in '#' and 12 hex digits of its SHA-256 so
two different long values stay different, and the record it belongs to is quarantined with a
reason naming the field, its length and the limit (`overlong_reasons`).
"""

from __future__ import annotations

import dataclasses
import hashlib

from aidvet.store import models

# free text the database would hold, but no screening or person should be fed
TEXT_LIMITS = {"payee_name": 1000, "name": 1000, "title": 4000}
DIGEST = 13  # "#" + 12 hex digits


def limits_of(model) -> dict[str, int]:
    """column -> maximum characters, for the String columns (and capped Text columns) of `model`."""
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
    values = dataclasses.asdict(record)
    return [f"value too long: {name} is {len(values[name])} characters, the limit is {limit}"
            for name, limit in limits_of(model).items()
            if isinstance(values.get(name), str) and len(values[name]) > limit]


def clamped(model, record, field_names: dict[str, str] | None = None):
    """A copy of the dataclass `record` whose fields fit `model`'s columns (`field_names` maps a
    record field to its column where the names differ)."""
    limits = limits_of(model)
    names = field_names or {}
    changes = {}
    for field in dataclasses.fields(record):
        limit = limits.get(names.get(field.name, field.name))
        value = getattr(record, field.name)
        if limit and isinstance(value, str) and len(value) > limit:
            changes[field.name] = clamp(value, limit)
    return dataclasses.replace(record, **changes) if changes else record


def clamp_batch(batch) -> None:
    """Make every disbursement, party and award of a SourceBatch fit the store, in place."""
    batch.disbursements = [clamped(models.Disbursement, d) for d in batch.disbursements]
    batch.parties = [clamped(models.Party, p) for p in batch.parties]
    batch.awards = [clamped(models.Award, a, {"prime_recipient": "prime_party_key"}) for a in batch.awards]
