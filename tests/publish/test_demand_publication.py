"""The demand as published: protected once, the same figures in the API, the data package and the report;
frictionless accepts the tables and no count below the threshold is ever written."""

from __future__ import annotations

import csv
import io
import json

import frictionless
import pytest
from docx import Document

from reti_adi.check import load_and_check
from reti_adi.publish.demand import build_demand
from reti_adi.publish.disclosure import determined_figures

from .test_publish import publish

DEMAND_TABLES = ("domanda_celle", "domanda_totali", "domanda_servizi")


@pytest.fixture
def built(demand_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    publish(demand_copy)
    return demand_copy / "build"


def test_example_demand_covers_four_quarters_and_has_small_cells(repo_root):
    catalogue, result = load_and_check(repo_root)
    assert result.ok
    pub = build_demand(catalogue)
    assert len(pub.periods("pianura-est")) >= 4
    for quarter in pub.quarters["pianura-est"].values():
        for protected in quarter.measures.values():
            assert protected.primary, "the example must exercise suppression"
            assert protected.suppressed > protected.primary  # and secondary suppression
            order = {k: i for i, k in enumerate(protected.values)}
            relations = _relations(quarter, protected)
            assert determined_figures(relations, set(protected.suppressed), order) == []


def _relations(quarter, protected):
    from reti_adi.publish.demand import figures

    base = {}
    _, relations = figures(base, quarter.comuni, quarter.tipologie, quarter.voci)
    return relations


def test_published_demand_tables_validate_and_hold_no_small_count(built):
    report = frictionless.validate(built / "dati" / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "message"])
    package = frictionless.Package(built / "dati" / "datapackage.json")
    checked = hidden = 0
    for name in DEMAND_TABLES:
        for row in package.get_resource(name).read_rows():
            if row["riservato"]:
                assert row["nuclei"] is None  # never 0, never the true value
                hidden += 1
            else:
                assert row["nuclei"] == 0 or row["nuclei"] >= 3, (name, row)
                checked += 1
    assert checked > 100 and hidden > 50
    # the raw CSV text: a suppressed figure is an empty field, not a 0
    text = (built / "dati" / "domanda_celle.csv").read_text()
    for row in csv.DictReader(io.StringIO(text)):
        assert (row["nuclei"] == "") == (row["riservato"] == "True")


def test_api_data_package_and_report_publish_the_same_figures(built):
    doc = json.loads((built / "api/v1/ambiti/pianura-est/domanda.json").read_text())
    assert doc["soglia_riservatezza"] == 3
    last = doc["periodi"][-1]
    api = {c.get("comune_istat", "non_indicato"): c["tipologie"] for c in last["nuclei_non_presenti"]["comuni"]}
    package = frictionless.Package(built / "dati" / "datapackage.json")
    cells = [r for r in package.get_resource("domanda_celle").read_rows()
             if r["periodo"] == last["periodo"] and r["misura"] == "nuclei_non_presenti"]
    assert cells
    for row in cells:
        published = api[row["comune"]][row["tipologia"]]
        assert published.get("valore") == row["nuclei"] and published["riservato"] == row["riservato"]
    for counts in api.values():
        for value in counts.values():
            assert value["riservato"] or value["valore"] == 0 or value["valore"] >= 3
    report = Document(built / "documenti/programmazione/pianura-est.docx")
    text = "\n".join(p.text for p in report.paragraphs)
    assert "Rapporto per la programmazione" in text and "riservato" in text
    numbers = [cell.text for table in report.tables for row in table.rows for cell in row.cells if cell.text.isdigit()]
    demand_numbers = [int(n) for n in numbers]
    assert demand_numbers and all(n == 0 or n >= 3 for n in demand_numbers)


def test_threshold_can_be_raised_in_catalogo_yaml_never_lowered(demand_copy):
    catalogue_copy = demand_copy
    meta = catalogue_copy / "catalogo" / "catalogo.yaml"
    original = meta.read_text(encoding="utf-8")
    meta.write_text(original + "soglia_riservatezza: 2\n", encoding="utf-8")
    _, result = load_and_check(catalogue_copy)
    assert [(p.file, p.field) for p in result.errors] == [("catalogo/catalogo.yaml", "soglia_riservatezza")]
    meta.write_text(original + "soglia_riservatezza: 5\n", encoding="utf-8")
    catalogue, result = load_and_check(catalogue_copy)
    assert result.ok
    pub = build_demand(catalogue)
    assert pub.threshold == 5
    for quarter in pub.quarters["pianura-est"].values():
        for protected in quarter.measures.values():
            shown = [protected.published(k) for k in protected.values]
            assert all(v is None or v == 0 or v >= 5 for v in shown)
