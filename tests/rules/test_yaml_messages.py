"""YAML syntax errors in Italian with cause and fix, and the ` #` that silently cuts a text."""

from __future__ import annotations

import pytest

from reti_adi.check import check

from ..conftest import REFERENCE_DATE
from .test_check_errors import SERVICE, service

CASES = [
    ("due punti nel testo",
     service(**{"descrizione: Descrizione del servizio di prova.": "descrizione: Orari: lunedi e martedi"}),
     3, ("due punti", "virgolette", 'descrizione: "Orari: lunedi e martedi"')),
    ("rientro sbagliato", service(**{"    comune:": "     comune:"}), 11, ("rientro", "Allinea")),
    ("virgolette non chiuse", service(**{"denominazione: Servizio di prova": 'denominazione: "Servizio di prova'}),
     2, ("virgolette aperte e mai chiuse",)),
    ("parentesi non chiusa", service(**{"[fnps-2026]": "[fnps-2026"}), 7, ("parentesi quadra",)),
    ("graffa non chiusa", SERVICE + "costo: {tipo: gratuito\n", 20, ("parentesi graffa",)),
    ("elenco disallineato", service(**{"      - giorni: [lunedi]": "       - giorni: [lunedi]"}), None,
     ("rientro",)),
]


@pytest.mark.parametrize("name,content,line,words", CASES, ids=[c[0] for c in CASES])
def test_syntax_errors_say_cause_and_fix_in_italian(catalogue_copy, name, content, line, words):
    (catalogue_copy / "catalogo/servizi/prova.yaml").write_text(content, encoding="utf-8")
    problems = [p for p in check(catalogue_copy, REFERENCE_DATE).errors if p.file.endswith("prova.yaml")]
    assert [p.rule for p in problems] == ["yaml.sintassi"]
    problem = problems[0]
    if line is not None:
        assert problem.line == line, problem
    for word in words:
        assert word in problem.message, problem.message
    for english in ("mapping values", "while parsing", "while scanning", "did not find", "expected"):
        assert english not in problem.message


def test_hash_inside_an_unquoted_text_is_a_warning_that_shows_what_was_cut(catalogue_copy):
    (catalogue_copy / "catalogo/servizi/prova.yaml").write_text(
        service(**{"descrizione: Descrizione del servizio di prova.":
                   "descrizione: Sportello aperto a tutti #1 in provincia"}), encoding="utf-8")
    problems = [p for p in check(catalogue_copy, REFERENCE_DATE).problems if p.file.endswith("prova.yaml")]
    assert [(p.rule, p.severity, p.line, p.field) for p in problems] == [
        ("yaml.commento-nel-testo", "avviso", 3, "descrizione")]
    assert "«Sportello aperto a tutti»" in problems[0].message and problems[0].found == "#1 in provincia"


def test_comments_after_ids_codes_and_quoted_texts_are_fine(catalogue_copy):
    (catalogue_copy / "catalogo/servizi/prova.yaml").write_text(
        service(**{"tipologia: d": "tipologia: d   # art. 7",
                   "denominazione: Servizio di prova": 'denominazione: "Servizio #2 di prova"  # nome breve',
                   "stato: attivo": "stato: attivo # attivo, sospeso"}), encoding="utf-8")
    problems = [p for p in check(catalogue_copy, REFERENCE_DATE).problems if p.file.endswith("prova.yaml")]
    assert problems == []
