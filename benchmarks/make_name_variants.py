"""Rebuild the given-name variant table (include/aidvet/screening/name_variants.txt) with rigour.

    .venv/bin/python benchmarks/make_name_variants.py [--data ../shared/data] [--out FILE]

The vocabulary is every token of the person names on the reference lists; see
aidvet.screening.variants for what is kept. Deterministic: the same data give the same file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "include"))

from aidvet.screening.variants import TABLE, person_tokens, variant_table, write_table  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=TABLE)
    args = parser.parse_args(argv)
    table = variant_table(person_tokens(args.data))
    write_table(table, args.out)
    print(f"{len(table)} tokens -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
