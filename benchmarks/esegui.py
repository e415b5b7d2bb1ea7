#!/usr/bin/env python3
"""Benchmark dell'intera pipeline di reti-adi: stampa le cifre, non giudica.

    python benchmarks/esegui.py                 # N = 1.000 e 10.000
    python benchmarks/esegui.py --grande        # anche N = 50.000
    python benchmarks/esegui.py --servizi 1000  # una sola taglia
    python benchmarks/esegui.py --federazione 1200 --sorgenti 600   # solo il portale regionale
    python benchmarks/esegui.py --servizi 10000 --incrementale      # anche la build dopo una modifica

Per ogni N: controllo (a freddo e dopo la modifica di un file, con la cache), build completa
divisa in dati, sito e ricerca, pagine al secondo, picco di memoria, dimensioni, byte scaricati
dal browser per la prima ricerca (Chromium reale, se installato), byte di una risincronizzazione
dopo 10 servizi modificati, e il confronto con una build mkdocs-material semplice con la sua
ricerca integrata sulle stesse pagine dei servizi.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
EPOCH = "1764000000"


def measure(*args: str, timeout: float | None = None) -> dict:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    started = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, str(HERE / "_misura.py"), *args], capture_output=True, text=True,
                              env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"secondi": None, "interrotto_dopo": timeout}
    if proc.returncode != 0:
        raise RuntimeError(f"{args}: {proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["secondi_processo"] = time.perf_counter() - started
    return result


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def mb(value: float) -> str:
    return f"{value / 1e6:.1f} MB"


def edit_services(root: Path, count: int, day: int) -> list[str]:
    """Change the verification date of the first `count` services (a real, valid edit)."""
    import re

    files = sorted((root / "catalogo/servizi").glob("*.yaml"))[:count]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for value in (f"2025-10-{day:02d}", f"2025-11-{day:02d}"):  # the second if a reused catalogue has the first
            edited = re.sub(r"\nultima_verifica: \S+", f"\nultima_verifica: {value}", text, count=1)
            if edited != text:
                break
        path.write_text(edited, encoding="utf-8")
    return [p.stem for p in files]


def first_search_bytes(site: Path, query: str, comune: str, regione: str) -> dict | None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not os.path.exists(chromium):
        return None
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        """Serves like a usual static host (nginx, GitHub Pages): text gzipped on request.
        Pagefind's own .pf_* files are already compressed and go out as they are."""

        def log_message(self, *args):
            pass

        def do_GET(self):
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            if (path.suffix in {".html", ".js", ".json", ".css", ".svg"} and path.is_file()
                    and "gzip" in self.headers.get("Accept-Encoding", "")):
                body = gzip.compress(path.read_bytes(), mtime=0)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(str(path)))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    totals = {"pagefind": 0, "pagina": 0, "richieste_pagefind": 0}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu",
                                                                        "--disable-background-networking"])
            page = browser.new_page()
            seen = []
            page.on("requestfinished", lambda request: seen.append(request))
            from urllib.parse import quote

            page.goto(f"{base}/cerca/?q={quote(query)}&regione={quote(regione)}&comune={quote(comune)}")
            page.wait_for_function("document.getElementById('ra-stato-ricerca').textContent.includes('trovat')",
                                   timeout=60000)
            page.wait_for_load_state("networkidle")
            for request in seen:
                body = request.sizes()["responseBodySize"]
                if "/pagefind/" in request.url:
                    totals["pagefind"] += body
                    totals["richieste_pagefind"] += 1
                    totals.setdefault("file_pagefind", []).append([request.url.split("/pagefind/", 1)[1], body])
                else:
                    totals["pagina"] += body
            totals["risultati"] = page.locator("#ra-stato-ricerca").inner_text()
            browser.close()
    finally:
        server.shutdown()
    return totals


