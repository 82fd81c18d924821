"""Review of held items: the queue (queue), four-eyes decisions (decisions), the whitelist of
confirmed false positives (whitelist), evidence for one item (evidence) and the released / blocked
lists for payment systems (published). Pure package code: the Airflow UI plugin and the CLI call it.

Statuses: pending -> decided (a release awaiting a second person's approval) -> released;
pending -> blocked; pending -> rejected (the transaction is refused: 31 CFR 501.604); pending -> escalated -> (decided | blocked | escalated again); an open item
whose disbursement a later run holds on different evidence, or no longer holds, is superseded.
"""

from aidvet.errors import AidvetError

STATUSES = ("pending", "decided", "released", "blocked", "rejected", "escalated", "superseded")
OPEN_STATUSES = ("pending", "decided", "escalated")


class ReviewError(AidvetError):
    """A review action that is not allowed (unknown item, wrong state, missing justification)."""


class ReviewConflict(ReviewError):
    """Someone else changed the item first: reload it and decide again."""


class FourEyesViolation(ReviewError):
    """The person who decided a release may not approve it."""


def subject(item_id: int) -> str:
    """The audit-event subject of every event about one review item."""
    return f"review_item:{item_id}"
