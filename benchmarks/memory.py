"""Resident memory of a benchmark: this process's, its process tree's, and a sampler of the peak."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable


def own_rss() -> int:
    """Resident memory of this process, in bytes."""
    return _vm_rss(os.getpid())


def tree_rss(pid: int | None = None) -> int:
    """Resident memory of a process and its children (e.g. screening workers), in bytes."""
    pid = os.getpid() if pid is None else pid
    return sum(_vm_rss(process_id) for process_id in [pid, *children(pid)])


def children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
    except OSError:
        pass
    return found


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
