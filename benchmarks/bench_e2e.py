"""End-to-end benchmark: a generated grants-CSV portfolio through every stage on PostgreSQL.

    .venv/bin/python benchmarks/bench_e2e.py [--sizes 10000 100000 1000000] [--pg-url URL]
                                             [--screen-workers 2] [--profile OUT.prof] [--data ../shared/data]

For each size: generates (or reuses, cached under var/bench/) a portfolio of that many
disbursements (benchmarks/portfolio.py), creates a fresh PostgreSQL database, loads the real
OFAC SDN and UN lists, then runs extract -> validate -> plan -> screen (every partition) ->
decide -> publish and prints one table: rows, wall seconds per stage, peak RSS (overall and per
stage), rows/s end to end, CPU seconds of this process and its screening workers (overall and per
stage; the database server's are not in them), how many screening workers, and the machine's load average before and
after (a busy shared machine stretches wall time). The list load is set-up, not part of the run's time.

Screening partitions run as the DAG runs its mapped `screen` tasks: spread over
`--screen-workers` processes (default 2, one per core of the 2-core reference machine, as a
LocalExecutor or two Celery worker slots would), each loading the stored list index and
screening whole partitions. `--screen-workers 1` screens them one after another in this process
(what `--profile` sees; worker processes are not profiled). Peak RSS is then this process's; with
workers it is the sum over this process and its workers (RSS counted per process).
Nothing here asserts a time; `make bench-e2e` runs it.
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

from memory import PeakRss, own_rss, tree_rss  # noqa: E402
from portfolio import listed_names, write_portfolio  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LISTS = ("lists/ofac/2021-04-25", "lists/un/consolidated-2025-04-19.xml")
STAGES = ("extract", "validate", "screen", "decide", "publish")
# The lists in ../shared/data are older than the production freshness window; the benchmark
# measures speed, so its policy accepts them (everything else as in policy.toml).
BENCH_POLICY_AGE = "max_age_days = { default = 100000 }"


def portfolio_for(size: int, data: Path, entities) -> Path:
    folder = ROOT / "var" / "bench" / f"portfolio-{size}"
    if not (folder / "disbursements.csv").is_file():
        write_portfolio(folder, size, *listed_names(entities))
    return folder


def fresh_database(pg_url: str, name: str) -> str:
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False)


def bench_policy(folder: Path) -> Path:
    text_ = (ROOT / "policy.toml").read_text(encoding="utf-8")
    lines = [BENCH_POLICY_AGE if line.startswith("max_age_days") else line for line in text_.splitlines()]
    path = folder / "policy.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def screen_all(settings, run_id: str, partitions: list[int], workers: int) -> int:
    """Every partition: one after another in this process (workers=1), or spread over `workers`
    fresh processes as the DAG's executor spreads the mapped screen tasks. Returns the hit rows."""
    from aidvet.stages.screen import screen_partition

    if workers <= 1:
        return sum(screen_partition(settings, run_id, partition, len(partitions)) for partition in partitions)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return sum(pool.map(screen_partition, repeat(settings), repeat(run_id), partitions, repeat(len(partitions))))


