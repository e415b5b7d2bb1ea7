"""HSDS 3.1 export: every object valid against the official Open Referral schemas (vendored), with
stable UUIDs derived from global identifiers and references that resolve inside the export."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from reti_adi.build import DATA_STEPS, build
from reti_adi.publish.hsds import HSDS_DIR, uuid5
from reti_adi.publish.identity import global_id, record_uuid

from ..conftest import REFERENCE_DATE, REPO

SCHEMAS = REPO / "schemas" / "hsds-3.1"
# file of api/hsds/ -> the official schema its objects follow
LISTS = {"services.json": "service.json", "organizations.json": "organization.json",
         "service_at_locations.json": "service_at_location.json", "taxonomies.json": "taxonomy.json",
         "taxonomy_terms.json": "taxonomy_term.json"}
DETAILS = {"services": "service.json", "organizations": "organization.json"}


def _forbid_additional(node):
    """As the specification's own example validation does (--set-additional-properties-false-everywhere):
    a misspelt field is an error, not an extension."""
    if isinstance(node, dict):
        node = {key: _forbid_additional(value) for key, value in node.items()}
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        return node
    if isinstance(node, list):
        return [_forbid_additional(value) for value in node]
    return node


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft202012Validator]:
    schemas = {p.name: _forbid_additional(json.loads(p.read_text(encoding="utf-8"))) for p in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT202012)) for name, schema in schemas.items())
    checker = Draft202012Validator.FORMAT_CHECKER
    assert {"uuid", "uri", "date-time", "email"} <= set(checker.checkers), "mancano i controlli dei formati"
    return {name: Draft202012Validator(schema, registry=registry, format_checker=checker)
            for name, schema in schemas.items()}


def _publish(root: Path, monkeypatch, out: Path | None = None) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    build(root, out, today=REFERENCE_DATE, steps=DATA_STEPS)
    return (out or root / "build") / HSDS_DIR


@pytest.fixture
def hsds(catalogue_copy, monkeypatch) -> Path:
    return _publish(catalogue_copy, monkeypatch)


def _documents(hsds: Path):
    """(relative path, schema name, object) for every top-level object published."""
    for name, schema in LISTS.items():
        page = json.loads((hsds / name).read_text(encoding="utf-8"))
        assert page["total_items"] == page["size"] == len(page["contents"]), name
        assert page["empty"] is (not page["contents"])
        for item in page["contents"]:
            yield name, schema, item
    for folder, schema in DETAILS.items():
        for path in sorted((hsds / folder).glob("*.json")):
            yield f"{folder}/{path.name}", schema, json.loads(path.read_text(encoding="utf-8"))


def _count_objects(value) -> int:
    if isinstance(value, dict):
        return ("id" in value) + sum(_count_objects(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count_objects(v) for v in value)
    return 0


def test_every_exported_object_validates_against_the_official_hsds_schemas(hsds, validators):
    errors, documents, objects = [], 0, 0
    for path, schema, item in _documents(hsds):
        documents += 1
        objects += _count_objects(item)
        errors += [f"{path} {list(e.absolute_path)}: {e.message}" for e in validators[schema].iter_errors(item)]
    assert errors == []
    assert json.loads((hsds / "index.json").read_text()) == {"version": "3.1"}
    # the example catalogue: 37 services offered (4 «non presenti» are not HSDS services), 18 enti
    assert len(list((hsds / "services").glob("*.json"))) == 37
    assert len(list((hsds / "organizations").glob("*.json"))) == 18
    assert documents > 150 and objects > 1000, (documents, objects)
    print(f"HSDS: {documents} documenti, {objects} oggetti con id validati, 0 errori")


def test_the_strict_validation_rejects_what_hsds_does_not_define(hsds, validators):
    """Guard: the validator above can fail, on a field name, a nested object and a format."""
    service = json.loads(next((hsds / "services").glob("*.json")).read_text(encoding="utf-8"))
    service["stato"] = "attivo"
    service["organization"]["locations"][0]["addresses"][0]["comune"] = "Budrio"
    service["id"] = "servizio-non-uuid"
    messages = [e.message for e in validators["service.json"].iter_errors(service)]
    assert any("'stato' was unexpected" in m for m in messages)
    assert any("'comune' was unexpected" in m for m in messages)
    assert any("is not a 'uuid'" in m for m in messages)


def test_uuids_are_derived_from_global_ids_and_every_reference_resolves(hsds, catalogue_copy):
    services = json.loads((hsds / "services.json").read_text())["contents"]
    organizations = {o["id"] for o in json.loads((hsds / "organizations.json").read_text())["contents"]}
    terms = {t["id"]: t for t in json.loads((hsds / "taxonomy_terms.json").read_text())["contents"]}
    taxonomies = {t["id"] for t in json.loads((hsds / "taxonomies.json").read_text())["contents"]}
    sals = json.loads((hsds / "service_at_locations.json").read_text())["contents"]
    by_local = {p.stem: p for p in (catalogue_copy / "catalogo" / "servizi").glob("*.yaml")}
    expected = {str(record_uuid(global_id("urg_bo", "servizio", local))) for local in by_local}
    offered = {s["id"] for s in services}
    assert offered < expected and len(expected - offered) == 4  # the «non presenti» stay out
    assert all(s["organization_id"] in organizations for s in services)
    assert all(t["taxonomy_id"] in taxonomies for t in terms.values())
    for service in services:
        for attribute in service["attributes"]:
            assert attribute["link_id"] == service["id"] and attribute["taxonomy_term_id"] in terms
        assert len([a for a in service["attributes"] if a["link_type"] == "tipologie_art7"]) == 1
    for sal in sals:
        assert sal["service_id"] in offered and sal["location"]["id"] == sal["location_id"]
    every_id = [v for path, _, item in _documents(hsds) if "/" not in path for v in _ids(item)]
    assert all(uuid.UUID(v).version == 5 for v in every_id)


def _ids(value):
    if isinstance(value, dict):
        if "id" in value:
            yield value["id"]
        for v in value.values():
            yield from _ids(v)
    elif isinstance(value, list):
        for v in value:
            yield from _ids(v)


def test_the_mapping_keeps_what_the_catalogue_says(hsds):
    services = {s["name"]: s for s in json.loads((hsds / "services.json").read_text())["contents"]}
    listed = services["Servizio di assistenza domiciliare (SAD)"]
    assert all("taxonomy_term" not in a for a in listed["attributes"])  # the list names terms by id
    sad = json.loads((hsds / "services" / f"{listed['id']}.json").read_text())
    assert sad["status"] == "active" and sad["assured_date"] == "2026-09-15"
    codes = {a["link_type"]: a["taxonomy_term"]["code"] for a in sad["attributes"] if a["link_type"] != "aree_utenza"}
    assert codes["tipologie_art7"] == "e"
    assert sorted(a["taxonomy_term"]["code"] for a in sad["attributes"] if a["link_type"] == "aree_utenza") == \
        ["DIS", "ELD"]
    assert sad["cost_options"][0]["option"] == "Compartecipazione al costo"
    assert {f["source"].split(";")[0] for f in sad["funding"]} == {
        "Fondo per le non autosufficienze 2024-2026", "Bilanci comunali – spesa sociale"}
    full = json.loads((hsds / "services" / f"{services['Centro per le famiglie']['id']}.json").read_text())
    place = full["service_at_locations"][0]
    assert place["location"]["addresses"][0]["city"] == "Pieve di Cento"
    assert place["location"]["addresses"][0]["country"] == "IT"
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in place["schedules"]] == [
        ("TU,TH", "09:00", "13:00"), ("WE", "15:00", "18:00")]
    assert "Budrio (037008)" in full["service_areas"][0]["description"]
    assert full["organization"]["id"] == full["organization_id"]


def test_same_input_same_uuids_and_other_ambito_other_uuids(catalogue_copy, monkeypatch, tmp_path):
    first = _publish(catalogue_copy, monkeypatch)
    before = {p.relative_to(first).as_posix(): p.read_bytes() for p in first.rglob("*.json")}
    again = _publish(catalogue_copy, monkeypatch)
    assert {p.relative_to(again).as_posix(): p.read_bytes() for p in again.rglob("*.json")} == before
    # the same files published by another editore (another IPA code): no service UUID in common,
    # the national taxonomies keep theirs so merged directories share them
    editore = catalogue_copy / "catalogo" / "enti" / "unione-reno-galliera.yaml"
    editore.write_text(editore.read_text().replace("codice_ipa: urg_bo", "codice_ipa: c_a944"))
    other = _publish(catalogue_copy, monkeypatch, tmp_path / "altro")  # another catalogue, not a renamed one
    ids = {name: {o["id"] for o in json.loads(text)["contents"]} for name, text in
           ((n, before[n]) for n in ("services.json", "taxonomy_terms.json"))}
    moved = {name: {o["id"] for o in json.loads((other / name).read_text())["contents"]}
             for name in ("services.json", "taxonomy_terms.json")}
    assert ids["services.json"].isdisjoint(moved["services.json"])
    assert ids["taxonomy_terms.json"] == moved["taxonomy_terms.json"]


def test_no_global_namespace_no_hsds_export(catalogue_copy, monkeypatch):
    editore = catalogue_copy / "catalogo" / "enti" / "unione-reno-galliera.yaml"
    editore.write_text(editore.read_text().replace("codice_ipa: urg_bo\n", ""))
    hsds = _publish(catalogue_copy, monkeypatch)
    assert not hsds.exists()
    assert (hsds.parent / "v1" / "index.json").is_file()


def test_the_fast_uuid5_is_rfc_4122_version_5():
    import random

    rng = random.Random(7)
    for _ in range(500):
        namespace = uuid.UUID(int=rng.getrandbits(128))
        name = "".join(rng.choice("aàb:/-é1 ") for _ in range(rng.randint(0, 30)))
        assert uuid5(namespace.bytes, name) == str(uuid.uuid5(namespace, name))


def test_records_keep_the_global_ids_they_were_published_with(catalogue_copy):
    """A regional portal passes the ids its sources published: the UUIDs are the ambiti's own, and a
    record with no global id (or whose ente has none) is left out rather than given an unstable one."""
    from reti_adi.check import load_and_check
    from reti_adi.publish.context import make_context
    from reti_adi.publish.hsds import build_hsds

    catalogue, _ = load_and_check(catalogue_copy, REFERENCE_DATE)
    known = {("servizio", "assistenza-domiciliare"): "urg_bo:servizio:assistenza-domiciliare",
             ("servizio", "centro-per-le-famiglie"): "urg_bo:servizio:centro-per-le-famiglie",
             ("ente", "asp-pianura-est"): "urg_bo:ente:asp-pianura-est"}
    pub = build_hsds(catalogue, make_context(catalogue, []), lambda kind, local: known.get((kind, local)))
    assert [s["id"] for s in pub.services] == [str(record_uuid(known[("servizio", "assistenza-domiciliare")]))]
    assert [o["id"] for o in pub.organizations] == [str(record_uuid(known[("ente", "asp-pianura-est")]))]
