"""The policy file's schema: every key, its type and range, validated before a policy is used.

An error names the key as written in the file (`[hold] threshold`), the expected value and what
was found, e.g. `policy.toml: [hold] threshold: expected a number between 0 and 100, got 120`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aidvet.errors import AidvetError

RELATION_ROLES = ("owner", "director", "officer", "controller", "linked", "family")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScreeningSection(_Section):
    record_threshold: float = Field(80.0, ge=0, le=100)


class HoldSection(_Section):
    threshold: float = Field(85.0, ge=0, le=100)
    terrorist_threshold: float = Field(80.0, ge=0, le=100)


class ListsSection(_Section):
    max_age_days: dict[str, int] = {"default": 35}  # per source; a negative age makes every list stale
    ignored_sources: list[str] = []


class QualitySection(_Section):
    max_bad_share: float = Field(0.25, ge=0, le=1)
    earliest_date: str = Field("2000-01-01", pattern=r"^\d{4}-\d{2}-\d{2}$")


class RunSection(_Section):
    # One screening partition per this many distinct payees, at most max_partitions.
    parties_per_partition: int = Field(2000, ge=1, strict=True)
    max_partitions: int = Field(32, ge=1, le=100_000, strict=True)


class ReviewSection(_Section):
    sla_hours: float = Field(72, gt=0)  # open items older than this are announced to the review team


class OwnershipSection(_Section):
    # OFAC 50 Percent Rule: owned 50 % or more, in aggregate, by blocked persons -> blocked.
    block_threshold_percent: float = Field(50.0, gt=0, le=100)
    # Relations (without a blocking share) to a designated person that hold for review.
    review_roles: list[Literal["owner", "director", "officer", "controller", "linked", "family"]] = \
        ["director", "officer", "controller", "linked"]
    # A payee whose ownership rows were quarantined cannot be judged: hold it.
    hold_on_quarantined_ownership: bool = True


class ReportsSection(_Section):
    blocking_due_business_days: int = Field(10, ge=1, le=60)  # 31 CFR 501.603(b)(1)(i)
    rejected_due_business_days: int = Field(10, ge=1, le=60)  # 31 CFR 501.604(b)
    annual_as_of: str = Field("06-30", pattern=r"^\d{2}-\d{2}$")  # 501.603(b)(2)
    annual_due: str = Field("09-30", pattern=r"^\d{2}-\d{2}$")
    retention_years: int = Field(10, ge=5, le=100)  # 31 CFR 501.601


class VettingSection(_Section):
    validity_days: int = Field(1095, ge=1, le=3650)  # three years (PVS practice)
    amendment_validity_days: int = Field(365, ge=1, le=3650)  # amendments and new awards: 12 months
    revet_on_key_individual_change: bool = True
    revet_on_new_candidate_hit: bool = True


class PolicySchema(_Section):
    screening: ScreeningSection = ScreeningSection()
    hold: HoldSection = HoldSection()
    lists: ListsSection = ListsSection()
    quality: QualitySection = QualitySection()
    run: RunSection = RunSection()
    review: ReviewSection = ReviewSection()
    ownership: OwnershipSection = OwnershipSection()
    reports: ReportsSection = ReportsSection()
    vetting: VettingSection = VettingSection()


class PolicyError(AidvetError):
    """The policy file does not match the schema."""


def validate_policy_data(data: dict[str, Any], origin: str = "policy") -> PolicySchema:
    """The validated policy; PolicyError naming every wrong key, what was expected and what was found."""
    try:
        return PolicySchema.model_validate(data)
    except ValidationError as error:
        problems = [describe(problem) for problem in error.errors()]
        raise PolicyError(f"{origin}: " + "; ".join(problems)) from None


def describe(problem: dict[str, Any]) -> str:
    """`[hold] threshold: expected a number less than or equal to 100, got 120`."""
    location = [str(part) for part in problem["loc"]]
    key = f"[{location[0]}] {'.'.join(location[1:])}" if len(location) > 1 else f"[{location[0]}]"
    if problem["type"] == "extra_forbidden":
        return f"{key}: unknown key (expected one of the keys documented in policy.toml and docs/compliance.md)"
    expected = (problem["msg"].removeprefix("Input should be ").removeprefix("Value error, ")
                .replace("String should match pattern", "a string matching the pattern"))
    return f"{key}: expected {expected}, got {problem.get('input')!r}"


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"[hold] threshold": 85, ...}: every leaf key of a (validated) policy."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and (not prefix or not all(isinstance(v, (int, float)) for v in value.values())):
            flat.update(flatten(value, name))
        else:
            flat[name] = value
    return {(_label(k) if not prefix else k): v for k, v in flat.items()}


def _label(dotted: str) -> str:
    section, _, rest = dotted.partition(".")
    return f"[{section}] {rest}" if rest else f"[{section}]"


def diff(old: PolicySchema, new: PolicySchema) -> list[tuple[str, Any, Any]]:
    """(key, old value, new value) for every setting that differs, defaults included."""
    before, after = flatten(old.model_dump()), flatten(new.model_dump())
    return [(key, before.get(key), after.get(key)) for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)]
