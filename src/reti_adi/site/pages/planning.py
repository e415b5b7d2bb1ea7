"""Pages for the planning offices (Ufficio di Piano, rete di indirizzo): per ambito, the coverage of its comuni
by tipologia art. 7 and area di utenza, as tables a screen reader can walk cell by cell."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reti_adi.catalogue.vocabularies import vocabulary
from reti_adi.publish.coverage import AREE, STATI_COPERTURA, TIPOLOGIE_ART7, AmbitoCoverage, comune_name, coverage
from reti_adi.site.pages.common import Section, fragment
from reti_adi.site.pages.inputs import Lazy

if TYPE_CHECKING:  # the writer calls this module, never the other way round
    from reti_adi.site.pages.catalogue import PageWriter

SYMBOLS = {"coperto": "✓", "solo_sospeso": "◐", "solo_non_presente": "!", "scoperto": "✗"}


def planning_path(ambito_id: str) -> str:
    return f"programmazione/{ambito_id}/"


def write_planning_pages(writer: PageWriter) -> None:
    """One page per ambito (coverage, then demand) plus an index."""
    names = {r.id: r.model.denominazione for r in writer.catalogue.of("servizio").values()}
    rows = []
    for ambito_id, cov in coverage(writer.catalogue).items():
        ambito = writer.catalogue.get("ambito", ambito_id)
        page = planning_path(ambito_id)
        # made only if the page is rendered (site/pages/inputs.py Lazy); _gaps gets the names it shows
        sections = [Section("Copertura per tipologia", "copertura-tipologie",
                            html=Lazy(_matrix, cov, page, "tipologie")),
                    Section("Copertura per area di utenza", "copertura-aree",
                            html=Lazy(_matrix, cov, page, "aree")),
                    Section("Dove mancano servizi attivi", "lacune", html=Lazy(_gaps, cov, page, _gap_names(cov, names)))]
        sections.extend(demand_sections(writer, ambito))
        intro = fragment(INTRO, a=ambito, page=page, gaps=cov.gaps(),
                         total=len(cov.comuni) * len(TIPOLOGIE_ART7), symbols=SYMBOLS, stati=STATI_COPERTURA)
        writer.lista(f"programmazione/{ambito_id}.md", f"Programmazione – {ambito.denominazione}", sections, intro)
        rows.append({"href": page, "label": ambito.denominazione,
                     "cells": [ambito.regione, len(cov.comuni), cov.gaps()]})
    writer.indice("programmazione/index.md", "Per chi programma", "Ambiti territoriali: copertura dei servizi",
                  ["Ambito", "Regione", "Comuni", "Comuni × tipologie senza servizi attivi"], rows,
                  "Per ogni ambito: quali tipologie di servizi dell'art. 7 raggiungono ciascun comune, dove mancano "
                  "e quanta domanda di sostegni non presenti registrano le piattaforme dei Patti.")


def _matrix(cov: AmbitoCoverage, page: str, dimension: str):
    if dimension == "tipologie":
        voc, codes, cells = vocabulary("tipologie_art7"), TIPOLOGIE_ART7, cov.tipologie
        caption = "Servizi attivi per comune e tipologia (art. 7, c. 1, D.Lgs. 147/2017, lettere a–h)"
        headers = [(c, f"{c}) {voc.label(c)}") for c in codes]
    else:
        voc, codes, cells = vocabulary("aree_utenza"), AREE, cov.aree
        caption = "Servizi attivi (tipologie a–h) per comune e area di utenza ISTAT"
        headers = [(c, voc.label(c)) for c in codes]
    rows = [(code, comune_name(code), [cells[code][k] for k in codes]) for code in cov.comuni]
    return fragment(MATRIX, caption=caption, headers=headers, rows=rows, page=page, symbols=SYMBOLS,
                    stati=STATI_COPERTURA, anchor=f"matrice-{dimension}")


def _gap_names(cov: AmbitoCoverage, names: dict[str, str]) -> dict[str, str]:
    """The names _gaps shows: the suspended and not-present services of the ambito's uncovered cells."""
    shown = {s for row in cov.tipologie.values() for cell in row.values() if cell.stato != "coperto"
             for s in (*cell.sospesi, *cell.non_presenti)}
    return {s: names[s] for s in sorted(shown) if s in names}


