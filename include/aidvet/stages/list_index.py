"""The screening index of a run's list versions: built once (by plan_screening, or by whichever
process needs it first) and kept in the artifact root, then loaded by every screening partition,
on every worker, and by replay. Keyed by each version's source and SHA-256 and by the engine's
code version (`aidvet.screening.stored`): a new list version or new engine code builds anew."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.lists import versions
from aidvet.screening import Screener
from aidvet.screening.stored import IndexStore, StoredIndex, folder_in
from aidvet.store.models import ListVersion


def version_hashes(session: Session, version_ids: list[int]) -> list[str]:
    """`source:sha256` of each version, in the order the index holds their entities."""
    found = {version.id: version for version in
             session.scalars(select(ListVersion).where(ListVersion.id.in_(version_ids)))}
    return [f"{found[version_id].source}:{found[version_id].sha256}" for version_id in version_ids]


def stored_index(session: Session, artifact_root: str, version_ids: list[int]) -> StoredIndex:
    """The index of these list versions: loaded from the artifact root, or built and kept there."""
    store = IndexStore(folder_in(artifact_root))
    return store.get(version_hashes(session, version_ids), lambda: versions.load_entities(session, version_ids))


def screener(session: Session, artifact_root: str, version_ids: list[int], threshold: float) -> Screener:
    stored = stored_index(session, artifact_root, version_ids)
    return Screener(index=stored.index, index_uri=stored.uri, threshold=threshold)
