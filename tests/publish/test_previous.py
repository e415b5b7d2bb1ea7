"""Continuity and distrust: a declared site needs its previous publication, and a crafted one writes nothing."""

from __future__ import annotations

import hashlib
import json
import os
import socket
from pathlib import Path

import pytest

from reti_adi import build as build_module
from reti_adi.build import BuildRefused, FirstPublicationRequired, PreviousNotFound, build

from ..conftest import REFERENCE_DATE, run_cli, serve

EPOCH = 1764000000
DAY = 86400


def publish(root: Path, out: Path | None = None, day: int = 0, **kwargs):
    os.environ["SOURCE_DATE_EPOCH"] = str(EPOCH + day * DAY)
    return build(root, out, today=REFERENCE_DATE, steps=build_module.DATA_STEPS, **kwargs)


@pytest.fixture(autouse=True)
def _epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))


def declare_site(root: Path, url: str) -> None:
    meta = root / "catalogo/catalogo.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + f"url_sito: {url}\n", encoding="utf-8")


def tree(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def empty_site(tmp_path):
    (tmp_path / "sito-vuoto").mkdir()
    url, server = serve(tmp_path / "sito-vuoto")
    yield url + "/"
    server.shutdown()


def test_a_declared_site_with_nothing_published_needs_prima_pubblicazione(catalogue_copy, empty_site):
    declare_site(catalogue_copy, empty_site)
    with pytest.raises(FirstPublicationRequired) as refused:
        publish(catalogue_copy)
    assert "--prima-pubblicazione" in str(refused.value) and "HTTP 404" in str(refused.value)
    assert not (catalogue_copy / "build").exists()
    proc = run_cli("build", str(catalogue_copy))
    assert proc.returncode == 3, proc.stderr
    assert "non ha ancora una pubblicazione" in proc.stderr and "nessun file pubblicato" in proc.stderr
    report = publish(catalogue_copy, first_publication=True)
    assert report.api.feed.sequence == 1 and report.notices == []
    detail = report.api.details["emporio-solidale"]
    assert detail.url_pagina == f"{empty_site}servizi/emporio-solidale/"  # absolute once the base URL is known


def test_the_declared_site_is_fetched_over_http_and_continued(catalogue_copy, tmp_path):
    deployed = tmp_path / "deployed"
    url, server = serve(deployed)
    try:
        declare_site(catalogue_copy, url + "/")
        publish(catalogue_copy, deployed, first_publication=True)
        (catalogue_copy / "catalogo/servizi/trasporto-sociale.yaml").unlink()
        report = publish(catalogue_copy, tmp_path / "nuova", day=1)  # no local build: the site is read
    finally:
        server.shutdown()
    api = tmp_path / "nuova/api/v1"
    assert report.api.feed.sequence == 2
    assert json.loads((api / "modifiche/2.json").read_text())["variazioni"]["servizi"]["rimossi"] == [
        "trasporto-sociale"]
    assert (api / "modifiche/1.json").read_bytes() == (deployed / "api/v1/modifiche/1.json").read_bytes()
    tomb = json.loads((api / "servizi/trasporto-sociale.json").read_text())
    assert tomb["rimosso"] is True and tomb["ente_erogatore"] == "odv-rete-solidale"


def test_an_unreachable_site_stops_the_build_with_a_clear_error(catalogue_copy):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    declare_site(catalogue_copy, f"http://127.0.0.1:{port}/")
    with pytest.raises(PreviousNotFound) as refused:
        publish(catalogue_copy)
    assert "non è raggiungibile" in str(refused.value) and "nessun file è stato scritto" in str(refused.value)


def test_without_url_sito_it_builds_as_before_with_a_warning(catalogue_copy, repo_root):
    report = publish(catalogue_copy)
    assert report.api.feed.sequence == 1
    assert any("url_sito" in notice for notice in report.notices)
    proc = run_cli("build", str(catalogue_copy), "--data-riferimento", REFERENCE_DATE.isoformat())
    assert proc.returncode == 0 and "Avviso: il catalogo non dichiara url_sito" in proc.stderr


def test_the_namespace_of_published_global_ids_cannot_change(catalogue_copy):
    publish(catalogue_copy)
    meta = catalogue_copy / "catalogo/catalogo.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "codice_catalogo: altro\n", encoding="utf-8")
    with pytest.raises(BuildRefused) as refused:
        publish(catalogue_copy, day=1)
    problem = next(p for p in refused.value.result.errors if p.rule == "catalogo.identita-cambiata")
    assert problem.file == "catalogo/catalogo.yaml" and "urg_bo:" in problem.message


def _json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _write(path: Path, data) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")


def _escape_in_tombstone(api: Path) -> None:
    changes = _json(api / "changes.json")
    changes["ritirati"] = [{"id": "../../../../x", "rimosso": True, "rimosso_il": "2025-01-01",
                            "denominazione": "x", "ente_erogatore": "y"}]
    _write(api / "changes.json", changes)


def _escape_in_fingerprints(api: Path) -> None:
    manifest = _json(api / "index.json")
    manifest["impronte"]["servizi"]["../../../../x"] = "0123456789abcdef"
    _write(api / "index.json", manifest)


def _escape_in_feed_path(api: Path) -> None:
    index = _json(api / "modifiche/index.json")
    index["insiemi"][0]["percorso"] = "../../../../x.json"
    _write(api / "modifiche/index.json", index)


def _escape_in_variations(api: Path) -> None:
    change_set = _json(api / "modifiche/1.json")
    change_set["variazioni"]["servizi"]["rimossi"] = ["../../../../x"]
    _write(api / "modifiche/1.json", change_set)
    index = _json(api / "modifiche/index.json")
    index["insiemi"][0]["sha256"] = hashlib.sha256((api / "modifiche/1.json").read_bytes()).hexdigest()
    _write(api / "modifiche/index.json", index)


def _tampered_change_set(api: Path) -> None:
    text = (api / "modifiche/1.json").read_text(encoding="utf-8")
    (api / "modifiche/1.json").write_text(text.replace('"aggiunti":[', '"aggiunti":["inventato",', 1))


def _oversized(api: Path) -> None:
    changes = (api / "changes.json").read_bytes()
    (api / "changes.json").write_bytes(changes[:-2] + b" " * (9 * 1024 * 1024) + changes[-2:])


def _deeply_nested(api: Path) -> None:
    (api / "changes.json").write_text('{"ritirati":' + "[" * 200_000 + "]" * 200_000 + "}")


def _symlink_out(api: Path) -> None:
    (api / "modifiche/1.json").unlink()
    (api / "modifiche/1.json").symlink_to("/etc/passwd")


CRAFTED = {
    "id con ../ in una lapide": (_escape_in_tombstone, "changes.json"),
    "id con ../ nelle impronte": (_escape_in_fingerprints, "index.json"),
    "percorso con ../ nel registro": (_escape_in_feed_path, "modifiche/index.json"),
    "id con ../ in un insieme di modifiche": (_escape_in_variations, "modifiche/1.json"),
    "insieme di modifiche alterato": (_tampered_change_set, "sha256"),
    "file troppo grande": (_oversized, "troppo grande"),
    "annidamento profondo": (_deeply_nested, "non è JSON valido"),
    "collegamento fuori dalla cartella": (_symlink_out, "fuori dalla pubblicazione precedente"),
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_a_crafted_previous_publication_is_refused_and_nothing_is_written(catalogue_copy, tmp_path, name):
    craft, named = CRAFTED[name]
    publish(catalogue_copy)
    (catalogue_copy / "catalogo/servizi/trasporto-sociale.yaml").unlink()  # a removal, so tombstones get written
    craft(catalogue_copy / "build/api/v1")
    before = tree(tmp_path)
    with pytest.raises(PreviousNotFound) as refused:
        publish(catalogue_copy, day=1)
    message = str(refused.value)
    assert "non si può usare" in message and named in message, message
    assert tree(tmp_path) == before  # the crafted build is intact and nothing appeared anywhere else
    # os.walk, not rglob: other tests' detached deleters (reti-adi build) may be removing folders in there
    assert not [name for _, dirs, files in os.walk(tmp_path.parent) for name in dirs + files if name in ("x", "x.json")]


def test_a_crafted_publication_over_http_is_refused_too(catalogue_copy, tmp_path):
    publish(catalogue_copy, tmp_path / "crafted")
    _escape_in_tombstone(tmp_path / "crafted/api/v1")
    url, server = serve(tmp_path / "crafted")
    try:
        proc = run_cli("build", str(catalogue_copy), "--precedente", url)
    finally:
        server.shutdown()
    assert proc.returncode == 2
    assert "changes.json" in proc.stderr and "ritirati" in proc.stderr and "non rispetta lo schema" in proc.stderr
    assert not (catalogue_copy / "build").exists()


def test_writing_refuses_a_path_that_leaves_the_build(tmp_path):
    for relative in ("../x.json", "servizi/../../x.json", "/tmp/x.json", "servizi//x.json", "a\\..\\x"):
        with pytest.raises(ValueError):
            build_module.write_files(tmp_path / "staging", {relative: b"{}"})
    assert not (tmp_path / "x.json").exists()
