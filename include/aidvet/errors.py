"""Errors aidvet raises on purpose: each names the file, the record and what was expected."""

from __future__ import annotations


class AidvetError(Exception):
    """Base class: the CLI prints these as one clear line and exits non-zero."""


class InputError(AidvetError):
    """An input file (list, grants export, IATI file...) could not be read as expected."""

    def __init__(self, file: str, record: str | None, expected: str):
        self.file, self.record, self.expected = str(file), record, expected
        where = f"{self.file}, {record}" if record else self.file
        super().__init__(f"{where}: {expected}")


class ListRejected(AidvetError):
    """A list version failed validation or a guard; it is stored as rejected and never used."""


class BatchRejected(AidvetError):
    """A whole input batch failed (schema change, too many bad rows): nothing is published as cleared."""
