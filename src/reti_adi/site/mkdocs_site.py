"""Lay the pages out with mkdocs-material and index the service pages with Pagefind.

The catalogue logic stays in reti-adi: this module only stages Markdown, writes an mkdocs
configuration derived from the repository's mkdocs.yml, and runs the two tools.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from reti_adi.catalogue.records import Catalogue
from reti_adi.gc_pause import freeze_heap, paused_gc
from reti_adi.publish.api_models import ServizioDettaglio
from reti_adi.publish.context import BuildContext
from reti_adi.resources import catalogue_or_default
from reti_adi.site.errors import SiteBuildError
from reti_adi.site.pages.catalogue import PageWriter
from reti_adi.site.reuse import (Manifest, PageRecord, SiteReuse, VerifiedLinker, base_key, discard_unclaimed,
                                 file_digest, move_sections, page_key, site_key)
from reti_adi.site.search_index import build_search_indexes
from reti_adi.stopwatch import Stopwatch

PACKAGE_DIR = Path(__file__).resolve().parent
THEME_DIR = PACKAGE_DIR / "theme"
RESERVED = frozenset({"api", "dati", "documenti"})
"""Top-level folders of the publication the site may not have: written beside it, by other processes."""
REUSED_DIR = "riuso"
"""Under the site's work folder: the pages every process took from the previous build."""
REUSED_SITEMAP = "riuso-sitemap.xml"
"""Under a process's work folder: the sitemap entries of the pages it took from the previous build."""


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def split_page(text: str) -> tuple[str, str]:
    """A generated page's text -> (the Markdown mkdocs reads: front matter and a marker, its HTML body)."""
    from reti_adi.site.mkdocs_hooks import MARKER

    _, front, body = text.split("---\n", 2)
    return f"---\n{front}---\n\n{MARKER}\n", body


def stage_docs(root: Path, docs: Path, fragments: Path, pages: dict[str, str]) -> None:
    """Hand-written pages as they are; each generated page as front matter plus a marker, its
    HTML body in `fragments` (outside docs_dir, so mkdocs does not copy it as a static file)."""
    shutil.copytree(catalogue_or_default(root, "site_src"), docs, dirs_exist_ok=True)
    made: set[Path] = set()
    for relative, text in pages.items():
        markdown, body = split_page(text)
        for base in (docs, fragments):
            folder = (base / relative).parent
            if folder not in made:
                folder.mkdir(parents=True, exist_ok=True)
                made.add(folder)
        (docs / relative).write_text(markdown, encoding="utf-8")
        (fragments / relative).with_suffix(".html").write_text(body, encoding="utf-8")


HOOK = str(PACKAGE_DIR / "mkdocs_hooks.py")


def site_config(root: Path, ctx: BuildContext) -> dict:
    """The mkdocs configuration reti-adi writes, without the per-run paths (the site key digests it)."""
    from mkdocs.utils.yaml import yaml_load

    source = catalogue_or_default(root, "mkdocs.yml")
    with source.open(encoding="utf-8") as handle:
        config = yaml_load(handle) or {}
    config["strict"] = True
    theme = config.setdefault("theme", {"name": "material"})
    theme["custom_dir"] = str(THEME_DIR)
    extra = config.setdefault("extra", {})
    extra["dati_dimostrativi"] = ctx.demo
    extra["generator"] = False
    config["hooks"] = list(config.get("hooks") or []) + [HOOK]  # the nav partial needs it
    if ctx.site_url and not config.get("site_url"):
        config["site_url"] = ctx.site_url
    return config