def _gaps(cov: AmbitoCoverage, page: str, names: dict[str, str]):
    voc = vocabulary("tipologie_art7")
    by_type = []
    for t in TIPOLOGIE_ART7:
        missing = [(c, cov.tipologie[c][t]) for c in cov.comuni if cov.tipologie[c][t].stato != "coperto"]
        if missing:
            by_type.append((f"{t}) {voc.label(t)}", missing))
    return fragment(GAPS, groups=by_type, page=page, names=names, stati=STATI_COPERTURA, comune_name=comune_name)


INTRO = """<p>Vista per l'Ufficio di Piano e per la rete di indirizzo che programma i servizi dell'ambito
<a href="{{ url(page, 'ambiti/' ~ a.id ~ '/') }}">{{ a.denominazione }}</a>. La copertura è calcolata dal solo catalogo:
un servizio raggiunge un comune se lo elenca tra i comuni serviti, se vi ha una sede o se serve tutto l'ambito.
Contano le tipologie dell'art. 7 (lettere a–h); i servizi cessati non contano.</p>
<p><strong>Celle senza servizi attivi: {{ gaps }} su {{ total }}.</strong>
<a href="{{ url(page, 'api/v1/ambiti/' ~ a.id ~ '/copertura.json') }}">Copertura in JSON</a></p>
<ul class="ra-cop-legenda" aria-label="Legenda delle celle">
{% for key, label in stati.items() %}<li><span class="ra-cop ra-cop--{{ key }}"><span aria-hidden="true">{{ symbols[key] }}</span> {{ label }}</span></li>{% endfor %}
</ul>"""

MATRIX = """<div class="ra-matrice" role="region" aria-labelledby="{{ anchor }}" tabindex="0">
<table class="ra-table ra-cop-tabella">
<caption id="{{ anchor }}">{{ caption }}</caption>
<thead><tr><th scope="col">Comune</th>{% for code, label in headers %}<th scope="col">{{ label }}</th>{% endfor %}</tr></thead>
<tbody>
{% for code, name, cells in rows %}<tr><th scope="row"><a href="{{ url(page, 'comuni/' ~ code ~ '/') }}">{{ name }}</a></th>
{% for cell in cells %}<td class="ra-cop ra-cop--{{ cell.stato }}"><span aria-hidden="true">{{ symbols[cell.stato] }}</span> {{ stati[cell.stato] }}{% if cell.attivi %} ({{ cell.attivi | length }}){% endif %}</td>{% endfor %}</tr>
{% endfor %}
</tbody>
</table>
</div>"""

GAPS = """{% if groups %}<p>Per ogni tipologia, i comuni senza un servizio attivo e quello che il catalogo registra.</p>
{% for label, missing in groups %}<h3>{{ label }}</h3>
<ul>{% for code, cell in missing %}<li><strong>{{ comune_name(code) }}</strong>: {{ stati[cell.stato] | lower }}
{%- if cell.sospesi %}; sospesi: {% for s in cell.sospesi %}<a href="{{ url(page, 'servizi/' ~ s ~ '/') }}">{{ names.get(s, s) }}</a>{% if not loop.last %}, {% endif %}{% endfor %}{% endif %}
{%- if cell.non_presenti %}; non presenti: {% for s in cell.non_presenti %}<a href="{{ url(page, 'servizi/' ~ s ~ '/') }}">{{ names.get(s, s) }}</a>{% if not loop.last %}, {% endif %}{% endfor %}{% endif %}</li>{% endfor %}</ul>
{% endfor %}{% else %}<p>Ogni comune è raggiunto da almeno un servizio attivo di ogni tipologia.</p>{% endif %}"""


