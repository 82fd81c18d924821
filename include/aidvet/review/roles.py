"""Roles in the review of held items, and what each may do.

reviewer  reads the queue, decides (release / block / escalate), assigns
approver  (compliance) everything a reviewer may, plus approve or reject another person's release,
          decline a whitelist request, revoke whitelist entries
auditor   reads everything and exports audit bundles; changes nothing
admin     everything

The roles come from the deployment's Airflow auth manager, never from free text: the review UI
and its API (which the CLI uses) read the authenticated user's Airflow role names and map them
with `ROLE_MAP` (override with AIDVET_ROLE_MAP="AirflowRole:aidvet-role,..."). Defaults cover the
simple auth manager's roles (viewer -> auditor, user -> reviewer, op -> approver, admin -> admin)
and FAB roles named after the aidvet roles (Aidvet Reviewer, Aidvet Approver, Aidvet Auditor),
which a FAB deployment maps its LDAP/OAuth groups onto with AUTH_ROLES_MAPPING.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from aidvet.review import ReviewError

ROLES = ("reviewer", "approver", "auditor", "admin")
PERMISSIONS = {
    "read": {"reviewer", "approver", "auditor", "admin"},
    "export": {"auditor", "admin"},
    "decide": {"reviewer", "approver", "admin"},
    "assign": {"reviewer", "approver", "admin"},
    "approve": {"approver", "admin"},
    "revoke_whitelist": {"approver", "admin"},
}
DEFAULT_ROLE_MAP = {
    "viewer": "auditor", "user": "reviewer", "op": "approver", "admin": "admin",  # simple auth manager
    "aidvet reviewer": "reviewer", "aidvet approver": "approver", "aidvet auditor": "auditor",  # FAB roles
    "aidvet admin": "admin",
}


class NotAllowed(ReviewError):
    """The authenticated user's role does not allow this action."""


def role_map(text: str | None = None) -> dict[str, str]:
    """DEFAULT_ROLE_MAP updated by "AirflowRole:aidvet-role,..." (AIDVET_ROLE_MAP when not given)."""
    text = os.environ.get("AIDVET_ROLE_MAP", "") if text is None else text
    mapping = dict(DEFAULT_ROLE_MAP)
    for pair in filter(None, (part.strip() for part in text.split(","))):
        source, _, target = pair.rpartition(":")
        if not source or target.strip().lower() not in ROLES:
            raise ReviewError(f"AIDVET_ROLE_MAP entry {pair!r}: expected AirflowRole:role with role one of "
                              f"{', '.join(ROLES)}")
        mapping[source.strip().lower()] = target.strip().lower()
    return mapping


def aidvet_roles(airflow_roles: list[str], mapping: dict[str, str] | None = None) -> set[str]:
    mapping = role_map() if mapping is None else mapping
    return {mapping[name.strip().lower()] for name in airflow_roles if name and name.strip().lower() in mapping}


def may(roles: set[str], action: str) -> bool:
    return bool(roles & PERMISSIONS[action])


def require(user: str, roles: set[str], action: str) -> None:
    if not may(roles, action):
        held = ", ".join(sorted(roles)) or "no review role"
        raise NotAllowed(f"{user} ({held}) may not {action.replace('_', ' ')}: that needs the role "
                         f"{' or '.join(sorted(PERMISSIONS[action]))}")


@dataclass(frozen=True)
class Actor:
    """An authenticated person acting on the review: the name and roles come from the auth manager."""
    name: str
    roles: frozenset[str]

    def require(self, action: str) -> None:
        require(self.name, set(self.roles), action)


def actor(name: str, *roles: str) -> Actor:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ReviewError(f"unknown review role(s) {', '.join(sorted(unknown))}; expected {', '.join(ROLES)}")
    if not (name or "").strip():
        raise ReviewError("every review action needs the acting user's name")
    return Actor(name.strip(), frozenset(roles))
