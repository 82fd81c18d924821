"""Rebuild the name tables the scorer reads, from the libraries made for them.

    .venv/bin/python benchmarks/make_name_tables.py [--data ../shared/data]

- include/aidvet/screening/name_variants.txt: rigour's given-name symbols for the tokens of the
  person names on the reference lists (aidvet.screening.variants);
- include/aidvet/screening/wade_giles.txt: pypinyin's Wade-Giles spelling of every pinyin
  syllable (aidvet.screening.romanization).

Deterministic: the same data and library versions give the same files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "include"))

from aidvet.screening import romanization, variants  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args(argv)
    syllables = romanization.wade_giles_table()
    romanization.write_table(syllables)  # first: preparing the list names reads it
    names = variants.variant_table(variants.person_tokens(args.data))
    variants.write_table(names)
    print(f"{len(names)} given-name spellings -> {variants.TABLE}; {len(syllables)} syllables -> {romanization.TABLE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
