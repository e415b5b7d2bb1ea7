"""Pages for the planning offices (Ufficio di Piano, rete di indirizzo): per ambito, the coverage of its comuni
by tipologia art. 7 and area di utenza, as tables a screen reader can walk cell by cell."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reti_adi.catalogue.vocabularies import vocabulary
from reti_adi.publish.coverage import AREE, STATI_COPERTURA, TIPOLOGIE_ART7, AmbitoCoverage, comune_name, coverage
from reti_adi.site.pages.common import Section, fragment

if TYPE_CHECKING:  # the writer calls this module, never the other way round
    from reti_adi.site.pages.catalogue import PageWriter

SYMBOLS = {"coperto": "✓", "solo_sospeso": "◐", "solo_non_presente": "!", "scoperto": "✗"}


def planning_path(ambito_id: str) -> str:
    return f"programmazione/{ambito_id}/"


def write_planning_pages(writer: PageWriter, extra_sections=None) -> None:
    """One page per ambito plus an index. extra_sections(writer, ambito) -> [Section] adds the demand view."""
    names = {r.id: r.model.denominazione for r in writer.catalogue.of("servizio").values()}
    rows = []
    for ambito_id, cov in coverage(writer.catalogue).items():
        ambito = writer.catalogue.get("ambito", ambito_id)
        page = planning_path(ambito_id)
        sections = [Section("Copertura per tipologia", "copertura-tipologie",
                            html=_matrix(cov, page, names, "tipologie")),
                    Section("Copertura per area di utenza", "copertura-aree",
                            html=_matrix(cov, page, names, "aree")),
                    Section("Dove mancano servizi attivi", "lacune", html=_gaps(cov, page, names))]
        if extra_sections is not None:
            sections.extend(extra_sections(writer, ambito))
        intro = fragment(INTRO, a=ambito, page=page, gaps=cov.gaps(),
                         total=len(cov.comuni) * len(TIPOLOGIE_ART7), symbols=SYMBOLS, stati=STATI_COPERTURA)
        writer.lista(f"programmazione/{ambito_id}.md", f"Programmazione – {ambito.denominazione}", sections, intro)
        rows.append({"href": page, "label": ambito.denominazione,
                     "cells": [ambito.regione, len(cov.comuni), cov.gaps()]})
    writer.indice("programmazione/index.md", "Per chi programma", "Ambiti territoriali: copertura dei servizi",
                  ["Ambito", "Regione", "Comuni", "Comuni × tipologie senza servizi attivi"], rows,
                  "Per ogni ambito: quali tipologie di servizi dell'art. 7 raggiungono ciascun comune, dove mancano "
                  "e quanta domanda di sostegni non presenti registrano le piattaforme dei Patti.")


def _matrix(cov: AmbitoCoverage, page: str, names: dict[str, str], dimension: str):
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
                    stati=STATI_COPERTURA, names=names, anchor=f"matrice-{dimension}")


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
