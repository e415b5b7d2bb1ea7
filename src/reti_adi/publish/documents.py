"""The Word documents of a build: one per protocol, one planning report per ambito.

They are independent of each other and of every other step, and each costs a tenth of a second of
python-docx: at national scale (600 ambiti) that is the longest single-core stretch of the build.
So they are written by forked processes, each writing its own files straight into the staging
folder: in a build, one child that starts before the API and runs beside the rest of the build;
the shared computations (coverage, protected demand) are made once, before the fork, and read by
every child from the parent's memory.
"""

from __future__ import annotations

from pathlib import Path

from reti_adi.catalogue.records import Catalogue
from reti_adi.publish.context import BuildContext
from reti_adi.publish.coverage import coverage
from reti_adi.publish.demand import build_demand
from reti_adi.publish.forked import ForkedJob, run_forked

BACKGROUND_NICENESS = 10
MIN_PER_PROCESS = 40
"""Below this many documents a second process costs more (fork, a second python-docx warm-up) than it saves."""


def document_jobs(catalogue: Catalogue, protocols) -> list[tuple[str, str]]:
    """(kind, id) of every document, in a fixed order."""
    return ([("protocollo", p) for p in sorted(protocols.protocolli)]
            + [("programmazione", a) for a in sorted(catalogue.of("ambito"))])


def _write_share(catalogue: Catalogue, ctx: BuildContext, protocols, staging: Path,
                 jobs: list[tuple[str, str]]) -> int:
    from reti_adi.publish.files import write_files
    from reti_adi.publish.docx import protocol_docx
    from reti_adi.publish.planning_docx import docx_path as planning_path
    from reti_adi.publish.planning_docx import planning_docx
    from reti_adi.publish.protocols import docx_path

    for kind, key in jobs:
        if kind == "protocollo":
            write_files(staging, {docx_path(key): protocol_docx(protocols.protocolli[key], catalogue, ctx)})
        else:
            write_files(staging, {planning_path(key): planning_docx(catalogue, key, ctx)})
    return len(jobs)


def _prepare(catalogue: Catalogue, protocols) -> list[tuple[str, str]]:
    coverage(catalogue), build_demand(catalogue)  # once, read by every child from the parent's memory
    return document_jobs(catalogue, protocols)


def write_documents(catalogue: Catalogue, ctx: BuildContext, protocols, staging: Path, processes: int) -> int:
    """Write every document under staging, now; returns how many."""
    jobs = _prepare(catalogue, protocols)
    processes = max(1, min(processes, len(jobs) // MIN_PER_PROCESS))
    if processes == 1:
        return _write_share(catalogue, ctx, protocols, staging, jobs)
    shares = [jobs[part::processes] for part in range(processes)]
    return sum(run_forked(_write_share, [(catalogue, ctx, protocols, staging, share) for share in shares],
                          "la scrittura dei documenti"))


def start_documents(catalogue: Catalogue, ctx: BuildContext, protocols, staging: Path,
                    processes: int = 2) -> ForkedJob:
    """Write every document under staging in children below the build's priority, while the build goes on:
    the API and data steps leave a core idle, and the documents take it; what is left when the build
    waits is shared by all the cores. job.results() waits."""
    jobs = _prepare(catalogue, protocols)
    processes = max(1, min(processes, len(jobs) // MIN_PER_PROCESS))
    shares = [jobs[part::processes] for part in range(processes)]
    return ForkedJob(_write_share, [(catalogue, ctx, protocols, staging, share) for share in shares],
                     "la scrittura dei documenti", niceness=BACKGROUND_NICENESS)
