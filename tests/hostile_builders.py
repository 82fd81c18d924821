"""Small grants exports for hostile-input tests: rows by hand, files of every unreadable kind."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

from aidvet.sources.grants_csv import DISBURSEMENT_COLUMNS


def row(d_id: str, payee: str = "Clean Water Trust", amount: str = "100.00", **overrides) -> dict:
    values = {"disbursement_id": d_id, "award_id": "AW-1", "award_title": "Water", "prime_recipient_id": "PR-1",
              "prime_recipient_name": "Prime Org", "prime_recipient_country": "KE",
              "payee_id": f"P-{payee[:20]}", "payee_name": payee, "payee_type": "organization",
              "payee_role": "subrecipient", "payee_country": "KE", "amount": amount, "currency": "USD",
              "disbursement_date": "2026-10-01"}
    return {**values, **overrides}


def write_export(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=DISBURSEMENT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def unreadable_files(folder: Path) -> dict[str, Path]:
    """A latin-1 export, an empty file, a binary and a readme: each must be rejected, by name."""
    folder.mkdir(parents=True, exist_ok=True)
    latin = folder / "latin1.csv"
    latin.write_bytes((",".join(DISBURSEMENT_COLUMNS) + "\n" + ",".join(row("L-1", "Café Niño").values()) + "\n")
                      .encode("latin-1"))
    empty = folder / "empty.csv"
    empty.write_bytes(b"")
    binary = folder / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    readme = folder / "README.txt"
    readme.write_text("These are the November exports. Ask finance for the rest.\n", encoding="utf-8")
    return {"latin1": latin, "empty": empty, "binary": binary, "readme": readme}


def with_inputs(settings, *paths) -> object:
    return dataclasses.replace(settings, inputs=tuple(str(p) for p in paths))
