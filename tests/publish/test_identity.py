"""Global identity: two ambiti that both say «emporio-solidale» never publish the same identifier."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from reti_adi.check import check, load_and_check
from reti_adi.publish.identity import catalogue_namespace, global_id, namespace_from, record_uuid

from ..conftest import REFERENCE_DATE, SECOND_REGION_FILES

TOSCANA_CATALOGO = """\
titolo: Catalogo dei sostegni – Colline fiorentine (prova)
versione: "0.1.0"
editore: comune-fiesole
"""

TOSCANA_EMPORIO = """\
id: emporio-solidale
denominazione: Emporio solidale delle colline
descrizione: Spesa gratuita con tessera a punti per i nuclei in difficoltà.
tipologia: e
ente_erogatore: comune-fiesole
ambito: colline-fiorentine
stato: attivo
data_avvio: 2024-01-01
ultima_verifica: 2026-10-01
"""


def toscana_catalogue(root: Path) -> Path:
    """A second, separate catalogue (another ambito, another editore) reusing the example's local ids."""
    for relative, text in SECOND_REGION_FILES.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    (root / "catalogo/catalogo.yaml").write_text(TOSCANA_CATALOGO, encoding="utf-8")
    (root / "catalogo/servizi/emporio-solidale.yaml").write_text(TOSCANA_EMPORIO, encoding="utf-8")
    return root


def all_global_ids(root: Path) -> dict[str, str]:
    catalogue, result = load_and_check(root, REFERENCE_DATE)
    assert result.ok, [p.message for p in result.errors]
    namespace = catalogue_namespace(catalogue)
    assert namespace is not None
    return {global_id(namespace, kind, local): local
            for kind, records in catalogue.records.items() if kind != "catalogo" for local in records}


def test_two_ambiti_with_a_colliding_local_id_get_distinct_global_ids(repo_root, tmp_path):
    example = all_global_ids(repo_root)
    toscana = all_global_ids(toscana_catalogue(tmp_path / "toscana"))
    assert "emporio-solidale" in set(example.values()) & set(toscana.values())
    assert set(example).isdisjoint(toscana)
    assert "urg_bo:servizio:emporio-solidale" in example and "c_d575:servizio:emporio-solidale" in toscana
    uuids = [record_uuid(g) for g in [*example, *toscana]]
    assert len(set(uuids)) == len(uuids) == len(example) + len(toscana)


def test_uuid_is_deterministic_and_version_5():
    first = record_uuid("urg_bo:servizio:emporio-solidale")
    assert first == record_uuid("urg_bo:servizio:emporio-solidale")
    assert first.version == 5 and isinstance(first, uuid.UUID)
    assert first != record_uuid("urg_bo:ente:emporio-solidale")
    # pinned: a change of project namespace would silently change every published UUID
    assert str(first) == str(uuid.uuid5(uuid.UUID("a114abb4-15df-5bbb-82c1-79da03fd3475"),
                                        "urg_bo:servizio:emporio-solidale"))


def test_codice_catalogo_separates_two_catalogues_of_one_editore(catalogue_copy):
    meta = catalogue_copy / "catalogo/catalogo.yaml"
    meta.write_text(meta.read_text() + "codice_catalogo: minori\n", encoding="utf-8")
    catalogue, result = load_and_check(catalogue_copy, REFERENCE_DATE)
    assert result.ok
    assert catalogue_namespace(catalogue) == "urg_bo.minori"
    assert global_id("urg_bo.minori", "servizio", "emporio-solidale") != global_id("urg_bo", "servizio",
                                                                                   "emporio-solidale")


@pytest.mark.parametrize("parts", [("urg_bo", "servizio", "../x"), ("urg_bo", "scheda", "a"),
                                   ("urg bo", "servizio", "a"), ("urg_bo:x", "servizio", "a")])
def test_global_id_refuses_parts_that_would_make_it_ambiguous(parts):
    with pytest.raises(ValueError):
        global_id(*parts)


def test_namespace_is_lower_case_ipa_and_none_without_it():
    assert namespace_from("URG_BO") == "urg_bo"
    assert namespace_from(None, "minori") is None


def test_check_warns_when_no_namespace_can_be_derived(catalogue_copy):
    editore = catalogue_copy / "catalogo/enti/unione-reno-galliera.yaml"
    editore.write_text(editore.read_text().replace("codice_ipa: urg_bo\n", ""), encoding="utf-8")
    result = check(catalogue_copy, REFERENCE_DATE)
    assert result.ok
    warning = next(p for p in result.warnings if p.rule == "catalogo.identita")
    assert warning.file == "catalogo/catalogo.yaml" and warning.line is not None
    assert "codice IPA" in warning.message and "unione-reno-galliera" in warning.message


def test_example_catalogue_has_a_namespace_and_no_identity_warning(repo_root):
    assert not [p for p in check(repo_root, REFERENCE_DATE).problems if p.rule == "catalogo.identita"]
