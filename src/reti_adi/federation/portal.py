"""Publish the aggregated portal with the same pipeline as one ambito's build: API with its own change
log, data package, site with one search across ambiti (and whatever exports build.py's steps add).

The publication is staged beside `out` and swapped in only when every step has succeeded; the
portal's previous publication in `out` is what its change log continues from.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path

from reti_adi import clock
from reti_adi.build import BuildState, default_steps
from reti_adi.federation.aggregate import Aggregate
from reti_adi.federation.harvest import replace_folder
from reti_adi.publish.context import BuildContext, make_context
from reti_adi.publish.previous import load_previous_if_any


@dataclass(frozen=True)
class PortalContext(BuildContext):
    """A build context whose records keep the global identifiers and pages of the sources they came from."""

    global_ids: dict = field(default_factory=dict, compare=False, hash=False)
    origin_pages: dict = field(default_factory=dict, compare=False, hash=False)
    report_channels: dict = field(default_factory=dict, compare=False, hash=False)

    def global_id(self, kind: str, local_id: str) -> str | None:
        return self.global_ids.get((kind, local_id))

    def source_page(self, service_id: str) -> str | None:
        return self.origin_pages.get(service_id)

    def report_channel(self, service_id: str) -> tuple[str | None, str | None, str] | None:
        return self.report_channels.get(service_id)


def portal_context(aggregate: Aggregate, today: dt.date) -> PortalContext:
    """today: the day the portal is built for. Without it the calendar statuses would fall back to the date
    of the newest harvested publication, and the portal would contradict the sources it republishes."""
    base = make_context(aggregate.catalogue, [], reference_date=today)
    values = {f.name: getattr(base, f.name) for f in fields(base)}
    values.update(generated_at=aggregate.generated_at)
    return PortalContext(**values, global_ids=aggregate.global_ids, origin_pages=aggregate.origin_pages,
                         report_channels=aggregate.report_channels)


@dataclass(slots=True)
class PortalPublication:
    out: Path
    context: PortalContext
    services: int
    timings: dict[str, float]
    changes: object = None


def publish_portal(aggregate: Aggregate, out: Path, steps=None, previous: str | Path | None = None,
                   today: dt.date | None = None) -> PortalPublication:
    """previous: the portal's previous publication (folder or URL) its change log continues; default out.
    today: the reference date of the calendar statuses (default clock.today()), as in an ambito's build."""
    import time

    out = Path(out).resolve()
    context = portal_context(aggregate, today or clock.today())
    previous = load_previous_if_any(previous if previous is not None else out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".portale-nuovo-", dir=out.parent))
    timings: dict[str, float] = {}
    state = None
    try:
        state = BuildState(aggregate.catalogue, context, previous, staging, timings=timings)
        for name, step in steps if steps is not None else default_steps():
            started = time.perf_counter()
            step(state)
            timings[name] = time.perf_counter() - started
        replace_folder(staging, out)
    except BaseException:
        if state is not None:
            state.cancel_background()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return PortalPublication(out, context, len(state.api.details), timings, state.api.changes)