# --- demand: what the case platforms export, protected --------------------------------------------------

def report_path(ambito_id: str) -> str:
    from reti_adi.publish.planning_docx import docx_path

    return docx_path(ambito_id)


def _show(value: int | None):
    from markupsafe import Markup

    return Markup('<span class="ra-riservato">riservato</span>') if value is None else str(value)


def demand_sections(writer: PageWriter, ambito) -> list[Section]:
    from reti_adi.publish.demand import build_demand, comune_label, voce_label

    pub = build_demand(writer.catalogue)
    page = planning_path(ambito.id)
    quarters = pub.quarters.get(ambito.id, {})
    reti = sorted((r.model for r in writer.catalogue.of("rete").values()
                   if r.model.tipo == "indirizzo" and r.model.ambito == ambito.id), key=lambda r: r.id)
    intro = fragment(DEMAND_INTRO, a=ambito, page=page, periods=list(quarters), threshold=pub.threshold,
                     docx=report_path(ambito.id), reti=reti)
    sections = [Section("Domanda dalle piattaforme dei Patti", "domanda", html=intro)]
    if not quarters:
        return sections
    tipologie_voc = vocabulary("tipologie_art7")
    last = list(quarters.values())[-1]
    p = last.measures["nuclei_non_presenti"]
    matrix_rows = [(comune_label(c), [_show(p.published(("cella", c, t))) for t in last.tipologie],
                    _show(p.published(("comune", c)))) for c in last.comuni]
    totals = ([_show(p.published(("tipologia", t))) for t in last.tipologie], _show(p.published(("totale",))))
    sections.append(Section(f"Domanda di sostegni non presenti per comune – {last.periodo}", "domanda-comuni",
                            html=fragment(DEMAND_MATRIX, rows=matrix_rows, totals=totals, periodo=last.periodo,
                                          headers=[f"{t}) {tipologie_voc.label(t)}" if t != "altro" else "Altro"
                                                   for t in last.tipologie])))
    sections.append(Section("Andamento della domanda non presente", "andamento",
                            html=_trend(quarters, tipologie_voc)))
    sections.append(Section("Saturazione dei servizi con posti", "saturazione",
                            html=_saturation(writer, quarters, last, voce_label)))
    sections.append(Section("Sostegni non presenti e domanda registrata", "non-presenti",
                            html=_missing(writer, quarters, page, voce_label)))
    return sections


def _trend(quarters, voc):
    from reti_adi.site.charts import trend_chart

    periods = list(quarters)
    codes = list(next(iter(quarters.values())).tipologie)
    series, rows = {}, []
    for t in codes:
        values = [q.measures["nuclei_non_presenti"].published(("tipologia", t)) for q in quarters.values()]
        if any(v != 0 for v in values):
            label = f"{t}) {voc.label(t)}" if t != "altro" else "Altro (fuori art. 7)"
            series[label] = values
            rows.append((label, [_show(v) for v in values]))
    totals = [_show(q.measures["nuclei_non_presenti"].published(("totale",))) for q in quarters.values()]
    hidden = sum(1 for values in series.values() for v in values if v is None)
    words = "; ".join(f"{label}: " + ", ".join("riservato" if v is None else str(v) for v in values)
                      for label, values in series.items())
    description = (f"Nuclei con bisogno di un sostegno non presente, per tipologia e trimestre, da {periods[0]} a "
                   f"{periods[-1]}. {words}." + (f" {hidden} valori riservati non sono disegnati." if hidden else ""))
    svg = trend_chart(periods, series, "Andamento della domanda di sostegni non presenti", description, "grafico-andamento")
    return fragment(TREND, svg=svg, periods=periods, rows=rows, totals=totals)


