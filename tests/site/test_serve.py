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
