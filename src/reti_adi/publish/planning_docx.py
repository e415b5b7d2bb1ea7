"""The planning report for the Ufficio di Piano and the rete di indirizzo, as a printable Word document
(python-docx): coverage gaps, unmet demand by comune and tipologia, its trend, saturation of the services
with places, and the non presente records with the demand behind them. Every figure is the protected one
the site and the API publish, so the report can circulate like them."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt

from reti_adi.catalogue.records import Catalogue
from reti_adi.catalogue.vocabularies import vocabulary
from reti_adi.publish.context import BuildContext
from reti_adi.publish.coverage import STATI_COPERTURA, TIPOLOGIE_ART7, comune_name, coverage
from reti_adi.publish.demand import build_demand, comune_label, voce_label
from reti_adi.publish.docx import docx_bytes

RISERVATO = "riservato"


def docx_path(ambito_id: str) -> str:
    return f"documenti/programmazione/{ambito_id}.docx"


def _show(value: int | None) -> str:
    return RISERVATO if value is None else str(value)


def add_table(doc, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    if not rows:
        return
    if any(len(row) != len(header) for row in rows):  # not a plain grid: python-docx row by row
        for row in rows:
            for cell, text in zip(table.add_row().cells, row):
                cell.text = str(text)
        return
    # python-docx makes every row from XML parsed cell by cell (most of the time of 600 reports): the
    # first row is made that way and the others are copies of its XML, with each plain text put in its
    # one <w:t>; any other text goes through python-docx as before. The bytes are the same.
    first = table.add_row()
    for cell in first.cells:
        cell.text = "x"
    prototype = copy.deepcopy(first._tr)
    for index, row in enumerate(rows, start=1):
        tr = first._tr if index == 1 else copy.deepcopy(prototype)
        if index > 1:
            table._tbl.append(tr)
        for column, (tc, value) in enumerate(zip(tr.tc_lst, row)):
            text = str(value)
            if text and text == text.strip() and text.isprintable():
                (t,) = tc.xpath("./w:p/w:r/w:t")
                t.text = text
            else:
                table.cell(index, column).text = text


@dataclass(frozen=True, slots=True)
class DemandTables:
    """The demand sections of a report, as the text of their cells."""

    periodo: str
    by_comune_header: tuple[str, ...]
    by_comune: tuple[tuple[str, ...], ...]
    legend: str
    trend_header: tuple[str, ...]
    trend: tuple[tuple[str, ...], ...]
    saturation: tuple[tuple[str, ...], ...]
    absent_header: tuple[str, ...]
    absent: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class PlanningInputs:
    """Everything one report is made from: write_planning reads nothing else, so a digest of these
    fields (publish/document_reuse.py) tells whether a previous build's report can stand for it."""

    denominazione: str
    reti: tuple[str, ...]
    demo: bool
    threshold: int
    gaps: tuple[tuple[str, str, str], ...]
    gap_count: int
    cells: int
    demand: DemandTables | None
    generated: dt.datetime


def _rows(rows) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(value) for value in row) for row in rows)


def _demand_tables(catalogue: Catalogue, quarters: dict, tip) -> DemandTables:
    last = list(quarters.values())[-1]
    p = last.measures["nuclei_non_presenti"]
    codes = [t for t in last.tipologie if any(p.published(("cella", c, t)) != 0 for c in last.comuni)]
    by_comune = ([[comune_label(c)] + [_show(p.published(("cella", c, t))) for t in codes]
                  + [_show(p.published(("comune", c)))] for c in last.comuni]
                 + [["Totale dell'ambito"] + [_show(p.published(("tipologia", t))) for t in codes]
                    + [_show(p.published(("totale",)))]])
    trend = ([[f"{t}) {tip.label(t)}" if t != "altro" else tip.label(t)]
              + [_show(q.measures["nuclei_non_presenti"].published(("tipologia", t))) for q in quarters.values()]
              for t in last.tipologie]
             + [["Totale dell'ambito"] + [_show(q.measures["nuclei_non_presenti"].published(("totale",)))
                                          for q in quarters.values()]])
    saturation = []
    for t in last.tipologie:
        for k in last.voci.get(t, []):
            s = catalogue.get("servizio", k) if k else None
            if s is not None and s.posti_disponibili:
                value = last.measures["nuclei_attivati"].published(("voce", t, k))
                saturation.append([s.denominazione, str(s.posti_disponibili), _show(value),
                                   RISERVATO if value is None else f"{100 * value / s.posti_disponibili:.0f}%"])
    absent = []
    for t in last.tipologie:
        keys = dict.fromkeys(k for q in quarters.values() for k in q.voci.get(t, []))
        for k in keys:
            s = catalogue.get("servizio", k) if k else None
            if s is not None and s.stato == "attivo":
                continue
            absent.append([voce_label(catalogue, t, k), "Nessuna scheda" if s is None else s.stato.replace("_", " ")]
                          + [_show(q.measures["nuclei_non_presenti"].published(("voce", t, k)))
                             if k in q.voci.get(t, []) else "0" for q in quarters.values()])
    return DemandTables(
        periodo=str(last.periodo), by_comune_header=tuple(["Comune"] + [str(t) for t in codes] + ["Totale"]),
        by_comune=_rows(by_comune), legend="; ".join(f"{t} = {tip.label(t)}" for t in codes),
        trend_header=tuple(["Tipologia"] + [str(q) for q in quarters]), trend=_rows(trend),
        saturation=_rows(saturation), absent_header=tuple(["Sostegno", "Scheda"] + [str(q) for q in quarters]),
        absent=_rows(absent))


