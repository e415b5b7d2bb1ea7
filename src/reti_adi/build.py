"""`reti-adi build`: check, then publish API, data package and site into build/ atomically.

Everything is written into a staging directory beside build/; only when every step has
succeeded is it swapped in, in one atomic step, under a lock (see publish/output_dir.py).
A failure, an interrupt or a kill at any point leaves the previous build/ exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reti_adi.catalogue.discovery import discover
from reti_adi.catalogue.records import Catalogue
from reti_adi.check import load_and_check
from reti_adi.gc_pause import paused_gc
from reti_adi.publish.api import (API_DIR, ApiPublication, api_files, build_api, date_records, id_reuse_problems,
                                  namespace_problems)
from reti_adi.publish.context import BuildContext, make_context
from reti_adi.publish.datapackage import DATA_DIR, build_datapackage
from reti_adi.publish.document_reuse import DocumentCounts, DocumentReuse
from reti_adi.publish.document_reuse import load_manifest as load_document_manifest
from reti_adi.publish.document_reuse import save_manifest as save_document_manifest
from reti_adi.publish.files import write_files
from reti_adi.publish.linked_files import write_files_linking
from reti_adi.publish.identity import catalogue_namespace
from reti_adi.publish.output_dir import BuildLocked, OutputDir
from reti_adi.publish.previous import PreviousAbsent, PreviousError, PreviousPublication, load_previous
from reti_adi.rules.problems import Problem
from reti_adi.rules.result import CheckResult
from reti_adi.site.reuse import Counts, Manifest, SiteReuse, load_manifest, save_manifest
from reti_adi.stopwatch import BACKGROUND, Stopwatch


class BuildRefused(Exception):
    """The catalogue has errors: nothing was published."""

    def __init__(self, result: CheckResult):
        n = len(result.errors)
        super().__init__(f"{n} {'errore' if n == 1 else 'errori'} nel catalogo")
        self.result = result


class PreviousNotFound(Exception):
    """The previous publication is required but could not be read, or cannot be trusted."""


class FirstPublicationRequired(PreviousNotFound):
    """The declared site has nothing published yet: only --prima-pubblicazione may start from scratch."""


NO_SITE_NOTICE = ("il catalogo non dichiara url_sito in catalogo/catalogo.yaml: va bene per un'anteprima locale, "
                  "ma lapidi e registro delle modifiche continuano solo finché si riusa questa cartella di build. "
                  "Per pubblicare, dichiara url_sito.")


@dataclass(slots=True)
class BuildState:
    catalogue: Catalogue
    context: BuildContext
    previous: PreviousPublication | None
    staging: Path
    api: ApiPublication | None = None
    timings: dict[str, float] = field(default_factory=dict)
    discard: Callable[[Path], None] | None = None
    """Takes a finished work folder away (deleted while later steps run); None: delete it at once."""
    protocols: object | None = None
    """The protocols' publication when a step needs it before the API (the documents)."""
    background: list = field(default_factory=list)
    """Work started by a step and waited for by a later one (publish/forked.py ForkedJob)."""
    site_reuse: SiteReuse | None = None
    """The previous build's pages and search bundles the site may reuse (site/reuse.py); None: none."""
    document_reuse: DocumentReuse | None = None
    """The previous build's Word documents the documents may reuse (publish/document_reuse.py); None: none."""
    data: object | None = None
    """The child writing the API files and the data package (step_start_data), until step_wait_data."""

    def cancel_background(self) -> None:
        """The build failed: stop what runs beside it (what it writes goes with the staging folder)."""
        for job in self.background:
            job.cancel()
        self.background.clear()


Step = Callable[[BuildState], None]


def step_api(state: BuildState) -> None:
    state.api = build_api(state.catalogue, state.context, state.previous, state.protocols)
    write_files_linking(state.staging, API_DIR, state.api.files, _linkable_previous(state))


def step_records(state: BuildState) -> None:
    """The records as published and dated: all the site needs of the API (its files come in step_start_data)."""
    with paused_gc():  # tens of thousands of models, kept until the end: frozen
        state.api = date_records(state.catalogue, state.context, state.previous, state.protocols)


