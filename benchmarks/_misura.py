"""Run one measured step in this process and print JSON: time, peak RSS of this process and of its children."""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path


def wait_for_deleters(work: Path, timeout: float = 900) -> float | None:
    """Seconds until the detached deleters a build left in its work area are done (None: still not after
    timeout): `reti-adi build` returns before them, and this keeps what they cost in sight."""
    from reti_adi.publish.removal import pending

    started = time.perf_counter()
    while pending(work):
        if time.perf_counter() - started > timeout:
            return None
        time.sleep(0.05)
    return time.perf_counter() - started


def main() -> None:
    step, root = sys.argv[1], Path(sys.argv[2])
    today = dt.date(2026, 11, 22)
    started = time.perf_counter()
    extra: dict = {}
    detached: Path | None = None
    if step in ("check", "check-cache"):
        from reti_adi.check import check

        result = check(root, today, use_cache=step == "check-cache")
        extra = {"file": result.files, "errori": len(result.errors)}
    elif step in ("build", "build-completa", "build-dati"):
        from dataclasses import asdict

        from reti_adi.build import DATA_STEPS, build
        from reti_adi.publish.removal import WORK_DIR

        out = Path(sys.argv[3]).resolve()
        previous = sys.argv[4] if len(sys.argv) > 4 else None
        report = build(root, out, previous, today, steps=DATA_STEPS if step == "build-dati" else None,
                       reuse=step == "build",  # build-completa: nothing taken from the previous build
                       detach_cleanup=True)  # as `reti-adi build` does
        detached = out.parent / WORK_DIR / out.name
        extra = {"fasi": report.timings, "riuso": asdict(report.reuse) if report.reuse else None,
                 "documenti": asdict(report.documents) if report.documents else None}
    elif step == "raccogli":
        from reti_adi.federation.pipeline import raccogli

        report = raccogli(root, Path(sys.argv[3]), Path(sys.argv[4]))
        harvest = report.harvest
        extra = {"richieste": harvest.counter.requests, "byte_letti": harvest.counter.bytes,
                 "sorgenti_aggiornate": sum(s.esito == "aggiornata" for s in harvest.sources),
                 "richieste_sorgenti_invariate": sum(s.file_letti for s in harvest.sources if s.esito == "invariata"),
                 "byte_sorgenti_invariate": sum(s.byte_letti for s in harvest.sources if s.esito == "invariata"),
                 "sorgenti_con_errori": len(harvest.failed),
                 "servizi": report.portal.services if report.portal else None,
                 "fasi": report.portal.timings if report.portal else {}}
    elif step == "baseline":
        from mkdocs.commands.build import build as mkdocs_build
        from mkdocs.config import load_config

        mkdocs_build(load_config(config_file=str(root / "mkdocs.yml")))
    elif step == "zensical":
        import subprocess

        proc = subprocess.run(["zensical", "build", "-f", str(root / "mkdocs.yml")], capture_output=True, text=True)
        if proc.returncode != 0:  # keep Zensical's own words: the last lines of its stderr explain the failure
            sys.stderr.write("\n".join(proc.stderr.strip().splitlines()[-20:]) + "\n")
            sys.exit(f"zensical build è uscito con {proc.returncode}")
    else:
        sys.exit(f"passo sconosciuto: {step}")
    seconds = time.perf_counter() - started
    if detached is not None:  # timed apart, outside «secondi»: the next measured step starts on a quiet disk
        extra["pulizia_staccata_s"] = wait_for_deleters(detached)
    print(json.dumps({"secondi": seconds,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "rss_figli_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                      **extra}))


if __name__ == "__main__":
    main()
