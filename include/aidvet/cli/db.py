"""`aidvet db upgrade|current`: the store's schema."""

from __future__ import annotations

from aidvet.config import settings
from aidvet.store import migrate


def register(subparsers) -> None:
    db = subparsers.add_parser("db", help="the vetting store's schema").add_subparsers(dest="db_command", required=True)
    upgrade = db.add_parser("upgrade", help="migrate the store (AIDVET_DB_URL) to the newest revision")
    upgrade.set_defaults(func=_upgrade)
    current = db.add_parser("current", help="print the store's current revision")
    current.set_defaults(func=_current)


def _upgrade(args) -> int:
    url = settings().db_url
    migrate.upgrade(url)
    print(f"store at revision {migrate.current_revision(url)} ({_safe(url)})")
    return 0


def _current(args) -> int:
    print(migrate.current_revision(settings().db_url) or "(empty)")
    return 0


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
