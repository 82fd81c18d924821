"""The decision policy: thresholds and guards from policy.toml, and the hash that versions it."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from aidvet.compliance.schema import (OwnershipSection, PolicySchema, ReportsSection, VettingSection,
                                      validate_policy_data)
from aidvet.errors import AidvetError
from aidvet.quality import QualityPolicy


@dataclass(frozen=True)
class Policy:
    record_threshold: float = 80.0
    hold_threshold: float = 85.0
    terrorist_hold_threshold: float = 80.0
    max_age_days: dict[str, int] = field(default_factory=lambda: {"default": 35})
    quality: QualityPolicy = QualityPolicy()
    parties_per_partition: int = 2000
    max_partitions: int = 32
    ignored_sources: tuple[str, ...] = ()
    ownership: OwnershipSection = OwnershipSection()
    reports: ReportsSection = ReportsSection()
    vetting: VettingSection = VettingSection()
    sha256: str = ""
    content: str = ""  # the file as read, stored per hash so a replay applies exactly this policy

    def hold_threshold_for(self, terrorist: bool) -> float:
        return self.terrorist_hold_threshold if terrorist else self.hold_threshold

    def max_age_for(self, source: str) -> int:
        return self.max_age_days.get(source, self.max_age_days.get("default", 35))


def load_policy(path: Path) -> Policy:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise AidvetError(f"{path}: a readable TOML policy file ({error})") from None
    return parse_policy(raw, str(path))


def parse_policy(raw: bytes, origin: str = "policy") -> Policy:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise AidvetError(f"{origin}: a readable TOML policy file ({error})") from None
    checked = validate_policy_data(data, origin)
    return policy_from_schema(checked, raw)


def read_schema(path: Path) -> PolicySchema:
    """The validated settings of a policy file (for `aidvet policy check` and `diff`)."""
    try:
        raw = Path(path).read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise AidvetError(f"{path}: a readable TOML policy file ({error})") from None
    return validate_policy_data(data, str(path))


def policy_from_schema(checked: PolicySchema, raw: bytes) -> Policy:
    return Policy(
        record_threshold=float(checked.screening.record_threshold),
        hold_threshold=float(checked.hold.threshold),
        terrorist_hold_threshold=float(checked.hold.terrorist_threshold),
        max_age_days=dict(checked.lists.max_age_days),
        quality=QualityPolicy(
            earliest_date=date.fromisoformat(checked.quality.earliest_date),
            max_bad_share=float(checked.quality.max_bad_share),
        ),
        parties_per_partition=checked.run.parties_per_partition,
        max_partitions=checked.run.max_partitions,
        ignored_sources=tuple(checked.lists.ignored_sources),
        ownership=checked.ownership,
        reports=checked.reports,
        vetting=checked.vetting,
        sha256=hashlib.sha256(raw).hexdigest(),
        content=raw.decode("utf-8"),
    )

