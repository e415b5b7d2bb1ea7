"""Schema messages say what is wrong with the value found: a 1-character id is short, not empty."""

from __future__ import annotations

from reti_adi.check import check

from ..conftest import REFERENCE_DATE
from .test_check_errors import service


def _problem(result, field: str, name: str = "prova"):
    matching = [p for p in result.errors if p.file == f"catalogo/servizi/{name}.yaml" and p.field == field]
    assert matching, [(p.field, p.message) for p in result.errors]
    return matching[0]


def test_a_one_character_id_is_too_short_not_empty(catalogue_copy):
    (catalogue_copy / "catalogo/servizi/prova.yaml").unlink(missing_ok=True)
    (catalogue_copy / "catalogo/servizi/a.yaml").write_text(service(**{"id: prova": "id: a"}), encoding="utf-8")
    problem = _problem(check(catalogue_copy, REFERENCE_DATE), "id", "a")
    assert (problem.line, problem.rule) == (1, "schema.string_too_short")
    assert problem.message == "testo troppo corto (1 carattere)"
    assert problem.expected == "almeno 2 caratteri" and problem.found == "«a»"


def test_an_empty_text_is_still_called_empty(catalogue_copy):
    text = service(**{"denominazione: Servizio di prova": 'denominazione: ""'})
    (catalogue_copy / "catalogo/servizi/prova.yaml").write_text(text, encoding="utf-8")
    assert _problem(check(catalogue_copy, REFERENCE_DATE), "denominazione").message == "il testo è vuoto"


def test_a_list_shorter_than_required_is_not_called_empty():
    from pydantic import ValidationError

    from reti_adi.catalogue.models.protocolli import Protocollo
    from reti_adi.catalogue.yaml_source import Positions
    from reti_adi.rules.schema_messages import translate

    try:
        Protocollo.model_validate({"parti": [{"ente": "comune-a", "ruolo_firmatario": "Sindaco"}]})
    except ValidationError as exc:
        problems = {p.field: p for p in translate(exc, Protocollo, "p.yaml", Positions())}
    parti = problems["parti"]
    assert parti.message == "l'elenco ha 1 elemento" and parti.expected == "almeno 2 elementi"
