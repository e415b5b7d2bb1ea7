"""Pages of networks and protocols, and their sections on each ente's page."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from reti_adi.catalogue.models.protocolli import ORGANI, STRUMENTI
from reti_adi.catalogue.vocabularies import vocabulary
from reti_adi.publish import api_models as m
from reti_adi.publish.protocols import ProtocolPublication, docx_path
from reti_adi.site.diagram import network_svg
from reti_adi.site.pages.common import Section, by_name, fragment

if TYPE_CHECKING:  # the writer calls this module, never the other way round
    from reti_adi.site.pages.catalogue import PageWriter

LIVELLI = {"nazionale": "Nazionale", "regionale": "Regionale", "ambito": "Ambito territoriale", "comunale": "Comunale"}
TIPI = {"indirizzo": "Reti di indirizzo", "intervento": "Reti di intervento"}
TIPO_RETE = {"indirizzo": "Rete di indirizzo", "intervento": "Rete di intervento"}
STATI_PROTOCOLLO = {"bozza": "Bozza", "in_firma": "In firma", "vigente": "Vigente", "scaduto": "Scaduto",
                    "cessato": "Cessato"}
EXPIRY_DAYS = 60


def write_protocol_pages(writer: PageWriter, pub: ProtocolPublication) -> None:
    names = {e.id: e.model.denominazione for e in writer.catalogue.of("ente").values()}
    reti = {r.id: r for r in pub.reti}
    by_rete: dict[str, list[m.ProtocolloDettaglio]] = defaultdict(list)
    for p in pub.protocolli.values():
        by_rete[p.rete].append(p)
    today = writer.ctx.today
    ambiti = {a.id: a.model.denominazione for a in writer.catalogue.of("ambito").values()}
    tipi_ente = vocabulary("tipi_ente").label
    service_names = {s.id: s.denominazione for s in writer.details.values()}
    for rete in pub.reti:
        page = f"reti/{rete.id}/"
        parent = reti.get(rete.risponde_a) if rete.risponde_a else None
        services = [writer.details[s] for s in rete.servizi if s in writer.details]
        intro = fragment(RETE_INTRO, r=rete, page=page, parent=parent, livello=LIVELLI[rete.livello], tipo_rete=TIPO_RETE[rete.tipo],
                      diagram=network_svg(rete, parent.denominazione if parent else None),
                      children=[r for r in pub.reti if r.risponde_a == rete.id],
                      protocolli=by_rete.get(rete.id, []), stati=STATI_PROTOCOLLO,
                      ambito_name=ambiti.get(rete.ambito, rete.ambito), tipo_ente=tipi_ente)
        writer.lista(f"reti/{rete.id}.md", rete.denominazione,
                     [Section("Servizi erogati dalla rete", "servizi", services=by_name(services),
                              caption=f"Servizi della rete {rete.denominazione}")], intro)
    for p in pub.protocolli.values():
        page = f"protocolli/{p.id}/"
        days_left = (p.scadenza - today).days if p.scadenza else None
        body = fragment(PROTOCOLLO_BODY, p=p, page=page, rete=reti.get(p.rete), names=names,
                     strumento=STRUMENTI[p.strumento.codice], stati=STATI_PROTOCOLLO, organi=ORGANI,
                     days_left=days_left, expiry_days=EXPIRY_DAYS, docx=docx_path(p.id),
                     impegni_per_ente=_commitments_by_party(p), service_names=service_names)
        writer.lista(f"protocolli/{p.id}.md", p.titolo, [], body)
    rows_by_group = []
    for tipo in ("indirizzo", "intervento"):
        for livello in LIVELLI:
            group = [r for r in pub.reti if r.tipo == tipo and r.livello == livello]
            if group:
                rows_by_group.append((f"{TIPI[tipo]} – livello {LIVELLI[livello].lower()}", group))
    index = fragment(RETI_INDEX, groups=rows_by_group, page="reti/", protocolli=sorted(
        pub.protocolli.values(), key=lambda p: p.titolo.casefold()), stati=STATI_PROTOCOLLO)
    writer.lista("reti/index.md", "Reti e protocolli", [], index)


def _commitments_by_party(p: m.ProtocolloDettaglio) -> list[tuple[str, list[m.ImpegnoOut]]]:
    order = list(dict.fromkeys([x.ente.id for x in p.parti_firmatarie] + [i.ente for i in p.impegni]))
    return [(ente, [i for i in p.impegni if i.ente == ente]) for ente in order]


def ente_sections(pub: ProtocolPublication):
    """Sections for an ente's page: its networks and the commitments it signed."""

    # indexed once, in the order a scan per ente would find them: thousands of enti, each scanning
    # every network and protocol, was most of the time of the enti's pages
    memberships_of: dict[str, list] = defaultdict(list)
    for r in pub.reti:
        for x in r.membri:
            memberships_of[x.ente.id].append((r, x.ruolo))
    signed_of: dict[str, list] = defaultdict(list)
    for p in pub.protocolli.values():
        commitments: dict[str, list] = defaultdict(list)
        for i in p.impegni:
            commitments[i.ente].append(i)
        for ente in dict.fromkeys([*p.parti, *commitments]):
            signed_of[ente].append((p, commitments.get(ente, [])))

    def provider(writer: PageWriter, ente_id: str) -> list[Section]:
        page = f"enti/{ente_id}/"
        memberships = memberships_of.get(ente_id, [])
        signed = signed_of.get(ente_id, [])
        sections = []
        if memberships:
            sections.append(Section("Reti di cui fa parte", "reti", html=fragment(ENTE_RETI, rows=memberships,
                                                                              page=page, tipi=TIPO_RETE)))
        if signed:
            sections.append(Section("Protocolli e impegni sottoscritti", "impegni",
                                    html=fragment(ENTE_IMPEGNI, rows=signed, page=page, stati=STATI_PROTOCOLLO)))
        return sections

    return provider