def children_cpu() -> float:
    """CPU seconds of this process's ended children (the screening workers, once shut down)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(size: int, pg_url: str, data: Path, entities, profile: Path | None, db_prefix: str = "aidvet_bench",
             screen_workers: int = 2) -> dict:
    from aidvet.config import settings
    from aidvet.lists import load_files
    from aidvet.lists.versions import store_version
    from aidvet.stages.decide import decide
    from aidvet.stages.extract import extract
    from aidvet.stages.publish import publish
    from aidvet.stages.screen import plan
    from aidvet.stages.validate import validate
    from aidvet.store.db import session_scope
    from aidvet.store.migrate import upgrade

    folder = portfolio_for(size, data, entities)
    work = ROOT / "var" / "bench" / f"run-{size}"
    work.mkdir(parents=True, exist_ok=True)
    url = fresh_database(pg_url, f"{db_prefix}_{size}")
    os.environ.update({"AIDVET_DB_URL": url, "AIDVET_INPUTS": str(folder), "AIDVET_ARTIFACT_ROOT": str(work / "artifacts"),
                       "AIDVET_POLICY": str(bench_policy(work))})
    upgrade(url)
    with session_scope(url) as session:
        for path in LISTS:
            store_version(session, load_files([data / path]), accept_shrink=True)
    current = settings()
    timings: dict[str, float] = {}
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU time: the machine is shared

    stage_peaks: dict[str, int] = {}

    rss_of = tree_rss if screen_workers > 1 else own_rss

    stage_cpu: dict[str, float] = {}

    def timed(stage: str, call):
        rss.peak, started, cpu_started = rss_of(), time.perf_counter(), time.process_time() + children_cpu()
        result = call()  # the peak sampled from its start on is this stage's
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started
        stage_cpu[stage] = stage_cpu.get(stage, 0.0) + time.process_time() + children_cpu() - cpu_started
        stage_peaks[stage] = max(stage_peaks.get(stage, 0), rss.peak, rss_of())
        print(f"{size:,} rows: {stage} {timings[stage]:.1f} s so far, peak {stage_peaks[stage] / 2**20:,.0f} MiB",
              file=sys.stderr, flush=True)  # progress, and the numbers so far if a long run is cut short
        return result

    load_before, cpu_before, rss_before = os.getloadavg()[0], time.process_time() + children_cpu(), own_rss()
    with PeakRss(rss_of, interval=0.1) as rss:
        if profiler:
            profiler.enable()
        run_id = timed("extract", lambda: extract(current, f"bench_{size}"))
        timed("validate", lambda: validate(current, run_id))
        partitions = timed("screen", lambda: plan(current, run_id))
        timed("screen", lambda: screen_all(current, run_id, partitions, screen_workers))
        timed("decide", lambda: decide(current, run_id))
        timed("publish", lambda: publish(current, run_id))
        if profiler:
            profiler.disable()
            profiler.dump_stats(str(profile))
    total = sum(timings.values())
    return {"rows": size, **timings, "total": total, "peak_rss": max(stage_peaks.values()),
            "stage_peaks": f"{rss_before / 2**20:,.0f} / " + " / ".join(f"{stage_peaks[s] / 2**20:,.0f}" for s in STAGES), "rows_per_s": size / total,
            "cpu": time.process_time() + children_cpu() - cpu_before,
            "stage_cpu": " / ".join(f"{stage_cpu[s]:.1f}" for s in STAGES), "workers": screen_workers,
            "load": f"{load_before:.1f}/{os.getloadavg()[0]:.1f}"}


def print_table(results: list[dict]) -> None:
    header = ["rows", *STAGES, "total s", "peak RSS MiB", "MiB at start / per stage", "rows/s", "python CPU s",
              "CPU s per stage", "screen workers", "load before/after"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in results:
        cells = [f"{r['rows']:,}", *(f"{r[s]:.1f}" for s in STAGES), f"{r['total']:.1f}",
                 f"{r['peak_rss'] / 2**20:,.0f}", r["stage_peaks"], f"{r['rows_per_s']:,.0f}", f"{r['cpu']:.1f}",
                 r["stage_cpu"], str(r["workers"]), r["load"]]
        print("| " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--pg-url", default=os.environ.get("AIDVET_BENCH_PG_URL",
                                                           "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the (last) run here")
    parser.add_argument("--db-prefix", default=os.environ.get("AIDVET_BENCH_DB_PREFIX", "aidvet_bench"),
                        help="name of the PostgreSQL database created per size: PREFIX_SIZE (dropped first)")
    parser.add_argument("--screen-workers", type=int, default=2,
                        help="processes screening partitions at once, as the DAG's executor runs them (1: in this process)")
    args = parser.parse_args(argv)
    from aidvet.lists import load_files

    entities = [e for path in LISTS for e in load_files([args.data / path]).entities]
    results = []
    for size in args.sizes:
        results.append(run_once(size, args.pg_url, args.data, entities, args.profile, args.db_prefix, args.screen_workers))
        print_table(results[-1:])
        sys.stdout.flush()
    print()
    print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
