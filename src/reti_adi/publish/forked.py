"""Run one function over several argument tuples in forked processes, one process per tuple.

Fork, not spawn: each child starts with the parent's loaded catalogue and computations in its
memory (copy-on-write) instead of loading them again. What a child returns comes back through a
queue, so it must be small and plain (counts, timings); a child's failure is raised in the parent
with its message, and a child that dies without a word is an error too. A ForkedJob may run
while the parent goes on with other work (niceness: below the parent's priority, so it takes the
core the parent leaves idle rather than the parent's).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
from collections.abc import Callable, Sequence

from reti_adi.gc_pause import freeze_heap
from reti_adi.site.errors import SiteBuildError


BACKGROUND_NICENESS = 10
"""For work a build starts beside itself (documents, API files): it takes the core the build leaves idle."""


class ForkedError(SiteBuildError):
    """A child process failed: nothing it was writing may be published."""


def _child(function: Callable, index: int, args: tuple, queue, niceness: int, collect: bool) -> None:
    try:
        if niceness:
            os.nice(niceness)
        if not collect:
            gc.disable()
        queue.put((index, "ok", function(*args)))
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        queue.put((index, "errore", f"{type(exc).__name__}: {exc}"))


class ForkedJob:
    """Children started and not yet waited for: results() waits, cancel() stops them."""

    def __init__(self, function: Callable, arguments: Sequence[tuple], what: str, niceness: int = 0,
                 collect: bool = True):
        """collect=False: the children run without the cyclic GC (gc_pause.py), for work that only
        allocates; what they make is gone when they end."""
        self.what = what
        freeze_heap()
        context = multiprocessing.get_context("fork")
        self._queue = context.Queue()
        self._children = [context.Process(target=_child, args=(function, index, args, self._queue, niceness, collect),
                                          daemon=True)
                          for index, args in enumerate(arguments)]
        for child in self._children:
            child.start()

    def results(self) -> list:
        """Each child's result in the order of the arguments; a failed or silent child raises ForkedError."""
        outcomes: dict[int, tuple[str, object]] = {}
        try:
            while len(outcomes) < len(self._children):
                try:
                    index, status, value = self._queue.get(timeout=1.0)
                except queue.Empty:  # a child that died without a word never answers
                    if any(child.exitcode not in (None, 0) for child in self._children):
                        break
                    continue
                outcomes[index] = (status, value)
        finally:
            self._stop(wait=len(outcomes) == len(self._children))
        failures = [str(value) for status, value in outcomes.values() if status != "ok"]
        if len(outcomes) < len(self._children):
            failures.append("un processo è terminato senza risultato")
        if failures or any(child.exitcode for child in self._children):
            raise ForkedError(f"{self.what} non è riuscita:\n" + "\n".join(
                f"  - {f}" for f in failures or ["un processo è terminato con errore"]))
        return [outcomes[index][1] for index in range(len(self._children))]

    def running(self) -> int:
        """How many children are still alive."""
        return sum(1 for child in self._children if child.is_alive())

    def cancel(self) -> None:
        """Stop every child now (the build failed elsewhere: what they write is thrown away)."""
        self._stop(wait=False)

    def _stop(self, wait: bool) -> None:
        for child in self._children:
            child.join(timeout=None if wait else 0.5)
            if child.is_alive():
                child.kill()
                child.join()


def run_forked(function: Callable, arguments: Sequence[tuple], what: str) -> list:
    """function(*args) for each args, each in its own child; the results in the order of `arguments`.
    `what` names the work in the Italian error message."""
    return ForkedJob(function, arguments, what).results()