def _saturation(writer, quarters, last, voce_label):
    from reti_adi.site.charts import bar_chart

    rows, labels, ratios = [], [], []
    p = last.measures["nuclei_attivati"]
    for t in last.tipologie:
        for k in last.voci.get(t, []):
            s = writer.catalogue.get("servizio", k) if k else None
            if s is None or not s.posti_disponibili:
                continue
            value = p.published(("voce", t, k))
            ratio = None if value is None else 100.0 * value / s.posti_disponibili
            history = [_show(q.measures["nuclei_attivati"].published(("voce", t, k)))
                       if k in q.voci.get(t, []) else "0" for q in quarters.values()]
            rows.append((k, s.denominazione, s.posti_disponibili, history,
                         "riservato" if ratio is None else f"{ratio:.0f}%"))
            labels.append(s.denominazione)
            ratios.append(ratio)
    if not rows:
        return fragment("<p>Nessun servizio con posti disponibili ha attivazioni registrate.</p>")
    words = "; ".join(f"{label}: " + ("riservato" if r is None else f"{r:.0f}%") for label, r in zip(labels, ratios))
    svg = bar_chart(labels, ratios, f"Saturazione dei servizi con posti – {last.periodo}",
                    f"Nuclei attivati nel trimestre {last.periodo} in rapporto ai posti disponibili. {words}. "
                    "La linea tratteggiata segna il 100%.", "grafico-saturazione")
    return fragment(SATURATION, svg=svg, rows=rows, periods=list(quarters), periodo=last.periodo,
                    page=planning_path(last.ambito))


def _missing(writer, quarters, page, voce_label):
    keys = []
    for q in quarters.values():
        for t in q.tipologie:
            for k in q.voci.get(t, []):
                s = writer.catalogue.get("servizio", k) if k else None
                if (s is None or s.stato != "attivo") and (t, k) not in keys:
                    keys.append((t, k))
    for record in writer.catalogue.of("servizio").values():  # non presente records with no demand yet
        s = record.model
        if s.ambito == next(iter(quarters.values())).ambito and s.stato == "non_presente" \
                and (s.tipologia, s.id) not in keys:
            keys.append((s.tipologia, s.id))
    rows = []
    for t, k in keys:
        s = writer.catalogue.get("servizio", k) if k else None
        values = [_show(q.measures["nuclei_non_presenti"].published(("voce", t, k)))
                  if k in q.voci.get(t, []) else "0" for q in quarters.values()]
        stato = {"non_presente": "Non presente", "sospeso": "Sospeso", "cessato": "Cessato"}.get(
            s.stato if s else "", "Nessuna scheda")
        rows.append((k, voce_label(writer.catalogue, t, k), stato, values))
    return fragment(MISSING, rows=rows, periods=list(quarters), page=page)


DEMAND_INTRO = """<p>Conteggi trimestrali esportati dalle piattaforme dei Patti per l'inclusione: per ogni comune e
sostegno, i nuclei per cui il sostegno è stato attivato e quelli per cui serviva ma non era presente.
{% if periods %}Trimestri disponibili: {{ periods | join(", ") }}.{% else %}Per questo ambito non ci sono ancora
dati di domanda.{% endif %}</p>
<p>Per proteggere i nuclei, i valori da 1 a {{ threshold - 1 }} non sono pubblicati, e neppure quelli da cui si
potrebbero ricavare con i totali: tutti compaiono come <span class="ra-riservato">riservato</span>, mai come 0.</p>
{% if reti %}<p>Rete di indirizzo che programma: {% for r in reti %}<a href="{{ url(page, 'reti/' ~ r.id ~ '/') }}">{{ r.denominazione }}</a>{% if not loop.last %}, {% endif %}{% endfor %}.</p>{% endif %}
<p><a href="{{ url(page, docx) }}">Rapporto per l'Ufficio di Piano e la rete di indirizzo (Word, da stampare)</a> ·
<a href="{{ url(page, 'api/v1/ambiti/' ~ a.id ~ '/domanda.json') }}">Domanda in JSON</a> ·
<a href="{{ url(page, 'per-chi-programma/') }}">Come si leggono questi dati</a></p>"""

