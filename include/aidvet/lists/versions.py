"""List versions in the store: store a parsed list once (by content hash), validate and guard it,
record its delta against the previous version of the same source, and select fresh versions for a
vetting run.

Ordering. The "newest" version of a source is the one with the latest effective date
(`published_at` when the file has one, else the date it was retrieved), then the latest
`retrieved_at`, then the highest id. So loading an old file for analysis or replay never
displaces the current list, and its delta and shrink guard compare it with the version before
it in time.

Rejected versions. A version that fails the GE suite `watchlist_entities` or the shrink guard is
stored with status "rejected", its reason and counts, but without entities; `store_version`
commits the session (so the rejection is on record) and raises `ListRejected`. Loading the same
bytes again re-checks them: with `accept_shrink=True` a version rejected only by the shrink guard
becomes accepted.

Guards (each against the predecessor; `accept_shrink=True` lifts them): entities, strong and weak
aliases, addresses, identifiers, the FTO/SDGT set (its entities and their aliases) and each
program's entity count may shrink by at most `max_shrink`; an OFAC CSV set must have every kind of
file its predecessor had (a set without alt.csv loses every strong alias). A set whose files do
not belong together (orphan rows, a file cut short: see `ofac_csv.set_problems`) is refused unless
`accept_partial_set=True`.

Dates. A file's own date is not trusted beyond the moment it was retrieved: a version dated more
than `FUTURE_TOLERANCE` after its retrieval (e.g. a UN file dated 2099) is rejected, and ordering
caps `published_at` at the retrieval date plus that tolerance, and the retrieval time at now, so no
version can pin itself as the newest.

Files that fail to parse are recorded too (`aidvet.lists.failures.record_failure`): a version row
with status "failed", the reason, and a `list.failed` audit event naming the files.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from aidvet.audit import chain
from aidvet.config import settings
from aidvet.errors import ListRejected
from aidvet.lists.model import Entity
from aidvet.lists.parse import ParsedList
from aidvet.store.models import ListDelta, ListEntity, ListVersion

SUITE = "watchlist_entities"
MAX_SHRINK = 0.10  # reject a version with more than 10% fewer entities than its predecessor
MIN_PROGRAM_DROP = 5  # a program's count trips the guard only when it loses at least this many entities
FUTURE_TOLERANCE = timedelta(days=1)  # time zones and publication lag: a file may be dated a day ahead
ACCEPTED, REJECTED = "accepted", "rejected"
# the parts of a list the shrink guard watches, with their label in a rejection reason
GUARDED_COUNTS = {"entities": "entities", "aliases_strong": "strong aliases", "aliases_weak": "weak aliases",
                  "addresses": "addresses", "identifiers": "identifiers", "terrorist": "FTO/SDGT entities",
                  "terrorist_aliases": "aliases of FTO/SDGT entities"}


@dataclass
class ListSelection:
    versions: list[ListVersion]  # the usable version of each source, newest first by source name
    unusable_reason: str | None = None  # set when no source has a usable version at all
    unusable: dict[str, str] = field(default_factory=dict)  # source -> why it is not usable

    @property
    def version_ids(self) -> list[int]:
        return [version.id for version in self.versions]


def counts_of(parsed: ParsedList) -> dict:
    entities = parsed.entities
    strengths = Counter(alias.strength for entity in entities for alias in entity.aliases)
    return {
        "entities": len(entities),
        "aliases_strong": strengths.get("strong", 0),
        "aliases_weak": strengths.get("weak", 0),
        "terrorist": sum(1 for entity in entities if entity.terrorist),
        "terrorist_aliases": sum(len(entity.aliases) for entity in entities if entity.terrorist),
        "addresses": sum(len(entity.addresses) for entity in entities),
        "identifiers": sum(len(entity.identifiers) for entity in entities),
        "parts": list(parsed.parts),
        "kinds": dict(Counter(entity.kind for entity in entities)),
        "programs": dict(sorted(Counter(p for entity in entities for p in entity.programs).items())),
    }


def trusted_time(moment: datetime) -> datetime:
    """A stored retrieval or confirmation time, never later than now."""
    return min(as_utc(moment), datetime.now(timezone.utc))


def trusted_published(version: ListVersion) -> str | None:
    """published_at, capped at the retrieval date plus FUTURE_TOLERANCE."""
    if not version.published_at:
        return None
    latest = (trusted_time(version.retrieved_at) + FUTURE_TOLERANCE).date().isoformat()
    return min(version.published_at[:10], latest)


def effective_date(version: ListVersion) -> str:
    """published_at (trusted up to the retrieval date) if the file gave one, else the (UTC) date it
    was retrieved."""
    return trusted_published(version) or trusted_time(version.retrieved_at).date().isoformat()


def freshness_date(version: ListVersion) -> str:
    """What a list's age is measured from: the publisher's date if the file gave one, else the
    last time the same bytes were fetched (a list that has not changed is still current)."""
    confirmed = trusted_time(version.confirmed_at or version.retrieved_at)
    return trusted_published(version) or max(confirmed, trusted_time(version.retrieved_at)).date().isoformat()


def order_key(version: ListVersion) -> tuple:
    return (effective_date(version), trusted_time(version.retrieved_at), version.id or 0)


def as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the store only ever writes UTC.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def accepted_versions(session: Session, source: str) -> list[ListVersion]:
    rows = session.scalars(select(ListVersion).where(ListVersion.source == source,
                                                     ListVersion.status == ACCEPTED)).all()
    return sorted(rows, key=order_key)


def predecessor(session: Session, version: ListVersion) -> ListVersion | None:
    """The accepted version of the same source just before `version` in time."""
    key = order_key(version)
    earlier = [v for v in accepted_versions(session, version.source) if v.id != version.id and order_key(v) < key]
    return earlier[-1] if earlier else None


def store_version(session: Session, parsed: ParsedList, *, retrieved_at: datetime | None = None,
                  accept_shrink: bool = False, max_shrink: float = MAX_SHRINK,
                  accept_partial_set: bool = False) -> ListVersion:
    """Store `parsed` as a list version (or return the existing one for the same bytes)."""
    now = datetime.now(timezone.utc)
    if retrieved_at is not None and as_utc(retrieved_at) > now + FUTURE_TOLERANCE:
        raise ListRejected(f"{parsed.source} list: retrieved_at {retrieved_at.isoformat()} is in the future")
    existing = session.scalars(select(ListVersion).where(ListVersion.source == parsed.source,
                                                         ListVersion.sha256 == parsed.sha256)).first()
    if existing is not None and existing.status == ACCEPTED:
        existing.confirmed_at = retrieved_at or datetime.now(timezone.utc)  # same bytes: still current
        return existing
    version = existing or ListVersion(source=parsed.source, sha256=parsed.sha256)
    version.files = [list(pair) for pair in parsed.files]
    version.retrieved_at = retrieved_at or version.retrieved_at or now
    version.published_at = parsed.published_at
    version.counts = counts_of(parsed)
    version.warnings = list(parsed.warnings)
    if existing is None:
        session.add(version)
    session.flush()
    previous = predecessor(session, version)
    problems = future_problems(parsed, as_utc(version.retrieved_at))
    if parsed.set_problems and not accept_partial_set:
        problems.append("files do not belong together (unless accepted as a partial set: --accept-partial-set): "
                        + "; ".join(parsed.set_problems))
    problems += missing_part_problems(parsed, previous, accept_partial_set)
    problems += shrink_problems(parsed, previous, accept_shrink, max_shrink)
    problems += suite_problems(parsed, previous, accept_shrink, max_shrink)
    if problems:
        version.status, version.reason = REJECTED, "; ".join(problems)
        chain.append(session, "list.rejected", subject=f"list version {version.id}",
                     payload={"source": version.source, "sha256": version.sha256, "reason": version.reason,
                              "files": version.files})
        session.commit()  # the rejection stays on record even though the caller's block raises
        raise ListRejected(f"list version {version.id} ({version.source}, {len(parsed.entities)} entities) "
                           f"rejected: {version.reason}")
    version.status, version.reason = ACCEPTED, None
    write_entities(session, version, parsed.entities)
    delta = compute_delta(session, version, previous)
    session.add(delta)
    session.flush()
    chain.append(session, "list.accepted", subject=f"list version {version.id}",
                 payload={"source": version.source, "sha256": version.sha256, "counts": version.counts,
                          "files": version.files, "previous_version_id": delta.previous_version_id,
                          "delta": {"added": len(delta.added), "removed": len(delta.removed),
                                    "changed": len(delta.changed)}})
    return version


def future_problems(parsed: ParsedList, retrieved_at: datetime) -> list[str]:
    """A file dated after it was retrieved (beyond FUTURE_TOLERANCE) cannot be trusted."""
    latest = (retrieved_at + FUTURE_TOLERANCE).date().isoformat()
    if parsed.published_at and parsed.published_at[:10] > latest:
        return [f"dated in the future: the file says it was published {parsed.published_at}, after it was "
                f"retrieved ({retrieved_at.date().isoformat()}, tolerance {FUTURE_TOLERANCE.days} day)"]
    return []


def missing_part_problems(parsed: ParsedList, previous: ListVersion | None, accept_partial_set: bool) -> list[str]:
    if previous is None or accept_partial_set:
        return []
    missing = sorted(set(previous.counts.get("parts") or []) - set(parsed.parts))
    return [f"files do not belong together: the set has no {role} file, which version {previous.id} had "
            "(unless accepted as a partial set: --accept-partial-set)" for role in missing]


def shrink_problems(parsed: ParsedList, previous: ListVersion | None, accept_shrink: bool,
                    max_shrink: float) -> list[str]:
    """Every guarded part (and every program) that shrank beyond `max_shrink` since `previous`."""
    if previous is None or accept_shrink:
        return []
    counts, problems = counts_of(parsed), []
    for key, label in GUARDED_COUNTS.items():
        if key in previous.counts:
            problems += shrink_problem(label, previous.counts[key], counts[key], previous.id, max_shrink, 1)
    for program, before in (previous.counts.get("programs") or {}).items():
        problems += shrink_problem(f"entities in program {program}", before, counts["programs"].get(program, 0),
                                   previous.id, max_shrink, MIN_PROGRAM_DROP)
    return problems


def shrink_problem(label: str, before: int, now: int, previous_id: int, max_shrink: float,
                   min_drop: int) -> list[str]:
    if before and now < before * (1 - max_shrink) and before - now >= min_drop:
        return [f"shrink guard: {now} {label} is {100 * (before - now) / before:.1f}% fewer than "
                f"version {previous_id} ({before}); the limit is {100 * max_shrink:.0f}% unless the "
                "shrink is explicitly accepted (--accept-shrink)"]
    return []


def min_entity_count(previous: ListVersion | None, accept_shrink: bool, max_shrink: float) -> int:
    if previous is None or accept_shrink:
        return 1
    return max(1, math.ceil(previous.counts.get("entities", 0) * (1 - max_shrink)))


def entity_frame(entities: list[Entity]) -> pd.DataFrame:
    return pd.DataFrame({
        "id": [e.id for e in entities],
        "name": [e.name or None for e in entities],
        "kind": [e.kind for e in entities],
        "programs": ["|".join(e.programs) for e in entities],
    }, columns=["id", "name", "kind", "programs"])


def suite_problems(parsed: ParsedList, previous: ListVersion | None, accept_shrink: bool,
                   max_shrink: float) -> list[str]:
    """Failures of the GE suite, each with up to five example entity ids."""
    from aidvet.quality.gx_runner import load_suite_json, run_suite  # GE is slow to import

    frame = entity_frame(parsed.entities)
    suite = load_suite_json(settings().expectations_dir, SUITE)
    result = run_suite(frame, suite, {"min_entity_count": min_entity_count(previous, accept_shrink, max_shrink)})
    problems = [f"{SUITE}: {failure}" for failure in result.batch_failures]
    by_reason: dict[str, list[str]] = {}
    for index, reasons in sorted(result.row_failures.items()):
        for reason in reasons:
            by_reason.setdefault(reason, []).append(str(frame.at[index, "id"]))
    for reason, ids in by_reason.items():
        sample = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
        problems.append(f"{SUITE}: {reason}: {len(ids)} entities (e.g. {sample})")
    return problems


def content_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def write_entities(session: Session, version: ListVersion, entities: list[Entity]) -> None:
    rows = []
    for entity in entities:
        data = entity.to_dict()
        rows.append({"version_id": version.id, "entity_id": entity.id, "kind": entity.kind, "name": entity.name,
                     "terrorist": entity.terrorist, "data": data, "content_hash": content_hash(data)})
    for start in range(0, len(rows), 2000):
        session.execute(insert(ListEntity), rows[start:start + 2000])


@dataclass
class Diff:
    added: list[str]
    removed: list[str]
    changed: dict[str, list[str]]  # entity id -> names of the fields that changed


def diff_versions(session: Session, old_id: int | None, new_id: int) -> Diff:
    """Entities added, removed and changed between two stored versions (any two, any order)."""
    current = entity_hashes(session, new_id)
    before = entity_hashes(session, old_id) if old_id is not None else {}
    changed_ids = sorted(i for i in current if i in before and current[i] != before[i])
    changed = {}
    if changed_ids:
        new, old = entity_data(session, new_id, changed_ids), entity_data(session, old_id, changed_ids)
        changed = {i: changed_fields(old[i], new[i]) for i in changed_ids}
    return Diff(sorted(set(current) - set(before)), sorted(set(before) - set(current)), changed)


def compute_delta(session: Session, version: ListVersion, previous: ListVersion | None) -> ListDelta:
    diff = diff_versions(session, previous.id if previous else None, version.id)
    return ListDelta(version_id=version.id, previous_version_id=previous.id if previous else None,
                     added=diff.added, removed=diff.removed, changed=diff.changed)


def changed_fields(old: dict, new: dict) -> list[str]:
    return sorted(key for key in set(old) | set(new) if key not in ("id", "source") and old.get(key) != new.get(key))


def entity_hashes(session: Session, version_id: int) -> dict[str, str]:
    rows = session.execute(select(ListEntity.entity_id, ListEntity.content_hash)
                           .where(ListEntity.version_id == version_id))
    return dict(rows.all())


def entity_data(session: Session, version_id: int, ids: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(select(ListEntity.entity_id, ListEntity.data).where(
            ListEntity.version_id == version_id, ListEntity.entity_id.in_(ids[start:start + 500])))
        found.update(dict(rows.all()))
    return found


def select_for_run(session: Session, *, now: datetime,
                   max_age_days_by_source: dict[str, int]) -> ListSelection:
    """The newest accepted version of each source, if fresh enough.

    Sources are those with an accepted version plus those named in `max_age_days_by_source`
    (a configured source with no accepted version is unusable). A source without a configured
    maximum age is usable at any age.
    """
    now = as_utc(now)
    sources = set(max_age_days_by_source) | set(session.scalars(
        select(ListVersion.source).where(ListVersion.status == ACCEPTED).distinct()).all())
    selection = ListSelection(versions=[])
    for source in sorted(sources):
        versions = accepted_versions(session, source)
        if not versions:
            selection.unusable[source] = f"{source}: no accepted list version"
            continue
        newest = versions[-1]
        max_age = max_age_days_by_source.get(source)
        dated = datetime.fromisoformat(freshness_date(newest)[:10]).replace(tzinfo=timezone.utc)
        if max_age is not None and now - dated > timedelta(days=max_age):
            selection.unusable[source] = (
                f"{source}: newest accepted version {newest.id} is dated {freshness_date(newest)}, "
                f"older than the maximum age of {max_age} days")
            continue
        selection.versions.append(newest)
    if not selection.versions:
        reasons = "; ".join(selection.unusable.values()) or "no list version has been loaded"
        selection.unusable_reason = f"screening unavailable: no usable list version ({reasons})"
    return selection


def load_entities(session: Session, version_ids: list[int]) -> list[Entity]:
    """The entities of the given versions, in version order then entity id."""
    entities = []
    for version_id in version_ids:
        rows = session.scalars(select(ListEntity.data).where(ListEntity.version_id == version_id)
                               .order_by(ListEntity.entity_id))
        entities += [Entity.from_dict(data) for data in rows]
    return entities


def current_versions(session: Session) -> list[ListVersion]:
    """The newest accepted version of every source, whatever its age (for export and review)."""
    sources = session.scalars(select(ListVersion.source).where(ListVersion.status == ACCEPTED).distinct()).all()
    return [accepted_versions(session, source)[-1] for source in sorted(sources)]
