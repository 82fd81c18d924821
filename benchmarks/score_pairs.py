"""Score the labeled pair benchmark with whichever aidvet is importable, for comparing versions.

    .venv/bin/python benchmarks/score_pairs.py --out SCORES.csv [--pairs benchmarks/pairs/pairs.csv]

The scores use the evaluation's lists (OFAC SDN 2021-04-25 + UN 2025-04-19 + the cartel
designations) for token weights, exactly as `make eval` does. `benchmarks/pairs/previous_scores.csv`
was written this way by the engine before issue 12 (commit 6e6eecd), with
`PYTHONPATH=<a checkout of that commit>/include`; `make eval` shows it as the "previous" column.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import aidvet.screening.evaluation as evaluation
from aidvet.screening.engine import Screener

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=ROOT / "benchmarks" / "pairs" / "pairs.csv")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    print(f"aidvet from {evaluation.__file__}", file=sys.stderr)
    entities = evaluation.merged(evaluation.reference_entities(args.data), evaluation.cartel_entities(args.data))
    screener = Screener(entities)
    with open(args.pairs, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(args.out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["pair_id", "score"])
        for row in rows:
            writer.writerow([row["pair_id"], f"{screener.score_names(row['name1'], row['name2'], row['kind']):.2f}"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
