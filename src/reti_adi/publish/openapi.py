"""api/v1/openapi.json: an OpenAPI 3.1 description of the static API, for tools that generate clients.

The API is a set of files, so every «operation» is a GET of one file. The schemas are the same
pydantic models that write the files (and schema/*.schema.json), gathered under components.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic.json_schema import models_json_schema

from reti_adi.catalogue.models.common import ID_RE
from reti_adi.publish import api_models as m
from reti_adi.publish.context import BuildContext

REF = "#/components/schemas/{model}"
SERVICE_OR_TOMBSTONE = "ServizioORimosso"


@dataclass(frozen=True, slots=True)
class ApiPath:
    template: str
    """Path under api/v1/, with {parameters}."""
    schema: str
    """Component name of the response body."""
    summary: str


PATHS: tuple[ApiPath, ...] = (
    ApiPath("/stato.json", "Stato", "Stato della pubblicazione: il file da interrogare periodicamente"),
    ApiPath("/index.json", "Manifest", "Manifesto: versioni, file con sha256, impronte e date di modifica"),
    ApiPath("/modifiche/index.json", "IndiceModifiche", "Registro delle modifiche: tutte le sequenze pubblicate"),
    ApiPath("/modifiche/{sequenza}.json", "InsiemeModifiche", "Un insieme di modifiche: id aggiunti, modificati, "
                                                              "rimossi per tipo di scheda"),
    ApiPath("/changes.json", "ChangesDoc", "Vista di compatibilità: l'ultimo insieme di modifiche e le lapidi"),
    ApiPath("/sostegni.json", "SostegniDoc", "Tutti i servizi nella forma di un sostegno del Patto"),
    ApiPath("/ambiti.json", "AmbitiDoc", "Ambiti territoriali con i comuni"),
    ApiPath("/ambiti/{ambito}/sostegni.json", "SostegniDoc", "I servizi di un ambito"),
    ApiPath("/ambiti/{ambito}/copertura.json", "CoperturaDoc", "Copertura dei comuni di un ambito per tipologia "
                                                               "art. 7 e area di utenza"),
    ApiPath("/ambiti/{ambito}/domanda.json", "DomandaDoc", "Domanda inevasa aggregata di un ambito (celle piccole "
                                                           "oscurate)"),
    ApiPath("/servizi/{servizio}.json", SERVICE_OR_TOMBSTONE, "Un servizio, oppure la sua lapide se è stato rimosso"),
    ApiPath("/enti.json", "EntiDoc", "Enti erogatori e partner"),
    ApiPath("/fonti.json", "FontiDoc", "Fonti di finanziamento"),
    ApiPath("/reti.json", "RetiDoc", "Reti territoriali (DM 93/2024)"),
    ApiPath("/protocolli.json", "ProtocolliDoc", "Protocolli d'intesa"),
    ApiPath("/protocolli/{protocollo}.json", "ProtocolloDettaglio", "Un protocollo d'intesa con articoli e impegni"),
    ApiPath("/schema/{nome}.schema.json", "JsonSchema", "JSON Schema (Draft 2020-12) di un documento"),
)

_PARAMETERS = {
    "sequenza": {"type": "integer", "minimum": 1},
    "ambito": {"type": "string", "pattern": ID_RE},
    "servizio": {"type": "string", "pattern": ID_RE},
    "protocollo": {"type": "string", "pattern": ID_RE},
}
_MODELS = (m.Stato, m.Manifest, m.IndiceModifiche, m.InsiemeModifiche, m.ChangesDoc, m.SostegniDoc, m.AmbitiDoc,
           m.ServizioDettaglio, m.Tombstone, m.CoperturaDoc, m.DomandaDoc, m.EntiDoc, m.FontiDoc, m.RetiDoc, m.ProtocolliDoc, m.ProtocolloDettaglio)
_SPDX = {"CC-BY-4.0", "CC0-1.0"}


def components() -> dict[str, dict]:
    _, top = models_json_schema([(model, "serialization") for model in _MODELS], ref_template=REF)
    schemas = dict(top["$defs"])
    schemas[SERVICE_OR_TOMBSTONE] = {"anyOf": [{"$ref": REF.format(model="ServizioDettaglio")},
                                               {"$ref": REF.format(model="Tombstone")}]}
    schemas["JsonSchema"] = {"type": "object", "description": "un JSON Schema Draft 2020-12"}
    return dict(sorted(schemas.items()))


def _parameters(template: str, schema_names: list[str]) -> list[dict]:
    out = []
    for name in (part.split("}")[0] for part in template.split("{")[1:]):
        schema = {"type": "string", "enum": sorted(schema_names)} if name == "nome" else _PARAMETERS[name]
        out.append({"name": name, "in": "path", "required": True, "schema": schema})
    return out


def openapi_document(ctx: BuildContext, schema_names: list[str]) -> dict:
    licence = {"name": ctx.licence, **({"identifier": ctx.licence} if ctx.licence in _SPDX else {})}
    paths = {}
    for path in PATHS:
        operation = {
            "operationId": "leggi" + "".join(ch for ch in path.template.title() if ch.isalnum()),
            "summary": path.summary,
            "responses": {"200": {"description": path.summary,
                                  "content": {"application/json": {"schema": {"$ref": REF.format(model=path.schema)}}}},
                          "404": {"description": "file inesistente"}},
        }
        parameters = _parameters(path.template, schema_names)
        if parameters:
            operation["parameters"] = parameters
        paths[path.template] = {"get": operation}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{ctx.title} – API statica",
            "version": m.API_VERSION,
            "description": "File JSON statici, senza autenticazione. Dentro la v1 le modifiche sono solo additive: "
                           "ignora i campi che non conosci. Identificativi globali in «id_globale», registro delle "
                           "modifiche in modifiche/.",
            "license": licence,
        },
        "servers": [{"url": f"{ctx.site_url}api/v1" if ctx.site_url else ".",
                     "description": "la cartella api/v1/ del sito"}],
        "paths": paths,
        "components": {"schemas": components()},
    }
