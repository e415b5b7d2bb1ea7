"""`reti-adi serve`: the local server picks up a rebuild triggered by an edit to the catalogue."""

from __future__ import annotations

import os
import threading
import urllib.request

from reti_adi.build import DATA_STEPS, build
from reti_adi.site.serve import start_server, watch

from ..conftest import REFERENCE_DATE


def test_edit_triggers_rebuild_and_server_shows_it(catalogue_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    out = catalogue_copy / "build"
    build(catalogue_copy, out, today=REFERENCE_DATE, steps=DATA_STEPS)
    server = start_server(out, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.server_address[1]}/api/v1/servizi/emporio-solidale.json"
    stop, rebuilt = threading.Event(), threading.Event()

    def rebuild():
        build(catalogue_copy, out, today=REFERENCE_DATE, steps=DATA_STEPS)
        rebuilt.set()

    watcher = threading.Thread(target=watch, args=(catalogue_copy, rebuild, 0.1, stop), daemon=True)
    watcher.start()
    try:
        assert "Emporio solidale di Bentivoglio" not in urllib.request.urlopen(url).read().decode()
        threading.Event().wait(0.5)  # let the observer start
        edited = catalogue_copy / "catalogo/servizi/emporio-solidale.yaml"
        edited.write_text(edited.read_text().replace("Emporio solidale", "Emporio solidale di Bentivoglio", 1))
        os.utime(edited)
        assert rebuilt.wait(20), "nessuna ricostruzione dopo la modifica"
        assert "Emporio solidale di Bentivoglio" in urllib.request.urlopen(url).read().decode()
    finally:
        stop.set()
        watcher.join(5)
        server.shutdown()


def _count_rebuilds_while(root, action, seconds: float) -> int:
    stop, calls = threading.Event(), []
    watcher = threading.Thread(target=watch, args=(root, lambda: calls.append(1), 0.1, stop), daemon=True)
    watcher.start()
    try:
        threading.Event().wait(0.5)  # let the observer start
        action()
        threading.Event().wait(seconds)
    finally:
        stop.set()
        watcher.join(5)
    return len(calls)


def test_reading_files_never_triggers_a_rebuild_but_an_edit_does(catalogue_copy):
    files = sorted((catalogue_copy / "catalogo").rglob("*.yaml"))

    def read_everything():
        for _ in range(3):  # what a build, an editor or a grep does: open, read, close without writing
            for path in files:
                path.read_bytes()
            threading.Event().wait(0.3)

    assert _count_rebuilds_while(catalogue_copy, read_everything, 2.0) == 0
    edited = files[0]
    assert _count_rebuilds_while(catalogue_copy, lambda: edited.write_text(edited.read_text() + "\n"), 2.0) == 1


def test_a_busy_port_is_said_in_italian_before_building(catalogue_copy):
    import socket

    from ..conftest import run_cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = run_cli("serve", str(catalogue_copy), "--porta", str(port))
    assert proc.returncode == 1
    assert f"la porta {port} è già in uso" in proc.stderr and "--porta" in proc.stderr, proc.stderr
    assert "OSError" not in proc.stderr and "errore interno" not in proc.stderr
    assert not (catalogue_copy / "build").exists()  # nothing was built for nothing


def test_sigterm_during_a_build_leaves_no_staging_folder(catalogue_copy):
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-c", "from reti_adi.cli import main; main()", "serve",
                             str(catalogue_copy), "--porta", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    def staging() -> list:  # where publish/output_dir.py stages a build
        return list(catalogue_copy.glob(".reti-adi-build/**/nuovo-*"))

    try:
        deadline = time.monotonic() + 60
        while not staging() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert staging(), "la build non è partita"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert "Fermato." in out, out + err
    assert "Traceback" not in err and "Error" not in err, err
    assert not staging() and not list(catalogue_copy.glob(".build-*")), list(catalogue_copy.iterdir())
