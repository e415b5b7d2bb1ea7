"""The aggregated portal: harvested records published by the same pipeline (API, data package, site with
Pagefind), with ids that never collide and conflicts resolved by the order of the sources file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import frictionless

from reti_adi.build import DATA_STEPS
from reti_adi.federation.pipeline import raccogli
from reti_adi.federation.validate import schema_errors, schema_name
from reti_adi.publish.identity import record_uuid

from ..conftest import run_cli
from .conftest import AMBITI, FAST
from .publications import publish, service_yaml, write_catalogue


def _api(out: Path, name: str) -> dict:
    return json.loads((out / "api" / "v1" / name).read_bytes())


def test_one_portal_with_every_valid_source_from_the_same_pipeline(federation):
    server, _, sources_file, folder = federation
    out = sources_file.parent / "portale"
    report = raccogli(sources_file, folder, out, FAST, workers=3)
    assert sorted(s.id for s in report.harvest.failed) == ["irraggiungibile", "rotta"]
    ids = sorted(s["id"] for s in _api(out, "sostegni.json")["sostegni"])
    expected = sorted(f"{ambito}-{service}" for ambito, (_, _, services) in AMBITI.items() for service in services)
    assert ids == expected
    # the same local id in two ambiti: two records, each in its own ambito
    assert {"pianura-est-sportello-sociale", "imola-sportello-sociale"} <= set(ids)
    imola = _api(out, "servizi/imola-sportello-sociale.json")
    assert imola["territorio"]["ambito"]["id"] == "imola" and imola["ente_erogatore"]["id"] == "imola-capofila-imola"
    assert sorted(a["id"] for a in _api(out, "ambiti.json")["ambiti"]) == sorted(AMBITI)
    api = out / "api" / "v1"
    for path in api.rglob("*.json"):
        relative = path.relative_to(api).as_posix()
        if relative.startswith(("schema/", "ambiti/")) or "/" in relative and not relative.startswith("servizi/"):
            continue
        data = json.loads(path.read_bytes())
        if relative.removesuffix(".json") in ("sostegni", "enti", "fonti", "ambiti", "index", "stato", "changes") \
                or relative.startswith("servizi/"):
            assert schema_errors(schema_name(relative, data), data) == [], relative
    assert frictionless.validate(out / "dati" / "datapackage.json").valid
    for portal_id in expected:
        assert (out / "servizi" / portal_id / "index.html").is_file()
    assert (out / "ambiti" / "imola" / "index.html").is_file()
    # HSDS: each service with a global id keeps the UUID of its own catalogue's export
    hsds = json.loads((out / "api" / "hsds" / "services.json").read_bytes())
    hsds = hsds.get("contents", hsds) if isinstance(hsds, dict) else hsds
    published = [_api(out, f"servizi/{s['id']}.json") for s in _api(out, "sostegni.json")["sostegni"]]
    assert sorted(h["id"] for h in hsds) == sorted(str(record_uuid(p["id_globale"])) for p in published
                                                   if p.get("id_globale"))
    assert (out / "dati" / "dcat.ttl").is_file()
    # each service links to its page on the ambito's own site
    page = (out / "servizi" / "imola-sportello-sociale" / "index.html").read_text(encoding="utf-8")
    assert f'href="{server.url}/imola/servizi/sportello-sociale/"' in page
    regioni = json.loads((out / "pagefind" / "regioni.json").read_bytes())
    assert "Emilia-Romagna" in json.dumps(regioni, ensure_ascii=False)


def test_the_portal_change_log_follows_the_sources(federation, tmp_path):
    server, served, sources_file, folder = federation
    out = tmp_path / "portale"
    first = raccogli(sources_file, folder, out, FAST, workers=3, steps=DATA_STEPS[:1])
    assert not first.unchanged and first.portal is not None
    index = (out / "api" / "v1" / "index.json").read_bytes()
    again = raccogli(sources_file, folder, out, FAST, workers=3, steps=DATA_STEPS[:1])
    assert again.unchanged and again.portal is None  # nothing changed: the portal is not rebuilt
    assert (out / "api" / "v1" / "index.json").read_bytes() == index
    root = tmp_path / "repo-imola"
    ipa, comuni, services = AMBITI["imola"]
    write_catalogue(root, "imola", ipa, comuni, [s for s in services if s != "centro-famiglie"])
    changed = service_yaml("sportello-sociale", "imola", "capofila-imola", denominazione="Sportello sociale Imola")
    (root / "catalogo" / "servizi" / "sportello-sociale.yaml").write_text(json.dumps(changed), encoding="utf-8")
    publish(root, served / "imola")
    raccogli(sources_file, folder, out, FAST, workers=3, steps=DATA_STEPS[:1])
    servizi = _api(out, "changes.json")["variazioni"]["servizi"]
    assert servizi["modificati"] == ["imola-sportello-sociale"]
    assert servizi["rimossi"] == ["imola-centro-famiglie"]
    assert servizi["aggiunti"] == []


def test_the_portal_computes_calendar_statuses_at_its_own_reference_date(tmp_path):
    """The source is published at the suite's date, whatever it is; the portal's statuses follow the date it is
    built for (not the source's publication date), and a new day republishes it even with no source changed."""
    root = write_catalogue(tmp_path / "repo", "pianura-est", "urg_bo", ["037002"], ["sportello"])
    (root / "catalogo" / "fonti" / "fondo-poverta.yaml").write_text(
        "id: fondo-poverta\ndenominazione: Quota servizi Fondo Povertà\ntipo: fondo_poverta_quota_servizi\n"
        "periodo:\n  inizio: 2024-01-01\n  fine: 2026-06-30\n", encoding="utf-8")
    publish(root, tmp_path / "pubblicazione")
    sources = tmp_path / "sorgenti.yaml"
    sources.write_text("sorgenti:\n  - id: pe\n    cartella: pubblicazione\n", encoding="utf-8")
    seen = {}
    for day in (dt.date(2026, 6, 30), dt.date(2026, 7, 1)):
        report = raccogli(sources, steps=DATA_STEPS[:1], today=day)
        assert not report.unchanged, day
        fonti = _api(tmp_path / "build", "fonti.json")
        assert fonti["data_riferimento"] == day.isoformat()
        seen[day.isoformat()] = [f["stato_effettivo"] for f in fonti["fonti"]]
    assert seen == {"2026-06-30": ["attiva"], "2026-07-01": ["terminata"]}
    assert raccogli(sources, steps=DATA_STEPS[:1], today=dt.date(2026, 7, 1)).unchanged


def test_a_comune_claimed_by_two_ambiti_stays_with_the_first_source(tmp_path):
    for ambito, comuni in (("pianura-est", ["037002", "037003"]), ("vicini", ["037003", "037005"])):
        publish(write_catalogue(tmp_path / "repo" / ambito, ambito, f"ipa_{ambito[:5]}", comuni, ["sportello"]),
                tmp_path / "pubblicazioni" / ambito)
    sources = tmp_path / "sorgenti.yaml"
    sources.write_text("sorgenti:\n  - id: pianura-est\n    cartella: pubblicazioni/pianura-est\n"
                       "  - id: vicini\n    cartella: pubblicazioni/vicini\n", encoding="utf-8")
    report = raccogli(sources, steps=DATA_STEPS[:1])
    ambiti = {a["id"]: [c["codice_istat"] for c in a["comuni"]] for a in _api(tmp_path / "build", "ambiti.json")["ambiti"]}
    assert ambiti == {"pianura-est": ["037002", "037003"], "vicini": ["037005"]}
    assert [c.describe() for c in report.aggregate.conflicts] == [
        "vicini: il comune 037003 dell'ambito «vicini» appartiene già all'ambito «pianura-est» della sorgente "
        "«pianura-est», elencata prima: resta a quello"]
    vicini = _api(tmp_path / "build", "servizi/vicini-sportello.json")
    assert vicini["territorio"]["comuni_istat"] == ["037005"]


def test_cli_reports_each_source_in_italian(federation):
    _, _, sources_file, folder = federation
    result = run_cli("raccogli", str(sources_file), "--raccolta", str(folder), "--solo-raccolta", "--timeout", "2")
    assert result.returncode == 0, result.stderr
    assert "pianura-est: aggiornata" in result.stdout
    assert "irraggiungibile: ERRORE" in result.stdout and "esclusa dal portale" in result.stdout
    assert "5 sorgenti, 2 con errori" in result.stdout
    strict = run_cli("raccogli", str(sources_file), "--raccolta", str(folder), "--solo-raccolta", "--rigoroso",
                     "--timeout", "2")
    assert strict.returncode == 1 and "invariata" in strict.stdout
    bad = sources_file.parent / "rotto.yaml"
    bad.write_text("sorgenti:\n  - id: solo-id\n", encoding="utf-8")
    refused = run_cli("raccogli", str(bad))
    assert refused.returncode == 2 and "rotto.yaml:2" in refused.stderr and "esattamente uno" in refused.stderr


def test_every_message_agrees_in_number_with_one_source_and_one_service(tmp_path):
    publish(write_catalogue(tmp_path / "repo" / "unico", "unico", "ipa_unico", ["037002"], ["sportello"]),
            tmp_path / "pubblicazioni" / "unico")
    sources = tmp_path / "sorgenti.yaml"
    sources.write_text("sorgenti:\n  - id: unico\n    cartella: pubblicazioni/unico\n", encoding="utf-8")
    report = raccogli(sources, steps=DATA_STEPS[:1])
    assert report.published() == f"Portale pubblicato in {tmp_path / 'build'}: 1 servizio da 1 sorgente."
    result = run_cli("raccogli", str(sources), "--solo-raccolta")
    assert result.returncode == 0, result.stderr
    assert "Raccolta: 1 sorgente, 0 con errori; 1 richiesta, 0 byte letti." in result.stdout
    assert "unico: invariata" in result.stdout
    (tmp_path / "pubblicazioni" / "unico" / "api" / "v1" / "stato.json").write_text("{}", encoding="utf-8")
    broken = run_cli("raccogli", str(sources), "--solo-raccolta")
    assert "Raccolta: 1 sorgente, 1 con errori; 1 richiesta, 2 byte letti." in broken.stdout


def test_conflicts_are_resolved_by_the_order_of_the_sources_and_each_is_reported(tmp_path):
    """nord and sud share the editore's IPA code (so the same global ids), sud claims a comune of nord, and
    copia-nord serves nord's very publication: the first listed wins every conflict, each one is reported."""
    for ambito, comuni, services in (("nord", ["037002", "037003"], ["sportello-sociale", "emporio"]),
                                     ("sud", ["037003", "037005"], ["sportello-sociale", "doposcuola"])):
        publish(write_catalogue(tmp_path / "repo" / ambito, ambito, "urg_bo", comuni, services),
                tmp_path / "pubblicazioni" / ambito)
    sources = tmp_path / "sorgenti.yaml"
    sources.write_text("sorgenti:\n  - id: nord\n    cartella: pubblicazioni/nord\n"
                       "  - id: sud\n    cartella: pubblicazioni/sud\n"
                       "  - id: copia-nord\n    cartella: pubblicazioni/nord\n", encoding="utf-8")
    report = raccogli(sources, steps=DATA_STEPS[:1])
    out = tmp_path / "build"
    assert [c.describe() for c in report.aggregate.conflicts] == [
        "sud: pubblica lo stesso catalogo («urg_bo», dal codice IPA dell'editore) della sorgente «nord», elencata "
        "prima: le schede con lo stesso identificativo globale sono prese da quella; se è un altro catalogo dello "
        "stesso editore, va indicato «codice_catalogo» nel suo catalogo.yaml",
        "sud: fonte «urg_bo:fonte:fondo-poverta»: lo stesso identificativo globale arriva già dalla sorgente «nord», "
        "elencata prima: vale la sua scheda",
        "sud: il comune 037003 dell'ambito «sud» appartiene già all'ambito «nord» della sorgente «nord», elencata "
        "prima: resta a quello",
        "sud: servizio «urg_bo:servizio:sportello-sociale»: lo stesso identificativo globale arriva già dalla "
        "sorgente «nord», elencata prima: vale la sua scheda",
        "copia-nord: è la stessa pubblicazione della sorgente «nord», elencata prima: sorgente esclusa"]
    # the first source keeps what it published; the later one loses only what conflicted
    assert sorted(s["id"] for s in _api(out, "sostegni.json")["sostegni"]) == [
        "nord-emporio", "nord-sportello-sociale", "sud-doposcuola"]
    ambiti = {a["id"]: [c["codice_istat"] for c in a["comuni"]] for a in _api(out, "ambiti.json")["ambiti"]}
    assert ambiti == {"nord": ["037002", "037003"], "sud": ["037005"]}
    doposcuola = _api(out, "servizi/sud-doposcuola.json")
    assert [f["id"] for f in doposcuola["fonti_finanziamento"]] == ["nord-fondo-poverta"]
    assert doposcuola["territorio"]["comuni_istat"] == ["037005"]
    assert doposcuola["id_globale"] == "urg_bo:servizio:doposcuola"
    assert [f["id"] for f in _api(out, "fonti.json")["fonti"]] == ["nord-fondo-poverta"]
    # the CLI prints every conflict, one line each with its source, also when the portal is not rebuilt
    result = run_cli("raccogli", str(sources))
    assert result.returncode == 0, result.stderr
    assert "Nessuna sorgente è cambiata" in result.stdout
    assert [line.removeprefix("Conflitto – ") for line in result.stdout.splitlines()
            if line.startswith("Conflitto")] == [c.describe() for c in report.aggregate.conflicts]
