"""Demand files (domanda/ANNO-Tn.csv): what the platforms export is checked like the catalogue, in Italian,
with file and row; anything that could carry personal data is refused."""

from __future__ import annotations

import json

import frictionless
import pytest

from reti_adi.catalogue.demand import MAX_FILE_BYTES, MAX_ROWS
from reti_adi.check import load_and_check

HEADER = "ambito,comune_istat,servizio,tipologia,nuclei_attivati,nuclei_non_presenti\n"
GOOD = HEADER + ("pianura-est,037008,emporio-solidale,,12,0\n"
                 "pianura-est,037039,mediazione-culturale-lingue-est,g,0,4\n"
                 "pianura-est,,housing-first,,0,3\n"
                 "pianura-est,037002,,d,0,2\n")


def write(root, text: str, name: str = "2026-T1.csv"):
    folder = root / "domanda"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / name).write_text(text, encoding="utf-8")
    return load_and_check(root)


def errors(result):
    return [(p.file, p.line, p.field, p.message) for p in result.errors]


def test_a_good_file_is_read_into_rows(catalogue_copy):
    catalogue, result = write(catalogue_copy, GOOD)
    assert result.ok, errors(result)
    assert [(r.periodo, r.line, r.comune, r.servizio, r.tipologia, r.nuclei_attivati, r.nuclei_non_presenti)
            for r in catalogue.demand] == [
        ("2026-T1", 2, "037008", "emporio-solidale", None, 12, 0),
        ("2026-T1", 3, "037039", "mediazione-culturale-lingue-est", "g", 0, 4),
        ("2026-T1", 4, None, "housing-first", None, 0, 3),
        ("2026-T1", 5, "037002", None, "d", 0, 2)]


@pytest.mark.parametrize("line, field, expected", [
    ("pianura-est,037008,emporio-solidal,,1,0", "servizio", "il servizio «emporio-solidal» non esiste nel catalogo (forse «emporio-solidale»?)"),
    ("pianura-ovest,037008,,d,1,0", "ambito", "l'ambito «pianura-ovest» non esiste"),
    ("pianura-est,048017,,d,1,0", "comune_istat", "non fa parte dell'ambito «pianura-est»"),
    ("pianura-est,999999,,d,1,0", "comune_istat", "non corrisponde a nessun comune"),
    ("pianura-est,037008,emporio-solidale,a,1,0", "tipologia", "diversa da quella del servizio"),
    ("pianura-est,037008,,d,-2,0", "nuclei_attivati", "numero di nuclei negativo: -2"),
    ("pianura-est,037008,,d,1.5,0", "nuclei_attivati", "«1.5» non è un numero intero"),
    ("pianura-est,037008,,d,2,tre", "nuclei_non_presenti", "«tre» non è un numero di nuclei"),
    ("pianura-est,037008,,d,,0", "nuclei_attivati", "manca il numero di nuclei"),
    ("pianura-est,037008,,z,1,0", "tipologia", "tipologia «z» non valida"),
    ("pianura-est,037008,,,1,0", "tipologia", "indica il servizio del catalogo oppure la tipologia"),
    ("pianura-est,037008,RSSMRA80A01H501U,,1,0", "servizio", "codice fiscale di persona fisica"),
    ("pianura-est,037008,,d,1", "", "la riga ha 5 valori"),
])
def test_a_bad_row_is_rejected_with_file_row_and_field(catalogue_copy, line, field, expected):
    _, result = write(catalogue_copy, GOOD + line + "\n")
    found = [p for p in result.errors if p.line == 6]
    assert found, errors(result)
    assert all(p.file == "domanda/2026-T1.csv" for p in found)
    assert any(p.field == field and expected in p.message for p in found), errors(result)
    if field:  # the column too, where the reference checks found it
        assert {p.column for p in found if p.field == field} == {HEADER.strip().split(",").index(field) + 1}
    assert all(p.line == 6 for p in result.errors), errors(result)  # the good rows stay good


def test_a_repeated_row_is_rejected(catalogue_copy):
    _, result = write(catalogue_copy, GOOD + "pianura-est,037002,,d,0,1\n")
    assert [(p.line, p.rule) for p in result.errors] == [(6, "domanda.riga-duplicata")]
    assert "della riga 5" in result.errors[0].message


