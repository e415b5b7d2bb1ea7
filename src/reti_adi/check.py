"""The library entry point of `reti-adi check`: load, validate, cross-check."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reti_adi import clock
from reti_adi.catalogue.demand import load_demand
from reti_adi.catalogue.loader import load_catalogue
from reti_adi.catalogue.records import Catalogue
from reti_adi.rules.checker import check_catalogue
from reti_adi.rules.result import CheckResult


class NotACatalogue(Exception):
    """The path holds no catalogue: a usage error, not a data error."""


def load_and_check(root: Path, today: date | None = None, use_cache: bool = False,
                   jobs: int | None = None, models: bool = False) -> tuple[Catalogue, CheckResult]:
    """use_cache: reuse the per-file and per-record results of earlier runs (see cache.py); the CLI turns
    it on. Records served by the cache read their file again only when their model is asked for, unless
    models: every record gets its model before the rules run, from the cache's validated JSON where it
    has it (the build, which publishes them all: see loader.fill_models)."""
    root = Path(root)
    if not (root / "catalogo").is_dir():
        raise NotACatalogue(f"nessun catalogo in «{root}»: manca la cartella catalogo/")
    today = today or clock.today()
    cache = None
    if use_cache:
        from reti_adi.catalogue.cache import CheckCache

        cache = CheckCache(root)
    catalogue = load_catalogue(root, cache, jobs)
    if models:
        from reti_adi.catalogue.loader import fill_models

        fill_models(catalogue, cache, jobs)
    catalogue.demand, demand_problems, demand_files = load_demand(root)
    catalogue.files += demand_files
    problems = catalogue.problems + demand_problems + check_catalogue(catalogue, today, cache)
    if cache is not None:
        cache.save()
    counts = {kind: len(records) for kind, records in catalogue.records.items()}
    return catalogue, CheckResult(root, today, problems, catalogue.files, counts)


def check(root: Path, today: date | None = None, use_cache: bool = False, jobs: int | None = None) -> CheckResult:
    return load_and_check(root, today, use_cache, jobs)[1]
