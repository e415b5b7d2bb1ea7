"""Networks and protocols: validated like the catalogue, with the DM 93/2024 rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from reti_adi.check import check, load_and_check

from ..conftest import REFERENCE_DATE

PROTOCOL = "protocolli/protocolli/protocollo-rete-servizi-territoriali.yaml"
NETWORK = "protocolli/reti/rete-inclusione-adi-pianura-est.yaml"
REPO = Path(__file__).resolve().parents[2]
# the example accordo expires on 2028-02-29: what the site built for the suite's day shows
ACCORDO_STATO = "vigente" if REFERENCE_DATE <= date(2028, 2, 29) else "scaduto"


def edited(path: str, old: str, new: str) -> str:
    text = (REPO / path).read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


@dataclass
class Case:
    name: str
    path: str
    content: str
    rule: str
    line: int
    field: str
    words: str


CASES = [
    Case("parte sconosciuta", PROTOCOL,
         edited(PROTOCOL, "{ente: caf-pianura, ruolo_firmatario", "{ente: caf-pianur, ruolo_firmatario"),
         "riferimenti.ente", 31, "parti[7].ente", "forse «caf-pianura»"),
    Case("parte senza impegni", PROTOCOL,
         edited(PROTOCOL, '  - {ente: caf-pianura, descrizione: "Rilascia', '  - {ente: comune-budrio, descrizione: "Rilascia'),
         "protocolli.parte-senza-impegni", 31, "parti[7].ente", "non ha impegni"),
    Case("sezione attesa mancante", PROTOCOL,
         edited(PROTOCOL, "  - {numero: 7, tipo: trattamento_dati,", "  - {numero: 7, tipo: altro,"),
         "protocolli.sezione", 14, "articoli", "Trattamento dei dati"),
    Case("decorrenza prima della firma", PROTOCOL,
         edited(PROTOCOL, "decorrenza: 2025-07-01", "decorrenza: 2025-01-01"), "date.ordine", 46,
         "date.decorrenza", "precede la sottoscrizione"),
    Case("scadenza prima della decorrenza", PROTOCOL,
         edited(PROTOCOL, "scadenza: 2027-06-30", "scadenza: 2025-06-30"), "date.ordine", 47, "date.scadenza",
         "non segue"),
    Case("articoli fuori ordine", PROTOCOL, edited(PROTOCOL, "{numero: 8, tipo: durata_recesso",
                                                    "{numero: 3, tipo: durata_recesso"),
         "protocolli.ordine-articoli", 22, "articoli[7].numero", "in ordine"),
    Case("modello sconosciuto", PROTOCOL, edited(PROTOCOL, "modello: allegato_2", "modello: allegato_3"),
         "schema.literal_error", 5, "modello", "non ammesso"),
    Case("rete inesistente", PROTOCOL, edited(PROTOCOL, "rete: rete-servizi-territoriali-pianura-est",
                                               "rete: rete-che-non-esiste"), "riferimenti.rete", 4, "rete",
         "non esiste"),
    Case("servizio della rete inesistente", NETWORK, edited(NETWORK, "  - centro-salute-mentale",
                                                            "  - centro-salute-mentale-nord"),
         "riferimenti.servizio", 34, "servizi[9]", "non esiste"),
    Case("parte ripetuta", PROTOCOL,
         edited(PROTOCOL, "{ente: caf-pianura, ruolo_firmatario", "{ente: comune-budrio, ruolo_firmatario"),
         "valori.duplicato", 31, "parti[7].ente", "già tra le parti"),
    Case("membro ripetuto", NETWORK, edited(NETWORK, "{ente: ic-budrio, ruolo: partner}",
                                            "{ente: cpi-san-giorgio, ruolo: partner}"),
         "valori.duplicato", 18, "membri[4].ente", "già tra i membri"),
    Case("rete di intervento che risponde a un'altra di intervento", NETWORK,
         edited(NETWORK, "risponde_a: tavolo-coordinamento-pianura-est",
                "risponde_a: rete-servizi-territoriali-pianura-est"), "reti.risponde-a", 23, "risponde_a",
         "non di indirizzo"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_protocols_give_italian_errors_with_line(catalogue_copy, case):
    (catalogue_copy / case.path).write_text(case.content, encoding="utf-8")
    result = check(catalogue_copy, REFERENCE_DATE)
    matching = [p for p in result.errors if p.rule == case.rule and p.file == case.path]
    assert matching, [(p.rule, p.file, p.message) for p in result.errors]
    problem = matching[0]
    assert (problem.line, problem.field) == (case.line, case.field), problem
    assert case.words in problem.message
    assert result.exit_code == 1


def test_example_protocols_are_valid_and_consistent(repo_root):
    catalogue, result = load_and_check(repo_root, REFERENCE_DATE)
    assert result.errors == []
    reti = catalogue.of("rete")
    assert {r.model.tipo for r in reti.values()} == {"indirizzo", "intervento"}
    assert sum(r.model.tipo == "intervento" for r in reti.values()) == 2
    protocolli = [r.model for r in catalogue.of("protocollo").values()]
    assert {p.modello for p in protocolli} == {"allegato_1", "allegato_2"}
    accordo = next(p for p in protocolli if p.modello == "allegato_1")
    assert accordo.strumento == "accordo_programma"
    tipi = {catalogue.get("ente", parte.ente).tipo for parte in accordo.parti}
    assert {"cpi", "asl", "scuola"} <= tipi and tipi & {"ets", "cooperativa_sociale"}


def test_expiring_protocol_is_a_warning(catalogue_copy):
    text = edited(PROTOCOL, "scadenza: 2027-06-30", "scadenza: 2027-01-10")
    (catalogue_copy / PROTOCOL).write_text(text, encoding="utf-8")
    result = check(catalogue_copy, date(2026, 11, 22))  # 49 days before the expiry
    assert result.exit_code == 0
    assert any(p.rule == "aggiornamento.protocollo-in-scadenza" for p in result.warnings)


def test_template_is_data_a_repository_can_override(catalogue_copy):
    """Aligning a model with the official annex needs a data file, not a code change."""
    override = catalogue_copy / "protocolli" / "modelli" / "allegato_2.yaml"
    override.parent.mkdir(parents=True)
    shipped = (REPO / "schemas/modelli/allegato_2.yaml").read_text(encoding="utf-8")
    override.write_text(shipped.replace("  - {tipo: governance, obbligatoria: false}",
                                        "  - {tipo: governance, obbligatoria: true}"), encoding="utf-8")
    result = check(catalogue_copy, REFERENCE_DATE)
    missing = [p for p in result.errors if p.rule == "protocolli.sezione" and p.file == PROTOCOL]
    assert missing and "Governance" in missing[0].message


def test_docx_holds_the_articles_in_order(built_site, repo_root):
    import docx

    from reti_adi.catalogue.loader import load_catalogue

    path = built_site / "documenti/protocolli/accordo-programma-inclusione-adi.docx"
    document = docx.Document(str(path))
    text = [p.text for p in document.paragraphs]
    protocol = load_catalogue(repo_root).of("protocollo")["accordo-programma-inclusione-adi"].model
    headings = [t for t in text if t.startswith("Art. ")]
    assert headings == [f"Art. {a.numero} – {a.titolo}" for a in protocol.articoli]
    for article in protocol.articoli:
        heading = text.index(f"Art. {article.numero} – {article.titolo}")
        assert text[heading + 1] == " ".join(article.testo.split())
    assert text[0] == protocol.titolo
    signatures = document.tables[-1]
    assert [row.cells[1].text for row in signatures.rows[1:]] == [p.ruolo_firmatario for p in protocol.parti]
    assert document.core_properties.author == "reti-adi"


def test_protocol_exports_in_api_manifest_changes_and_data_package(built_site):
    import json

    api = built_site / "api/v1"
    manifest = json.loads((api / "index.json").read_text())
    listed = {f["percorso"] for f in manifest["file"]}
    assert {"reti.json", "protocolli.json", "protocolli/accordo-programma-inclusione-adi.json",
            "schema/protocollo.schema.json", "schema/reti.schema.json"} <= listed
    assert set(manifest["impronte"]["protocolli"]) == {"accordo-programma-inclusione-adi",
                                                        "protocollo-rete-servizi-territoriali"}
    changes = json.loads((api / "changes.json").read_text())
    assert "reti" in changes["variazioni"] and "protocolli" in changes["variazioni"]
    package = json.loads((built_site / "dati/datapackage.json").read_text())
    names = {r["name"] for r in package["resources"]}
    assert {"reti", "reti_membri", "protocolli", "parti", "impegni"} <= names
    impegni = next(r for r in package["resources"] if r["name"] == "impegni")
    assert {"fields": "ente", "reference": {"resource": "enti", "fields": "id"}} in impegni["schema"]["foreignKeys"]


def test_protocol_and_network_pages(built_site):
    page = (built_site / "protocolli/accordo-programma-inclusione-adi/index.html").read_text(encoding="utf-8")
    positions = [page.index(f">Art. {n} – ") for n in range(1, 12)]
    assert positions == sorted(positions)
    assert f"ra-badge--protocollo-{ACCORDO_STATO}" in page and "Impegni delle parti" in page
    assert "../../documenti/protocolli/accordo-programma-inclusione-adi.docx" in page
    rete = (built_site / "reti/rete-inclusione-adi-pianura-est/index.html").read_text(encoding="utf-8")
    assert '<svg class="ra-diagramma"' in rete and "Membri e ruoli" in rete
    assert "mermaid" not in rete  # no script from a CDN
    ente = (built_site / "enti/cpi-san-giorgio/index.html").read_text(encoding="utf-8")
    assert "Reti di cui fa parte" in ente and "Protocolli e impegni sottoscritti" in ente
    index = (built_site / "reti/index.html").read_text(encoding="utf-8")
    assert "Reti di indirizzo – livello ambito territoriale" in index


def test_a_broken_rete_still_has_its_references_checked(catalogue_copy):
    path = catalogue_copy / "protocolli/reti/rete-inclusione-adi-pianura-est.yaml"
    text = path.read_text()
    path.write_text(text.replace("gestore: asp-pianura-est", "gestore: asp-pianura-ovest", 1)
                    .replace("livello: ", "livello: galattico-", 1), encoding="utf-8")
    mine = [(p.field, p.rule) for p in check(catalogue_copy, REFERENCE_DATE).errors if p.file.endswith(path.name)]
    assert ("livello", "schema.literal_error") in mine and ("gestore", "riferimenti.ente") in mine, mine