@pytest.mark.parametrize("column, rule", [("codice_fiscale", "domanda.colonna-dati-personali"),
                                          ("cognome", "domanda.colonna-dati-personali"),
                                          ("Data di nascita", "domanda.colonna-dati-personali"),
                                          ("note", "domanda.colonna-sconosciuta")])
def test_a_column_that_could_hold_personal_data_is_refused(catalogue_copy, column, rule):
    text = HEADER.rstrip("\n") + f",{column}\n" + "pianura-est,037008,,d,1,0,x\n"
    catalogue, result = write(catalogue_copy, text)
    assert [(p.file, p.line, p.column, p.rule) for p in result.errors] == [("domanda/2026-T1.csv", 1, 7, rule)]
    assert catalogue.demand == []  # nothing of a refused file is used


def test_missing_columns_and_bad_file_names(catalogue_copy):
    _, result = write(catalogue_copy, "ambito,nuclei_attivati\npianura-est,1\n")
    assert {p.field for p in result.errors} == {"nuclei_non_presenti", "servizio"}
    _, result = write(catalogue_copy, GOOD, name="primo-trimestre.csv")
    assert [p.rule for p in result.errors] == ["domanda.nome-file"]
    assert "ANNO-Tn.csv" in result.errors[0].message


def test_a_service_marked_non_presente_with_activations_is_a_warning(catalogue_copy):
    _, result = write(catalogue_copy, HEADER + "pianura-est,,housing-first,,4,3\n")
    assert result.ok
    assert [p.rule for p in result.warnings if p.file.startswith("domanda/")] == ["domanda.attivati-non-presente"]


def test_size_and_row_bounds(catalogue_copy):
    _, result = write(catalogue_copy, HEADER + "pianura-est,037002,,d,0,1\n" * (MAX_ROWS + 1))
    assert "domanda.righe" in {p.rule for p in result.errors}
    _, result = write(catalogue_copy, HEADER + "#" * (MAX_FILE_BYTES + 1))
    assert [p.rule for p in result.errors] == ["domanda.dimensione"]
    (catalogue_copy / "domanda" / "2026-T1.csv").write_bytes(HEADER.encode() + b"pianura-est,\xff\xfe,,d,1,0\n")
    _, result = load_and_check(catalogue_copy)
    assert [(p.rule, p.line) for p in result.errors] == [("domanda.codifica", 2)]


def test_the_cli_reports_demand_errors_in_italian(catalogue_copy):
    from ..conftest import run_cli

    write(catalogue_copy, GOOD + "pianura-est,037008,,d,-1,0\n")
    out = run_cli("check", str(catalogue_copy), "--no-cache")
    assert out.returncode == 1
    assert "domanda/2026-T1.csv:6" in out.stdout
    assert "negativo" in out.stdout


def _validate(folder, name: str, schema: dict):
    resource = frictionless.Resource(path=name, basepath=str(folder), schema=frictionless.Schema.from_descriptor(schema))
    return frictionless.validate(resource)


def test_the_published_table_schema_accepts_good_files_and_refuses_bad_ones(repo_root, tmp_path):
    schema = json.loads((repo_root / "schemas" / "domanda.tableschema.json").read_text())
    (tmp_path / "2026-T1.csv").write_text(GOOD, encoding="utf-8")
    report = _validate(tmp_path, "2026-T1.csv", schema)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    (tmp_path / "2026-T2.csv").write_text(HEADER + "pianura-est,037008,,d,-1,0\n", encoding="utf-8")
    report = _validate(tmp_path, "2026-T2.csv", schema)
    assert report.flatten(["rowNumber", "fieldName", "type"]) == [[2, "nuclei_attivati", "constraint-error"]]


def test_a_service_whose_own_file_has_errors_is_reported_once_there(catalogue_copy):
    service = catalogue_copy / "catalogo/servizi/emporio-solidale.yaml"
    service.write_text(service.read_text().replace("tipologia: e", "tipologia: z"))
    _, result = write(catalogue_copy, GOOD)
    assert {p.file for p in result.errors} == {"catalogo/servizi/emporio-solidale.yaml"}
