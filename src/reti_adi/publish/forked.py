"""Run one function over several argument tuples in forked processes, one process per tuple.

Fork, not spawn: each child starts with the parent's loaded catalogue and computations in its
memory (copy-on-write) instead of loading them again. What a child returns comes back through a
queue, so it must be small and plain (counts, timings); a child's failure is raised in the parent
with its message, and a child that dies without a word is an error too.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence

from reti_adi.site.errors import SiteBuildError


class ForkedError(SiteBuildError):
    """A child process failed: nothing it was writing may be published."""


def _child(function: Callable, index: int, args: tuple, queue) -> None:
    try:
        queue.put((index, "ok", function(*args)))
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        queue.put((index, "errore", f"{type(exc).__name__}: {exc}"))


def run_forked(function: Callable, arguments: Sequence[tuple], what: str) -> list:
    """function(*args) for each args, each in its own child; the results in the order of `arguments`.
    `what` names the work in the Italian error message."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    children = [context.Process(target=_child, args=(function, index, args, queue))
                for index, args in enumerate(arguments)]
    for child in children:
        child.start()
    outcomes: dict[int, tuple[str, object]] = {}
    try:
        while len(outcomes) < len(children):
            try:
                index, status, value = queue.get(timeout=1.0)
            except Exception:  # noqa: BLE001 - queue.Empty: check for a child that died silently
                if any(child.exitcode not in (None, 0) for child in children):
                    break
                continue
            outcomes[index] = (status, value)
    finally:
        for child in children:
            child.join(timeout=None if len(outcomes) == len(children) else 1.0)
            if child.is_alive():
                child.kill()
                child.join()
    failures = [str(value) for status, value in outcomes.values() if status != "ok"]
    if len(outcomes) < len(children):
        failures.append("un processo è terminato senza risultato")
    if failures or any(child.exitcode for child in children):
        raise ForkedError(f"{what} non è riuscita:\n" + "\n".join(f"  - {f}" for f in failures or
                                                                   ["un processo è terminato con errore"]))
    return [outcomes[index][1] for index in range(len(children))]
