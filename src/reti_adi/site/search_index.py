"""Pagefind search indexes, one per regione.

A single index of a national catalogue makes every browser download metadata for every
service (about 9 bytes a page, plus each filter's whole chunk) before the first result. A
household lives in one comune of one regione, so each regione gets its own Pagefind bundle,
small whatever the size of the country; a search with no regione chosen merges them all.
The filter values and counts shown in the search form are written here too, so the page
never has to load every filter chunk just to fill its menus.

A regione with more than SHARD_PAGES services is indexed in shards of about that size, each its own
bundle, which the search page merges: a service belongs to a shard by a digest of its id, so editing
one service re-indexes one shard, not the whole regione (Pagefind has no incremental mode, and a
large regione took 7 s to index and rewrite). The first shard stays at pagefind/<regione>/, beside
the regione's filtri.json; the others are pagefind/<regione>_2/, _3/...; regioni.json lists them
all under «indici».
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from reti_adi.catalogue.records import Catalogue
from reti_adi.catalogue.vocabularies import comuni
from reti_adi.publish.api_models import ServizioDettaglio
from reti_adi.site.errors import SiteBuildError
from reti_adi.site.pages.common import STATI
from reti_adi.site.reuse import BundleRecord, SiteReuse, VerifiedLinker, bundle_key, file_digest
from reti_adi.site.search_canonical import canonicalize_bundle
from reti_adi.stopwatch import Stopwatch

INDEX_DIR = "pagefind"
# Pagefind's ready-made interfaces: the Cerca page uses the JavaScript API only.
UNUSED_BUNDLE_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
                       "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")


SHARD_PAGES = 400
"""Services per Pagefind bundle, at most about: more bundles make the first search of a regione fetch more
small files, fewer make a rebuild after one edit index more pages again."""


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "regione"


def _label(text: str) -> str:
    """Pagefind reads filter values as text with whitespace collapsed: the counts use the same key."""
    return " ".join(text.split())


def services_by_region(catalogue: Catalogue, details: dict[str, ServizioDettaglio]) -> dict[str, list[ServizioDettaglio]]:
    regions: dict[str, list[ServizioDettaglio]] = defaultdict(list)
    for service in details.values():
        ambito = catalogue.get("ambito", service.territorio.ambito.id)
        regions[ambito.regione if ambito is not None else "Senza regione"].append(service)
    return dict(sorted(regions.items()))


def filter_values(services: list[ServizioDettaglio]) -> dict[str, dict[str, int]]:
    """The values each search filter takes on these services, with how many services carry each:
    the same texts the service pages mark with data-pagefind-filter."""
    counts: dict[str, Counter] = defaultdict(Counter)
    names = comuni()
    for s in services:
        counts["comune"].update({_label(names[c].denominazione) for c in s.territorio.comuni_istat})
        counts["ambito"][_label(s.territorio.ambito.denominazione)] += 1
        counts["tipologia"][_label(s.tipologia.etichetta)] += 1
        counts["area"].update({_label(a.etichetta) for a in s.aree_utenza})
        counts["ente"][_label(s.ente_erogatore.denominazione)] += 1
        counts["fonte"].update({_label(f.denominazione) for f in s.fonti_finanziamento})
        counts["stato"][STATI[s.stato]] += 1
    return {key: dict(sorted(values.items())) for key, values in sorted(counts.items()) if values}


NATIONAL_FILTERS = ("tipologia", "area", "stato")
"""The filters regioni.json lists for a search with no regione chosen."""


def national_values(regional: Iterable[dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    """filter_values of all services, for NATIONAL_FILTERS, from each regione's: a service is in one regione."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for values in regional:
        for key in NATIONAL_FILTERS:
            counts[key].update(values.get(key, {}))
    return {key: dict(sorted(counts[key].items())) for key in NATIONAL_FILTERS if counts[key]}


def ambiti_of_comuni(catalogue: Catalogue, services: list[ServizioDettaglio]) -> dict[str, list[str]]:
    """Comune name -> names of the ambiti that contain it: the page searches a comune as «listed by
    name, or serving its whole ambito» (service pages mark whole-ambito services as ambito_intero)."""
    names = comuni()
    found: dict[str, set[str]] = defaultdict(set)
    for ambito_id in {s.territorio.ambito.id for s in services}:
        ambito = catalogue.get("ambito", ambito_id)
        if ambito is None:
            continue
        for code in ambito.comuni:
            if code in names:
                found[_label(names[code].denominazione)].add(_label(ambito.denominazione))
    return {comune: sorted(ambiti) for comune, ambiti in sorted(found.items())}