RETI_INDEX = """<p>Le reti di servizi previste dalle Linee guida del DM 93/2024: le <strong>reti di indirizzo</strong>
programmano, monitorano e valutano; le <strong>reti di intervento</strong> gestiscono e attuano i progetti dei nuclei.</p>
{% for label, group in groups %}
<h2>{{ label }}</h2>
<table><caption>{{ label }}</caption>
<thead><tr><th scope="col">Rete</th><th scope="col">Gestore</th><th scope="col">Membri</th><th scope="col">Protocolli</th></tr></thead>
<tbody>{% for r in group %}<tr><td><a href="{{ url(page, 'reti/' ~ r.id ~ '/') }}">{{ r.denominazione }}</a></td><td>{{ r.gestore.denominazione }}</td><td>{{ r.membri | length }}</td><td>{{ r.protocolli | length }}</td></tr>{% endfor %}</tbody>
</table>
{% else %}
<p>Nessuna rete registrata.</p>
{% endfor %}
{% if protocolli %}
<h2>Protocolli</h2>
<table><caption>Protocolli e accordi</caption>
<thead><tr><th scope="col">Protocollo</th><th scope="col">Stato</th><th scope="col">Scadenza</th></tr></thead>
<tbody>{% for p in protocolli %}<tr><td><a href="{{ url(page, 'protocolli/' ~ p.id ~ '/') }}">{{ p.titolo }}</a></td><td><span class="ra-badge ra-badge--protocollo-{{ p.stato_effettivo or p.stato }}">{{ stati[p.stato_effettivo or p.stato] }}</span></td><td>{{ p.scadenza | data if p.scadenza else "—" }}</td></tr>{% endfor %}</tbody>
</table>
{% endif %}"""