def _linkable_previous(state: BuildState) -> Path | None:
    """The previous build folder whose identical files this build may link (publish/linked_files.py):
    none with `--completa`, which writes everything."""
    reuse = state.site_reuse
    return reuse.previous if reuse is not None and reuse.usable() else None


def _publish_api_files(state: BuildState) -> dict[str, float]:
    stopwatch = Stopwatch()
    stopwatch.lap("api")
    state.api.files = api_files(state.api, state.catalogue, state.context)
    write_files_linking(state.staging, API_DIR, state.api.files, _linkable_previous(state))
    return stopwatch.stop()


def _publish_data_package(state: BuildState) -> dict[str, float]:
    stopwatch = Stopwatch()
    for name, step in (("hsds", step_hsds), ("dati", step_datapackage)):
        stopwatch.lap(name)
        step(state)
    return stopwatch.stop()


BACKGROUND_PUBLICATIONS = {"api": _publish_api_files, "dati": _publish_data_package}
"""What step_start_data writes, each in its own child: the API files; HSDS and the data package. DCAT,
which describes both, comes after them (step_dcat, in the build)."""


def _publish_in_background(state: BuildState, name: str) -> dict[str, float]:
    return BACKGROUND_PUBLICATIONS[name](state)


def step_start_data(state: BuildState) -> None:
    """The API files and the data package in two children below the build's priority, beside the site: the
    site needs only the dated records, and its single-core stretches (merge, Pagefind for a few bundles)
    leave a core idle. Two children, not one: once the site is done both cores take them, and the build
    no longer waits for one child doing both in turn."""
    from reti_adi.publish.forked import BACKGROUND_NICENESS, ForkedJob

    state.data = ForkedJob(_publish_in_background, [(state, name) for name in BACKGROUND_PUBLICATIONS],
                           "la pubblicazione di API e dati", niceness=BACKGROUND_NICENESS,
                           collect=False)  # they only allocate (gc_pause.py)
    state.background.append(state.data)


def step_wait_data(state: BuildState) -> None:
    job, state.data = state.data, None
    state.background.remove(job)
    for times in job.results():
        for name, seconds in times.items():
            state.timings[f"{BACKGROUND}.dati.{name}"] = seconds


def step_documents(state: BuildState) -> None:
    from reti_adi.catalogue.loader import default_jobs
    from reti_adi.publish.documents import write_documents

    write_documents(state.catalogue, state.context, state.api.protocols, state.staging, default_jobs(),
                    state.document_reuse)


def step_start_documents(state: BuildState) -> None:
    """The documents in a child beside the rest of the build (they need only the catalogue and the protocols)."""
    from reti_adi.catalogue.loader import default_jobs
    from reti_adi.publish.documents import start_documents
    from reti_adi.publish.protocols import build_protocols

    state.protocols = build_protocols(state.catalogue, state.context)
    state.background.append(start_documents(state.catalogue, state.context, state.protocols, state.staging,
                                            default_jobs(), state.document_reuse))


def step_wait_documents(state: BuildState) -> None:
    while state.background:
        state.background.pop(0).results()


def step_datapackage(state: BuildState) -> None:
    write_files(state.staging / DATA_DIR, build_datapackage(state.catalogue, state.context))


def step_hsds(state: BuildState) -> None:
    from reti_adi.publish.hsds import HSDS_DIR, build_hsds, catalogue_ids
    from reti_adi.publish.identity import catalogue_namespace

    # a regional portal's context overrides global_id to keep its sources' ids; an ambito's build derives them
    keeps_source_ids = type(state.context).global_id is not BuildContext.global_id
    if keeps_source_ids:
        global_of = state.context.global_id
    else:
        namespace = catalogue_namespace(state.catalogue)
        if namespace is None:  # no namespace, no stable UUIDs: check already warns
            return
        global_of = catalogue_ids(namespace)
    modified = {i: d.modificato_il for i, d in state.api.details.items() if d.modificato_il}
    write_files_linking(state.staging, HSDS_DIR, build_hsds(state.catalogue, state.context, global_of, modified).files,
                        _linkable_previous(state))


