"""Lay the pages out with mkdocs-material and index the service pages with Pagefind.

The catalogue logic stays in reti-adi: this module only stages Markdown, writes an mkdocs
configuration derived from the repository's mkdocs.yml, and runs the two tools.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from ..loader import Catalogue
from ..publish.api_models import ServizioDettaglio
from ..publish.context import BuildContext
from ..resources import catalogue_or_default
from .pages import PageWriter

PACKAGE_DIR = Path(__file__).resolve().parent
THEME_DIR = PACKAGE_DIR / "theme"
PAGEFIND_GLOB = "servizi/**/*.html"


class SiteBuildError(Exception):
    pass


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def stage_docs(root: Path, docs: Path, fragments: Path, pages: dict[str, str]) -> None:
    """Hand-written pages as they are; each generated page as front matter plus a marker, its
    HTML body in `fragments` (outside docs_dir, so mkdocs does not copy it as a static file)."""
    from .mkdocs_hooks import MARKER

    shutil.copytree(catalogue_or_default(root, "site_src"), docs, dirs_exist_ok=True)
    made: set[Path] = set()
    for relative, text in pages.items():
        _, front, body = text.split("---\n", 2)
        for base in (docs, fragments):
            folder = (base / relative).parent
            if folder not in made:
                folder.mkdir(parents=True, exist_ok=True)
                made.add(folder)
        (docs / relative).write_text(f"---\n{front}---\n\n{MARKER}\n", encoding="utf-8")
        (fragments / relative).with_suffix(".html").write_text(body, encoding="utf-8")


def write_config(root: Path, docs: Path, site: Path, ctx: BuildContext, target: Path,
                 fragments: Path | None = None) -> Path:
    from mkdocs.utils.yaml import yaml_load

    source = catalogue_or_default(root, "mkdocs.yml")
    with source.open(encoding="utf-8") as handle:
        config = yaml_load(handle) or {}
    config["docs_dir"] = str(docs)
    config["site_dir"] = str(site)
    config["strict"] = True
    theme = config.setdefault("theme", {"name": "material"})
    theme["custom_dir"] = str(THEME_DIR)
    extra = config.setdefault("extra", {})
    extra["dati_dimostrativi"] = ctx.demo
    extra["generator"] = False
    if fragments is not None:
        extra["reti_adi_frammenti"] = str(fragments)
        config["hooks"] = list(config.get("hooks") or []) + [str(PACKAGE_DIR / "mkdocs_hooks.py")]
    if ctx.site_url and not config.get("site_url"):
        config["site_url"] = ctx.site_url
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def run_mkdocs(config_file: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    previous_level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        config = load_config(config_file=str(config_file))
        mkdocs_build(config)
    except (Abort, ConfigurationError) as exc:
        details = "\n".join(f"  - {m}" for m in collector.messages)
        raise SiteBuildError(f"mkdocs ha segnalato problemi (modalità strict): {exc}\n{details}") from exc
    finally:
        logger.removeHandler(collector)
        logger.setLevel(previous_level)


def run_pagefind(site: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", PAGEFIND_GLOB, "--silent"]
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SiteBuildError(f"Pagefind non è riuscito a indicizzare il sito:\n{proc.stdout}\n{proc.stderr}")


def build_site(catalogue: Catalogue, details: dict[str, ServizioDettaglio], ctx: BuildContext,
               out: Path, protocols=None) -> dict[str, float]:
    """Build the site into `out` (an empty staging directory's root). Returns timings."""
    import time

    timings = {}
    with tempfile.TemporaryDirectory(prefix=".build-sito-", dir=out.parent) as work:
        work_dir = Path(work)
        t0 = time.perf_counter()
        pages = PageWriter(catalogue, details, ctx, protocols).write_all()
        stage_docs(catalogue.root, work_dir / "docs", work_dir / "frammenti", pages)
        config = write_config(catalogue.root, work_dir / "docs", work_dir / "site", ctx, work_dir / "mkdocs.yml",
                              work_dir / "frammenti")
        timings["pagine"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        run_mkdocs(config)
        timings["mkdocs"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        run_pagefind(work_dir / "site")
        timings["pagefind"] = time.perf_counter() - t0
        for entry in (work_dir / "site").iterdir():
            os.replace(entry, out / entry.name)
    return timings
