"""Ownership and control edges, from three places, in one shape (`Edge`: owner -> owned):

- the grants system's owners.csv (stored per row in `ownership_relations`, accepted rows only);
- OFAC remarks' "Linked To: NAME" (a relation between listed entities, share unknown: role 'linked');
- OpenSanctions FollowTheMoney Ownership / Directorship / Family records, which the FtM loader
  keeps on the related entity as `relations` ({"party": other entity id, "role", "share"}).

Nodes are party keys (`grants:...`) and listed-entity ids (`ofac:...`, `os:...`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.lists.model import Entity
from aidvet.store.models import OwnershipRelation

OWNERSHIP_ROLES = ("owner", "director", "officer", "controller")


@dataclass(frozen=True)
class Edge:
    owner: str
    owned: str
    share: float | None  # percent; None = control without shares
    role: str  # owner | director | officer | controller | linked | family | identity
    source: str  # where it was read: "owners.csv line 4", "ofac remarks", "opensanctions Ownership"
    owner_name: str | None = None


def party_key(grants_id: str) -> str:
    return f"grants:{grants_id}"


def share_of(text: str | None) -> float | None:
    """`60`, `60.5`, `60 %` -> 60.0; empty -> None; anything else raises ValueError."""
    cleaned = (text or "").strip().removesuffix("%").strip()
    return float(cleaned) if cleaned else None


def grants_edges(session: Session) -> list[Edge]:
    """Every accepted owners.csv row in the store, as an edge."""
    rows = session.scalars(select(OwnershipRelation).where(OwnershipRelation.status == "accepted")
                           .order_by(OwnershipRelation.id))
    return [Edge(row.owner_key, row.owned_key, share_of(row.share_percent), row.role or "owner",
                 row.source_record, row.owner_name) for row in rows]


def list_edges(entities: list[Entity]) -> list[Edge]:
    """Edges between listed entities: OFAC "Linked To:" (resolved by exact name within the same
    source) and FtM relations kept on the entities."""
    by_name = {(e.source, _name_key(e.name)): e.id for e in entities}
    edges = []
    for entity in entities:
        for name in entity.linked_to:
            other = by_name.get((entity.source, _name_key(name)))
            if other and other != entity.id:
                edges.append(Edge(other, entity.id, None, "linked", f"{entity.source} remarks: Linked To", name))
        for relation in getattr(entity, "relations", []) or []:
            edges.append(Edge(relation["party"], entity.id, relation.get("share"), relation["role"],
                              f"{entity.source} {relation.get('schema', 'relation')}", relation.get("name")))
    return edges


def _name_key(name: str) -> str:
    return " ".join(name.strip().rstrip(".").casefold().split())