def step_dcat(state: BuildState) -> None:
    from reti_adi.publish.dcat import PublicationDates, build_dcat

    data = state.staging / DATA_DIR
    entries = {name: f"../{path}" if (state.staging / path).is_file() else None
               for name, path in (("api", f"{API_DIR}/index.json"), ("hsds", "api/hsds/index.json"))}
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    sizes = {p.name: p.stat().st_size for p in data.iterdir() if p.is_file()}
    feed = state.api.feed
    dates = PublicationDates(issued=feed.started, modified=feed.latest.data)
    write_files(data, build_dcat(state.catalogue, state.context, package, sizes, entries["api"], entries["hsds"],
                                 dates))


def step_site(state: BuildState) -> None:
    from reti_adi.site.mkdocs_site import build_site

    timings = build_site(state.catalogue, state.api.details, state.context, state.staging, state.api.protocols,
                         discard=state.discard, reuse=state.site_reuse)
    for name, seconds in timings.items():
        state.timings[f"sito.{name}"] = seconds


DATA_STEPS: list[tuple[str, Step]] = [("api", step_api), ("hsds", step_hsds), ("dati", step_datapackage),
                                       ("dcat", step_dcat), ("documenti", step_documents)]
SITE_STEPS: list[tuple[str, Step]] = [("sito", step_site)]


@dataclass(slots=True)
class BuildReport:
    out: Path
    result: CheckResult
    context: BuildContext
    api: ApiPublication
    timings: dict[str, float]
    notices: list[str] = field(default_factory=list)
    """Warnings about the publication itself (not the catalogue), in Italian."""
    reuse: Counts | None = None
    """Pages and search bundles taken from the previous build vs made again (None: no site step)."""
    documents: DocumentCounts | None = None
    """Word documents taken from the previous build vs written (None: no documents step)."""


def find_previous(catalogue: Catalogue, out: Path, previous: str | Path | None,
                  first_publication: bool) -> tuple[PreviousPublication | None, list[str]]:
    """The previous publication, required when the catalogue declares its site.

    Explicit --precedente first, then the existing build folder, then the declared site itself.
    Only --prima-pubblicazione may start with nothing: tombstones and the change log never vanish silently."""
    meta = catalogue.meta.model if catalogue.meta else None
    site = meta.url_sito if meta else None
    notices = [] if site else [NO_SITE_NOTICE]
    if first_publication:
        return None, notices
    if previous is not None:
        source, label = previous, f"«{previous}»"
    elif (out / API_DIR / "index.json").is_file() or not site:
        source, label = out, f"la build esistente «{out}»"
    else:
        source, label = site, f"il sito dichiarato in catalogo.yaml (url_sito: {site})"
    try:
        return load_previous(source), notices
    except PreviousAbsent as exc:
        if previous is None and not site:
            return None, notices  # a local preview with no build yet: as before
        if previous is None:
            raise FirstPublicationRequired(
                f"{label} non ha ancora una pubblicazione ({exc}). Se questa è la prima pubblicazione, ripeti con "
                "--prima-pubblicazione; altrimenti indica la pubblicazione precedente con --precedente "
                "CARTELLA_O_URL.") from exc
        raise PreviousNotFound(f"nessuna pubblicazione precedente leggibile in {label}: {exc}") from exc
    except PreviousError as exc:
        raise PreviousNotFound(
            f"la pubblicazione precedente ({label}) non si può usare: {exc}. Senza di essa lapidi e registro delle "
            "modifiche andrebbero persi; nessun file è stato scritto.") from exc


def build(root: Path, out: Path | None = None, previous: str | Path | None = None, today: date | None = None,
          steps: list[tuple[str, Step]] | None = None, first_publication: bool = False,
          on_phase: Callable[[str], None] | None = None, reuse: bool = True,
          detach_cleanup: bool = False) -> BuildReport:
    """on_phase(name) is called as each phase starts: the CLI shows it as progress. reuse=False
    (`--completa`): every page rendered and indexed again, none taken from the previous build.
    detach_cleanup=True (the CLI): the previous build and the work folders are deleted by a detached
    process after this returns (publish/removal.py); by default they are gone when it returns.

    The report's timings name every stretch of the build (see reti_adi.stopwatch): the top-level
    phases add up to the whole call, and each phase's sub-phases («sito.parti», ...) to the phase."""
    on_phase = on_phase or (lambda name: None)
    on_phase("controllo")
    stopwatch = Stopwatch()
    stopwatch.lap("preparazione")  # the lock, and what an interrupted build left behind removed

    root = Path(root).resolve()
    out = Path(out).resolve() if out else root / "build"
    out.parent.mkdir(parents=True, exist_ok=True)
    with OutputDir(out, detach_cleanup=detach_cleanup) as target:  # a second build of out stops here, at once
        report = _build_locked(root, target, previous, today, steps, stopwatch, on_phase, first_publication, reuse)
    report.timings = {**stopwatch.stop(), **report.timings}
    return report