def planning_inputs(catalogue: Catalogue, ambito_id: str, ctx: BuildContext) -> PlanningInputs:
    """What the report of ambito_id says, gathered from the catalogue, its coverage and its protected demand."""
    ambito = catalogue.get("ambito", ambito_id)
    cov = coverage(catalogue)[ambito_id]  # computed once for every report of the build
    pub = build_demand(catalogue)
    quarters = pub.quarters.get(ambito_id, {})
    tip = vocabulary("tipologie_art7")
    reti = sorted(r.model.denominazione for r in catalogue.of("rete").values()
                  if r.model.tipo == "indirizzo" and r.model.ambito == ambito_id)
    gaps = [(f"{t}) {tip.label(t)}", comune_name(c), STATI_COPERTURA[cov.tipologie[c][t].stato])
            for t in TIPOLOGIE_ART7 for c in cov.comuni if cov.tipologie[c][t].stato != "coperto"]
    generated = dt.datetime.fromisoformat(ctx.generated_at.replace("Z", "+00:00")).replace(tzinfo=None)
    return PlanningInputs(
        denominazione=str(ambito.denominazione), reti=tuple(str(r) for r in reti), demo=bool(ctx.demo),
        threshold=int(pub.threshold), gaps=_rows(gaps), gap_count=int(cov.gaps()) if gaps else 0,
        cells=len(cov.comuni) * len(TIPOLOGIE_ART7) if gaps else 0,
        demand=_demand_tables(catalogue, quarters, tip) if quarters else None, generated=generated)


def write_planning(inputs: PlanningInputs) -> bytes:
    """The report's .docx from its inputs alone."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    doc.styles["Normal"].font.name = "Liberation Sans"
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(f"Rapporto per la programmazione – {inputs.denominazione}", level=0)
    doc.add_paragraph("Per l'Ufficio di Piano e la rete di indirizzo dell'ambito. Copertura calcolata dal catalogo; "
                      "domanda aggregata dalle piattaforme dei Patti per l'inclusione.")
    if inputs.reti:
        doc.add_paragraph("Rete di indirizzo: " + "; ".join(inputs.reti) + ".")
    if inputs.demo:
        doc.add_paragraph("Documento dimostrativo generato da dati di esempio.").runs[0].italic = True
    doc.add_paragraph(f"Riservatezza: i conteggi da 1 a {inputs.threshold - 1} nuclei non sono riportati, e neppure "
                      f"quelli da cui si potrebbero ricavare con i totali; compaiono come «{RISERVATO}», mai come 0.")

    doc.add_heading("Copertura: dove manca un servizio attivo", level=1)
    if inputs.gaps:
        doc.add_paragraph(f"Comuni × tipologie senza un servizio attivo: {inputs.gap_count} su {inputs.cells}.")
        add_table(doc, ["Tipologia", "Comune", "Stato"], [list(row) for row in inputs.gaps])
    else:
        doc.add_paragraph("Ogni comune è raggiunto da almeno un servizio attivo di ogni tipologia.")

    demand = inputs.demand
    if demand is None:
        doc.add_heading("Domanda", level=1)
        doc.add_paragraph("Per questo ambito non ci sono dati di domanda.")
    else:
        doc.add_heading(f"Domanda di sostegni non presenti per comune – {demand.periodo}", level=1)
        add_table(doc, list(demand.by_comune_header), [list(row) for row in demand.by_comune])
        doc.add_paragraph("Colonne: " + demand.legend + ". Le tipologie senza "
                          "domanda non presente nel trimestre sono omesse.")
        doc.add_heading("Andamento per tipologia", level=1)
        add_table(doc, list(demand.trend_header), [list(row) for row in demand.trend])
        doc.add_heading(f"Saturazione dei servizi con posti – {demand.periodo}", level=1)
        if demand.saturation:
            add_table(doc, ["Servizio", "Posti", "Nuclei attivati", "Saturazione"],
                      [list(row) for row in demand.saturation])
        else:
            doc.add_paragraph("Nessun servizio con posti disponibili ha attivazioni registrate.")
        doc.add_heading("Sostegni non presenti e domanda registrata", level=1)
        add_table(doc, list(demand.absent_header), [list(row) for row in demand.absent])

    props = doc.core_properties
    props.title = f"Rapporto per la programmazione – {inputs.denominazione}"
    props.author = props.last_modified_by = "reti-adi"
    props.created = props.modified = props.last_printed = inputs.generated
    props.revision = 1
    return docx_bytes(doc)


def planning_docx(catalogue: Catalogue, ambito_id: str, ctx: BuildContext) -> bytes:
    return write_planning(planning_inputs(catalogue, ambito_id, ctx))