def baseline_docs(catalogue_root: Path, target: Path, only_services: bool = False,
                  listings_out_of_search: bool = False) -> int:
    """A plain mkdocs-material project over the pages the build produces, written the way a competent
    user would: the project's own explicit nav (generated pages out of it), the built-in search plugin,
    no reti-adi hooks or theme overrides. only_services keeps just the service pages (second reference)."""
    from mkdocs.utils.yaml import yaml_load

    from reti_adi.check import load_and_check
    from reti_adi.publish.api import build_api
    from reti_adi.publish.context import make_context
    from reti_adi.resources import catalogue_or_default
    from reti_adi.site.pages.catalogue import PageWriter

    catalogue, _ = load_and_check(catalogue_root)
    ctx = make_context(catalogue, [])
    pub = build_api(catalogue, ctx, None)
    pages = PageWriter(catalogue, pub.details, ctx, pub.protocols).write_all()
    docs = target / "docs"
    if only_services:
        (docs / "servizi").mkdir(parents=True)
        (docs / "index.md").write_text("# Catalogo\n", encoding="utf-8")
    else:
        shutil.copytree(catalogue_or_default(catalogue_root, "site_src"), docs)
    count = 0
    for path, text in pages.items():
        if only_services and not path.startswith("servizi/"):
            continue
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        if listings_out_of_search and not path.startswith("servizi/") and text.startswith("---\n"):
            # Zensical stops with «exceeds the search index limit» when the listing pages are indexed too
            text = "---\nsearch:\n  exclude: true\n" + text[4:]
        (docs / path).write_text(text, encoding="utf-8")
        count += 1
    with catalogue_or_default(catalogue_root, "mkdocs.yml").open(encoding="utf-8") as handle:
        config = yaml_load(handle) or {}
    # Relative to the config file (mkdocs resolves them the same way): Zensical 0.0.73 panics on an absolute
    # docs_dir («invariant: Id(Format(Path(RootDir)))», zensical/zensical#379) and exits 1
    config.update(docs_dir="docs", site_dir="site", plugins=["search"])
    config.pop("hooks", None)
    config.setdefault("theme", {}).pop("custom_dir", None)
    if only_services:
        config["nav"] = [{"Home": "index.md"}]
        config.pop("extra_css", None)
    import yaml

    (target / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return count if only_services else sum(1 for _ in docs.rglob("*.md"))


def run_size(services: int, workdir: Path, baseline_timeout: float, reuse: bool = False,
             incremental: bool = False, repetitions: int = 1) -> dict:
    """repetitions: the full build and the baseline on the same pages run that many times, in turns
    (build, baseline, build, baseline...), and their ratio is that of the medians: on a shared machine one
    pair can be 20% off in either direction."""
    from genera_catalogo import generate

    root = workdir / f"catalogo-{services}"
    figures: dict = {"servizi": services}
    started = time.perf_counter()
    marker = root / ".generato.json"
    if reuse and marker.is_file():  # same seed, same catalogue: skip the minutes of generation
        figures["generati"] = json.loads(marker.read_text(encoding="utf-8"))
    else:
        figures["generati"] = generate(root, services)
        marker.write_text(json.dumps(figures["generati"]), encoding="utf-8")
    figures["generazione_s"] = time.perf_counter() - started

    figures["check_freddo"] = measure("check", str(root))
    measure("check-cache", str(root))  # fills the cache
    rechecks = []
    for day in range(11, 16):  # the median of 5 re-checks, each after a new edit of the same service
        edit_services(root, 1, day=day)
        rechecks.append(measure("check-cache", str(root)))
    seconds = [r["secondi_processo"] for r in rechecks]
    figures["check_dopo_una_modifica"] = {**sorted(rechecks, key=lambda r: r["secondi_processo"])[2],
                                          "ripetizioni_s": seconds}

    out = workdir / f"build-{services}"
    build = measure("build-completa", str(root), str(out))  # reuse off: a full build even into an old out
    phases = build["fasi"]
    data = sum(phases.get(name, 0) for name in ("api", "hsds", "dati", "dcat", "documenti"))
    site = phases.get("sito", 0) - phases.get("sito.pagefind", 0)
    html_pages = sum(1 for p in out.rglob("*.html") if "pagefind" not in p.parts)
    figures["build"] = {"totale_s": build["secondi"], "controllo_s": phases.get("controllo"), "dati_s": data,
                        "sito_s": site, "ricerca_s": phases.get("sito.pagefind"), "pagine_html": html_pages,
                        "pagine_al_secondo": html_pages / site if site else None, "rss_mb": build["rss_mb"],
                        "rss_figli_mb": build["rss_figli_mb"], "fasi": phases,
                        "pulizia_staccata_s": build.get("pulizia_staccata_s")}
    if incremental:
        # one service edited, then the same out built again, reusing what the edit leaves alone. The first
        # rebuild follows the full build, which (--completa) neither reads nor fills the check cache's models:
        # it parses every file again. The next ones, each after another edit, are a maintainer's usual loop:
        # with repetitions, that many of them, and the figure is the median one (its phases with it).
        rebuilds = []
        for day in range(20, 21 + repetitions):
            edited = edit_services(root, 1, day=day)
            again = measure("build", str(root), str(out))
            rebuilds.append({"servizio": edited[0], "totale_s": again["secondi"], "fasi": again["fasi"],
                             "riuso": again["riuso"], "rss_mb": again["rss_mb"],
                             "pulizia_staccata_s": again.get("pulizia_staccata_s"),
                             "rapporto_su_completa": None})  # set once every full build has run
        loop = sorted(rebuilds[1:], key=lambda r: r["totale_s"])
        figures["incrementale_dopo_completa"] = rebuilds[0]
        figures["incrementale"] = {**loop[(len(loop) - 1) // 2], "ripetizioni_s": [r["totale_s"] for r in rebuilds[1:]]}
    api = out / "api" / "v1"
    counts = {}
    for path in (api / "ambiti").glob("*/sostegni.json"):
        counts[path] = len(json.loads(path.read_text())["sostegni"])
    typical = min(counts, key=lambda p: abs(counts[p] - 100))
    figures["dimensioni"] = {"api_mb": size(out / "api") / 1e6, "dati_mb": size(out / "dati") / 1e6,
                             "sito_mb": (size(out) - size(out / "api") - size(out / "dati")) / 1e6,
                             "pagefind_mb": size(out / "pagefind") / 1e6,
                             "ambito_sostegni_json_gzip_kb": len(gzip.compress(typical.read_bytes())) / 1e3,
                             "ambito_servizi": counts[typical],
                             "ambito_100_sostegni_json_gzip_kb": hundred_services_gzip_kb(api, typical)}
    sample = json.loads((api / "sostegni.json").read_text())["sostegni"][0]
    query = sample["denominazione"].split()[0]
    comune = sample["territorio"]["comuni_istat"][0]
    from reti_adi.catalogue.vocabularies import comuni
    from reti_adi.site.search_index import slug

    figures["prima_ricerca"] = first_search_bytes(out, query, comuni()[comune].denominazione,
                                                  slug(comuni()[comune].regione))
    if figures["prima_ricerca"]:
        figures["prima_ricerca"]["query"] = query

    previous = workdir / f"build-{services}-precedente"
    shutil.copytree(out, previous)
    changed = edit_services(root, 10, day=2)
    measure("build-dati", str(root), str(out), str(previous))
    api = out / "api" / "v1"
    dataset = sum(p.stat().st_size for p in api.rglob("*.json") if "schema" not in p.parts)
    changes = json.loads((api / "changes.json").read_text())["variazioni"]["servizi"]
    fetched = (api / "stato.json").stat().st_size + (api / "changes.json").stat().st_size + sum(
        (api / "servizi" / f"{i}.json").stat().st_size for i in changes["modificati"] + changes["aggiunti"])
    figures["risincronizzazione"] = {"servizi_modificati": len(changes["modificati"]), "attesi": len(changed),
                                     "byte_scaricati": fetched, "byte_dataset": dataset,
                                     "percentuale": 100 * fetched / dataset}
    full_builds = [build["secondi"]]
    if baseline_timeout > 0:
        figures["baseline"] = {}
        variants = [("completa", "baseline", False), ("solo_servizi", "baseline", True)]
        if shutil.which("zensical"):
            variants.append(("zensical", "zensical", False))
        for name, step, only_services in variants:
            base_dir = workdir / f"baseline-{services}-{name}"
            shutil.rmtree(base_dir, ignore_errors=True)
            pages = baseline_docs(root, base_dir, only_services, listings_out_of_search=step == "zensical")
            runs = []
            try:
                for turn in range(repetitions if name == "completa" else 1):
                    if turn:  # the next full build, then the next baseline: the two see the same machine
                        full_builds.append(measure("build-completa", str(root), str(out))["secondi"])
                    runs.append(measure(step, str(base_dir), timeout=baseline_timeout))
                    if runs[-1].get("secondi") is None:
                        break
            except RuntimeError as exc:  # a failed reference is reported, it does not end the benchmark
                figures["baseline"][name] = {"pagine": pages, "secondi": None, "interrotto_dopo_s": None,
                                             "errore": str(exc)[-1500:]}
                shutil.rmtree(base_dir, ignore_errors=True)
                continue
            last = runs[-1]
            seconds = [r["secondi"] for r in runs if r.get("secondi") is not None]
            entry = {"pagine": pages, "secondi": median(seconds) if len(seconds) == len(runs) else None,
                     "ripetizioni_s": seconds, "interrotto_dopo_s": last.get("interrotto_dopo"),
                     "rss_mb": max((r.get("rss_mb") or 0) for r in runs),
                     "rss_figli_mb": max((r.get("rss_figli_mb") or 0) for r in runs)}
            figures["baseline"][name] = entry
            shutil.rmtree(base_dir, ignore_errors=True)
    # the full build's figure is the median of its runs; every ratio is taken against it
    figures["build"]["ripetizioni_s"] = full_builds
    figures["build"]["totale_s"] = median(full_builds)
    for entry in (figures.get("baseline") or {}).values():
        if entry.get("secondi"):
            entry["rapporto_build_su_baseline"] = figures["build"]["totale_s"] / entry["secondi"]
    for key in ("incrementale_dopo_completa", "incrementale"):
        if figures.get(key):
            figures[key]["rapporto_su_completa"] = figures[key]["totale_s"] / figures["build"]["totale_s"]
    shutil.rmtree(previous, ignore_errors=True)
    return figures


def run_federation(sources: int, services: int, workdir: Path, reuse: bool = False) -> dict:
    """Harvest S publications (built by reti-adi from local folders) into one portal, then re-harvest
    after 10 services changed in 3 sources: time, memory and bytes read by each harvest."""
    from genera_federazione import change, generate

    dest = workdir / f"federazione-{sources}-{services}"
    started = time.perf_counter()
    if not (reuse and (dest / "sorgenti.yaml").is_file()):  # same seed, same publications
        shutil.rmtree(dest, ignore_errors=True)
        generate(dest, sources, services)
    for leftover in ("raccolta", "portale"):
        shutil.rmtree(dest / leftover, ignore_errors=True)
    figures: dict = {"sorgenti": sources, "servizi": services, "generazione_s": time.perf_counter() - started}
    args = (str(dest / "sorgenti.yaml"), str(dest / "raccolta"), str(dest / "portale"))
    figures["prima_raccolta"] = measure("raccogli", *args)
    figures["modificati"] = change(dest, 3, 10)
    figures["seconda_raccolta"] = measure("raccogli", *args)
    figures["pubblicazioni_mb"] = size(dest / "pubblicazioni") / 1e6
    return figures


def report_federation(figures: dict) -> str:
    first, second = figures["prima_raccolta"], figures["seconda_raccolta"]

    def phases(run: dict) -> str:
        f = run["fasi"]
        site = f.get("sito", 0)
        data = sum(v for k, v in f.items() if not k.startswith("sito"))
        return f"dati {data:.1f} s + sito {site:.1f} s"

    return "\n".join([
        f"## Portale regionale: {figures['sorgenti']} sorgenti, {figures['servizi']} servizi",
        f"- pubblicazioni generate e costruite da reti-adi in {figures['generazione_s']:.0f} s "
        f"({figures['pubblicazioni_mb']:.1f} MB)",
        f"- prima raccolta + pubblicazione: {first['secondi']:.1f} s ({phases(first)}), picco "
        f"{first['rss_mb']:.0f} MB (figli {first['rss_figli_mb']:.0f} MB); {first['richieste']} file letti, "
        f"{first['byte_letti'] / 1e6:.2f} MB",
        f"- seconda raccolta dopo {len(figures['modificati'])} servizi modificati in 3 sorgenti: {second['secondi']:.1f} s "
        f"({phases(second)}), picco {second['rss_mb']:.0f} MB; {second['sorgenti_aggiornate']} sorgenti aggiornate, "
        f"{second['richieste']} file letti, {second['byte_letti'] / 1e3:.0f} KB "
        f"({100 * second['byte_letti'] / first['byte_letti']:.2f}% della prima raccolta); le sorgenti invariate: "
        f"{second.get('richieste_sorgenti_invariate', '?')} richieste, {second.get('byte_sorgenti_invariate', '?')} byte"])


def hundred_services_gzip_kb(api: Path, ambito_file: Path) -> float:
    """The synthetic ambiti rarely reach 100 services: take a real ambito file and fill it with 100
    published sostegni (same record shape, same serialisation as the build) to size the target case."""
    from reti_adi.publish.api import dump

    document = json.loads(ambito_file.read_text(encoding="utf-8"))
    document["sostegni"] = json.loads((api / "sostegni.json").read_text(encoding="utf-8"))["sostegni"][:100]
    return len(gzip.compress(dump(document))) / 1e3


def report(figures: dict) -> str:
    from reti_adi.cli.build import timing_lines

    n = figures["servizi"]
    b = figures["build"]
    d = figures["dimensioni"]
    lines = [f"## {n:,} servizi".replace(",", "."),
             f"- catalogo generato: {figures['generati']}",
             f"- controllo a freddo: {figures['check_freddo']['secondi_processo']:.1f} s "
             f"({figures['check_freddo']['file']} file, picco {figures['check_freddo']['rss_mb']:.0f} MB)",
             f"- controllo dopo la modifica di un file (cache, mediana di 5): "
             f"{figures['check_dopo_una_modifica']['secondi_processo']:.2f} s (tutte: "
             + ", ".join(f"{s:.2f}" for s in figures["check_dopo_una_modifica"].get("ripetizioni_s", [])) + ")",
             f"- build completa: {b['totale_s']:.1f} s" + _runs(b.get("ripetizioni_s", [])) + " (la prima: controllo "
             f"{b['controllo_s']:.1f} + dati {b['dati_s']:.1f} + sito {b['sito_s']:.1f} + ricerca {b['ricerca_s']:.1f} s)",
             "- fasi della build (`reti-adi build -v`): " + timing_lines(b["fasi"]).replace("\n", "\n  "),
             f"- pagine HTML: {b['pagine_html']} ({b['pagine_al_secondo']:.0f} pagine/s nella fase sito)",
             f"- picco di memoria build: {b['rss_mb']:.0f} MB (processi figli: {b['rss_figli_mb']:.0f} MB)",
             f"- dimensioni: api {d['api_mb']:.1f} MB, dati {d['dati_mb']:.1f} MB, sito {d['sito_mb']:.1f} MB "
             f"(di cui Pagefind {d['pagefind_mb']:.1f} MB)",
             f"- sostegni.json di un ambito con {d['ambito_servizi']} servizi: {d['ambito_sostegni_json_gzip_kb']:.1f} "
             f"KB gzip; con 100 servizi: {d['ambito_100_sostegni_json_gzip_kb']:.1f} KB gzip"]
    for key, when in (("incrementale_dopo_completa", "subito dopo la build completa, modelli del controllo da "
                       "rileggere"), ("incrementale", "dopo un'altra build, cache del controllo calda")):
        again = figures.get(key)
        if not again:
            continue
        r = again["riuso"] or {}
        lines.append(f"- build dopo la modifica di un servizio ({again['servizio']}; {when}), riusando la precedente: "
                     f"{again['totale_s']:.1f} s" + _runs(again.get("ripetizioni_s", []))
                     + f" = {100 * again['rapporto_su_completa']:.1f}% della build completa "
                     f"(obiettivo ≤ 15%); pagine riusate {r.get('pages_reused')}, rifatte {r.get('pages_rendered')}; "
                     f"indici di ricerca riusati {r.get('bundles_reused')}, rifatti {r.get('bundles_indexed')}")
        detached = again.get("pulizia_staccata_s")
        if "pulizia_staccata_s" in again:  # after the build returned: not in its time, shown beside it
            lines.append("  - eliminazione staccata (build precedente e cartelle di lavoro), dopo la fine della build: "
                         + (f"{detached:.1f} s" if detached is not None else "non finita entro 15 minuti"))
        lines.append("  - fasi: " + timing_lines(again["fasi"]).replace("\n", "\n    "))
    search = figures.get("prima_ricerca")
    if search:
        lines.append(f"- prima ricerca («{search['query']}» + filtro comune), trasferiti con gzip: "
                     f"{search['pagefind'] / 1e3:.0f} KB da "
                     f"Pagefind in {search['richieste_pagefind']} richieste (pagina Cerca e tema: "
                     f"{search['pagina'] / 1e3:.0f} KB); {search['risultati']}")
    else:
        lines.append("- prima ricerca: non misurata (Chromium o Playwright assenti)")
    r = figures["risincronizzazione"]
    lines.append(f"- risincronizzazione dopo {r['servizi_modificati']} servizi modificati: {r['byte_scaricati'] / 1e3:.0f}"
                 f" KB su {r['byte_dataset'] / 1e6:.1f} MB ({r['percentuale']:.2f}%)")
    labels = {"completa": "mkdocs-material + ricerca integrata, stesse pagine, nav esplicito",
              "solo_servizi": "mkdocs-material + ricerca integrata, solo le pagine dei servizi",
              "zensical": "Zensical, stesse pagine"}
    for name, base in (figures.get("baseline") or {}).items():
        if base.get("errore"):
            tail = [line for line in base["errore"].splitlines() if line.strip()][-6:]
            lines.append(f"- baseline {labels[name]} ({base['pagine']} pagine): non riuscita; ultime righe:\n    "
                         + "\n    ".join(tail))
            continue
        if base["secondi"] is None:  # an interrupted run gives no ratio, only a lower bound on the baseline
            lines.append(f"- baseline {labels[name]} ({base['pagine']} pagine): interrotta dopo "
                         f"{base['interrotto_dopo_s']:.0f} s, nessun rapporto")
            continue
        memory = max(base["rss_mb"] or 0, base.get("rss_figli_mb") or 0)
        lines.append(f"- baseline {labels[name]} ({base['pagine']} pagine): {base['secondi']:.1f} s"
                     + _runs(base.get("ripetizioni_s", [])) + f", picco {memory:.0f} MB; rapporto build/baseline "
                     f"{base['rapporto_build_su_baseline']:.3f}")
    return "\n".join(lines)


def _runs(seconds: list[float]) -> str:
    """«(mediana di 3: 60.1, 62.0, 65.3 s)» when a figure comes from more than one run."""
    if len(seconds) < 2:
        return ""
    return f" (mediana di {len(seconds)}: " + ", ".join(f"{s:.1f}" for s in seconds) + " s)"


def compile_package() -> None:
    """Write the package's bytecode first, as pip does when it installs reti-adi: where
    PYTHONDONTWRITEBYTECODE is set (some sandboxes and CI images), every measured process would
    otherwise compile the sources it imports again, a cost no installed reti-adi pays."""
    import compileall
    import importlib.util
    import py_compile

    package = importlib.util.find_spec("reti_adi").submodule_search_locations[0]
    compileall.compile_dir(package, quiet=1, invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servizi", type=int, action="append", help="taglie da misurare (ripetibile)")
    parser.add_argument("--grande", action="store_true", help="aggiunge N = 50.000")
    parser.add_argument("--baseline-max", type=float, default=1800,
                        help="secondi concessi alla build baseline (0 = non eseguirla)")
    parser.add_argument("--dir", type=Path, default=None, help="cartella di lavoro (predefinita: temporanea)")
    parser.add_argument("--json", type=Path, default=None, help="salva anche le cifre in JSON")
    parser.add_argument("--federazione", type=int, action="append", metavar="N",
                        help="servizi in tutto del portale regionale da misurare (ripetibile); da solo, "
                             "misura solo il portale")
    parser.add_argument("--sorgenti", type=int, default=600, help="sorgenti del portale regionale (predefinite 600)")
    parser.add_argument("--incrementale", action="store_true",
                        help="misura anche la build dopo la modifica di un servizio, che riusa la precedente, "
                             "e il suo rapporto con la build completa")
    parser.add_argument("--ripetizioni", type=int, default=1, metavar="R",
                        help="esegue R volte, a turno, la build completa e la baseline sulle stesse pagine, e ne "
                             "confronta le mediane (predefinito 1)")
    parser.add_argument("--riusa", action="store_true",
                        help="riusa i cataloghi già generati nella cartella di lavoro (--dir)")
    args = parser.parse_args()
    sizes = args.servizi or ([] if args.federazione else [1000, 10000])
    if args.grande:
        sizes.append(50000)
    sys.path.insert(0, str(HERE))
    compile_package()
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="reti-adi-bench-"))
    print(f"# Benchmark reti-adi\n\nMacchina: {platform.platform()}, {os.cpu_count()} core, Python "
          f"{platform.python_version()}\n")
    results = []
    for services in sizes:
        figures = run_size(services, workdir, args.baseline_max, args.riusa, args.incrementale,
                           max(1, args.ripetizioni))
        results.append(figures)
        print(report(figures) + "\n", flush=True)
    for services in args.federazione or []:
        figures = run_federation(args.sorgenti, services, workdir, args.riusa)
        results.append(figures)
        print(report_federation(figures) + "\n", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
