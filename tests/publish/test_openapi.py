"""api/v1/openapi.json: a valid OpenAPI 3.1 document whose every path exists, and whose schemas every file meets."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from reti_adi import build as build_module
from reti_adi.build import build

from ..conftest import REFERENCE_DATE


@pytest.fixture(scope="module")
def api(tmp_path_factory, repo_root_module) -> Path:
    import os
    import shutil

    root = tmp_path_factory.mktemp("openapi") / "repo"
    for folder in ("catalogo", "protocolli"):
        shutil.copytree(repo_root_module / folder, root / folder)
    os.environ["SOURCE_DATE_EPOCH"] = "1764000000"
    try:
        build(root, today=REFERENCE_DATE, steps=build_module.DATA_STEPS)
        (root / "catalogo/servizi/trasporto-sociale.yaml").unlink()  # so that a tombstone is published too
        os.environ["SOURCE_DATE_EPOCH"] = "1764086400"
        build(root, today=REFERENCE_DATE, steps=build_module.DATA_STEPS)
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    return root / "build/api/v1"


@pytest.fixture(scope="module")
def repo_root_module() -> Path:
    return Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def document(api) -> dict:
    return json.loads((api / "openapi.json").read_text(encoding="utf-8"))


def test_openapi_document_is_valid_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on any error
    broken = copy.deepcopy(document)
    broken["paths"]["/stato.json"]["get"]["responses"]["200"]["content"] = "non un oggetto"
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def _template_regex(template: str) -> re.Pattern:
    pattern = re.escape(template.lstrip("/"))
    return re.compile("^" + re.sub(r"\\\{[a-z]+\\\}", "([^/]+)", pattern) + "$")


def _files(api: Path) -> list[str]:
    return sorted(p.relative_to(api).as_posix() for p in api.rglob("*") if p.is_file())


def test_every_path_exists_in_a_build_and_every_file_has_a_path(api, document):
    files = _files(api)
    for template, item in document["paths"].items():
        matching = [f for f in files if _template_regex(template).match(f)]
        assert matching, f"{template}: nessun file nella build"
        for parameter in item["get"].get("parameters", []):
            for value in parameter["schema"].get("enum", []):
                assert template.lstrip("/").replace("{" + parameter["name"] + "}", value) in files
    templates = [_template_regex(t) for t in document["paths"]]
    assert [f for f in files if f != "openapi.json" and not any(t.match(f) for t in templates)] == []
    sequences = json.loads((api / "modifiche/index.json").read_text())["ultima_sequenza"]
    assert all(f"modifiche/{n}.json" in files for n in range(1, sequences + 1))


def test_every_file_validates_against_its_openapi_response_schema(api, document):
    checked = 0
    files = _files(api)
    for relative in files:
        if relative == "openapi.json":
            continue
        template = next(t for t in document["paths"] if _template_regex(t).match(relative))
        ref = document["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        schema = {**ref, "components": document["components"]}
        jsonschema.Draft202012Validator(schema).validate(json.loads((api / relative).read_text(encoding="utf-8")))
        checked += 1
    assert checked == len(files) - 1 > 60
    tomb = json.loads((api / "servizi/trasporto-sociale.json").read_text())
    assert tomb["rimosso"] is True  # the service-or-tombstone schema was exercised on a tombstone
