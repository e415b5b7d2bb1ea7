from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The example data is dated; checks that depend on "today" use this fixed date.
REFERENCE_DATE = dt.date(2026, 11, 22)


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    """A writable copy of the example catalogue (and protocols) to break on purpose."""
    root = tmp_path / "repo"
    for folder in ("catalogo", "protocolli"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    return root


HOSTILE_SERVICE = """\
id: servizio-ostile
denominazione: "Sportello <script>window.__pwned = 'titolo'</script> prova"
descrizione: |
  Descrizione con <script>window.__pwned = 'descrizione'</script> e
  <img src=x onerror="window.__pwned = 'img'"> e un [collegamento](javascript:window.__pwned='link')
  e [un altro](JaVaScRiPt:alert(1)).
tipologia: a
ente_erogatore: comune-budrio
ambito: pianura-est
comuni: ["037008"]
a_chi_e_rivolto: "Testo con </script><script>window.__pwned = 'jsonld'</script>"
stato: attivo
data_avvio: 2024-01-01
ultima_verifica: 2026-10-01
"""


def _build_site(root: Path, out: Path) -> Path:
    import os

    from reti_adi.build import build

    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1764000000"
    try:
        build(root, out, today=REFERENCE_DATE)
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return out


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site (mkdocs-material + Pagefind) of the example catalogue plus one hostile service."""
    root = tmp_path_factory.mktemp("sito") / "repo"
    for folder in ("catalogo", "protocolli"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    for name in ("site_src", "mkdocs.yml"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    (root / "catalogo/servizi/servizio-ostile.yaml").write_text(HOSTILE_SERVICE, encoding="utf-8")
    return _build_site(root, root / "build")


@pytest.fixture(scope="session")
def site_server(built_site):
    """Serve the built site on a loopback port for the browser tests."""
    import functools
    import http.server
    import threading

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
