"""A generated agency portfolio as a grants-management CSV export, for the end-to-end benchmark.

    .venv/bin/python benchmarks/portfolio.py --disbursements 100000 --out var/bench/portfolio-100000

About `PER_PAYEE` disbursements per distinct payee, key individuals for `KEY_INDIVIDUAL_SHARE` of
the payees, and real listed names (variants of OFAC SDN / UN entries) planted for
`PLANTED_SHARE` of payees and key individuals. Rows are written as they are generated, so memory
does not grow with the portfolio. Deterministic for a seed: the same arguments write the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_names import organization_name, person_name, variant  # noqa: E402

from aidvet.sources.grants_csv import DISBURSEMENT_COLUMNS, KEY_INDIVIDUAL_COLUMNS  # noqa: E402

PER_PAYEE = 20
AWARDS_PER_PRIME = 40
KEY_INDIVIDUAL_SHARE = 0.2
PLANTED_SHARE = 0.005
PRIMES = [("PR-001", "Chemonics International Inc.", "US"), ("PR-002", "DAI Global, LLC", "US"),
          ("PR-003", "Catholic Relief Services", "US"), ("PR-004", "Counterpart International", "US"),
          ("PR-005", "Fundacion Mexicana para el Desarrollo Rural, A.C.", "MX")]
COUNTRIES = ["MX", "MX", "GT", "HN", "SV", "CO", "HT", "KE", "NG", "UA"]
CURRENCIES = ["USD", "USD", "USD", "MXN", "EUR"]


def listed_names(entities) -> tuple[list[str], list[str]]:
    """(organization names, person names) of the listed entities, primary names only."""
    organizations = [e.name for e in entities if e.kind != "person" and e.name]
    persons = [e.name for e in entities if e.kind == "person" and e.name]
    return organizations, persons


def write_portfolio(out: Path, disbursements: int, organizations: list[str], persons: list[str],
                    seed: int = 11) -> dict[str, int]:
    """Write `out/disbursements.csv` and `out/key_individuals.csv`; returns what was written."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    payees = max(1, disbursements // PER_PAYEE)
    counts = {"disbursements": disbursements, "payees": payees, "key_individuals": 0, "planted": 0}
    start = date(2026, 1, 1)
    with (open(out / "disbursements.csv", "w", newline="", encoding="utf-8") as d_file,
          open(out / "key_individuals.csv", "w", newline="", encoding="utf-8") as k_file):
        d_out, k_out = csv.writer(d_file), csv.writer(k_file)
        d_out.writerow(DISBURSEMENT_COLUMNS)
        k_out.writerow(KEY_INDIVIDUAL_COLUMNS)
        number = 0
        for p in range(payees):
            payee_id, country = f"SUB-{p:07d}", rng.choice(COUNTRIES)
            if organizations and rng.random() < PLANTED_SHARE:
                name, kind = variant(rng, rng.choice(organizations), "organization"), "organization"
                counts["planted"] += 1
            else:
                name, kind = person_name(rng) if rng.random() < 0.15 else organization_name(rng)
            if rng.random() < KEY_INDIVIDUAL_SHARE:
                for _ in range(rng.choice([1, 1, 2, 3])):
                    counts["key_individuals"] += 1
                    k_out.writerow(_key_individual(rng, payee_id, persons, counts))
            prime_number = p % len(PRIMES)
            prime_id, prime_name, prime_country = PRIMES[prime_number]
            award_id = f"AWD-{prime_number}-{(p // len(PRIMES)) % AWARDS_PER_PRIME:03d}"
            share = PER_PAYEE if p < payees - 1 else disbursements - number
            for _ in range(share):
                number += 1
                d_out.writerow([f"DSB-{number:08d}", award_id, f"Award {award_id}", prime_id, prime_name,
                                prime_country, payee_id, name.replace(",", "") if kind == "person" else name,
                                kind, "subrecipient", country, f"{rng.randint(100, 250000)}.{rng.randint(0, 99):02d}",
                                rng.choice(CURRENCIES), (start + timedelta(days=rng.randint(0, 300))).isoformat()])
    return counts


def _key_individual(rng: random.Random, payee_id: str, persons: list[str], counts: dict) -> list[str]:
    if persons and rng.random() < PLANTED_SHARE * 4:
        counts["planted"] += 1
        name = variant(rng, rng.choice(persons), "person")
    else:
        name, _ = person_name(rng)
    birth = date(1950, 1, 1) + timedelta(days=rng.randint(0, 18000))
    return [payee_id, name.replace(",", ""), birth.isoformat(), "passport", f"P{rng.randint(10**7, 10**8 - 1)}",
            rng.choice(COUNTRIES)]


def main(argv: list[str] | None = None) -> int:
    from aidvet.lists import load_files

    root = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--disbursements", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--lists", type=Path, nargs="+",
                        default=[root.parent / "shared/data/lists/ofac/2021-04-25",
                                 root.parent / "shared/data/lists/un/consolidated-2025-04-19.xml"])
    args = parser.parse_args(argv)
    entities = [e for path in args.lists for e in load_files([path]).entities]
    print(write_portfolio(args.out, args.disbursements, *listed_names(entities)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