def write_config(root: Path, docs: Path, site: Path, ctx: BuildContext, target: Path,
                 fragments: Path | None = None, config: dict | None = None) -> Path:
    config = dict(site_config(root, ctx) if config is None else config)
    config["docs_dir"] = str(docs)
    config["site_dir"] = str(site)
    if fragments is not None:
        config["extra"] = {**config["extra"], "reti_adi_frammenti": str(fragments)}
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def run_mkdocs(config_file: Path, stopwatch: Stopwatch | None = None, written: dict | None = None) -> None:
    """Lay the staged pages out; the hooks lap `stopwatch` through mkdocs's own phases and fill `written`
    with each page's source path -> (output path, sitemap URL)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    previous_level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        if stopwatch is not None:
            stopwatch.lap("mkdocs.caricamento")
        config = load_config(config_file=str(config_file))
        if stopwatch is not None:
            config.extra["reti_adi_cronometro"] = stopwatch
            stopwatch.lap("mkdocs.avvio")
        if written is not None:
            config.extra["reti_adi_uscite"] = written
        mkdocs_build(config)
    except (Abort, ConfigurationError) as exc:
        details = "\n".join(f"  - {m}" for m in collector.messages)
        raise SiteBuildError(f"mkdocs ha segnalato problemi (modalità strict): {exc}\n{details}") from exc
    finally:
        logger.removeHandler(collector)
        logger.setLevel(previous_level)


def is_detail_page(relative: str) -> bool:
    """A generated page that no other build half needs: not in the nav, not an index."""
    return "/" in relative and not relative.endswith("/index.md")


def _share(jobs: int, part: int):
    def select(path: str) -> bool:
        return not is_detail_page(path) or zlib.crc32(path.encode()) % jobs == part
    return select


@dataclass(slots=True)
class PartResult:
    times: dict[str, float]
    keys: dict[str, str] = field(default_factory=dict)
    """Detail page source path -> page key (none when the configuration rules reuse out)."""
    reused: dict[str, PageRecord] = field(default_factory=dict)
    """Detail pages taken from the previous build, by source path."""
    written: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    """Keyed pages mkdocs wrote: source path -> (output path, sitemap URL)."""
    digests: dict[str, str] = field(default_factory=dict)
    """Keyed pages mkdocs wrote: source path -> digest of the written file (taken here, one core each)."""


def output_path(relative: str, directory_urls: bool) -> str:
    """Where mkdocs writes a page (its documented use_directory_urls rule): a manifest entry elsewhere is a miss."""
    stem = relative.removesuffix(".md")
    parent, _, name = stem.rpartition("/")
    if name in ("index", "README"):
        return f"{parent}/index.html" if parent else "index.html"
    return f"{stem}/index.html" if directory_urls else f"{stem}.html"


def _take_previous(writer: PageWriter, pages: dict[str, str], config: dict, reuse: SiteReuse, base: bytes,
                   reuse_dir: Path, sitemap: Path, result: PartResult) -> None:
    """Key every deferred detail page by its inputs; link those the previous build has, verified, into
    reuse_dir (shared by the processes: their pages are disjoint), their sitemap entries into `sitemap`,
    and render the others into `pages`."""
    staged = {path: split_page(text)[0] for path, text in pages.items()}
    key = site_key(base, config, HOOK, staged, is_detail_page)
    if key is not None:
        take = reuse.usable()
        directory_urls = config.get("use_directory_urls", True) is not False
        blocks = []
        linker = VerifiedLinker(reuse.previous, reuse_dir, reuse.spare, reuse.in_place) if take else None
        with paused_gc(freeze=False):  # digests and links: no cycles
            for relative in list(writer.deferred):
                inputs = writer.input_digest(relative)
                if inputs is None:
                    continue
                result.keys[relative] = page_key(key, relative, inputs)
                record = reuse.manifest.pages.get(result.keys[relative]) if take else None
                if (record is not None and record.path == output_path(relative, directory_urls)
                        and linker.take(record.path, record.digest)):
                    result.reused[relative] = record
                    blocks.append(record.sitemap)
                    del writer.deferred[relative]
        if result.reused:  # their sitemap entries, merged by merge_sites like another share's
            sitemap.write_text("\n".join(b for b in blocks if b), encoding="utf-8")
    for relative in list(writer.deferred):
        pages[relative] = writer.render_deferred(relative)


def build_part(catalogue: Catalogue, details, ctx: BuildContext, protocols, part_dir: Path, jobs: int,
               part: int, site_dir: Path | None = None, reuse: SiteReuse | None = None,
               base: bytes = b"", reuse_dir: Path | None = None) -> PartResult:
    """Render this process's share of the pages (all shared pages, 1/jobs of the detail pages) and lay
    them out with mkdocs into site_dir (default part_dir/site); with `reuse`, detail pages the previous
    build has (see site/reuse.py) go to reuse_dir (default part_dir/riuso) instead, and their sitemap
    entries to part_dir/riuso-sitemap.xml. Returns its phase times and pages."""
    stopwatch = Stopwatch()
    stopwatch.lap("pagine")
    writer = PageWriter(catalogue, details, ctx, protocols, select=_share(jobs, part),
                        defer=is_detail_page if reuse is not None else None)
    with paused_gc(freeze=False):  # the page values: containers, no cycles (not mkdocs, below)
        pages = writer.write_all()
    stopwatch.lap("riuso")  # page keys, the previous build's verified pages linked, the others rendered
    config = site_config(catalogue.root, ctx)
    result = PartResult({})
    if reuse is not None:
        part_dir.mkdir(parents=True, exist_ok=True)
        _take_previous(writer, pages, config, reuse, base, reuse_dir or part_dir / "riuso",
                       part_dir / REUSED_SITEMAP, result)
    del writer
    stopwatch.lap("markdown")  # Markdown and fragments staged for mkdocs
    stage_docs(catalogue.root, part_dir / "docs", part_dir / "frammenti", pages)
    stopwatch.lap("configurazione")
    config_file = write_config(catalogue.root, part_dir / "docs", site_dir or part_dir / "site", ctx,
                               part_dir / "mkdocs.yml", part_dir / "frammenti", config)
    del pages
    site = site_dir or part_dir / "site"
    run_mkdocs(config_file, stopwatch, result.written if result.keys else None)
    stopwatch.lap("impronte")  # the digest of each keyed page mkdocs wrote, for the manifest
    result.written = {path: out for path, out in result.written.items() if path in result.keys}
    for path, (output, _) in result.written.items():
        digest = file_digest(site / output)
        if digest is not None:
            result.digests[path] = digest
    result.times = stopwatch.stop()
    result.times["mkdocs"] = sum(seconds for name, seconds in result.times.items() if name.startswith("mkdocs."))
    return result


def _part_child(args, queue) -> None:
    try:
        queue.put(("ok", args[6], build_part(*args)))  # args[6]: the part
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        queue.put(("errore", args[6], f"{type(exc).__name__}: {exc}"))


def build_parts(catalogue: Catalogue, details, ctx: BuildContext, protocols, work_dir: Path,
                jobs: int, first_site: Path, reuse: SiteReuse | None = None
                ) -> tuple[list[Path], dict[str, float], list[PartResult]]:
    """One process per share: page rendering and mkdocs both use a single core each. The first share
    is laid out straight into first_site, the others beside it, and the pages every share took from the
    previous build into one folder, work_dir/riuso (merge_sites joins them). Returns the other shares'
    folders, each share's times under «parte-N.» and each share's result."""
    part_dirs = [work_dir / f"parte-{part}" for part in range(jobs)]
    shared = work_dir / REUSED_DIR
    base = base_key(catalogue_or_default(catalogue.root, "site_src")) if reuse is not None else b""
    if jobs == 1:
        results = [build_part(catalogue, details, ctx, protocols, part_dirs[0], 1, 0, first_site, reuse, base,
                              shared)]
    else:
        import multiprocessing

        freeze_heap()
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        children = [context.Process(target=_part_child,
                                    args=((catalogue, details, ctx, protocols, part_dirs[p], jobs, p,
                                           first_site if p == 0 else None, reuse, base, shared), queue))
                    for p in range(jobs)]
        for child in children:
            child.start()
        outcomes = [queue.get() for _ in children]
        for child in children:
            child.join()
        failures = [detail for status, _, detail in outcomes if status != "ok"]
        if failures or any(child.exitcode for child in children):
            raise SiteBuildError("\n".join(failures) or "un processo di costruzione del sito è terminato con errore")
        results = [detail for _, _, detail in sorted(outcomes, key=lambda outcome: outcome[1])]
    return [d / "site" for d in part_dirs[1:]], _part_times([(part, r.times) for part, r in enumerate(results)]), results


def _part_times(parts: list[tuple[int, dict[str, float]]]) -> dict[str, float]:
    times: dict[str, float] = {}
    for part, detail in parts:
        times[f"parte-{part}"] = sum(seconds for name, seconds in detail.items() if "." not in name)
        times.update({f"parte-{part}.{name}": seconds for name, seconds in detail.items()})
    return times


def _move_missing(source: Path, target: Path) -> None:
    """Move into target every entry of source it lacks: a folder it lacks whole, in one rename."""
    for entry in os.scandir(source):
        destination = target / entry.name
        if not os.path.lexists(destination):
            os.replace(entry.path, destination)
        elif entry.is_dir(follow_symlinks=False) and destination.is_dir() and not destination.is_symlink():
            _move_missing(Path(entry.path), destination)


def merge_sites(parts: list[Path], target: Path, sitemaps: tuple[Path, ...] = ()) -> None:
    """Move every other share into target, which holds the first; shared files are identical, sitemaps
    (theirs, and `sitemaps`) are merged."""
    import gzip

    urls: dict[str, str] = {}
    for sitemap in [target / "sitemap.xml", *(part / "sitemap.xml" for part in parts), *sitemaps]:
        urls.update(sitemap_blocks(sitemap))
    for part in parts:
        _move_missing(part, target)
    if urls:
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
               + "\n".join(urls[k] for k in sorted(urls)) + "\n</urlset>\n")
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            (target / name).unlink(missing_ok=True)  # a fresh file, whatever was there
        (target / "sitemap.xml").write_text(xml, encoding="utf-8")
        (target / "sitemap.xml.gz").write_bytes(gzip.compress(xml.encode("utf-8"), mtime=0))


def site_jobs(services: int) -> int:
    """Two processes pay off only on large catalogues (each re-imports nothing: fork)."""
    from reti_adi.catalogue.loader import default_jobs

    return 1 if services < 500 else min(2, default_jobs())


def sitemap_blocks(sitemap: Path) -> dict[str, str]:
    """loc -> its <url> block, as mkdocs wrote it."""
    import re

    urls: dict[str, str] = {}
    if sitemap.exists():
        for block in re.findall(r"<url>.*?</url>", sitemap.read_text(encoding="utf-8"), flags=re.DOTALL):
            loc = re.search(r"<loc>(.*?)</loc>", block, flags=re.DOTALL)
            urls[loc.group(1) if loc else block] = block
    return urls


def record_pages(site: Path, results: list[PartResult]) -> dict[str, PageRecord]:
    """The manifest's pages: each keyed detail page's output path, digest and sitemap entry."""
    blocks = sitemap_blocks(site / "sitemap.xml")
    pages: dict[str, PageRecord] = {}
    for result in results:
        for relative, key in result.keys.items():
            if relative in result.reused:
                pages[key] = result.reused[relative]
            elif relative in result.digests:
                path, loc = result.written[relative]
                pages[key] = PageRecord(path, result.digests[relative], blocks.get(loc, "") if loc else "")
    return pages


def build_site(catalogue: Catalogue, details: dict[str, ServizioDettaglio], ctx: BuildContext,
               out: Path, protocols=None, discard=None, reuse: SiteReuse | None = None) -> dict[str, float]:
    """Build the site into `out` (the staging directory's root). Returns the phase times.

    discard(folder) takes the work folder away when the site is done (the build deletes it while
    its other steps run); without it the folder is deleted here. reuse: what the previous build
    offers (site/reuse.py); the manifest of this build and the counts are left in it."""
    stopwatch = Stopwatch()
    stopwatch.lap("preparazione")
    work_dir = Path(tempfile.mkdtemp(prefix=".build-sito-", dir=out.parent))
    if reuse is not None:
        reuse.record = Manifest()
    try:
        jobs = site_jobs(len(catalogue.of("servizio")) + len(catalogue.of("ente")))
        merged = work_dir / "site"
        if reuse is not None and reuse.usable() and reuse.spare is not None:
            stopwatch.lap("sezioni")  # the spare's big sections moved whole, their pages checked where they lie
            reuse.in_place = move_sections(reuse.spare, work_dir / REUSED_DIR)
        stopwatch.lap("parti")
        others, part_times, results = build_parts(catalogue, details, ctx, protocols, work_dir, jobs, merged, reuse)
        stopwatch.lap("unione")
        if any(result.reused for result in results):  # the reused pages stay put, the rendered ones join them
            if reuse.in_place:
                discard_unclaimed(work_dir / REUSED_DIR, reuse.in_place,
                                  {record.path for result in results for record in result.reused.values()})
            others, merged = [merged, *others], work_dir / REUSED_DIR
        merge_sites(others, merged, tuple(sorted(work_dir.glob(f"parte-*/{REUSED_SITEMAP}"))))
        pages: dict[str, PageRecord] = {}
        if reuse is not None:
            stopwatch.lap("manifesto")  # the pages of this build, for the manifest
            pages = record_pages(merged, results)
            reuse.counts.pages_reused = sum(len(r.reused) for r in results)
            reuse.counts.pages_rendered = sum(len(r.keys) - len(r.reused) for r in results)
        stopwatch.lap("pagefind")
        search_times = build_search_indexes(merged, catalogue, details, work_dir, jobs=max(jobs, 2), reuse=reuse,
                                            page_digests={r.path: r.digest for r in pages.values()})
        if reuse is not None:
            reuse.record.pages = pages
        stopwatch.lap("spostamento")  # into the staging directory, one rename per top-level entry
        for entry in merged.iterdir():
            if entry.name in RESERVED:
                raise SiteBuildError(f"il sito ha una cartella «{entry.name}», che è della pubblicazione "
                                     f"({', '.join(sorted(RESERVED))}): rinomina quella cartella in site_src/")
            os.replace(entry, out / entry.name)
    finally:
        stopwatch.lap("pulizia")
        if discard is not None:
            discard(work_dir)
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
    times = stopwatch.stop()
    times.update({f"parti.{name}": seconds for name, seconds in part_times.items()})
    times.update({f"pagefind.{name}": seconds for name, seconds in search_times.items()})
    return times