RETE_INTRO = """<dl class="ra-dl">
<dt>Tipo</dt><dd>{{ tipo_rete }}</dd>
<dt>Livello</dt><dd>{{ livello }}</dd>
{% if r.ambito %}<dt>Ambito</dt><dd><a href="{{ url(page, 'ambiti/' ~ r.ambito ~ '/') }}">{{ ambito_name }}</a></dd>{% endif %}
<dt>Gestore</dt><dd><a href="{{ url(page, 'enti/' ~ r.gestore.id ~ '/') }}">{{ r.gestore.denominazione }}</a></dd>
{% if parent %}<dt>Risponde a</dt><dd><a href="{{ url(page, 'reti/' ~ parent.id ~ '/') }}">{{ parent.denominazione }}</a></dd>{% endif %}
</dl>
<h2 id="funzioni">Funzioni</h2>
<ul>{% for f in r.funzioni %}<li>{{ f }}</li>{% endfor %}</ul>
<h2 id="schema">Schema della rete</h2>
<figure class="ra-figura">{{ diagram }}</figure>
<h2 id="membri">Membri e ruoli</h2>
<table><caption>Membri della rete</caption>
<thead><tr><th scope="col">Ente</th><th scope="col">Tipo</th><th scope="col">Ruolo</th></tr></thead>
<tbody>{% for x in r.membri %}<tr><td><a href="{{ url(page, 'enti/' ~ x.ente.id ~ '/') }}">{{ x.ente.denominazione }}</a></td><td>{{ tipo_ente(x.ente.tipo) }}</td><td>{{ x.ruolo }}</td></tr>{% endfor %}</tbody>
</table>
{% if children %}<h2 id="reti-collegate">Reti di intervento collegate</h2>
<ul>{% for c in children %}<li><a href="{{ url(page, 'reti/' ~ c.id ~ '/') }}">{{ c.denominazione }}</a></li>{% endfor %}</ul>{% endif %}
<h2 id="protocolli">Protocolli</h2>
{% if protocolli %}<ul>{% for p in protocolli %}<li><a href="{{ url(page, 'protocolli/' ~ p.id ~ '/') }}">{{ p.titolo }}</a> – <span class="ra-badge ra-badge--protocollo-{{ p.stato_effettivo or p.stato }}">{{ stati[p.stato_effettivo or p.stato] }}</span></li>{% endfor %}</ul>{% else %}<p>Nessun protocollo registrato.</p>{% endif %}"""