DEMAND_MATRIX = """<div class="ra-matrice" role="region" aria-labelledby="domanda-comuni-didascalia" tabindex="0">
<table class="ra-table ra-cop-tabella">
<caption id="domanda-comuni-didascalia">Nuclei per cui il sostegno serviva ma non era presente, per comune e tipologia, {{ periodo }}</caption>
<thead><tr><th scope="col">Comune</th>{% for h in headers %}<th scope="col">{{ h }}</th>{% endfor %}<th scope="col">Totale</th></tr></thead>
<tbody>
{% for name, cells, total in rows %}<tr><th scope="row">{{ name }}</th>{% for v in cells %}<td>{{ v }}</td>{% endfor %}<td><strong>{{ total }}</strong></td></tr>
{% endfor %}
</tbody>
<tfoot><tr><th scope="row">Totale dell'ambito</th>{% for v in totals[0] %}<td><strong>{{ v }}</strong></td>{% endfor %}<td><strong>{{ totals[1] }}</strong></td></tr></tfoot>
</table>
</div>"""

TREND = """<figure class="ra-grafico">{{ svg | safe }}</figure>
<div class="ra-matrice" role="region" aria-labelledby="andamento-didascalia" tabindex="0">
<table class="ra-table">
<caption id="andamento-didascalia">Dati del grafico: nuclei con bisogno di un sostegno non presente, per tipologia e trimestre</caption>
<thead><tr><th scope="col">Tipologia</th>{% for p in periods %}<th scope="col">{{ p }}</th>{% endfor %}</tr></thead>
<tbody>{% for label, values in rows %}<tr><th scope="row">{{ label }}</th>{% for v in values %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}</tbody>
<tfoot><tr><th scope="row">Totale dell'ambito</th>{% for v in totals %}<td><strong>{{ v }}</strong></td>{% endfor %}</tr></tfoot>
</table>
</div>"""

SATURATION = """<figure class="ra-grafico">{{ svg | safe }}</figure>
<div class="ra-matrice" role="region" aria-labelledby="saturazione-didascalia" tabindex="0">
<table class="ra-table">
<caption id="saturazione-didascalia">Dati del grafico: nuclei attivati per trimestre e posti disponibili</caption>
<thead><tr><th scope="col">Servizio</th><th scope="col">Posti</th>{% for p in periods %}<th scope="col">Attivati {{ p }}</th>{% endfor %}<th scope="col">Saturazione {{ periodo }}</th></tr></thead>
<tbody>{% for id, name, posti, history, ratio in rows %}<tr><th scope="row"><a href="{{ url(page, 'servizi/' ~ id ~ '/') }}">{{ name }}</a></th><td>{{ posti }}</td>{% for v in history %}<td>{{ v }}</td>{% endfor %}<td>{% if ratio == "riservato" %}<span class="ra-riservato">riservato</span>{% else %}{{ ratio }}{% endif %}</td></tr>{% endfor %}</tbody>
</table>
</div>"""

MISSING = """<p>Le schede «non presente» del catalogo, i servizi sospesi e i bisogni che nessuna scheda descrive, con i
nuclei che ne avevano bisogno in ogni trimestre.</p>
<div class="ra-matrice" role="region" aria-labelledby="non-presenti-didascalia" tabindex="0">
<table class="ra-table">
<caption id="non-presenti-didascalia">Nuclei per cui il sostegno serviva ma non era presente, per sostegno e trimestre</caption>
<thead><tr><th scope="col">Sostegno</th><th scope="col">Scheda</th>{% for p in periods %}<th scope="col">{{ p }}</th>{% endfor %}</tr></thead>
<tbody>{% for id, name, stato, values in rows %}<tr><th scope="row">{% if id %}<a href="{{ url(page, 'servizi/' ~ id ~ '/') }}">{{ name }}</a>{% else %}{{ name }}{% endif %}</th><td>{{ stato }}</td>{% for v in values %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}</tbody>
</table>
</div>"""
