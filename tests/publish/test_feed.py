"""The change log: a client that skipped builds still learns every change; a rebuild changes nothing it reads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from reti_adi import build as build_module
from reti_adi.build import build

from ..conftest import REFERENCE_DATE, serve

EPOCH = 1764000000
DAY = 86400


def publish(root: Path, day: int, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + day * DAY))
    build(root, today=REFERENCE_DATE, steps=build_module.DATA_STEPS)
    return root / "build" / "api" / "v1"


def read(api: Path, relative: str):
    return json.loads((api / relative).read_text(encoding="utf-8"))


def records(api: Path) -> dict[str, object]:
    """Everything a client stores: each record of each document, without the build's own header."""
    out = {}
    for name, key in [("sostegni.json", "sostegni"), ("enti.json", "enti"), ("fonti.json", "fonti"),
                      ("ambiti.json", "ambiti"), ("reti.json", "reti"), ("protocolli.json", "protocolli")]:
        for record in read(api, name)[key]:
            out[f"{key}/{record['id']}"] = record
    for path in sorted((api / "servizi").iterdir()):
        out[f"servizi/{path.name}"] = path.read_bytes()
    for path in sorted((api / "protocolli").iterdir()):
        out[f"protocolli/{path.name}"] = path.read_bytes()
    for path in sorted((api / "modifiche").iterdir()):
        out[f"modifiche/{path.name}"] = path.read_bytes()
    out["changes.json"] = (api / "changes.json").read_bytes()
    return out


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_client_at_a_learns_x_and_y_from_c_and_a_rebuild_of_c_changes_nothing(catalogue_copy, monkeypatch,
                                                                                 repo_root):
    api = publish(catalogue_copy, 0, monkeypatch)  # A
    a_index = read(api, "modifiche/index.json")
    assert a_index["ultima_sequenza"] == 1
    first = read(api, "modifiche/1.json")
    assert "emporio-solidale" in first["variazioni"]["servizi"]["aggiunti"] and "precedente" not in first
    a_files = {p.name: p.read_bytes() for p in (api / "modifiche").iterdir()}

    # B: change X (a service edited, one removed)
    edit(catalogue_copy, "catalogo/servizi/emporio-solidale.yaml", "Emporio solidale", "Emporio solidale di Budrio")
    (catalogue_copy / "catalogo/servizi/trasporto-sociale.yaml").unlink()
    api = publish(catalogue_copy, 1, monkeypatch)
    assert read(api, "modifiche/index.json")["ultima_sequenza"] == 2
    assert (api / "modifiche/1.json").read_bytes() == a_files["1.json"]  # append-only

    # C: change Y (a fonte's programme added, a service added)
    edit(catalogue_copy, "catalogo/fonti/fnps-2026.yaml", "tipo: fnps\n", "tipo: fnps\nprogramma: Piano sociale 2026\n")
    added = (catalogue_copy / "catalogo/servizi/doposcuola-solidale.yaml").read_text(encoding="utf-8")
    (catalogue_copy / "catalogo/servizi/doposcuola-due.yaml").write_text(
        added.replace("id: doposcuola-solidale", "id: doposcuola-due"), encoding="utf-8")
    api = publish(catalogue_copy, 2, monkeypatch)
    c_index = read(api, "modifiche/index.json")
    assert c_index["ultima_sequenza"] == 3 and [e["sequenza"] for e in c_index["insiemi"]] == [1, 2, 3]

    # a client last synced at A (sequence 1) fetches only what follows 1, and learns X and Y
    learned: dict[str, dict[str, set]] = {}
    for entry in c_index["insiemi"]:
        if entry["sequenza"] > a_index["ultima_sequenza"]:
            for kind, variation in read(api, entry["percorso"])["variazioni"].items():
                for key, ids in variation.items():
                    learned.setdefault(kind, {}).setdefault(key, set()).update(ids)
    assert learned["servizi"]["modificati"] == {"emporio-solidale"}
    assert learned["servizi"]["rimossi"] == {"trasporto-sociale"}
    assert learned["servizi"]["aggiunti"] == {"doposcuola-due"}
    assert "fnps-2026" in learned["fonti"]["modificati"]  # with the fonti whose list of services changed
    # the compatibility view shows the latest step only (Y), as before
    changes = read(api, "changes.json")
    assert changes["sequenza"] == 3 and changes["variazioni"]["servizi"]["aggiunti"] == ["doposcuola-due"]

    # modificato_il is carried forward: unchanged records keep A's date, X's record keeps B's
    dates = {s["id"]: s["modificato_il"] for s in read(api, "sostegni.json")["sostegni"]}
    assert dates["housing-first"] == "2025-11-24" and dates["emporio-solidale"] == "2025-11-25"
    assert dates["doposcuola-due"] == "2025-11-26"
    assert read(api, "servizi/emporio-solidale.json")["modificato_il"] == "2025-11-25"
    assert read(api, "servizi/trasporto-sociale.json")["modificato_il"] == "2025-11-25"
    manifest = read(api, "index.json")
    assert manifest["modificato_il"]["servizi"]["housing-first"] == "2025-11-24"
    assert all("modificato_il" in r and "id_globale" in r for key, r in records(api).items()
               if not isinstance(r, bytes))

    # rebuilding C (a later commit, same catalogue) changes nothing a client reads
    before = records(api)
    api = publish(catalogue_copy, 4, monkeypatch)
    assert records(api) == before
    assert read(api, "stato.json")["ultima_sequenza"] == 3

    # the documented client, run against C served on 127.0.0.1, gives the same answer from sequence 1
    url, server = serve(catalogue_copy / "build")
    try:
        synced = run_client(repo_root, url, 1)
        up_to_date = run_client(repo_root, url, 3)
    finally:
        server.shutdown()
    assert synced["da"] == 1 and synced["a"] == 3
    assert set(synced["servizi"]["aggiornare"]) == {"emporio-solidale", "doposcuola-due"}
    assert synced["servizi"]["togliere"] == ["trasporto-sociale"]
    assert synced["servizi"]["aggiornare"]["emporio-solidale"]["denominazione"] == "Emporio solidale di Budrio"
    assert synced["fonti"]["aggiornare"]["fnps-2026"]["programma"] == "Piano sociale 2026"
    assert up_to_date == {"da": 3, "a": 3}


def run_client(repo_root: Path, url: str, since: int) -> dict:
    proc = subprocess.run([sys.executable, str(repo_root / "examples/sincronizza.py"), url + "/", str(since)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_feed_starts_at_one_with_the_whole_catalogue(catalogue_copy, monkeypatch):
    api = publish(catalogue_copy, 0, monkeypatch)
    first = read(api, "modifiche/1.json")
    assert len(first["variazioni"]["servizi"]["aggiunti"]) == 41
    assert set(first["variazioni"]) == {"servizi", "enti", "fonti", "ambiti", "reti", "protocolli"}
    # a build of unchanged input appends nothing and erases nothing
    before = {p.name: p.read_bytes() for p in (api / "modifiche").iterdir()}
    api = publish(catalogue_copy, 1, monkeypatch)
    assert {p.name: p.read_bytes() for p in (api / "modifiche").iterdir()} == before
