"""Coverage from the catalogue alone, against cases computed by hand from the example files."""

from __future__ import annotations

import json

import frictionless

from reti_adi.check import load_and_check
from reti_adi.publish.coverage import TIPOLOGIE_ART7, coverage

from .test_publish import publish

BUDRIO, MOLINELLA, ARGELATO, CASTEL_MAGGIORE = "037008", "037039", "037002", "037019"


def test_coverage_of_the_example_matches_the_hand_computed_cells(repo_root):
    catalogue, result = load_and_check(repo_root)
    assert result.ok
    cov = coverage(catalogue)["pianura-est"]
    assert cov.comuni == catalogue.get("ambito", "pianura-est").comuni
    # a) segretariato: Budrio has its own sportello (comuni: [Budrio]) and the patronato's whole-ambito point
    a = cov.tipologie[BUDRIO]["a"]
    assert (a.stato, a.attivi, a.sospesi, a.non_presenti) == (
        "coperto", ["punto-informativo-adi-patronato", "sportello-sociale-budrio"], [], [])
    # Argelato has only the whole-ambito point: the Budrio, Castel Maggiore, Molinella sportelli do not reach it
    assert cov.tipologie[ARGELATO]["a"].attivi == ["punto-informativo-adi-patronato"]
    # g) mediazione culturale: the active service lists Budrio and Castel Maggiore only; the sportello stranieri
    # (whole ambito) is sospeso; the Molinella-only record is non presente
    g_molinella = cov.tipologie[MOLINELLA]["g"]
    assert (g_molinella.stato, g_molinella.attivi, g_molinella.sospesi, g_molinella.non_presenti) == (
        "solo_sospeso", [], ["sportello-stranieri"], ["mediazione-culturale-lingue-est"])
    assert cov.tipologie[ARGELATO]["g"].stato == "solo_sospeso"
    assert cov.tipologie[ARGELATO]["g"].non_presenti == []
    assert cov.tipologie[CASTEL_MAGGIORE]["g"].attivi == ["mediazione-culturale-servizi"]
    # h) pronto intervento: two active whole-ambito services, the centro diurno is non presente everywhere
    h = cov.tipologie[ARGELATO]["h"]
    assert (h.stato, h.attivi, h.non_presenti) == (
        "coperto", ["accoglienza-notturna-emergenza", "pronto-intervento-sociale"], ["centro-diurno-senza-dimora"])
    # e) the custode sociale of Castel Maggiore is cessato: it never counts
    assert "custode-sociale" not in cov.tipologie[CASTEL_MAGGIORE]["e"].attivi + cov.tipologie[CASTEL_MAGGIORE]["e"].sospesi
    # areas count a–h services only: the SerD (tipologia «altro») does not cover ADD
    assert cov.aree[BUDRIO]["ADD"].stato == "scoperto"
    assert cov.aree[MOLINELLA]["IMMNOM"].stato == "solo_sospeso"
    assert cov.aree[BUDRIO]["IMMNOM"].attivi == ["doposcuola-solidale", "mediazione-culturale-servizi"]
    # g is the only tipologia with gaps: 13 of the 15 comuni (all but Budrio and Castel Maggiore)
    assert cov.gaps() == 13
    assert set(TIPOLOGIE_ART7) == set("abcdefgh")


def test_a_seat_reaches_its_comune_even_if_not_listed(catalogue_copy):
    (catalogue_copy / "catalogo/servizi/solo-sede.yaml").write_text(
        "id: solo-sede\ndenominazione: Servizio con una sede\ndescrizione: Prova.\ntipologia: h\n"
        "ente_erogatore: comune-budrio\nambito: pianura-est\ncomuni: [\"037008\"]\n"
        "sedi:\n  - indirizzo: Via Roma 1\n    comune: \"037039\"\n    cap: \"40062\"\n"
        "stato: sospeso\ndata_avvio: 2024-01-01\nultima_verifica: 2026-10-01\n", encoding="utf-8")
    catalogue, result = load_and_check(catalogue_copy)
    assert result.ok, [p.message for p in result.errors]
    cov = coverage(catalogue)["pianura-est"]
    reach = next(r for r in cov.servizi if r.id == "solo-sede")
    assert (reach.tutto_ambito, reach.comuni_sede, reach.comuni_raggiunti) == (False, [MOLINELLA], [BUDRIO, MOLINELLA])
    assert "solo-sede" in cov.tipologie[MOLINELLA]["h"].sospesi
    assert "solo-sede" not in cov.tipologie[ARGELATO]["h"].sospesi


def test_coverage_is_published_in_the_api_and_the_data_package(catalogue_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    publish(catalogue_copy)
    built = catalogue_copy / "build"
    doc = json.loads((built / "api/v1/ambiti/pianura-est/copertura.json").read_text())
    molinella = next(c for c in doc["comuni"] if c["codice_istat"] == MOLINELLA)
    assert molinella["tipologie"]["g"]["stato"] == "solo_sospeso"
    assert [t["codice"] for t in doc["tipologie"]] == list("abcdefgh")
    report = frictionless.validate(built / "dati" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    package = frictionless.Package(built / "dati" / "datapackage.json")
    rows = package.get_resource("copertura").read_rows()
    assert len(rows) == 15 * (8 + 7)
    cell = next(r for r in rows if r["comune_istat"] == MOLINELLA and r["codice"] == "g")
    assert (cell["stato"], cell["servizi_sospesi"], cell["servizi_non_presenti"]) == (
        "solo_sospeso", "sportello-stranieri", "mediazione-culturale-lingue-est")
