"""Phase timings that account for every second: one running phase at a time, from start to stop.

Each `lap(name)` closes the running phase and opens the next, so no stretch of time between
the first lap and `stop()` goes unnamed; a phase entered again (one per page in mkdocs) adds
up. Times are for developers (`reti-adi build -v`, the benchmark), never for tests of speed.
"""

from __future__ import annotations

import time


class Stopwatch:
    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._running: str | None = None
        self._since = 0.0

    def lap(self, phase: str | None) -> None:
        """Close the running phase now and open `phase` (None: open nothing)."""
        now = time.perf_counter()
        if self._running is not None:
            self.times[self._running] = self.times.get(self._running, 0.0) + now - self._since
        self._running, self._since = phase, now

    def stop(self) -> dict[str, float]:
        self.lap(None)
        return self.times


CONCURRENT = ("parte-", "regione-", "indici-")
"""Phases named so run at the same time as their siblings (processes, threads): each takes at most
its parent's time, and their sum may exceed it."""


BACKGROUND = "sfondo"
"""Timings under «sfondo.» are of work a child did beside the build (the API files, the data package):
not phases, so they are in no sum of the build's own time."""


def is_concurrent(name: str) -> bool:
    return name.rsplit(".", 1)[-1].startswith(CONCURRENT)


def children(timings: dict[str, float], parent: str) -> dict[str, float]:
    """The phases one level below `parent` ("" for the top level) in a flat name.sub.sub dict."""
    prefix = f"{parent}." if parent else ""
    depth = prefix.count(".")
    return {name: seconds for name, seconds in timings.items()
            if name.startswith(prefix) and name.count(".") == depth}
