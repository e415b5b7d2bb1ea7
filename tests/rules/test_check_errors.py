"""One broken file per rule: each yields exit 1 and an Italian message naming file, line and field."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from reti_adi.check import check

from ..conftest import REFERENCE_DATE, run_cli

VERIFIED = (REFERENCE_DATE - dt.timedelta(days=52)).isoformat()
"""52 days before the date the suite pins, wherever RETI_ADI_TEST_OGGI moves it: never stale."""
SERVICE = """\
id: prova
denominazione: Servizio di prova
descrizione: Descrizione del servizio di prova.
tipologia: d
aree_utenza: [FAM]
ente_erogatore: coop-il-ponte
fonti_finanziamento: [fnps-2026]
ambito: pianura-est
sedi:
  - indirizzo: Via Roma 1
    comune: "037008"
    cap: "40054"
    orari:
      - giorni: [lunedi]
        dalle: "09:00"
        alle: "12:00"
stato: attivo
data_avvio: 2024-01-01
ultima_verifica: 2026-10-01
""".replace("2026-10-01", VERIFIED)


def service(**replacements: str) -> str:
    text = SERVICE
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


@dataclass
class Case:
    name: str
    content: str | bytes
    rule: str
    line: int | None
    field: str
    words: str
    path: str = "catalogo/servizi/prova.yaml"


CASES = [
    Case("chiave duplicata", SERVICE + "stato: sospeso\n", "yaml.chiave-duplicata", 20, "stato", "più volte"),
    Case("CAP con zeri letto come numero", service(**{'cap: "40054"': "cap: 00100"}), "yaml.codice-numerico", 12,
         "sedi[0].cap", "tra virgolette"),
    Case("ISTAT con zero iniziale letto come numero", service(**{'comune: "037008"': "comune: 012345"}),
         "yaml.codice-numerico", 11, "sedi[0].comune", "zeri iniziali"),
    Case("codice numerico senza virgolette", service(**{'cap: "40054"': "cap: 40054"}), "schema.string_type", 12,
         "sedi[0].cap", "tra virgolette"),
    Case("NO diventa booleano", service(**{"denominazione: Servizio di prova": "denominazione: NO"}),
         "yaml.booleano-ambiguo", 2, "denominazione", "vero/falso"),
    Case("orario sessagesimale", service(**{'dalle: "09:00"': "dalle: 15:30"}), "yaml.sessagesimale", 15,
         "sedi[0].orari[0].dalle", "base 60"),
    Case("file non mappa", "- uno\n- due\n", "file.non-mappa", 1, "", "non una mappa"),
    Case("id diverso dal nome del file", service(**{"id: prova": "id: altro-nome"}), "file.id-nome", 1, "id",
         "non corrisponde"),
    Case("file non UTF-8", SERVICE.replace("Descrizione", "Attività").encode("latin-1"), "file.codifica", 3, "",
         "UTF-8"),
    Case("file vuoto", "# solo un commento\n", "file.vuoto", 1, "", "vuoto"),
    Case("YAML con tabulazione", SERVICE.replace("  - indirizzo", "\t- indirizzo"), "yaml.sintassi", 10, "",
         "tabulazione"),
    Case("ente inesistente", service(**{"ente_erogatore: coop-il-ponte": "ente_erogatore: coop-il-pont"}),
         "riferimenti.ente", 6, "ente_erogatore", "forse «coop-il-ponte»"),
    Case("fonte inesistente", service(**{"[fnps-2026]": "[fnps-2099]"}), "riferimenti.fonte", 7,
         "fonti_finanziamento[0]", "non esiste"),
    Case("ambito inesistente", service(**{"ambito: pianura-est": "ambito: pianura-ovest"}), "riferimenti.ambito", 8,
         "ambito", "non esiste"),
    Case("comune inesistente", service(**{'comune: "037008"': 'comune: "999999"'}), "riferimenti.comune", 11,
         "sedi[0].comune", "nessun comune"),
    Case("comune fuori ambito", SERVICE + 'comuni: ["058091"]\n', "territorio.fuori-ambito", 20, "comuni[0]",
         "Roma"),
    Case("sede in un'altra regione", service(**{'comune: "037008"': 'comune: "058091"', '"40054"': '"00184"'}),
         "territorio.sede-fuori-regione", 11, "sedi[0].comune", "Roma"),
    Case("fine prima dell'avvio", SERVICE + "data_fine: 2023-12-31\n", "date.ordine", 20, "data_fine", "precede"),
    Case("non presente con data di avvio", service(**{"stato: attivo": "stato: non_presente"}), "date.non-presente",
         18, "data_avvio", "non_presente"),
    Case("avvio mancante", service(**{"data_avvio: 2024-01-01\n": ""}), "date.avvio-mancante", 1, "data_avvio",
         "manca la data di avvio"),
    Case("codice fiscale di persona", service(**{"Descrizione del servizio di prova.":
                                                 "Referente RSSMRA85T10A562S per le pratiche."}),
         "dati-personali.codice-fiscale", 3, "descrizione", "codice fiscale di persona"),
    Case("IBAN nel testo", SERVICE + "cosa_serve: Bonifico su IT60 X054 2811 1010 0000 0123 456\n",
         "dati-personali.iban", 20, "cosa_serve", "IBAN"),
    Case("campo sconosciuto", service(**{"denominazione:": "denominazoine:"}), "schema.extra_forbidden", 2,
         "denominazoine", "forse intendevi «denominazione»"),
    Case("campo obbligatorio mancante", service(**{"tipologia: d\n": ""}), "schema.missing", 1, "tipologia",
         "manca il campo obbligatorio «tipologia»"),
    Case("tipologia fuori vocabolario", service(**{"tipologia: d": "tipologia: z"}), "schema.literal_error", 4,
         "tipologia", "non ammesso"),
    Case("data inesistente", service(**{"data_avvio: 2024-01-01": "data_avvio: 2024-02-30"}), "yaml.data", 18,
         "data_avvio", "non è una data valida"),
    Case("id duplicato in sottocartella", SERVICE.replace("id: prova", "id: emporio-solidale"),
         "riferimenti.id-duplicato", 1, "id", "già usato", path="catalogo/servizi/altri/emporio-solidale.yaml"),
    Case("periodo di fonte rovesciato",
         "id: fonte-prova\ndenominazione: Prova\ntipo: fnps\nperiodo:\n  inizio: 2025-01-01\n  fine: 2024-01-01\n",
         "date.ordine", 6, "periodo.fine", "precede", path="catalogo/fonti/fonte-prova.yaml"),
    Case("comune di un'altra regione nell'ambito",
         Path(__file__).resolve().parents[2].joinpath("catalogo/ambiti/pianura-est.yaml").read_text()
         .replace('- "037002"', '- "001001"'), "territorio.regione", 7, "comuni[0]", "Piemonte",
         path="catalogo/ambiti/pianura-est.yaml"),
]


def write_case(root: Path, case: Case) -> None:
    target = root / case.path
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(case.content, bytes):
        target.write_bytes(case.content)
    else:
        target.write_text(case.content, encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_rule_points_at_file_line_and_field(catalogue_copy, case):
    write_case(catalogue_copy, case)
    result = check(catalogue_copy, REFERENCE_DATE)
    matching = [p for p in result.errors if p.rule == case.rule and p.file == case.path]
    assert matching, f"nessun errore {case.rule}; trovati: {[(p.rule, p.message) for p in result.errors]}"
    problem = matching[0]
    assert problem.file == case.path
    assert problem.line == case.line, problem
    assert problem.field == case.field, problem
    assert case.words in problem.message, problem.message
    assert result.exit_code == 1


@pytest.mark.parametrize("case", CASES[:12], ids=[c.name for c in CASES[:12]])
def test_cli_reports_without_traceback(catalogue_copy, case):
    write_case(catalogue_copy, case)
    proc = run_cli("check", str(catalogue_copy), "--data-riferimento", REFERENCE_DATE.isoformat())
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    location = f"{case.path}:{case.line}:" if case.line else case.path
    assert location in proc.stdout
    assert "errore" in proc.stdout


def test_all_problems_in_one_run_sorted_by_file_and_line(catalogue_copy):
    broken = service(**{'cap: "40054"': "cap: 00100", "tipologia: d": "tipologia: z",
                        "ente_erogatore: coop-il-ponte": "ente_erogatore: nessuno"})
    (catalogue_copy / "catalogo/servizi/prova.yaml").write_text(broken, encoding="utf-8")
    (catalogue_copy / "catalogo/servizi/aaa.yaml").write_text(service(**{"id: prova": "id: aaa",
                                                                        "stato: attivo": "stato: chiuso"}))
    result = check(catalogue_copy, REFERENCE_DATE)
    keys = [(p.file, p.line) for p in result.errors]
    assert keys == sorted(keys)
    files = {p.file for p in result.errors}
    assert files == {"catalogo/servizi/aaa.yaml", "catalogo/servizi/prova.yaml"}
    rules = {p.rule for p in result.errors if p.file.endswith("prova.yaml")}
    assert {"yaml.codice-numerico", "schema.literal_error"} <= rules


def test_a_schema_error_does_not_hide_the_reference_errors_of_the_same_file(catalogue_copy):
    broken = service(**{"tipologia: d": "tipologia: z", "ente_erogatore: coop-il-ponte": "ente_erogatore: coop-il-pont",
                        "[fnps-2026]": "[fnps-2099]"})
    (catalogue_copy / "catalogo/servizi/prova.yaml").write_text(broken, encoding="utf-8")
    result = check(catalogue_copy, REFERENCE_DATE)
    mine = [(p.line, p.field, p.rule) for p in result.problems if p.file == "catalogo/servizi/prova.yaml"]
    assert mine == [(4, "tipologia", "schema.literal_error"), (6, "ente_erogatore", "riferimenti.ente"),
                    (7, "fonti_finanziamento[0]", "riferimenti.fonte")]


def test_a_field_with_a_schema_error_is_reported_once(catalogue_copy):
    """A malformed reference is a schema problem only, never also «does not exist»."""
    (catalogue_copy / "catalogo/servizi/prova.yaml").write_text(
        service(**{"ente_erogatore: coop-il-ponte": "ente_erogatore: Coop Il Ponte"}), encoding="utf-8")
    mine = [p.rule for p in check(catalogue_copy, REFERENCE_DATE).problems if p.file.endswith("prova.yaml")]
    assert mine == ["schema.string_pattern_mismatch"]


def test_a_broken_ente_is_not_reported_as_missing_by_the_services_that_use_it(catalogue_copy):
    ente = catalogue_copy / "catalogo/enti/coop-il-ponte.yaml"
    ente.write_text(ente.read_text().replace("tipo: ", "tipo: sconosciuto-", 1), encoding="utf-8")
    result = check(catalogue_copy, REFERENCE_DATE)
    assert [p.file for p in result.errors] == ["catalogo/enti/coop-il-ponte.yaml"]


def test_a_sede_in_the_same_regione_outside_the_ambito_is_a_warning(catalogue_copy):
    (catalogue_copy / "catalogo/servizi/prova.yaml").write_text(
        service(**{'comune: "037008"': 'comune: "037006"', '"40054"': '"40121"'}), encoding="utf-8")  # Bologna
    result = check(catalogue_copy, REFERENCE_DATE)
    mine = [p for p in result.problems if p.file.endswith("prova.yaml")]
    assert [(p.rule, p.severity, p.line) for p in mine] == [("territorio.sede-fuori-ambito", "avviso", 11)]
    assert "Bologna" in mine[0].message and result.exit_code == 0


def test_freshness_is_a_warning_not_an_error(catalogue_copy):
    (catalogue_copy / "catalogo/servizi/prova.yaml").write_text(
        service(**{f"ultima_verifica: {VERIFIED}": f"ultima_verifica: {REFERENCE_DATE - dt.timedelta(days=700)}"}))
    result = check(catalogue_copy, REFERENCE_DATE)
    assert result.exit_code == 0
    assert any(p.rule == "aggiornamento.verifica" and p.file.endswith("prova.yaml") for p in result.warnings)


def test_github_annotations(catalogue_copy):
    (catalogue_copy / "catalogo/servizi/prova.yaml").write_text(service(**{"tipologia: d": "tipologia: z"}))
    proc = run_cli("check", str(catalogue_copy), "--format", "github",
                   "--data-riferimento", REFERENCE_DATE.isoformat())
    assert proc.returncode == 1
    line = next(l for l in proc.stdout.splitlines() if l.startswith("::error"))
    assert "file=catalogo/servizi/prova.yaml,line=4,col=12" in line
    assert "title=Campo non valido%3A tipologia" in line  # a title for people, not a rule name
    assert "non ammesso" in line


def test_json_report_carries_positions(catalogue_copy):
    (catalogue_copy / "catalogo/servizi/prova.yaml").write_text(service(**{'cap: "40054"': "cap: 00100"}))
    proc = run_cli("check", str(catalogue_copy), "--format", "json", "--data-riferimento", "2026-11-22")
    payload = json.loads(proc.stdout)
    problem = next(p for p in payload["problemi"] if p["regola"] == "yaml.codice-numerico")
    assert (problem["file"], problem["riga"], problem["colonna"], problem["campo"]) == (
        "catalogo/servizi/prova.yaml", 12, 10, "sedi[0].cap")
