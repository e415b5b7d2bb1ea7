"""The build's phase times account for every second: a correctness test of the accounting, not of speed."""

from __future__ import annotations

import shutil
import time

from reti_adi.build import build
from reti_adi.cli.build import timing_lines
from reti_adi.stopwatch import Stopwatch, children, is_concurrent

from ..conftest import REFERENCE_DATE, REPO


def margin(seconds: float) -> float:
    """What the accounting may leave unnamed: the calls between two laps, a fork, a thread's start."""
    return 0.05 * seconds + 0.3


def unaccounted(timings: dict[str, float], parent: str, whole: float) -> list[str]:
    """Each phase against its sub-phases: in a row they add up to it; run at once each fits in it and
    together they fill it."""
    found = []
    below = children(timings, parent)
    if not below:
        return found
    concurrent = [name for name in below if is_concurrent(name)]
    label = parent or "build"
    if concurrent:
        if len(concurrent) != len(below):
            found.append(f"{label}: fasi in parallelo e in fila insieme {sorted(below)}")
        if max(below.values()) > whole + margin(0):
            found.append(f"{label}: una fase in parallelo dura più del tutto ({max(below.values()):.2f} > {whole:.2f})")
        if sum(below.values()) < whole - margin(whole):
            found.append(f"{label}: le fasi in parallelo non riempiono {whole:.2f} s ({sum(below.values()):.2f})")
    elif abs(sum(below.values()) - whole) > margin(whole):
        found.append(f"{label}: {whole:.2f} s, ma le sue fasi sommano a {sum(below.values()):.2f} s {below}")
    for name, seconds in below.items():
        found += unaccounted(timings, name, seconds)
    return found


def test_the_phases_of_a_real_two_process_build_add_up_to_its_time(catalogue_copy, monkeypatch):
    from reti_adi.site import mkdocs_site

    for name in ("site_src", "mkdocs.yml"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, catalogue_copy / name)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    monkeypatch.setattr(mkdocs_site, "site_jobs", lambda services: 2)  # both workers, as at national scale
    build(catalogue_copy, today=REFERENCE_DATE)  # a previous build: this one also swaps it out and deletes it
    started = time.perf_counter()
    report = build(catalogue_copy, today=REFERENCE_DATE, reuse=False)  # every page and bundle made again
    wall = time.perf_counter() - started

    timings = report.timings
    assert unaccounted(timings, "", wall) == []
    for phase in ("preparazione", "controllo", "api", "sito", "documenti", "attesa_pulizia", "scambio", "pulizia",
                  "sito.unione", "sito.spostamento", "sito.pulizia", "sito.parti.parte-1.markdown",
                  "sito.parti.parte-0.mkdocs.impaginazione", "sito.parti.parte-1.mkdocs.scrittura",
                  "sito.pagefind.indici.regione-emilia-romagna.canonicalizzazione"):
        assert phase in timings, phase
    assert all(seconds >= 0 for seconds in timings.values())
    shown = timing_lines(timings)
    assert shown.startswith(f"Tempi: {sum(children(timings, '').values()):.1f} s in tutto.")
    assert "\n  - parti: " in shown and "      - pagine: " in shown and "(insieme)" in shown
    # the API files and the data package, written by a child beside the site: shown apart, in no sum
    assert {"sfondo.dati.api", "sfondo.dati.hsds", "sfondo.dati.dati", "dcat"} <= set(timings)
    assert "\nNel frattempo, in processi a parte: dati api " in shown

    started = time.perf_counter()
    again = build(catalogue_copy, today=REFERENCE_DATE)  # reusing the previous build's pages and bundle
    wall = time.perf_counter() - started
    assert again.reuse.pages_reused > 40 and again.reuse.bundles_reused == 1
    assert unaccounted(again.timings, "", wall) == []
    assert "sito.parti.parte-1.riuso" in again.timings and "sito.manifesto" in again.timings


def test_the_check_finds_time_no_phase_names():
    """The test above would notice a stretch of the build that no phase covers."""
    stopwatch = Stopwatch()
    stopwatch.lap("a")
    time.sleep(0.05)
    stopwatch.lap(None)
    time.sleep(0.4)  # unnamed
    stopwatch.lap("b")
    time.sleep(0.05)
    times = stopwatch.stop() | {"b.x": 0.05}
    assert len(unaccounted(times, "", 0.5)) == 1
    assert unaccounted(times, "", sum(children(times, "").values())) == []
    assert unaccounted({"p": 1.0, "p.parte-0": 0.2, "p.parte-1": 0.2}, "", 1.0) == [
        "p: le fasi in parallelo non riempiono 1.00 s (0.40)"]
