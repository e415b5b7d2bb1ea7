"""The build's use of the cyclic garbage collector: paused where it only allocates, frozen before a fork.

Stretches that only allocate run with the collector paused.

Loading the catalogue, dating its records, the coverage, the page values: each makes hundreds of
thousands of containers and no reference cycles, and at national scale the collector's repeated passes
over the young objects cost as much as the work itself (at 10,000 services, date_records took 1.4-1.6 s
of CPU with it and 0.8 s without; the coverage 0.5 s and 0.17 s). What the stretch keeps is then frozen
(gc.freeze): it lives until the end of the build, and later collections need not walk it again.
Not for mkdocs' own build, whose per-page Markdown instances hold cycles that only the collector frees.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc(freeze: bool = True) -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()


def freeze_heap() -> None:
    """Before a fork: what the parent holds so far (the catalogue, the dated records) goes to the permanent
    generation. The cyclic GC then never walks it again, in the parent or in the children: at 10,000
    services each full collection walked hundreds of thousands of long-lived objects (a third of the
    time of the comuni pages), and walking them in a child also wrote to their pages, copying them."""
    gc.freeze()
