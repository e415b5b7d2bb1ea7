from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from reti_adi import clock

REPO = Path(__file__).resolve().parents[1]
# The example data is dated; checks that depend on "today" use this fixed date. The whole suite,
# and every CLI it starts, runs with the clock pinned there: no test reads the wall clock.
# RETI_ADI_TEST_OGGI=AAAA-MM-GG pins it elsewhere, to show that the suite passes on another day.
REFERENCE_DATE = dt.date.fromisoformat(os.environ.get("RETI_ADI_TEST_OGGI") or "2026-11-22")
os.environ[clock.ENV_VAR] = REFERENCE_DATE.isoformat()
# The check cache lives in the user's cache directory: the suite, and every CLI it starts, uses its own.
_CACHE_HOME = tempfile.mkdtemp(prefix="reti-adi-test-cache-")
os.environ["RETI_ADI_CACHE"] = _CACHE_HOME
atexit.register(shutil.rmtree, _CACHE_HOME, True)


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from reti_adi.cli import main; main()", *args],
                          capture_output=True, text=True, cwd=cwd)


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


@pytest.fixture
def demand_copy(catalogue_copy: Path) -> Path:
    """The same copy with the example demand files (domanda/) of the planning view."""
    shutil.copytree(REPO / "domanda", catalogue_copy / "domanda")
    return catalogue_copy


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


# One unbroken word wider than any phone: the pages that show it must still reflow at 320 px.
LONG_WORD_ENTE = """\
id: ente-parola-lunga
denominazione: Associazione Provinciale Sostegnoallefamigliedelterritoriodellapianuraorientalebolognese
tipo: altro_privato
sito_web: "https://www.associazione-con-un-indirizzo-web-molto-lungo-per-provare.example.it/pagina"
"""


def _build_site(root: Path, out: Path) -> Path:
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
    for folder in ("catalogo", "protocolli", "domanda"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    for name in ("site_src", "mkdocs.yml"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    (root / "catalogo/servizi/servizio-ostile.yaml").write_text(HOSTILE_SERVICE, encoding="utf-8")
    (root / "catalogo/enti/ente-parola-lunga.yaml").write_text(LONG_WORD_ENTE, encoding="utf-8")
    return _build_site(root, root / "build")


@pytest.fixture(scope="session")
def site_server(built_site):
    """Serve the built site on a loopback port for the browser tests."""
    url, server = serve(built_site)
    yield url
    server.shutdown()

# A second regione: the site then gets one search index per regione and a «Regione» menu.
SECOND_REGION_FILES = {
    "catalogo/ambiti/colline-fiorentine.yaml": """\
id: colline-fiorentine
denominazione: Ambito di prova Colline fiorentine
regione: Toscana
ente_capofila: comune-fiesole
comuni: ["048015", "048017"]
""",
    "catalogo/enti/comune-fiesole.yaml": """\
id: comune-fiesole
denominazione: Comune di Fiesole (prova)
tipo: comune
codice_ipa: c_d575
""",
    "catalogo/servizi/doposcuola-colline.yaml": """\
id: doposcuola-colline
denominazione: Doposcuola delle colline
descrizione: Aiuto nei compiti e laboratori per ragazze e ragazzi delle scuole medie.
tipologia: c
ente_erogatore: comune-fiesole
ambito: colline-fiorentine
comuni: ["048015"]
stato: attivo
data_avvio: 2024-01-01
ultima_verifica: 2026-10-01
""",
    "catalogo/servizi/sportello-casa-firenze.yaml": """\
id: sportello-casa-firenze
denominazione: Sportello casa di Firenze
descrizione: Orientamento su affitto, morosità incolpevole e bandi per la casa.
tipologia: b
ente_erogatore: comune-fiesole
ambito: colline-fiorentine
stato: attivo
data_avvio: 2023-03-01
ultima_verifica: 2026-10-01
""",
}


def _two_region_repo(root: Path) -> Path:
    for folder in ("catalogo", "protocolli", "domanda", "site_src"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for relative, text in SECOND_REGION_FILES.items():
        (root / relative).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def two_region_site(tmp_path_factory) -> Path:
    """The example catalogue plus an ambito in Toscana, built for real."""
    root = _two_region_repo(tmp_path_factory.mktemp("due-regioni") / "repo")
    return _build_site(root, root / "build")


SMALL_SHARDS = 10
"""Services per search bundle in sharded_site: Emilia-Romagna's 41 go into 5 shards."""


@pytest.fixture(scope="session")
def sharded_site(tmp_path_factory) -> Path:
    """The two-regioni catalogue built with search bundles of SMALL_SHARDS services, as a large regione is."""
    from reti_adi.site import search_index

    root = _two_region_repo(tmp_path_factory.mktemp("blocchi") / "repo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_index, "SHARD_PAGES", SMALL_SHARDS)
        return _build_site(root, root / "build")


def serve(directory: Path):
    """Serve a built site on a loopback port; returns (url, server)."""
    import functools
    import http.server
    import threading

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler,
                                                                                 directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


@pytest.fixture(scope="session")
def two_region_server(two_region_site):
    url, server = serve(two_region_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def sharded_server(sharded_site):
    url, server = serve(sharded_site)
    yield url
    server.shutdown()


def record_parses(monkeypatch) -> list[str]:
    """The catalogue files parsed from their YAML, in order (the others' models come from the check cache)."""
    from reti_adi.catalogue import loader

    parsed: list[str] = []
    original = loader.parse_stage
    monkeypatch.setattr(loader, "parse_stage", lambda kind, raw, relative, *rest: (
        parsed.append(relative), original(kind, raw, relative, *rest))[1])
    return parsed


def tree(directory: Path, modes: bool = False) -> dict[str, str]:
    """Every entry under directory: folders, links and the digest of every file's bytes (and mode)."""
    found = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        if path.is_symlink():
            found[relative] = "link:" + os.readlink(path)
        elif path.is_dir():
            found[relative] = "dir"
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[relative] = f"{oct(path.stat().st_mode & 0o777)} {digest}" if modes else digest
    return found
