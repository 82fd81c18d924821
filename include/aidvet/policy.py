"""The decision policy: thresholds and guards from policy.toml, and the hash that versions it."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

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
    hold, quality = data.get("hold", {}), data.get("quality", {})
    return Policy(
        record_threshold=float(data.get("screening", {}).get("record_threshold", 80)),
        hold_threshold=float(hold.get("threshold", 85)),
        terrorist_hold_threshold=float(hold.get("terrorist_threshold", 80)),
        max_age_days={k: int(v) for k, v in data.get("lists", {}).get("max_age_days", {"default": 35}).items()},
        quality=QualityPolicy(
            earliest_date=date.fromisoformat(quality.get("earliest_date", "2000-01-01")),
            max_bad_share=float(quality.get("max_bad_share", 0.25)),
        ),
        parties_per_partition=_positive(data, "run", "parties_per_partition", 2000, origin),
        max_partitions=_positive(data, "run", "max_partitions", 32, origin),
        ignored_sources=tuple(data.get("lists", {}).get("ignored_sources", [])),
        sha256=hashlib.sha256(raw).hexdigest(),
        content=raw.decode("utf-8"),
    )


def _positive(data: dict, section: str, key: str, default: int, origin: str) -> int:
    value = data.get(section, {}).get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise AidvetError(f"{origin}: [{section}] {key} must be a whole number of at least 1, not {value!r}")
    return value
