"""Stretches that only allocate run with the cyclic garbage collector paused.

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
