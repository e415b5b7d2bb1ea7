"""schemas/ is generated from the models: it must be current and must accept the example files."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
import yaml

from reti_adi.catalogue import kinds
from reti_adi.catalogue.discovery import discover
from reti_adi.catalogue.schema_export import expected_files, stale_schemas


def test_schemas_directory_is_up_to_date(repo_root):
    stale = stale_schemas(repo_root / "schemas")
    assert stale == [], f"schemi non aggiornati: {stale}; esegui «reti-adi schemas»"


def test_every_kind_has_a_2020_12_schema_with_id():
    files = {name: text for name, text in expected_files().items() if name.endswith(".schema.json")}
    assert set(files) == {f"{k.name}.schema.json" for k in kinds.KINDS}
    for content in files.values():
        schema = json.loads(content)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].startswith("urn:reti-adi:schema:v1:")
        jsonschema.Draft202012Validator.check_schema(schema)


def _as_json(value):
    """YAML dates become strings, as an editor working on the raw text sees them."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_example_files_validate_against_their_schema(repo_root):
    checked = 0
    for kind, path in discover(repo_root):
        schema = json.loads((repo_root / "schemas" / f"{kind.name}.schema.json").read_text())
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert first_line.startswith("# yaml-language-server: $schema="), path
        assert first_line.endswith(f"schemas/{kind.name}.schema.json"), path
        data = _as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
        checked += 1
    assert checked >= 60


@pytest.mark.parametrize("bad", [{"cap": 40054}, {"tipologia": "z"}, {"campo_inventato": 1}])
def test_schema_rejects_what_the_checker_rejects(repo_root, bad):
    schema = json.loads((repo_root / "schemas" / "servizio.schema.json").read_text())
    data = _as_json(yaml.safe_load((repo_root / "catalogo/servizi/emporio-solidale.yaml").read_text()))
    if "cap" in bad:
        data["sedi"][0]["cap"] = bad["cap"]
    else:
        data.update(bad)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
