"""Stable party keys for parties a source names but does not identify."""

from __future__ import annotations

import hashlib
import re

from anyascii import anyascii

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalised_name(name: str) -> str:
    """Lower-case ASCII words separated by one space: spelling noise does not split a party."""
    return _NOT_ALNUM.sub(" ", anyascii(name).lower()).strip()


def party_key_from_name(source: str, name: str | None) -> str | None:
    """`<source>:name:<16 hex>` from the normalised name; None when there is no name at all.

    The key only groups records of one party inside a source; screening uses the name as given.
    """
    if name is None or not name.strip():
        return None
    digest = hashlib.sha256(normalised_name(name).encode("utf-8")).hexdigest()[:16]
    return f"{source}:name:{digest}"


def party_key_from_ref(source: str, ref: str | None) -> str | None:
    """`<source>:<ref>` for a publisher-given identifier, None when the ref is absent or blank."""
    if ref is None or not ref.strip():
        return None
    return f"{source}:{ref.strip()}"
