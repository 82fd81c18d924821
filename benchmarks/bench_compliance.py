"""Time `compute_holds` (decide's compliance hook) on a synthetic ownership graph.

    .venv/bin/python benchmarks/bench_compliance.py [--payees 2000] [--depth 3] [--list PATH]

Builds a throwaway SQLite store with one run over N payees, each owned through a chain of
`depth` holding companies (60 % per link), a tenth of the chains ending at a person named like a
listed entity (`--designated-name`), loads the list (the bundled sample SDN list unless --list), and times the call.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from aidvet.compliance.holds import compute_holds
from aidvet.lists import load_files
from aidvet.lists.versions import store_version
from aidvet.policy import load_policy
from aidvet.sample import designated
from aidvet.sources.model import Disbursement, Party, SourceBatch
from aidvet.store import ingest
from aidvet.store.db import session_scope
from aidvet.store.migrate import upgrade
from aidvet.store.models import Run, RunItem

PROJECT = Path(__file__).resolve().parents[1]


def build(url: str, payees: int, depth: int, list_path: Path, designated_name: str) -> str:
    upgrade(url)
    with session_scope(url) as session:
        version = store_version(session, load_files([list_path]))
        batch = SourceBatch(source_file="bench/disbursements.csv", sha256="b" * 64)
        for n in range(payees):
            batch.parties.append(Party(f"grants:P{n}", f"Cooperativa Numero {n}", "organization", "subrecipient"))
            batch.disbursements.append(Disbursement(f"D{n}", "AW-1", f"grants:P{n}", f"Cooperativa Numero {n}",
                                                    "100.00", "USD", "2026-11-01", "MX", "bench", f"line {n + 2}"))
            owned = f"P{n}"
            for level in range(depth):
                owner = f"H{n}-{level}"
                last = level == depth - 1
                name = designated_name if last and n % 10 == 0 else f"Tenedora {n} Nivel {level} SA"
                kind = "person" if last and n % 10 == 0 else "organization"
                batch.owners.append((f"owners.csv line {len(batch.owners) + 2}",
                                     {"owned_id": owned, "owner_id": owner, "owner_name": name, "owner_kind": kind,
                                      "share_percent": "60", "role": "owner"}))
                batch.parties.append(Party(f"grants:{owner}", name, kind, "owner"))
                owned = owner
        ingest.record_batch(session, batch, "grants-csv")
        session.add(Run(run_id="bench", list_version_ids=[version.id], policy_hash="x"))
        session.flush()
        session.add_all(RunItem(run_id="bench", disbursement_id=f"D{n}", quality_failures=[]) for n in range(payees))
    return "bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payees", type=int, default=2000)
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--list", type=Path, default=None)
    parser.add_argument("--designated-name", default="Ruben Oseguera Cervantes",
                        help="the owner at the end of every tenth chain (a listed person's name)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        list_path = args.list or Path(folder) / "sdn"
        if args.list is None:
            designated.write_ofac_csv(list_path)
        url = f"sqlite:///{folder}/bench.db"
        started = time.perf_counter()
        run_id = build(url, args.payees, args.depth, list_path, args.designated_name)
        built = time.perf_counter() - started
        policy = load_policy(PROJECT / "policy.toml")
        with session_scope(url) as session:
            started = time.perf_counter()
            holds = compute_holds(session, run_id, policy)
            took = time.perf_counter() - started
            session.rollback()
    owned = sum(1 for h in holds.values() if h.kind == "owned")
    print(f"payees {args.payees}, chain depth {args.depth}, owner rows {args.payees * args.depth}: "
          f"store built and owners.csv rows validated in {built:.1f} s; compute_holds {took:.2f} s; "
          f"{owned} held as owned 50% or more (expected {len(range(0, args.payees, 10))})")


if __name__ == "__main__":
    main()
