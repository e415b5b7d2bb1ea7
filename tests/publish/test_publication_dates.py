"""The exports date what changed, not when the build ran: HSDS `last_modified` is the JSON API's
`modificato_il`, DCAT's `dct:modified` is the latest change set and `dct:issued` the first, so a
harvester sees new data only when there is some."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from rdflib import RDF, Graph, Literal, Namespace
from rdflib.namespace import XSD

from reti_adi.build import DATA_STEPS, build

from ..conftest import REFERENCE_DATE

DCTERMS = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
EDITED = "doposcuola-solidale"


def _publish(root: Path, day: dt.date, monkeypatch) -> Path:
    """Published on `day`: the publication date comes from SOURCE_DATE_EPOCH, as in a reproducible build."""
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(noon.timestamp())))
    build(root, today=REFERENCE_DATE, steps=DATA_STEPS)
    return root / "build"


def _hsds_dates(built: Path) -> dict[str, str]:
    """Local service id -> HSDS last_modified, matched through the service's page or its name."""
    api = json.loads((built / "api/v1/sostegni.json").read_text(encoding="utf-8"))["sostegni"]
    by_name = {s["denominazione"]: s["id"] for s in api}
    services = json.loads((built / "api/hsds/services.json").read_text(encoding="utf-8"))["contents"]
    return {by_name[s["name"]]: s.get("last_modified") for s in services}


def _api_dates(built: Path) -> dict[str, str]:
    return json.loads((built / "api/v1/index.json").read_text(encoding="utf-8"))["modificato_il"]["servizi"]


def _dcat(built: Path) -> tuple[set, set]:
    g = Graph().parse(built / "dati/dcat.ttl", format="turtle", publicID=(built / "dati/dcat.ttl").as_uri())
    (dataset,) = g.subjects(RDF.type, DCAT.Dataset)
    return set(g.objects(dataset, DCTERMS.issued)), set(g.objects(dataset, DCTERMS.modified))


def _date(day: dt.date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


def test_dates_move_only_when_the_published_data_changes(catalogue_copy, monkeypatch):
    first, second, third = REFERENCE_DATE, REFERENCE_DATE + dt.timedelta(days=7), REFERENCE_DATE + dt.timedelta(days=30)
    built = _publish(catalogue_copy, first, monkeypatch)
    hsds = _hsds_dates(built)
    assert len(hsds) >= 10 and set(hsds.values()) == {f"{first.isoformat()}T00:00:00.000Z"}
    assert _dcat(built) == ({_date(first)}, {_date(first)})

    built = _publish(catalogue_copy, second, monkeypatch)  # nothing changed: nothing looks new
    assert set(_hsds_dates(built).values()) == {f"{first.isoformat()}T00:00:00.000Z"}
    assert _dcat(built) == ({_date(first)}, {_date(first)})

    path = catalogue_copy / "catalogo/servizi" / f"{EDITED}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ndenominazione: ", "\ndenominazione: Nuovo ", 1), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text
    built = _publish(catalogue_copy, third, monkeypatch)
    hsds = _hsds_dates(built)
    assert hsds.pop(EDITED) == f"{third.isoformat()}T00:00:00.000Z"
    assert set(hsds.values()) == {f"{first.isoformat()}T00:00:00.000Z"}
    assert _dcat(built) == ({_date(first)}, {_date(third)})
    api = _api_dates(built)  # the same date the JSON API gives each service
    assert all(_hsds_dates(built)[i] == f"{api[i]}T00:00:00.000Z" for i in _hsds_dates(built))
