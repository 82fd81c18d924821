"""Sample grants exports with an owners.csv beside disbursements.csv (helpers for the compliance tests)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aidvet.sources.grants_csv import OWNER_COLUMNS

# The sample's payees: SUB-036 is owned through a holding by a designated person (60 % x 100 %),
# SUB-025 has him as director; SUB-045's owners add up to 120 %; one row names an unknown payee and
# two rows own each other.
OWNER_ROWS = [
    ("SUB-036", "OWN-1", "Inversiones Tapatias Holding SA", "organization", "60", "owner"),
    ("OWN-1", "OWN-2", "Ruben Oseguera Cervantes", "person", "100", "owner"),
    ("SUB-025", "OWN-3", "Ruben Oseguera Cervantes", "person", "", "director"),
    ("SUB-045", "OWN-4", "Maria Lopez Garcia", "person", "70", "owner"),
    ("SUB-045", "OWN-5", "Jose Perez Ruiz", "person", "50", "owner"),
    ("SUB-999", "OWN-6", "Nadie Conocido", "person", "10", "owner"),
    ("OWN-7", "OWN-8", "Circulo Uno SA", "organization", "30", "owner"),
    ("OWN-8", "OWN-7", "Circulo Dos SA", "organization", "30", "owner"),
]


def write_owners(folder: Path, rows) -> Path:
    path = Path(folder) / "owners.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OWNER_COLUMNS)
        writer.writerows(rows)
    return path


@pytest.fixture
def owners_sample(sample_with_list):
    """The sample run's settings with OWNER_ROWS written as owners.csv."""
    write_owners(Path(sample_with_list.inputs[0]), OWNER_ROWS)
    return sample_with_list
