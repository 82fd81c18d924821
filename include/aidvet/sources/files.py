"""Reading an input file once: its bytes and their SHA-256, with errors that name the file."""

from __future__ import annotations

import hashlib
from pathlib import Path

from aidvet.errors import InputError


def read_input(path: str | Path) -> bytes:
    """The file's bytes; an InputError (not an OSError) when it cannot be read or is empty."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(str(path), None, f"a readable file ({error.strerror or error})") from error
    if not data.strip():
        raise InputError(str(path), None, "a non-empty file (the file is empty)")
    return data


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