def shards(region_id: str, services: list[ServizioDettaglio], size: int | None = None
           ) -> list[tuple[str, list[ServizioDettaglio]]]:
    """(bundle id, its services) of one regione: one bundle up to `size` (default SHARD_PAGES) services,
    else ceil(n / size) shards by the CRC-32 of each service id (stable while their number stays the
    same), empty ones left out. The first keeps the regione's id; slug() never makes the «_» of the others."""
    size = size or SHARD_PAGES
    count = -(-len(services) // size) if len(services) > size else 1
    if count == 1:
        return [(region_id, services)]
    groups: list[list[ServizioDettaglio]] = [[] for _ in range(count)]
    for service in services:
        groups[zlib.crc32(service.id.encode("utf-8")) % count].append(service)
    return [(region_id if number == 0 else f"{region_id}_{number + 1}", group)
            for number, group in enumerate(groups) if group]


def _dump(document) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def _stage(site: Path, services: list[ServizioDettaglio], staging: Path) -> None:
    """A tree with only this regione's service pages, at their own paths (hard links: no copy)."""
    for service in services:
        source = site / "servizi" / service.id / "index.html"
        target = staging / "servizi" / service.id / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)


@cache
def pagefind_command() -> tuple[str, ...]:
    """The binary `python -m pagefind` would exec (the pagefind package's get_executable: PAGEFIND_BINARY_PATH,
    else the bundled binary), run directly: a national build runs Pagefind 35 times, and each `python -m`
    start-up cost about 80 ms of CPU. Where the package finds no binary, `python -m pagefind` says why."""
    try:
        from pagefind.service import get_executable

        found = get_executable()
    except ImportError:
        found = None
    if found is not None and os.path.isfile(found) and os.access(found, os.X_OK):
        return (os.path.realpath(found),)
    return (sys.executable, "-m", "pagefind")


def run_pagefind(staging: Path, bundle: Path, canonical: bool = True) -> dict[str, float]:
    """Index the pages under staging into bundle; canonical: rewritten so that the same pages always give
    the same bytes (see search_canonical.py; False only to show what Pagefind alone writes). Returns times."""
    stopwatch = Stopwatch()
    stopwatch.lap("pagefind")
    command = [*pagefind_command(), "--site", str(staging), "--output-path", str(bundle),
               "--force-language", "it", "--silent"]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SiteBuildError(f"Pagefind non è riuscito a indicizzare {staging.name}:\n{proc.stdout}\n{proc.stderr}")
    for name in UNUSED_BUNDLE_FILES:
        (bundle / name).unlink(missing_ok=True)
    stopwatch.lap("canonicalizzazione")
    if canonical:
        canonicalize_bundle(bundle)
    return stopwatch.stop()


def _bundle_files(bundle: Path) -> dict[str, str]:
    files = {}
    for path in sorted(bundle.rglob("*")):
        if path.is_file():
            digest = file_digest(path)
            if digest is not None:
                files[path.relative_to(bundle).as_posix()] = digest
    return files


def _previous_bundle(reuse: SiteReuse, bundle_id: str, key: str) -> BundleRecord | None:
    """The previous build's record of this bundle (a regione or one of its shards), if reuse is on and its
    key matches."""
    record = reuse.manifest.bundles.get(bundle_id)
    return record if reuse.usable() and record is not None and record.key == key and record.files else None


def _take_bundle(reuse: SiteReuse, bundle_id: str, record: BundleRecord, target: Path) -> bool:
    """The previous build's bundle linked into target, if every recorded file still has its digest."""
    previous = reuse.previous / INDEX_DIR / bundle_id
    linker = VerifiedLinker(previous, target)
    if all(linker.take(name, digest) for name, digest in record.files.items()):
        return True
    shutil.rmtree(target, ignore_errors=True)
    return False


