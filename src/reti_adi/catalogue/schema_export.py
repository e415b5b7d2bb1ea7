"""JSON Schema (Draft 2020-12) of every file kind, generated from the pydantic models."""

from __future__ import annotations

import json
from pathlib import Path

from reti_adi.catalogue import kinds as kinds_module

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID_BASE = "urn:reti-adi:schema:v1:"


def file_schema(kind_name: str) -> dict:
    kind = kinds_module.KIND_BY_NAME[kind_name]
    schema = kind.model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": DRAFT, "$id": f"{SCHEMA_ID_BASE}{kind.name}", **schema}


def render(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def expected_files() -> dict[str, str]:
    """File name -> content of every schema `reti-adi schemas` writes: a JSON Schema per YAML kind, and the
    Table Schema of the demand CSV files (domanda/)."""
    from reti_adi.catalogue.demand import table_schema

    files = {f"{kind.name}.schema.json": render(file_schema(kind.name)) for kind in kinds_module.KINDS}
    files["domanda.tableschema.json"] = render(table_schema())
    return files


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in expected_files().items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            written.append(path)
    return written


def stale_schemas(directory: Path) -> list[str]:
    return [name for name, content in expected_files().items()
            if not (directory / name).exists() or (directory / name).read_text(encoding="utf-8") != content]
