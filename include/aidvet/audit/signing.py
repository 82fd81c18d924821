"""HMAC signatures of audit events: proof that an event was written by a process holding the key.

The hash chain shows that no stored event was altered, removed or reordered, but anyone who can
call `chain.append` (or compute a hash) can extend the chain with a forged event. With
`AIDVET_AUDIT_KEY` set, every event is also signed: `signature = HMAC-SHA256(key, event hash)`,
and `aidvet audit verify` (with the same key) names every event whose signature is missing or
wrong after the first signed one. Events written before a key was set stay unsigned and are
counted, not failed.

Key handling: the key is a secret of the processes that write the trail (the Airflow workers and
the review app) and of the auditor who verifies; it is never stored in the database or in a run's
outputs. Keep it in a secrets backend (an Airflow secret or the deployment's environment), at
least 32 random bytes (e.g. `python -c "import secrets; print(secrets.token_hex(32))"`). Rotating
the key means verifying with the old key up to the rotation's sequence number: keep old keys.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidvet.store.models import AuditEvent

KEY_VARIABLE = "AIDVET_AUDIT_KEY"


def audit_key() -> bytes | None:
    value = os.environ.get(KEY_VARIABLE, "")
    return value.encode("utf-8") if value else None


def sign(event_hash: str, key: bytes | None = None) -> str | None:
    key = key if key is not None else audit_key()
    return hmac.new(key, event_hash.encode("ascii"), hashlib.sha256).hexdigest() if key else None


@dataclass
class SignatureCheck:
    checked: bool  # False when no key is set: nothing can be said
    unsigned_before_first_signed: int = 0
    problems: list[str] = field(default_factory=list)


def check_signatures(session: Session, key: bytes | None = None) -> SignatureCheck:
    """Every event from the first signed one on must carry a valid signature under `key`."""
    key = key if key is not None else audit_key()
    if not key:
        return SignatureCheck(False)
    result, signed_seen = SignatureCheck(True), False
    for seq, event_hash, signature in session.execute(
            select(AuditEvent.seq, AuditEvent.hash, AuditEvent.signature).order_by(AuditEvent.seq)):
        if signature is None and not signed_seen:
            result.unsigned_before_first_signed += 1
            continue
        signed_seen = True
        if signature is None:
            result.problems.append(f"event {seq} is not signed although earlier events are: written without "
                                   f"the key (forged through the application's own append code?)")
        elif not hmac.compare_digest(signature, sign(event_hash, key)):
            result.problems.append(f"event {seq} has a signature that does not match the key (forged or altered)")
    return result
