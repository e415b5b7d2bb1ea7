"""The federation fixture: three small publications built by reti-adi from generated catalogues, a broken
copy of one of them, all served on 127.0.0.1, and a source on a port where nothing listens."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from reti_adi.federation.transport import Limits

from .publications import CountingServer, deployed_long_ago, publish, write_catalogue

FAST = Limits(timeout=10.0, retries=1, retry_pause=0.05)
"""Generous: a refused connection fails at once, and a loaded machine must not turn a slow answer into an error."""

AMBITI = {
    # ambito id: (IPA code, comuni, services) - "sportello-sociale" is a local id of two ambiti
    "pianura-est": ("urg_bo", ["037002", "037003"], ["sportello-sociale", "emporio-solidale", "doposcuola"]),
    "imola": ("ncir_bo", ["037032", "037013"], ["sportello-sociale", "centro-famiglie"]),
    "appennino": ("ucam_bo", ["037033"], ["trasporto-sociale", "custode-sociale"]),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def publications(tmp_path_factory) -> Path:
    """Built once: tests copy the served folder before changing anything in it."""
    base = tmp_path_factory.mktemp("federazione")
    for ambito, (ipa, comuni, services) in AMBITI.items():
        publish(write_catalogue(base / "repo" / ambito, ambito, ipa, comuni, services),
                base / "pubblicazioni" / ambito)
    return base


@pytest.fixture
def federation(publications, tmp_path):
    """Served publications (three good, one broken), the sources file, and the harvest folder."""
    served = tmp_path / "servite"
    shutil.copytree(publications / "pubblicazioni", served)
    shutil.copytree(served / "imola", served / "rotta")
    (served / "rotta" / "api" / "v1" / "stato.json").write_text("{non è json", encoding="utf-8")
    deployed_long_ago(served)
    with CountingServer(served) as server:
        lines = ["titolo: Portale di prova", "sorgenti:"]
        for name in [*AMBITI, "rotta"]:
            lines += [f"  - id: {name}", f"    url: {server.url}/{name}/"]
        lines += ["  - id: irraggiungibile", f"    url: http://127.0.0.1:{_free_port()}/"]
        sources_file = tmp_path / "sorgenti.yaml"
        sources_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        yield server, served, sources_file, tmp_path / "raccolta"


