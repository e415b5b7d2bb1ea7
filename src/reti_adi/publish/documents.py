"""The Word documents of a build: one per protocol, one planning report per ambito.

They are independent of each other and of every other step, and each costs a tenth of a second of
python-docx: at national scale (600 ambiti) that is the longest single-core stretch of the build.
So they are written by forked processes, each writing its own files straight into the staging
folder: in a build, one child that starts before the API and runs beside the rest of the build;
the shared computations (coverage, protected demand) are made once, before the fork, and read by
every child from the parent's memory. In a rebuild, a document whose inputs are those of the previous
build's is taken from it instead (publish/document_reuse.py): after one edit, only the documents the
edit reaches are written again.
"""

from __future__ import annotations

from pathlib import Path

from reti_adi.catalogue.records import Catalogue
from reti_adi.publish.context import BuildContext
from reti_adi.publish.coverage import coverage
from reti_adi.publish.document_reuse import (DocumentCounts, DocumentRecord, DocumentReuse, document_key,
                                             reuse_document, written_digest)
from reti_adi.publish.demand import build_demand
from reti_adi.publish.forked import BACKGROUND_NICENESS, ForkedJob, run_forked

MIN_PER_PROCESS = 40
"""Below this many documents a second process costs more (fork, a second python-docx warm-up) than it saves."""


def document_jobs(catalogue: Catalogue, protocols) -> list[tuple[str, str]]:
    """(kind, id) of every document, in a fixed order."""
    return ([("protocollo", p) for p in sorted(protocols.protocolli)]
            + [("programmazione", a) for a in sorted(catalogue.of("ambito"))])


def _write_share(catalogue: Catalogue, ctx: BuildContext, protocols, staging: Path,
                 jobs: list[tuple[str, str]], reuse: DocumentReuse | None = None) -> tuple[int, int, list]:
    """Each job's document reused from the previous build or written: (documents, reused, [(path, key, digest)]),
    small and plain for the parent (a document with no key is written and not recorded)."""
    from reti_adi.publish import docx, planning_docx
    from reti_adi.publish.files import write_files
    from reti_adi.publish.protocols import docx_path

    reused, recorded = 0, []
    for kind, ident in jobs:
        if kind == "protocollo":
            relative, inputs = docx_path(ident), docx.protocol_inputs(protocols.protocolli[ident], catalogue, ctx)
            write = docx.write_protocol
        else:
            relative = planning_docx.docx_path(ident)
            inputs, write = planning_docx.planning_inputs(catalogue, ident, ctx), planning_docx.write_planning
        key = document_key(relative, inputs)
        digest = reuse_document(reuse, relative, key, staging)
        if digest is not None:
            reused += 1
        else:
            content = write(inputs)
            write_files(staging, {relative: content})
            digest = written_digest(content)
        if key is not None:
            recorded.append((relative, key, digest))
    return len(jobs), reused, recorded


def collect(reuse: DocumentReuse | None, results: list[tuple[int, int, list]]) -> int:
    """The children's results into reuse's record and counts; returns how many documents there are."""
    count = sum(total for total, _, _ in results)
    if reuse is not None:
        reuse.record = {path: DocumentRecord(key, digest) for _, _, entries in results for path, key, digest in entries}
        reused = sum(r for _, r, _ in results)
        reuse.counts = DocumentCounts(reused=reused, written=count - reused)
    return count


def _prepare(catalogue: Catalogue, protocols) -> list[tuple[str, str]]:
    coverage(catalogue), build_demand(catalogue)  # once, read by every child from the parent's memory
    return document_jobs(catalogue, protocols)


def write_documents(catalogue: Catalogue, ctx: BuildContext, protocols, staging: Path, processes: int,
                    reuse: DocumentReuse | None = None) -> int:
    """Write every document under staging, now (or take it from the previous build); returns how many."""
    jobs = _prepare(catalogue, protocols)
    processes = max(1, min(processes, len(jobs) // MIN_PER_PROCESS))
    if processes == 1:
        return collect(reuse, [_write_share(catalogue, ctx, protocols, staging, jobs, reuse)])
    shares = [jobs[part::processes] for part in range(processes)]
    return collect(reuse, run_forked(_write_share, [(catalogue, ctx, protocols, staging, share, reuse)
                                                    for share in shares], "la scrittura dei documenti"))


class DocumentsJob:
    """The documents being written beside the build: results() waits for them and records what they are."""

    def __init__(self, job: ForkedJob, reuse: DocumentReuse | None):
        self._job, self._reuse = job, reuse

    def results(self) -> int:
        return collect(self._reuse, self._job.results())

    def running(self) -> int:
        return self._job.running()

    def cancel(self) -> None:
        self._job.cancel()


def start_documents(catalogue: Catalogue, ctx: BuildContext, protocols, staging: Path,
                    processes: int = 2, reuse: DocumentReuse | None = None) -> DocumentsJob:
    """Write every document under staging in children below the build's priority, while the build goes on:
    the API and data steps leave a core idle, and the documents take it; what is left when the build
    waits is shared by all the cores. job.results() waits."""
    jobs = _prepare(catalogue, protocols)
    processes = max(1, min(processes, len(jobs) // MIN_PER_PROCESS))
    shares = [jobs[part::processes] for part in range(processes)]
    return DocumentsJob(ForkedJob(_write_share, [(catalogue, ctx, protocols, staging, share, reuse)
                                                 for share in shares],
                                  "la scrittura dei documenti", niceness=BACKGROUND_NICENESS), reuse)
