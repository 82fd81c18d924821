"""Sign-off check between decide and publish: an unusual run (held share far above normal, or a
list version that changed far more than usual) waits for a person's approval in Airflow."""

from __future__ import annotations

from aidvet.config import Settings
from aidvet.review.signoff import signoff_reasons
from aidvet.store.db import session_scope


def signoff_text(settings: Settings, run_id: str) -> str:
    """Markdown bullet list of why the run needs a sign-off; empty when it does not."""
    with session_scope(settings.db_url) as session:
        return "\n".join(f"* {reason}" for reason in signoff_reasons(session, run_id))