def _build_locked(root: Path, target: OutputDir, previous, today, steps, stopwatch: Stopwatch,
                  on_phase: Callable[[str], None], first_publication: bool, reuse_site: bool = True) -> BuildReport:
    out = target.out
    stopwatch.lap("controllo")
    # a rebuild reads only the files that changed (the check cache, with every model); --completa reads all
    catalogue, result = load_and_check(root, today, use_cache=reuse_site, models=True)
    if not result.ok:
        raise BuildRefused(result)
    stopwatch.lap("precedente")  # the previous publication read and checked against this catalogue
    previous_pub, notices = find_previous(catalogue, out, previous, first_publication)
    reuse = id_reuse_problems(catalogue, previous_pub) + namespace_problems(
        catalogue, catalogue_namespace(catalogue), previous_pub)
    if reuse:
        raise BuildRefused(CheckResult(root, result.today, result.problems + reuse, result.files, result.counts))
    stopwatch.lap("contesto")
    context = make_context(catalogue, lambda: [p for _, p in discover(root)], reference_date=result.today)
    sub_timings: dict[str, float] = {}
    site_reuse = SiteReuse(out if out.is_dir() else None, load_manifest(out) if reuse_site else Manifest(),
                           reuse_site, spare=target.spare() if reuse_site else None)
    document_reuse = DocumentReuse(site_reuse.previous, load_document_manifest(out) if reuse_site else {}, reuse_site)
    state = BuildState(catalogue, context, previous_pub, target.staging(), timings=sub_timings,
                       discard=target.discard, site_reuse=site_reuse, document_reuse=document_reuse)
    try:
        for name, step in steps if steps is not None else default_steps():
            stopwatch.lap(name)
            on_phase(name)
            step(state)
    except BaseException:
        state.cancel_background()
        raise
    stopwatch.lap("attesa_pulizia")  # work folders of the steps still being deleted
    target.wait_discarded()
    stopwatch.lap("scambio")
    target.swap_in(state.staging, remove_previous=False)
    if site_reuse.record is not None:
        stopwatch.lap("manifesto")  # what the next build may reuse, recorded once this one is in place
        save_manifest(out, site_reuse.record)
    if document_reuse.record is not None:
        save_document_manifest(out, document_reuse.record)
    stopwatch.lap("pulizia")  # the previous build, now out of the way, kept as the spare or deleted
    if site_reuse.record is not None:
        target.keep_swapped_out()  # the next build moves its unchanged pages from it (site/reuse.py)
    else:
        target.remove_swapped_out()
    stopwatch.lap("chiusura")  # the lock released
    return BuildReport(out, result, context, state.api, sub_timings, notices,
                       site_reuse.counts if site_reuse.record is not None else None,
                       document_reuse.counts if document_reuse.record is not None else None)


def default_steps() -> list[tuple[str, Step]]:
    """The documents first, in the background; then the dated records; the API files and the data package in
    the background too, while the site is built; the build waits for them, writes DCAT, which describes
    them, and waits for the documents before the swap. The background's own times are reported under
    «sfondo.dati.» (stopwatch.BACKGROUND: not phases of the build, they ran beside it)."""
    return [("documenti", step_start_documents), ("api", step_records), ("dati", step_start_data)] + SITE_STEPS + [
        ("attesa_dati", step_wait_data), ("dcat", step_dcat), ("attesa_documenti", step_wait_documents)]


__all__ = ["BuildLocked", "BuildRefused", "BuildReport", "FirstPublicationRequired", "PreviousNotFound", "Problem",
           "build"]
