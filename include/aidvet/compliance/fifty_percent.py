"""OFAC's 50 Percent Rule over an ownership graph.

An entity owned 50 % or more, directly or indirectly, individually or in aggregate, by one or more
blocked persons is itself blocked (OFAC guidance of 13 Aug 2014; 31 CFR 510.411-style "owned or
controlled" provisions, codified for all programs in Dec 2022). Indirect ownership follows OFAC's
own examples: an entity that the rule blocks is a blocked person, so its holdings count in full
one level down (X owns 50 % of A, A owns 50 % of B: A and B are both blocked). The effective
share a designated person holds along a chain (the product of the shares) is reported beside it.

Control without 50 % ownership (a director, officer, controller, or an OFAC "Linked To" relation)
does not block by itself, but OFAC urges caution: such a party is held for review.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aidvet.compliance.relations import Edge


@dataclass
class Blocked:
    node: str
    designated: str | None = None  # why the node itself is designated (a list match), if it is
    owners: list[Edge] = field(default_factory=list)  # the blocked owners' edges that block it
    share: float = 0.0  # the aggregate share those owners hold


@dataclass
class Ownership:
    blocked: dict[str, Blocked]
    controlled: dict[str, list[Edge]]  # node -> edges from blocked parties with a review role
    names: dict[str, str]


def compute(edges: list[Edge], designated: dict[str, str], names: dict[str, str], *,
            threshold: float = 50.0, review_roles: tuple[str, ...] = ("director", "officer", "controller",
                                                                       "linked")) -> Ownership:
    """Blocked status of every node reachable from `designated` (node -> why), to a fixed point.
    Cycles are harmless: a node is added once and the set only grows."""
    blocked = {node: Blocked(node, designated=why) for node, why in designated.items()}
    incoming: dict[str, list[Edge]] = {}
    for edge in edges:
        incoming.setdefault(edge.owned, []).append(edge)
    changed = True
    while changed:
        changed = False
        for node, edges_in in incoming.items():
            if node in blocked:
                continue
            holding = [e for e in edges_in if e.owner in blocked and e.share is not None and e.role in ("owner", "identity")]
            total = sum(e.share for e in holding)
            if holding and total >= threshold - 1e-9:
                blocked[node] = Blocked(node, owners=holding, share=total)
                changed = True
    controlled = {node: [e for e in edges_in if e.owner in blocked and _reviewable(e, review_roles)]
                  for node, edges_in in incoming.items() if node not in blocked}
    return Ownership(blocked, {n: es for n, es in controlled.items() if es}, names)


def _reviewable(edge: Edge, review_roles: tuple[str, ...]) -> bool:
    """Control roles hold for review; so does an owner row without a share (control without shares),
    and a minority share when the policy lists 'owner' among the review roles."""
    return edge.role in review_roles or (edge.role == "owner" and edge.share is None)


def explain(ownership: Ownership, node: str, seen: frozenset[str] = frozenset()) -> str:
    """`owned 60 % by HOLDCO [grants:H] (itself owned 100 % by X [grants:X] (designated: ...))`."""
    state = ownership.blocked.get(node)
    if state is None:
        return ""
    if state.designated:
        return f"designated: {state.designated}"
    parts = []
    for edge in sorted(state.owners, key=lambda e: (-(e.share or 0), e.owner)):
        inner = explain(ownership, edge.owner, seen | {node}) if edge.owner not in seen else "cycle"
        verb = f"{edge.source} with" if edge.role == "identity" else f"owned {edge.share:g} % by"
        parts.append(f"{verb} {label(ownership, edge.owner)} ({inner})")
    total = f"{state.share:g} % in aggregate: " if len(state.owners) > 1 else ""
    return total + " + ".join(parts)


def explain_control(ownership: Ownership, node: str) -> str:
    return "; ".join(f"{edge.role} {label(ownership, edge.owner)} ({explain(ownership, edge.owner)})"
                     for edge in ownership.controlled.get(node, []))


def effective_share(ownership: Ownership, node: str, seen: frozenset[str] = frozenset()) -> float:
    """The share designated persons hold in `node` multiplied along each chain (for information:
    the rule itself counts a blocked intermediate's holding in full)."""
    state = ownership.blocked.get(node)
    if state is None or node in seen:
        return 0.0
    if state.designated:
        return 100.0
    return sum((edge.share or 0) * effective_share(ownership, edge.owner, seen | {node}) / 100
               for edge in state.owners)


def label(ownership: Ownership, node: str) -> str:
    name = ownership.names.get(node)
    return f"{name} [{node}]" if name else node
