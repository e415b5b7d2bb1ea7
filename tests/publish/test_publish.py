"""`reti-adi build`: JSON API valid against its own schemas, data package valid for frictionless,
reproducible bytes, changes with tombstones, and nothing partial ever published."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import frictionless
import jsonschema
import pytest

from reti_adi import build as build_module
from reti_adi.build import BuildRefused, build

from ..conftest import REFERENCE_DATE, run_cli

EPOCH = "1764000000"
DATA_ONLY = build_module.DATA_STEPS


def tree_digest(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def publish(root: Path, out: Path | None = None, **kwargs):
    return build(root, out, today=REFERENCE_DATE, steps=DATA_ONLY, **kwargs)


def schema_for(path: str) -> str:
    """The published schema of a file under api/v1/ (the same mapping openapi.json declares)."""
    if path.startswith("servizi/"):
        return "servizio-o-rimosso"
    if path.startswith("ambiti/"):  # ambiti/{id}/sostegni.json, copertura.json, ...
        return path.rsplit("/", 1)[1].removesuffix(".json")
    if path.startswith("protocolli/"):
        return "protocollo"
    if path == "modifiche/index.json":
        return "modifiche"
    if path.startswith("modifiche/"):
        return "insieme-modifiche"
    return path.removesuffix(".json")


@pytest.fixture
def built(catalogue_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    publish(catalogue_copy)
    return catalogue_copy / "build"


def published_schemas(api: Path) -> dict[str, dict]:
    return {p.name.removesuffix(".schema.json"): json.loads(p.read_text()) for p in (api / "schema").iterdir()}


def test_every_json_file_validates_against_its_published_schema(built):
    api = built / "api" / "v1"
    schemas = published_schemas(api)
    checked = set()
    for path in sorted(api.rglob("*.json")):
        relative = path.relative_to(api).as_posix()
        if relative.startswith("schema/"):
            jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))
            continue
        if relative == "openapi.json":
            continue  # validated with openapi-spec-validator in test_openapi.py
        data = json.loads(path.read_text())
        jsonschema.Draft202012Validator(schemas[schema_for(relative)]).validate(data)
        checked.add(schema_for(relative))
    assert checked >= {"servizio-o-rimosso", "sostegni", "copertura", "protocollo", "modifiche", "insieme-modifiche", "index",
                       "stato", "changes", "enti", "fonti", "ambiti", "reti", "protocolli"}


def test_published_schemas_tolerate_additive_fields_and_keep_tombstones_apart(built):
    api = built / "api" / "v1"
    schemas = published_schemas(api)
    assert not [name for name, schema in schemas.items() if '"additionalProperties": false' in json.dumps(schema)]
    service = json.loads((api / "servizi/emporio-solidale.json").read_text())
    service["campo_futuro"] = {"aggiunto": "in una v1 successiva"}
    service["sedi"] = [{**s, "nuovo": 1} for s in service["sedi"]]
    jsonschema.Draft202012Validator(schemas["servizio"]).validate(service)
    tomb = {"id": "vecchio-servizio", "rimosso": True, "rimosso_il": "2026-01-01", "denominazione": "Vecchio",
            "ente_erogatore": "comune-budrio"}
    jsonschema.Draft202012Validator(schemas["servizio-rimosso"]).validate(tomb)
    jsonschema.Draft202012Validator(schemas["servizio-o-rimosso"]).validate(tomb)
    assert not jsonschema.Draft202012Validator(schemas["servizio"]).is_valid(tomb)
    assert not jsonschema.Draft202012Validator(schemas["servizio-o-rimosso"]).is_valid({"id": "x", "rimosso": True})
    # the YAML maintainers write stays strict: a typo in a field name is an error there
    strict = json.loads((Path(__file__).resolve().parents[2] / "schemas/servizio.schema.json").read_text())
    assert strict.get("additionalProperties") is False


def test_manifest_lists_every_file_with_size_and_hash(built):
    api = built / "api" / "v1"
    manifest = json.loads((api / "index.json").read_text())
    assert manifest["versione_api"] == "1" and manifest["versione_catalogo"] == "0.1.0"
    assert manifest["conteggi"]["servizio"] == 41
    listed = {f["percorso"]: f for f in manifest["file"]}
    on_disk = {p.relative_to(api).as_posix() for p in api.rglob("*") if p.is_file()} - {"index.json", "stato.json"}
    assert set(listed) == on_disk
    for relative, info in listed.items():
        content = (api / relative).read_bytes()
        assert info["byte"] == len(content)
        assert info["sha256"] == hashlib.sha256(content).hexdigest()
    stato = json.loads((api / "stato.json").read_text())
    assert stato["sha256_index"] == hashlib.sha256((api / "index.json").read_bytes()).hexdigest()
    assert stato["generato_il"] == manifest["generato_il"] and (api / "stato.json").stat().st_size < 400


def test_sostegno_has_what_a_case_manager_needs(built):
    sostegni = json.loads((built / "api/v1/sostegni.json").read_text())["sostegni"]
    item = next(s for s in sostegni if s["id"] == "educativa-domiciliare-minori")
    assert item["tipologia"] == {"codice": "d", "etichetta": "Sostegno socio-educativo"}
    assert item["ente_erogatore"]["codice_fiscale"] == "01234560371"
    assert {f["tipo"] for f in item["fonti_finanziamento"]} == {"fondo_poverta_quota_servizi", "fnps"}
    assert "037008" in item["territorio"]["comuni_istat"] and item["territorio"]["tutto_ambito"]
    assert item["data_avvio"] == "2023-09-01"
    assert item["url_pagina"] == "servizi/educativa-domiciliare-minori/"
    assert {s["stato"] for s in sostegni} >= {"non_presente"}
    missing = next(s for s in sostegni if s["stato"] == "non_presente")
    assert "data_avvio" not in missing


def test_data_package_is_valid_for_frictionless(built):
    report = frictionless.validate(built / "dati" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert (built / "dati" / "reti-adi-dati.zip").stat().st_size > 1000


def test_frictionless_really_enforces_the_foreign_keys(built):
    servizi = built / "dati" / "servizi_comuni.csv"
    servizi.write_text(servizi.read_text() + "servizio-fantasma,037008\n")
    report = frictionless.validate(built / "dati" / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in {error.type for task in report.tasks for error in task.errors}


def test_two_builds_of_the_same_input_are_byte_identical(catalogue_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    publish(catalogue_copy, tmp_path / "a")
    publish(catalogue_copy, tmp_path / "b")
    first, second = tree_digest(tmp_path / "a"), tree_digest(tmp_path / "b")
    assert first == second and len(first) > 50


def test_changes_and_tombstones_across_builds(catalogue_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    publish(catalogue_copy)
    servizi = catalogue_copy / "catalogo" / "servizi"
    (servizi / "trasporto-sociale.yaml").unlink()
    edited = servizi / "emporio-solidale.yaml"
    edited.write_text(edited.read_text().replace("Emporio solidale", "Emporio solidale di Bentivoglio", 1))
    added = (servizi / "doposcuola-solidale.yaml").read_text().replace("id: doposcuola-solidale", "id: doposcuola-due")
    (servizi / "doposcuola-due.yaml").write_text(added)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400 * 3))
    publish(catalogue_copy)
    api = catalogue_copy / "build" / "api" / "v1"
    changes = json.loads((api / "changes.json").read_text())
    servizi_changes = changes["variazioni"]["servizi"]
    assert servizi_changes == {"aggiunti": ["doposcuola-due"], "modificati": ["emporio-solidale"],
                               "rimossi": ["trasporto-sociale"]}
    assert changes["precedente"]["generato_il"].startswith("2025-11-24")
    assert changes["variazioni"]["enti"]["modificati"] == ["ic-budrio", "odv-rete-solidale"]  # their services changed
    tomb = json.loads((api / "servizi" / "trasporto-sociale.json").read_text())
    assert tomb == {"id": "trasporto-sociale", "id_globale": "urg_bo:servizio:trasporto-sociale", "rimosso": True,
                    "rimosso_il": "2025-11-27", "denominazione": "Trasporto sociale",
                    "ente_erogatore": "odv-rete-solidale", "modificato_il": "2025-11-27"}
    # a third build with no change keeps the tombstone and the last real changes: nothing is erased
    before = tree_digest(api)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400 * 5))
    publish(catalogue_copy)
    after = tree_digest(api)
    assert after["changes.json"] == before["changes.json"] and after["modifiche/index.json"] == before["modifiche/index.json"]
    changes = json.loads((api / "changes.json").read_text())
    assert changes["variazioni"]["servizi"] == servizi_changes and changes["sequenza"] == 2
    assert [t["id"] for t in changes["ritirati"]] == ["trasporto-sociale"]


def test_a_removed_id_cannot_be_reused_for_another_service(catalogue_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    publish(catalogue_copy)
    servizi = catalogue_copy / "catalogo" / "servizi"
    (servizi / "trasporto-sociale.yaml").unlink()
    publish(catalogue_copy)
    reused = (servizi / "mediazione-familiare.yaml").read_text().replace("id: mediazione-familiare",
                                                                          "id: trasporto-sociale")
    (servizi / "mediazione-familiare.yaml").unlink()
    (servizi / "trasporto-sociale.yaml").write_text(reused)
    with pytest.raises(BuildRefused) as refused:
        publish(catalogue_copy)
    problem = next(p for p in refused.value.result.errors if p.rule == "riferimenti.id-riusato")
    assert problem.file == "catalogo/servizi/trasporto-sociale.yaml" and problem.line == 2
    assert "Trasporto sociale" in problem.message


def test_injected_failure_midway_leaves_previous_build_intact(catalogue_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    publish(catalogue_copy)
    before = tree_digest(catalogue_copy / "build")
    (catalogue_copy / "catalogo/servizi/trasporto-sociale.yaml").unlink()

    def explode(state):
        assert (state.staging / "api" / "v1" / "index.json").exists()  # the API step ran before
        raise RuntimeError("guasto simulato a metà build")

    steps = [DATA_ONLY[0], ("guasto", explode), DATA_ONLY[1]]
    with pytest.raises(RuntimeError):
        build(catalogue_copy, today=REFERENCE_DATE, steps=steps)
    assert tree_digest(catalogue_copy / "build") == before
    assert not [p for p in catalogue_copy.iterdir() if p.name.startswith(".build-")]


def test_interrupt_leaves_previous_build_intact(catalogue_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    publish(catalogue_copy)
    before = tree_digest(catalogue_copy / "build")

    def interrupt(state):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(catalogue_copy, today=REFERENCE_DATE, steps=[DATA_ONLY[0], ("ctrl-c", interrupt)])
    assert tree_digest(catalogue_copy / "build") == before


def test_catalogue_with_errors_exits_one_and_leaves_build_untouched(catalogue_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    publish(catalogue_copy)
    before = tree_digest(catalogue_copy / "build")
    broken = catalogue_copy / "catalogo/servizi/emporio-solidale.yaml"
    broken.write_text(broken.read_text().replace("tipologia: e", "tipologia: zeta"))
    proc = run_cli("build", str(catalogue_copy), "--data-riferimento", REFERENCE_DATE.isoformat())
    assert proc.returncode == 1
    assert "catalogo/servizi/emporio-solidale.yaml:7:12" in proc.stdout
    assert "nessun file pubblicato" in proc.stderr
    assert tree_digest(catalogue_copy / "build") == before


def test_documented_script_answers_the_question(built, repo_root):
    proc = subprocess.run([sys.executable, str(repo_root / "examples/sostegni_per_comune.py"), str(built),
                           "037008", "d"], capture_output=True, text=True, check=True)
    rows = [line.split("\t") for line in proc.stdout.splitlines()]
    assert [r[0] for r in rows] == ["doposcuola-solidale", "educativa-domiciliare-minori",
                                    "educazione-finanziaria-bilancio-familiare"]
    assert rows[1][2] == "Il Ponte – Cooperativa sociale"
    assert "Fondo nazionale per le politiche sociali 2026" in rows[1][3]
    # Molinella (037039) is served only by services covering the whole ambito
    proc = subprocess.run([sys.executable, str(repo_root / "examples/sostegni_per_comune.py"), str(built),
                           "037039", "d"], capture_output=True, text=True, check=True)
    assert "doposcuola-solidale" not in proc.stdout and "educativa-domiciliare-minori" in proc.stdout
