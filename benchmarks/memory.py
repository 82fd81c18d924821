"""Resident memory and CPU time of a benchmark: this process's, its process tree's, and a sampler
of the peak memory. Screening workers are started by a forkserver, so they are grandchildren of
the benchmark: the tree is walked to every descendant."""

from __future__ import annotations

import os
import resource
import threading
import time
from collections.abc import Callable


def own_rss() -> int:
    """Resident memory of this process, in bytes."""
    return _vm_rss(os.getpid())


def tree_rss(pid: int | None = None) -> int:
    """Resident memory of a process and its descendants (e.g. screening workers), in bytes."""
    pid = os.getpid() if pid is None else pid
    return sum(_vm_rss(process_id) for process_id in [pid, *descendants(pid)])


def tree_cpu_seconds() -> float:
    """User + system CPU time of this process, of its children it has waited for, and of every
    live descendant together with the children each of those has waited for (a forkserver's
    finished workers count there, not in this process's RUSAGE_CHILDREN)."""
    own, waited = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + waited.ru_utime + waited.ru_stime
    return total + sum(_cpu_ticks(pid) for pid in descendants(os.getpid())) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    found, pending = [], children(pid)
    while pending:
        child = pending.pop()
        found.append(child)
        pending.extend(children(child))
    return found


def children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
    except OSError:
        pass
    return found


def _cpu_ticks(pid: int) -> int:
    """utime + stime + cutime + cstime of a process (its waited-for children included), in ticks."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return 0
    return sum(int(value) for value in fields[11:15])  # fields 14-17 of proc(5), after "pid (comm)"


def _vm_rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class PeakRss:
    """Samples `sample()` (bytes) in a thread while the block runs; `peak` is the highest seen."""

    def __init__(self, sample: Callable[[], int] = tree_rss, interval: float = 0.05):
        self.sample, self.interval, self.peak, self._stop = sample, interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.sample())
            time.sleep(self.interval)
