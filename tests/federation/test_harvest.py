"""Harvest of a federation fixture: several small publications built by reti-adi, served on 127.0.0.1,
one broken and one unreachable; incremental re-harvest counted request by request."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reti_adi.federation.harvest import COPIES_DIR, harvest
from reti_adi.federation.sources import SourcesError, load_sources
from reti_adi.federation.transport import Limits

from .conftest import AMBITI, FAST
from .publications import CountingServer, publish, service_yaml, write_catalogue


def run(sources_file: Path, folder: Path):
    return harvest(load_sources(sources_file), sources_file, folder, FAST, workers=3)


def test_harvest_keeps_every_valid_source_and_reports_the_broken_and_unreachable(federation):
    server, _, sources_file, folder = federation
    report = run(sources_file, folder)
    outcome = {s.id: s for s in report.sources}
    assert {k: outcome[k].esito for k in outcome} == {
        "pianura-est": "aggiornata", "imola": "aggiornata", "appennino": "aggiornata",
        "rotta": "errore", "irraggiungibile": "errore"}
    assert "stato.json" in outcome["rotta"].messaggio and "JSON" in outcome["rotta"].messaggio
    assert "non raggiungibile" in outcome["irraggiungibile"].messaggio
    assert "esclusa dal portale" in outcome["irraggiungibile"].describe()
    for ambito, (_, _, services) in AMBITI.items():
        copy = folder / COPIES_DIR / ambito
        assert sorted(p.stem for p in (copy / "servizi").iterdir()) == sorted(services)
        assert json.loads((copy / "ambiti.json").read_bytes())["ambiti"][0]["id"] == ambito
    assert not (folder / COPIES_DIR / "rotta").exists()
    # first harvest of a source: stato.json, index.json, the three lists, reti.json (empty), one file per service
    assert sum(server.under("/imola/").values()) == 2 + 3 + 1 + 2


def test_an_unchanged_source_costs_one_request_and_a_changed_one_only_its_changed_files(federation, tmp_path):
    server, served, sources_file, folder = federation
    run(sources_file, folder)
    server.requests.clear()
    server.sent.clear()
    root = tmp_path / "repo-imola"
    ipa, comuni, services = AMBITI["imola"]
    write_catalogue(root, "imola", ipa, comuni, services)
    changed = service_yaml("centro-famiglie", "imola", "capofila-imola", denominazione="Centro per le famiglie")
    (root / "catalogo" / "servizi" / "centro-famiglie.yaml").write_text(json.dumps(changed), encoding="utf-8")
    publish(root, served / "imola")

    report = run(sources_file, folder)
    outcome = {s.id: s for s in report.sources}
    assert outcome["pianura-est"].esito == outcome["appennino"].esito == "invariata"
    # an unchanged source: one conditional request, answered «304 Not Modified» with no body
    assert server.under("/pianura-est/") == {"/pianura-est/api/v1/stato.json": 1}
    assert server.under("/appennino/") == {"/appennino/api/v1/stato.json": 1}
    assert server.not_modified["/appennino/api/v1/stato.json"] == 1
    assert (outcome["appennino"].file_letti, outcome["appennino"].byte_letti) == (1, 0)
    assert server.under("/imola/") == {"/imola/api/v1/stato.json": 1, "/imola/api/v1/index.json": 1,
                                       "/imola/api/v1/servizi/centro-famiglie.json": 1}
    assert outcome["imola"].esito == "aggiornata"
    api = served / "imola" / "api" / "v1"
    changed_bytes = sum(len((api / name).read_bytes()) for name in
                        ("stato.json", "index.json", "servizi/centro-famiglie.json"))
    assert (outcome["imola"].file_letti, outcome["imola"].byte_letti) == (3, changed_bytes)
    assert sum(server.sent.values()) == report.counter.bytes
    # the two that failed are asked again in full; the three harvested cost only what changed
    assert report.counter.bytes - outcome["rotta"].byte_letti - outcome["irraggiungibile"].byte_letti \
        == changed_bytes
    assert "imola: aggiornata, 3 file letti" in outcome["imola"].describe()
    copy = folder / COPIES_DIR / "imola" / "servizi"
    assert json.loads((copy / "centro-famiglie.json").read_bytes())["denominazione"] == "Centro per le famiglie"
    assert (copy / "sportello-sociale.json").is_file()


def test_a_source_broken_after_a_good_harvest_keeps_its_last_good_copy(federation):
    server, served, sources_file, folder = federation
    run(sources_file, folder)
    service = served / "appennino" / "api" / "v1" / "servizi" / "custode-sociale.json"
    data = json.loads(service.read_bytes())
    del data["denominazione"]
    service.write_text(json.dumps(data), encoding="utf-8")
    index = served / "appennino" / "api" / "v1" / "index.json"  # a manifest that agrees with the broken file
    manifest = json.loads(index.read_bytes())
    import hashlib
    for entry in manifest["file"]:
        if entry["percorso"] == "servizi/custode-sociale.json":
            entry["sha256"] = hashlib.sha256(service.read_bytes()).hexdigest()
            entry["byte"] = len(service.read_bytes())
    index.write_bytes(json.dumps(manifest).encode())
    stato = served / "appennino" / "api" / "v1" / "stato.json"
    stato.write_text(json.dumps({**json.loads(stato.read_bytes()),
                                 "sha256_index": hashlib.sha256(index.read_bytes()).hexdigest()}))

    report = run(sources_file, folder)
    appennino = next(s for s in report.sources if s.id == "appennino")
    assert appennino.esito == "errore"
    assert "custode-sociale.json" in appennino.messaggio and "denominazione" in appennino.messaggio
    assert "resta in uso l'ultima copia valida" in appennino.describe()
    kept = json.loads((folder / COPIES_DIR / "appennino" / "servizi" / "custode-sociale.json").read_bytes())
    assert kept["denominazione"].startswith("Servizio custode-sociale")


def test_hostile_manifest_paths_and_oversized_files_stay_out(federation):
    server, served, sources_file, folder = federation
    api = served / "pianura-est" / "api" / "v1"
    manifest = json.loads((api / "index.json").read_bytes())
    manifest["file"].append({"percorso": "../../../fuori.json", "byte": 2, "sha256": "0" * 64})
    manifest["file"].append({"percorso": "servizi/../../fuori.json", "byte": 2, "sha256": "0" * 64})
    (api / "index.json").write_bytes(json.dumps(manifest).encode())
    import hashlib
    stato = json.loads((api / "stato.json").read_bytes())
    stato["sha256_index"] = hashlib.sha256((api / "index.json").read_bytes()).hexdigest()
    (api / "stato.json").write_text(json.dumps(stato))
    (served / "appennino" / "api" / "v1" / "enti.json").write_bytes(b"[" * 5000 + b"]" * 5000)

    report = harvest(load_sources(sources_file), sources_file, folder, Limits(timeout=2, retries=0, max_bytes=9000))
    outcome = {s.id: s for s in report.sources}
    assert outcome["pianura-est"].esito == "aggiornata"
    assert not any("fuori" in p for p in server.requests)
    assert not list(folder.parent.rglob("fuori.json"))
    assert outcome["appennino"].esito == "errore" and "limite" in outcome["appennino"].messaggio


def test_deeply_nested_json_is_refused(federation):
    server, served, sources_file, folder = federation
    (served / "appennino" / "api" / "v1" / "stato.json").write_bytes(b"[" * 5000 + b"]" * 5000)
    report = run(sources_file, folder)
    appennino = next(s for s in report.sources if s.id == "appennino")
    assert appennino.esito == "errore" and "annidato" in appennino.messaggio


def test_sources_file_errors_name_line_and_field(tmp_path):
    path = tmp_path / "sorgenti.yaml"
    path.write_text("sorgenti:\n  - id: a-b\n    url: http://x.example/\n  - id: Cattivo/../x\n    cartella: x\n"
                    "  - id: a-b\n    url: http://y.example/\n    cartella: y\n", encoding="utf-8")
    with pytest.raises(SourcesError) as raised:
        load_sources(path)
    problems = raised.value.problems
    assert [(p.line, p.field) for p in problems][:1] == [(4, "sorgenti[1].id")]
    assert any(p.line in (6, 7) and "esattamente uno" in p.message for p in problems)
    assert "sorgenti.yaml:4" in str(raised.value)


def test_an_etag_answers_the_poll_when_the_server_gives_no_usable_date(publications, tmp_path):
    served = tmp_path / "servite"
    shutil.copytree(publications / "pubblicazioni", served)  # served dated now: Last-Modified is not trusted
    with CountingServer(served, etag=True) as server:
        sources_file = tmp_path / "sorgenti.yaml"
        sources_file.write_text("sorgenti:\n" + "".join(f"  - id: {a}\n    url: {server.url}/{a}/\n" for a in AMBITI),
                                encoding="utf-8")
        run(sources_file, tmp_path / "raccolta")
        server.requests.clear()
        report = run(sources_file, tmp_path / "raccolta")
    assert [(s.esito, s.messaggio) for s in report.sources] == [("invariata", "")] * len(AMBITI)
    assert dict(server.requests) == {f"/{a}/api/v1/stato.json": 1 for a in AMBITI}
    assert sum(server.not_modified.values()) == len(AMBITI)
    assert (report.counter.requests, report.counter.bytes) == (len(AMBITI), 0)


def test_a_folder_source_is_polled_with_a_stat(publications, tmp_path):
    shutil.copytree(publications / "pubblicazioni", tmp_path / "pubblicazioni")
    sources_file = tmp_path / "sorgenti.yaml"
    sources_file.write_text("sorgenti:\n" + "".join(f"  - id: {a}\n    cartella: pubblicazioni/{a}\n"
                                                    for a in AMBITI), encoding="utf-8")
    first = run(sources_file, tmp_path / "raccolta")
    again = run(sources_file, tmp_path / "raccolta")
    assert [s.esito for s in again.sources] == ["invariata"] * len(AMBITI)
    assert (again.counter.requests, again.counter.bytes) == (len(AMBITI), 0)
    assert again.summary() == f"Raccolta: 3 sorgenti, 0 con errori; 3 richieste, 0 byte letti."
    root = tmp_path / "repo-imola"
    ipa, comuni, services = AMBITI["imola"]
    write_catalogue(root, "imola", ipa, comuni, services)
    changed = service_yaml("centro-famiglie", "imola", "capofila-imola", denominazione="Centro per le famiglie")
    (root / "catalogo" / "servizi" / "centro-famiglie.yaml").write_text(json.dumps(changed), encoding="utf-8")
    publish(root, tmp_path / "pubblicazioni" / "imola")
    third = run(sources_file, tmp_path / "raccolta")
    imola = next(s for s in third.sources if s.id == "imola")
    api = tmp_path / "pubblicazioni" / "imola" / "api" / "v1"
    assert imola.esito == "aggiornata" and imola.file_letti == 3
    assert imola.byte_letti == sum(len((api / n).read_bytes()) for n in
                                   ("stato.json", "index.json", "servizi/centro-famiglie.json"))
    assert third.counter.bytes == imola.byte_letti