def build_search_indexes(site: Path, catalogue: Catalogue, details: dict[str, ServizioDettaglio], work_dir: Path,
                         jobs: int = 2, reuse: SiteReuse | None = None,
                         page_digests: dict[str, str] | None = None) -> dict[str, float]:
    """Write site/pagefind/{regione}/ (bundle + filtri.json), the other shards of a large regione and
    site/pagefind/regioni.json. Returns the phase times, each bundle's under «regione-ID.» (they run `jobs`
    at a time).

    reuse: a bundle whose key (site/reuse.py) matches the previous build's is not indexed again,
    its verified files are linked instead; the bundles of this build are recorded in reuse.record."""
    stopwatch = Stopwatch()
    stopwatch.lap("preparazione")  # the bundle keys, and the pages of each regione to index linked into its folder
    regions = services_by_region(catalogue, details)
    root = site / INDEX_DIR
    listing = []
    keys: dict[str, str] = {}
    taken: dict[str, dict[str, str]] = {}
    candidates: list[tuple[str, list[ServizioDettaglio], BundleRecord]] = []
    to_index: list[tuple[str, list[ServizioDettaglio]]] = []
    for name, services in regions.items():
        region_id = slug(name)
        bundles = shards(region_id, services)
        listing.append({"id": region_id, "nome": name, "servizi": len(services), "indice": f"{region_id}/",
                        "indici": [f"{bundle_id}/" for bundle_id, _ in bundles]})
        for bundle_id, members in bundles:
            if reuse is not None:
                paths = [f"servizi/{service.id}/index.html" for service in members]
                digests = page_digests or {}
                keys[bundle_id] = bundle_key(bundle_id, [(p, digests.get(p) or file_digest(site / p) or "")
                                                         for p in paths])
                record = _previous_bundle(reuse, bundle_id, keys[bundle_id])
                if record is not None:
                    candidates.append((bundle_id, members, record))  # verified while Pagefind indexes the others
                    continue
            to_index.append((bundle_id, members))
    stopwatch.lap("indici")
    per_region: dict[str, dict[str, float]] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        started = []

        def start(bundle_id: str, services: list[ServizioDettaglio]) -> None:
            staging = work_dir / f"indice-{bundle_id}"
            _stage(site, services, staging)
            started.append((bundle_id, pool.submit(run_pagefind, staging, root / bundle_id)))

        for bundle_id, services in to_index:
            start(bundle_id, services)
        checked = Stopwatch()
        checked.lap("riuso")
        for bundle_id, services, record in candidates:
            if _take_bundle(reuse, bundle_id, record, root / bundle_id):
                taken[bundle_id] = record.files  # just verified, file by file
            else:
                start(bundle_id, services)
        per_region["indici-riusati"] = checked.stop()
        checked = Stopwatch()
        checked.lap("filtri")  # the filter values of every regione, computed while Pagefind runs
        filter_documents = {entry["id"]: {"valori": filter_values(services),
                                          "ambiti_dei_comuni": ambiti_of_comuni(catalogue, services)}
                            for services, entry in zip(regions.values(), listing)}
        national = national_values(document["valori"] for document in filter_documents.values())
        per_region["indici-filtri"] = checked.stop()
        for bundle_id, future in started:
            per_region[f"regione-{bundle_id}"] = future.result()
    if reuse is not None:
        reuse.counts.bundles_reused += len(taken)
        reuse.counts.bundles_indexed += len(keys) - len(taken)
    if reuse is not None and reuse.record is not None:
        stopwatch.lap("impronte")  # every bundle's files, before filtri.json joins them
        reuse.record.bundles = {bundle_id: BundleRecord(key, taken.get(bundle_id) or _bundle_files(root / bundle_id))
                                for bundle_id, key in keys.items()}
    stopwatch.lap("filtri")
    for region_id, document in filter_documents.items():
        (root / region_id).mkdir(parents=True, exist_ok=True)  # a regione whose first shard came out empty
        (root / region_id / "filtri.json").unlink(missing_ok=True)  # never through a link to the previous build
        (root / region_id / "filtri.json").write_text(_dump(document), encoding="utf-8")
    (root / "regioni.json").write_text(_dump({"regioni": listing, "filtri": national}), encoding="utf-8")
    times = stopwatch.stop()
    for task, task_times in per_region.items():  # at once: bundles checked and filters counted while Pagefind runs
        times[f"indici.{task}"] = sum(task_times.values())
        if task.startswith("regione-"):
            times.update({f"indici.{task}.{name}": s for name, s in task_times.items()})
    return times
