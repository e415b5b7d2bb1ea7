"""Personal data anywhere in a file, in any spelling: codes decided by their check characters, never
repeated in full; personal e-mail addresses and mobile numbers in free text are warnings."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from reti_adi.check import check

from ..conftest import REFERENCE_DATE
from .test_check_errors import SERVICE, service

PATH = "catalogo/servizi/prova.yaml"
CF, CF_OMOCODICO, IBAN = "RSSMRA85T10A562S", "RSSMRA85T10A56NH", "IT60X0542811101000000123456"
DESCRIPTION = "descrizione: Descrizione del servizio di prova."


@dataclass
class Case:
    name: str
    content: str
    rule: str | None
    line: int | None = None
    field: str = ""
    severity: str = "errore"


def _description(text: str) -> str:
    return service(**{DESCRIPTION: f"descrizione: {text}"})


CASES = [
    Case("cf con spazi", _description("Referente RSSMRA 85T10 A562S per le pratiche."),
         "dati-personali.codice-fiscale", 3, "descrizione"),
    Case("cf con trattini", _description("Referente RSS-MRA-85T10-A562S."), "dati-personali.codice-fiscale", 3,
         "descrizione"),
    Case("cf su due righe", service(**{DESCRIPTION: "descrizione: >-\n  Referente RSSMRA85T10\n  A562S per le "
                                                    "pratiche."}),
         "dati-personali.codice-fiscale", 4, "descrizione"),
    Case("cf in un commento", SERVICE.replace("id: prova\n", f"id: prova\n# referente {CF}\n"),
         "dati-personali.codice-fiscale", 2, ""),
    Case("cf in un commento su due righe", SERVICE.replace("id: prova\n", "id: prova\n# RSSMRA85\n# T10A562S\n"),
         "dati-personali.codice-fiscale", 2, ""),
    Case("cf omocodico", _description(f"Referente {CF_OMOCODICO}."), "dati-personali.codice-fiscale", 3,
         "descrizione"),
    Case("cf minuscolo", _description(f"Referente {CF.lower()}."), "dati-personali.codice-fiscale", 3,
         "descrizione"),
    Case("iban a gruppi seguito da testo",
         SERVICE + "cosa_serve: Bonifico su IT60 X054 2811 1010 0000 0123 456 intestato alla cooperativa\n",
         "dati-personali.iban", 20, "cosa_serve"),
    Case("iban con trattini", SERVICE + "cosa_serve: IBAN IT60-X054-2811-1010-0000-0123-456.\n",
         "dati-personali.iban", 20, "cosa_serve"),
    Case("iban in un commento", SERVICE + f"# versare su {IBAN}\n", "dati-personali.iban", 20, ""),
    Case("iban estero", SERVICE + "cosa_serve: Bonifico su DE89 3704 0044 0532 0130 00 entro il mese\n",
         "dati-personali.iban", 20, "cosa_serve"),
    Case("email personale", SERVICE + "come_accedere: Scrivere a mario.rossi@gmail.com per un appuntamento.\n",
         "dati-personali.email", 20, "come_accedere", "avviso"),
    Case("email nome.cognome", SERVICE + "come_accedere: Scrivere a giulia.bianchi@comune.budrio.bo.it.\n",
         "dati-personali.email", 20, "come_accedere", "avviso"),
    Case("cellulare nel testo", _description("Per informazioni chiamare Anna al 347 123 4567."),
         "dati-personali.cellulare", 3, "descrizione", "avviso"),
    Case("cellulare con prefisso", _description("Chiamare il +39 347-1234567 la mattina."),
         "dati-personali.cellulare", 3, "descrizione", "avviso"),
    # not personal data: nothing to report
    Case("strada provinciale non è un iban", service(**{"indirizzo: Via Roma 1":
                                                        "indirizzo: lungo la SP33 Trasversale di Pianura"}), None),
    Case("lettera di controllo sbagliata", _description("Pratica RSSMRA85T10A562X."), None),
    Case("iban con cifre di controllo sbagliate", SERVICE + "cosa_serve: IT61 X054 2811 1010 0000 0123 456\n", None),
    Case("recapiti di ufficio", SERVICE + 'contatti:\n  telefono: "333 1234567"\n  email: ufficio@comune.it\n'
         "come_accedere: Scrivere a info@ente.it o a servizi.sociali@comune.it.\n", None),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_personal_data_in_any_spelling(catalogue_copy, case):
    (catalogue_copy / PATH).write_text(case.content, encoding="utf-8")
    result = check(catalogue_copy, REFERENCE_DATE)
    found = [p for p in result.problems if p.file == PATH and p.rule.startswith("dati-personali.")]
    if case.rule is None:
        assert found == [] and result.ok, found
        return
    assert [(p.rule, p.line, p.field, p.severity) for p in found] == [
        (case.rule, case.line, case.field, case.severity)], found
    assert result.exit_code == (1 if case.severity == "errore" else 0)
    if not case.field:
        assert "commento" in found[0].message


def test_a_message_never_repeats_a_code_in_full(catalogue_copy):
    (catalogue_copy / PATH).write_text(
        _description(f"Referente {CF}, IBAN {IBAN}, cellulare 3471234567, mario.rossi@gmail.com"), encoding="utf-8")
    result = check(catalogue_copy, REFERENCE_DATE)
    found = [p for p in result.problems if p.file == PATH and p.rule.startswith("dati-personali.")]
    assert {p.rule for p in found} == {"dati-personali.codice-fiscale", "dati-personali.iban",
                                        "dati-personali.cellulare", "dati-personali.email"}
    for problem in found:
        shown = " ".join(str(v) for v in problem.to_dict().values())
        for secret in (CF, IBAN, "3471234567", "mario.rossi"):
            assert secret not in shown, problem


def test_a_flood_of_look_alike_codes_is_refused_quickly(catalogue_copy):
    """Thousands of near-codes cannot buy minutes of checking or slip a real one through: fail closed."""
    import time

    flood = "".join(f"# RSSMRA85T10A56{i % 10}X IT{i % 90 + 10} X054 2811 1010 0000 0123 456\n" for i in range(4_000))
    (catalogue_copy / PATH).write_text(SERVICE + flood, encoding="utf-8")
    started = time.monotonic()
    result = check(catalogue_copy, REFERENCE_DATE)
    assert time.monotonic() - started < 30
    found = [p for p in result.errors if p.file == PATH]
    assert "dati-personali.troppi-codici" in {p.rule for p in found}
    assert all(p.line is not None for p in found)
    assert result.exit_code == 1
