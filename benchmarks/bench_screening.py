"""Screening benchmark: generated payee names against the full real list.

    .venv/bin/python benchmarks/bench_screening.py [--names 100000] [--million] [--workers 2]
                                                   [--baseline-sample 200] [--data ../shared/data]

Reports names/s (screening only; the index is built and stored before it, as the pipeline keeps one
per set of list versions), peak RSS of the whole process tree, the
planted hits found, and recall against a brute-force baseline: `rapidfuzz.process.cdist` of a
sample of the names against every listed name with the engine's own scorer, each pair at or
above the floor then judged by the same hit rules (kind, weak aliases). Recall is the share of the
baseline's (name, entity) hits the engine also returns. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import process

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_names import generate  # noqa: E402
from memory import PeakRss, tree_cpu_seconds  # noqa: E402

from aidvet.lists import load_files  # noqa: E402
from aidvet.screening import DEFAULT_THRESHOLD, Query, Screener  # noqa: E402
from aidvet.screening.compare import compare, weight_pairs  # noqa: E402
from aidvet.screening.prepare import kind_of, prepare  # noqa: E402
from aidvet.screening.stored import IndexStore  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LISTS = ("lists/ofac/2021-04-25", "lists/un/consolidated-2025-04-19.xml")


def brute_force_hits(screener: Screener, queries: list[Query]) -> set[tuple[str, str]]:
    """(query id, entity id) hits from scoring every listed name with the engine's scorer."""
    records = screener.index.records
    weights = screener.index.weights
    prepared = [prepare(query.name, kind_of(query.kind)) for query in queries]
    query_weights = [weight_pairs(name.tokens, weights) for name in prepared]

    def scorer(query_number, record_number, **_):
        record = records[record_number]
        return compare(prepared[query_number], record.prepared, weights, False, None,
                       query_weights[query_number], record.weights).score

    matrix = process.cdist(range(len(queries)), range(len(records)), scorer=scorer, processor=None,
                           score_cutoff=min(screener.lowest_name_score(query) for query in queries),
                           dtype="float32")
    hits = set()
    for query, row in zip(queries, matrix):
        needed = screener.lowest_name_score(query)
        scored = [(float(row[number]), int(number)) for number in row.nonzero()[0] if row[number] >= needed]
        hits.update((query.id, hit.entity_id) for hit in screener.hits_from(query, scored))
    return hits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="screen 1,000,000 names")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--baseline-sample", type=int, default=200,
                        help="names checked against the brute-force baseline (0: skip)")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args(argv)
    count = 1_000_000 if args.million else args.names

    started = time.perf_counter()
    entities = [entity for path in LISTS for entity in load_files([args.data / path]).entities]
    loaded = time.perf_counter()
    # As the pipeline does: the index is built and stored once per set of list versions, and
    # every screening worker loads it (a screening run after a list change also builds it).
    folder = tempfile.TemporaryDirectory(prefix="aidvet-bench-index-")
    stored = IndexStore(folder.name).get([str(path) for path in LISTS], lambda: entities)
    screener = Screener(threshold=args.threshold, index=stored.index, index_uri=stored.uri)
    built = time.perf_counter()
    names = len(screener.index.records)
    print(f"list: {len(entities):,} entities, {names:,} names (primary + aliases); "
          f"parsed in {loaded - started:.1f}s, indexed and stored in {built - loaded:.1f}s")

    planted: dict[str, str] = {}
    load_before = f"{os.getloadavg()[0]:.2f}"

    def queries():
        for query, entity_id in generate(count, entities):
            if entity_id:
                planted[query.id] = entity_id
            yield query

    with PeakRss() as rss:
        start, cpu_start = time.perf_counter(), tree_cpu_seconds()
        hits = screener.screen(queries(), workers=args.workers)
        elapsed, cpu = time.perf_counter() - start, tree_cpu_seconds() - cpu_start
    found = {(hit.query_id, hit.entity_id) for hit in hits}
    planted_found = sum((query_id, entity_id) in found for query_id, entity_id in planted.items())
    print(f"screened {count:,} names with {args.workers} worker(s) in {elapsed:.1f}s: "
          f"{count / elapsed:,.0f} names/s; peak RSS {rss.peak / 2**30:.2f} GiB (process tree)")
    print(f"CPU: {cpu:.1f} s in all processes, {count / cpu:,.0f} names per CPU-second "
          f"(load average before/after: {load_before} / {os.getloadavg()[0]:.2f}; the machine is shared)")
    print(f"hits: {len(hits):,} on {len({hit.query_id for hit in hits}):,} names; "
          f"planted true hits found {planted_found:,}/{len(planted):,} ({planted_found / max(1, len(planted)):.1%})")

    if args.baseline_sample:
        rng = random.Random(5)
        sample_queries = [query for query, _ in generate(min(count, 20_000), entities)]
        # Half the sample from the planted names (so the baseline has hits to lose), half at random.
        planted_queries = [query for query in sample_queries if query.id in planted]
        sample = rng.sample(planted_queries, min(len(planted_queries), args.baseline_sample // 2))
        chosen = {query.id for query in sample}
        rest = [query for query in sample_queries if query.id not in chosen]
        sample += rng.sample(rest, min(len(rest), args.baseline_sample - len(sample)))
        start = time.perf_counter()
        baseline = brute_force_hits(screener, sample)
        baseline_time = time.perf_counter() - start
        engine = {(hit.query_id, hit.entity_id) for hit in screener.screen(sample)}
        kept = len(baseline & engine)
        print(f"brute-force baseline (process.cdist, same scorer) on {len(sample)} names x {names:,} listed names "
              f"in {baseline_time:.1f}s ({len(sample) / baseline_time:,.1f} names/s): {len(baseline)} hits; "
              f"engine keeps {kept}/{len(baseline)} ({kept / max(1, len(baseline)):.2%}); "
              f"engine hits beyond the baseline: {len(engine - baseline)}")
        for query_id, entity_id in sorted(baseline - engine)[:10]:
            query = next(q for q in sample if q.id == query_id)
            print(f"  lost: {query.name!r} -> {entity_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
