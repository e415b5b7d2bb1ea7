"""Check harvested documents against the API's published JSON Schemas (this version's, not the source's).

A source's own schemas are as untrusted as its data, so each document is checked against the
schemas this reti-adi publishes; within v1 they accept additive fields, so a newer source passes.
"""

from __future__ import annotations

import json
import re
from functools import cache

import jsonschema

from reti_adi.publish.api import api_schemas

SERVICE_PATH = re.compile(r"^servizi/([a-z0-9]+(?:-[a-z0-9]+)*)\.json$")
PROTOCOL_DIR = "protocolli"
PROTOCOL_PATH = re.compile(r"^protocolli/([a-z0-9]+(?:-[a-z0-9]+)*)\.json$")
LISTS = ("ambiti.json", "enti.json", "fonti.json")
"""The documents every source must publish besides its services."""
NETWORKS = "reti.json"
"""Published by a source that has reti (and by any recent one, maybe empty): harvested when listed."""


@cache
def _validators() -> dict[str, jsonschema.Draft202012Validator]:
    return {name.removesuffix(".schema.json"): jsonschema.Draft202012Validator(json.loads(content))
            for name, content in api_schemas().items()}


def harvested_path(percorso: str) -> bool:
    """Only these files are harvested: the lists and one file per service, with a valid id in the name."""
    if percorso in LISTS or percorso == NETWORKS:
        return True
    match = SERVICE_PATH.match(percorso) or PROTOCOL_PATH.match(percorso)
    return bool(match) and len(match.group(1)) <= 80


def schema_name(percorso: str, data: object) -> str:
    if percorso.startswith("servizi/"):
        return "servizio-rimosso" if isinstance(data, dict) and data.get("rimosso") is True else "servizio"
    if percorso.startswith(f"{PROTOCOL_DIR}/"):
        return "protocollo"
    return percorso.removesuffix(".json")


def _italian(error: jsonschema.ValidationError) -> str:
    kind = error.validator
    if kind == "required":
        missing = [name for name in error.validator_value if isinstance(error.instance, dict)
                   and name not in error.instance]
        return f"manca il campo obbligatorio «{missing[0] if missing else error.validator_value}»"
    if kind == "type":
        return f"tipo errato: atteso {error.validator_value}"
    if kind in ("pattern", "format"):
        return f"valore nel formato sbagliato (atteso {kind} {error.validator_value})"
    if kind in ("enum", "const"):
        return "valore non ammesso"
    if kind == "additionalProperties":
        return "campi non previsti"
    return f"non rispetta la regola «{kind}» dello schema"


def schema_errors(name: str, data: object, limit: int = 3) -> list[str]:
    """Up to `limit` Italian descriptions of where the document breaks its schema."""
    errors = []
    for error in _validators()[name].iter_errors(data):
        where = "/".join(str(p) for p in error.absolute_path) or "(radice)"
        errors.append(f"{where}: {_italian(error)}")
        if len(errors) >= limit:
            break
    return errors
