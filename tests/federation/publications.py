"""Small publications made by the tests themselves: a generated catalogue per ambito, built with reti-adi,
served on 127.0.0.1 by a server that counts the requests it answers."""

from __future__ import annotations

import hashlib
import http.server
import os
import threading
from collections import Counter
from functools import partial
from pathlib import Path

import yaml

from reti_adi.build import DATA_STEPS, build

from ..conftest import REFERENCE_DATE

EPOCH = "1764000000"


def write_catalogue(root: Path, ambito: str, ipa: str, comuni: list[str], services: list[str],
                    regione: str = "Emilia-Romagna", url_sito: str | None = None) -> Path:
    """A valid catalogue of one ambito: one capofila, one fonte, the given services (ids local to it)."""
    ente = f"capofila-{ambito}"

    def write(relative: str, data: dict) -> None:
        path = root / "catalogo" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    meta = {"titolo": f"Catalogo {ambito}", "versione": "1.0.0", "editore": ente, "licenza": "CC-BY-4.0"}
    if url_sito:
        meta["url_sito"] = url_sito
    write("catalogo.yaml", meta)
    write(f"enti/{ente}.yaml", {"id": ente, "denominazione": f"Unione {ambito}", "tipo": "unione_comuni",
                                "codice_ipa": ipa})
    write(f"ambiti/{ambito}.yaml", {"id": ambito, "denominazione": f"Ambito {ambito}", "regione": regione,
                                    "ente_capofila": ente, "comuni": comuni})
    write("fonti/fondo-poverta.yaml", {"id": "fondo-poverta", "denominazione": "Quota servizi Fondo Povertà",
                                       "tipo": "fondo_poverta_quota_servizi", "periodo": {"inizio": "2024-01-01"}})
    for service in services:
        write(f"servizi/{service}.yaml", service_yaml(service, ambito, ente))
    return root


def service_yaml(service: str, ambito: str, ente: str, denominazione: str | None = None) -> dict:
    return {"id": service, "denominazione": denominazione or f"Servizio {service} di {ambito}",
            "descrizione": f"Descrizione del servizio {service} nell'ambito {ambito}.", "tipologia": "a",
            "aree_utenza": ["FAM"], "ente_erogatore": ente, "fonti_finanziamento": ["fondo-poverta"],
            "ambito": ambito, "modalita_accesso": ["accesso_diretto"], "stato": "attivo", "data_avvio": "2024-01-01",
            "ultima_verifica": "2026-10-01"}


def publish(root: Path, out: Path) -> Path:
    """The API of the catalogue at root, built by reti-adi into out (the site is not needed to harvest)."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        build(root, out, today=REFERENCE_DATE, steps=DATA_STEPS[:1])
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return out


def deployed_long_ago(folder: Path) -> None:
    """Date every file of a publication a day back, as a site deployed yesterday: a harvest may then trust
    its Last-Modified (a file served in the second it was written is re-read, see transport.py)."""
    past = int(EPOCH) - 86400
    for path in folder.rglob("*"):
        os.utime(path, (past, past))


class CountingServer:
    """http.server in a thread over a folder of publications; `requests` counts each path answered and
    `sent` the bytes of the bodies. http.server answers If-Modified-Since; with `etag` the server also
    sends an ETag and answers If-None-Match (and ignores If-Modified-Since, to test the ETag alone)."""

    def __init__(self, directory: Path, etag: bool = False):
        self.requests: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        counts, sent, not_modified = self.requests, self.sent, self.not_modified

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _etag(self) -> str | None:
                path = Path(self.translate_path(self.path))
                return f'"{hashlib.sha256(path.read_bytes()).hexdigest()[:20]}"' if path.is_file() else None

            def end_headers(self) -> None:
                if etag and self._etag():
                    self.send_header("ETag", self._etag())
                super().end_headers()

            def send_response(self, code, message=None) -> None:
                if code == 304:
                    not_modified[self.path] += 1
                super().send_response(code, message)

            def copyfile(self, source, outputfile) -> None:
                content = source.read()
                sent[self.path] += len(content)
                outputfile.write(content)

            def do_GET(self) -> None:
                counts[self.path] += 1
                if etag:
                    del self.headers["If-Modified-Since"]
                    if self.headers.get("If-None-Match") and self.headers["If-None-Match"] == self._etag():
                        self.send_response(304)
                        self.end_headers()
                        return
                super().do_GET()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(directory)))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "CountingServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def under(self, prefix: str) -> dict[str, int]:
        return {path: n for path, n in self.requests.items() if path.startswith(prefix)}