PROTOCOLLO_BODY = """<p class="ra-meta"><span class="ra-badge ra-badge--protocollo-{{ p.stato_effettivo or p.stato }}">{{ stati[p.stato_effettivo or p.stato] }}</span>
<span>{{ strumento }} · schema DM 93/2024, {{ "Allegato I" if p.modello == "allegato_1" else "Allegato II" }}</span></p>
{% if p.stato == "vigente" and p.stato_effettivo == "scaduto" %}
<div class="admonition danger ra-stato-calendario"><p class="admonition-title">Scaduto</p><p>Il protocollo è scaduto il {{ p.scadenza | data }}, ma la scheda lo indica ancora come vigente: va rinnovato, o la scheda aggiornata.</p></div>
{% elif p.stato == "vigente" and days_left is not none and days_left <= expiry_days %}
<div class="admonition warning"><p class="admonition-title">In scadenza</p><p>Il protocollo scade il {{ p.scadenza | data }}{% if days_left >= 0 %}, tra {{ days_left }} giorni{% endif %}: va avviato il rinnovo.</p></div>
{% elif p.stato in ("scaduto", "cessato") %}
<div class="admonition danger"><p class="admonition-title">Non più in vigore</p><p>Il protocollo è {{ stati[p.stato] | lower }}.</p></div>
{% endif %}
<p>Rete: {% if rete %}<a href="{{ url(page, 'reti/' ~ rete.id ~ '/') }}">{{ rete.denominazione }}</a>{% endif %} ·
<a href="{{ url(page, docx) }}">Documento Word da far circolare per la firma</a> ·
<a href="{{ url(page, 'api/v1/protocolli/' ~ p.id ~ '.json') }}">Dati in JSON</a></p>
<h2 id="parti">Parti</h2>
<table><caption>Parti firmatarie</caption>
<thead><tr><th scope="col">Ente</th><th scope="col">Firma per l'ente</th></tr></thead>
<tbody>{% for x in p.parti_firmatarie %}<tr><td><a href="{{ url(page, 'enti/' ~ x.ente.id ~ '/') }}">{{ x.ente.denominazione }}</a></td><td>{{ x.ruolo_firmatario }}</td></tr>{% endfor %}</tbody>
</table>
{% if p.adesioni %}<p>Adesioni successive: {% for a in p.adesioni %}<a href="{{ url(page, 'enti/' ~ a.ente ~ '/') }}">{{ names.get(a.ente, a.ente) }}</a> ({{ a.data | data }}){% if not loop.last %}, {% endif %}{% endfor %}.</p>{% endif %}
{% if p.premesse %}<h2 id="premesse">Premesse</h2>{% for x in p.premesse %}<p>{{ x }}</p>{% endfor %}{% endif %}
{% if p.riferimenti_normativi %}<h2 id="riferimenti">Riferimenti normativi</h2><ul>{% for x in p.riferimenti_normativi %}<li>{{ x }}</li>{% endfor %}</ul>{% endif %}
<h2 id="articoli">Articoli</h2>
{% for a in p.articoli %}<h3 id="art-{{ a.numero }}">Art. {{ a.numero }} – {{ a.titolo }}</h3>
{{ a.testo | testo }}
{% endfor %}
<h2 id="impegni">Impegni delle parti</h2>
{% for ente, items in impegni_per_ente %}<h3>{{ names.get(ente, ente) }}</h3>
{% if items %}<ul>{% for i in items %}<li>{{ i.descrizione }}{% if i.indicatori %} <em>Indicatori: {{ i.indicatori | join("; ") }}</em>{% endif %}{% if i.servizi %} – servizi: {% for s in i.servizi %}<a href="{{ url(page, 'servizi/' ~ s ~ '/') }}">{{ service_names.get(s, s) }}</a>{% if not loop.last %}, {% endif %}{% endfor %}{% endif %}</li>{% endfor %}</ul>{% else %}<p>Nessun impegno.</p>{% endif %}
{% endfor %}
{% if p.governance %}<h2 id="governance">Governance</h2>
{% for o in p.governance %}<h3>{{ o.denominazione }}</h3>
<p>{{ organi[o.tipo] }} · riunioni: {{ o.frequenza }}</p>
<p>Composizione: {% for c in o.composizione %}{{ names.get(c.ente, c.ente) }}{% if c.get('ruolo') %} ({{ c.ruolo }}){% endif %}{% if not loop.last %}, {% endif %}{% endfor %}.</p>
{% if o.compiti %}<p>{{ o.compiti }}</p>{% endif %}
{% endfor %}{% endif %}
{% if p.indicatori %}<h2 id="indicatori">Indicatori di monitoraggio</h2>
<table><caption>Indicatori</caption>
<thead><tr><th scope="col">Codice</th><th scope="col">Indicatore</th><th scope="col">Valore atteso</th><th scope="col">Frequenza</th></tr></thead>
<tbody>{% for i in p.indicatori %}<tr><td>{{ i.codice }}</td><td>{{ i.descrizione }}</td><td>{{ i.get('valore_atteso') or "—" }}</td><td>{{ i.get('frequenza') or "—" }}</td></tr>{% endfor %}</tbody>
</table>{% endif %}
<h2 id="durata">Durata</h2>
<dl class="ra-dl">
<dt>Sottoscrizione</dt><dd>{{ p.sottoscrizione | data if p.sottoscrizione else "—" }}</dd>
<dt>Decorrenza</dt><dd>{{ p.decorrenza | data if p.decorrenza else "—" }}</dd>
<dt>Scadenza</dt><dd>{{ p.scadenza | data if p.scadenza else "—" }}</dd>
{% if p.rinnovo %}<dt>Rinnovo</dt><dd>{{ p.rinnovo }}</dd>{% endif %}
{% if p.documento %}<dt>Documento firmato</dt><dd><a href="{{ p.documento.url }}" rel="nofollow noopener">{{ p.documento.url }}</a> (sha256 <code>{{ p.documento.sha256 }}</code>)</dd>{% endif %}
</dl>"""

ENTE_RETI = """<table><caption>Reti di cui l'ente fa parte</caption>
<thead><tr><th scope="col">Rete</th><th scope="col">Tipo</th><th scope="col">Ruolo</th></tr></thead>
<tbody>{% for r, ruolo in rows %}<tr><td><a href="{{ url(page, 'reti/' ~ r.id ~ '/') }}">{{ r.denominazione }}</a></td><td>{{ tipi[r.tipo] }}</td><td>{{ ruolo }}</td></tr>{% endfor %}</tbody>
</table>"""

ENTE_IMPEGNI = """{% for p, items in rows %}<h3><a href="{{ url(page, 'protocolli/' ~ p.id ~ '/') }}">{{ p.titolo }}</a></h3>
<p><span class="ra-badge ra-badge--protocollo-{{ p.stato_effettivo or p.stato }}">{{ stati[p.stato_effettivo or p.stato] }}</span></p>
{% if items %}<ul>{% for i in items %}<li>{{ i.descrizione }}</li>{% endfor %}</ul>{% else %}<p>Nessun impegno specifico.</p>{% endif %}
{% endfor %}"""
