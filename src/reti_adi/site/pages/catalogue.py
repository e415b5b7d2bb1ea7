"""Generate the catalogue's pages (Markdown files with escaped HTML bodies) from the resolved services."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from markupsafe import Markup

from reti_adi.catalogue.records import Catalogue
from reti_adi.catalogue.vocabularies import comuni, vocabulary
from reti_adi.publish import api_models as m
from reti_adi.publish.context import BuildContext
from reti_adi.site.jsonld import jsonld_inputs, service_jsonld
from reti_adi.site.pages.contacts import contact_card
from reti_adi.site.pages.inputs import InputDigester, Lazy, Unkeyable
from reti_adi.site.pages.listing import ServiceListing
from reti_adi.site.pages.report import ReportChannels, report_channels
from reti_adi.site.pages.sedi import sedi_section
from reti_adi.site.pages.common import (Section, by_name, data_it, fragment, page_env, title_json,
                                        verification_overdue)
from reti_adi.site.pages.planning import write_planning_pages
from reti_adi.site.pages.protocols import ente_sections, write_protocol_pages


@dataclass(frozen=True, slots=True)
class Essentials:
    telefono: str | None
    place: str
    overdue: bool


class PageWriter:
    """Collects path -> Markdown text for every generated page."""

    def __init__(self, catalogue: Catalogue, details: dict[str, m.ServizioDettaglio], ctx: BuildContext,
                 protocols=None, select=None, defer=None):
        """select(path) -> bool: render only some pages (each site-build process renders its share).
        defer(path) -> bool: keep those pages' template and values in `deferred` instead of rendering them,
        so a rebuild can look each one up by input_digest() and render (render_deferred) only the misses."""
        self.select = select
        self.defer = defer
        self.catalogue = catalogue
        self.details = details
        self.ctx = ctx
        self.protocols = protocols
        self.pages: dict[str, str] = {}
        self.deferred: dict[str, tuple[str, dict]] = {}
        self.env = page_env()
        self._digester: InputDigester | None = None

    def wanted(self, path: str) -> bool:
        """Whether this writer renders the page: ask before computing what only that page needs."""
        return self.select is None or self.select(path)

    def render(self, path: str, template: str, **values) -> None:
        if not self.wanted(path):
            return
        url = path.removesuffix(".md").removesuffix("index").rstrip("/") + "/" if path != "index.md" else ""
        values["page"] = "" if url == "/" else url
        if self.defer is not None and self.defer(path):
            self.deferred[path] = (template, values)
        else:
            self.pages[path] = self.env.get_template(template).render(**values)

    def render_deferred(self, path: str) -> str:
        template, values = self.deferred.pop(path)
        return self.env.get_template(template).render(**values)

    def input_digest(self, path: str) -> str | None:
        """What a deferred page is rendered from, digested (site/pages/inputs.py); None: it has no key."""
        if self._digester is None:
            # a list page's card of a service also shows its essentials: part of that service's input
            self._digester = InputDigester(
                extra=lambda model: (self.essentials.get(model.id) if isinstance(model, m.ServizioDettaglio)
                                     else None),
                constants=(ServiceListing,))
        template, values = self.deferred[path]
        try:
            return self._digester.digest(template, values)
        except Unkeyable:
            return None

    def lista(self, path: str, title: str, sections: list[Section], intro: Markup | None = None,
              show_ambito: bool = False) -> None:
        self.render(path, "lista.html.j2", title=title, title_json=title_json(title), intro=intro, sections=sections,
                    show_ambito=show_ambito, listing=self.listing)

    @cached_property
    def listing(self) -> ServiceListing:
        return ServiceListing(self.env, self.essentials)

    @cached_property
    def in_name_order(self) -> list[m.ServizioDettaglio]:
        """Every service, by_name: the lists of a page are filtered from it, already in order, instead of
        each being sorted again (thousands of comuni pages sorted by a casefolded name cost 0.4 s a process)."""
        return by_name(self.details.values())

    @cached_property
    def essentials(self) -> dict[str, Essentials]:
        """Per service, what a list's card shows on a phone besides name, ente and status."""
        out = {}
        for s in self.details.values():
            card = contact_card(s, self.catalogue)
            out[s.id] = Essentials(card.telefono, _place(s), verification_overdue(s, self.ctx.today))
        return out

    def indice(self, path: str, title: str, caption: str, headers: list[str], rows: list[dict],
               intro: str | None = None) -> None:
        self.render(path, "indice.html.j2", title=title, title_json=title_json(title), caption=caption,
                    headers=headers, rows=rows, intro=intro)

    def write_all(self) -> dict[str, str]:
        if self.protocols is not None:
            self.extra_providers = [ente_sections(self.protocols)]
            write_protocol_pages(self, self.protocols)
        self.services()
        self.by_tipologia()
        self.by_area()
        self.enti()
        self.fonti()
        self.ambiti()
        write_planning_pages(self)
        self.comuni()
        self.da_verificare()
        self.segnala()
        self.lista("lista.md", "Lista per la famiglia", [], fragment(LISTA_BODY, page="lista/"))
        return self.pages

    def services(self) -> None:
        default = report_channels(self.catalogue)
        for s in self.details.values():
            if not self.wanted(f"servizi/{s.id}.md"):
                continue
            channel = self.ctx.report_channel(s.id)  # a portal's service: its source's channel and local id
            channels, reported = (ReportChannels(channel[0], channel[1]), channel[2]) if channel else (default, s.id)
            self.render(f"servizi/{s.id}.md", "servizio.html.j2", s=s, title_json=title_json(s.denominazione),
                        jsonld=Lazy(service_jsonld, *jsonld_inputs(s, self.ctx, self.catalogue)),
                        origine=self.ctx.source_page(s.id),
                        card=contact_card(s, self.catalogue), overdue=verification_overdue(s, self.ctx.today), place=_place(s),
                        report_form=channels.form_link(reported, s.denominazione),
                        report_mail=channels.mail_link(reported, s.denominazione))

    def _grouped_by_tipologia(self, services: list[m.ServizioDettaglio], caption: str) -> list[Section]:
        """services: in name order (filtered from in_name_order), and so is each section."""
        groups: dict[str, list] = defaultdict(list)
        for s in services:
            groups[s.tipologia.codice].append(s)
        sections = []
        for code in vocabulary("tipologie_art7").codes:
            if code in groups:
                label = vocabulary("tipologie_art7").label(code)
                sections.append(Section(label, f"tipologia-{code}", services=groups[code],
                                        caption=f"{caption}: {label}"))
        return sections

    def by_tipologia(self) -> None:
        voc = vocabulary("tipologie_art7")
        groups: dict[str, list] = defaultdict(list)
        for s in self.in_name_order:
            groups[s.tipologia.codice].append(s)
        rows = []
        for code, entry in voc.entries.items():
            services = groups.get(code, [])
            title = entry["etichetta"]
            intro = fragment("<p>{{ d }}</p><p>Fonte: art. 7, comma 1, D.Lgs. 147/2017{% if code != 'altro' %}, "
                          "lettera {{ code }}{% endif %}.</p>", d=entry.get("descrizione", ""), code=code)
            self.lista(f"tipologie/{code}.md", title, [Section(services=services, caption=f"Servizi: {title}")],
                       intro, show_ambito=True)
            rows.append({"href": f"tipologie/{code}/", "label": title,
                         "cells": ["altro" if code == "altro" else f"lettera {code}", len(services)]})
        self.indice("tipologie/index.md", "Servizi per tipologia", "Tipologie di sostegno",
                    ["Tipologia", "Art. 7 c. 1", "Servizi"], rows,
                    "Le tipologie dell'art. 7 del D.Lgs. 147/2017 e gli altri sostegni (lavoro, salute, scuola, casa).")

    def by_area(self) -> None:
        voc = vocabulary("aree_utenza")
        groups: dict[str, list] = defaultdict(list)
        for s in self.in_name_order:
            for a in s.aree_utenza:
                groups[a.codice].append(s)
        rows = []
        for code, entry in voc.entries.items():
            services = groups.get(code, [])
            self.lista(f"aree/{code}.md", f"Area di utenza: {entry['etichetta']}",
                       self._grouped_by_tipologia(services, "Servizi") or [Section(services=[])], show_ambito=True)
            rows.append({"href": f"aree/{code}/", "label": entry["etichetta"], "cells": [code, len(services)]})
        self.indice("aree/index.md", "Servizi per area di utenza", "Aree di utenza ISTAT",
                    ["Area", "Codice ISTAT", "Servizi"], rows)

    def enti(self) -> None:
        erogati: dict[str, list] = defaultdict(list)
        coinvolto: dict[str, list] = defaultdict(list)
        for s in self.in_name_order:
            erogati[s.ente_erogatore.id].append(s)
            for e in s.enti_coinvolti:
                coinvolto[e.id].append(s)
        rows = []
        for record in sorted(self.catalogue.of("ente").values(), key=lambda r: r.model.denominazione.casefold()):
            e = record.model
            if self.wanted(f"enti/{e.id}.md"):  # the other processes' enti: only their row here
                self._ente(e, erogati.get(e.id, []), coinvolto.get(e.id))
            rows.append({"href": f"enti/{e.id}/", "label": e.denominazione,
                         "cells": [vocabulary("tipi_ente").label(e.tipo), len(erogati.get(e.id, []))]})
        self.indice("enti/index.md", "Enti", "Enti erogatori e partner", ["Ente", "Tipo", "Servizi erogati"], rows)

    def _ente(self, e, erogati: list, coinvolto: list | None) -> None:
        intro = Lazy(ente_intro, e, f"enti/{e.id}/")
        sections = [Section("Servizi erogati", "servizi-erogati", services=erogati,
                            caption=f"Servizi erogati da {e.denominazione}")]
        if coinvolto:
            sections.append(Section("Servizi a cui partecipa", "servizi-partecipati", services=coinvolto,
                                    caption=f"Servizi a cui partecipa {e.denominazione}"))
        sections.extend(self.extra_ente_sections(e.id))
        self.lista(f"enti/{e.id}.md", e.denominazione, sections, intro, show_ambito=True)

    def extra_ente_sections(self, ente_id: str) -> list[Section]:
        """Sections other modules (networks and protocols) add to an ente's page."""
        return [section for provider in getattr(self, "extra_providers", []) for section in provider(self, ente_id)]

    def fonti(self) -> None:
        groups: dict[str, list] = defaultdict(list)
        for s in self.in_name_order:
            for f in s.fonti_finanziamento:
                groups[f.id].append(s)
        rows = []
        for record in sorted(self.catalogue.of("fonte").values(), key=lambda r: r.model.denominazione.casefold()):
            f = record.model
            intro = fragment(FONTE_INTRO, f=f, tipo=vocabulary("tipi_fonte").label(f.tipo))
            services = groups.get(f.id, [])
            self.lista(f"fonti/{f.id}.md", f.denominazione,
                       [Section("Servizi finanziati", "servizi", services=services,
                                caption=f"Servizi finanziati da {f.denominazione}")], intro, show_ambito=True)
            period = f"{data_it(f.periodo.inizio)} – {data_it(f.periodo.fine) if f.periodo.fine else 'in corso'}"
            rows.append({"href": f"fonti/{f.id}/", "label": f.denominazione,
                         "cells": [vocabulary("tipi_fonte").label(f.tipo), period, len(services)]})
        self.indice("fonti/index.md", "Fonti di finanziamento", "Fonti di finanziamento",
                    ["Fonte", "Tipo", "Periodo", "Servizi"], rows)

    def ambiti(self) -> None:
        by_ambito: dict[str, list] = defaultdict(list)  # the map's sedi, in the catalogue's order
        for s in self.details.values():
            by_ambito[s.territorio.ambito.id].append(s)
        named: dict[str, list] = defaultdict(list)  # the lists, in name order
        for s in self.in_name_order:
            named[s.territorio.ambito.id].append(s)
        rows = []
        for record in sorted(self.catalogue.of("ambito").values(), key=lambda r: r.model.denominazione.casefold()):
            a = record.model
            services = by_ambito.get(a.id, [])
            present = [s for s in services if s.stato != "non_presente"]
            missing = [s for s in named.get(a.id, []) if s.stato == "non_presente"]
            capofila = self.catalogue.get("ente", a.ente_capofila)
            page = f"ambiti/{a.id}/"
            comuni_list = [(c, comuni()[c].denominazione) for c in a.comuni]
            intro = Lazy(ambito_intro, a, capofila, page, len(missing), comuni_list)
            where = Section("Dove sono le sedi", "sedi", html=Lazy(
                sedi_section, present, comuni_list, page, f"Mappa delle sedi dei servizi dell'ambito {a.denominazione}"))
            self.lista(f"ambiti/{a.id}.md", a.denominazione,
                       (self._grouped_by_tipologia([s for s in named.get(a.id, []) if s.stato != "non_presente"],
                                                   "Servizi dell'ambito") or [Section(services=[])])
                       + [where], intro)
            intro_missing = Lazy(missing_intro, a, f"ambiti/{a.id}/non-presenti/")
            self.lista(f"ambiti/{a.id}/non-presenti.md", f"Servizi non presenti – {a.denominazione}",
                       [Section(services=missing, caption="Sostegni necessari ma non presenti")], intro_missing)
            rows.append({"href": page, "label": a.denominazione,
                         "cells": [a.regione, len(a.comuni), len(present),
                                   Markup('<a href="{}">{}</a>').format(f"{a.id}/non-presenti/", len(missing))]})
        self.indice("ambiti/index.md", "Ambiti territoriali", "Ambiti territoriali sociali",
                    ["Ambito", "Regione", "Comuni", "Servizi", "Non presenti"], rows)

    def da_verificare(self) -> None:
        rows = _freshness_rows(self)
        names = {r.id: r.model.denominazione for r in self.catalogue.of("ente").values()}
        intro = fragment(VERIFICARE_INTRO, today=self.ctx.today, total=sum(len(v) for v in rows.values()))
        sections = [Section(names.get(ente, ente), f"ente-{ente}",
                            html=fragment(VERIFICARE_TABLE, rows=items, page="da-verificare/", ente=ente,
                                       name=names.get(ente, ente)))
                    for ente, items in sorted(rows.items(), key=lambda kv: names.get(kv[0], kv[0]).casefold())]
        self.lista("da-verificare.md", "Da verificare", sections, intro)

    def segnala(self) -> None:
        channels = report_channels(self.catalogue)
        self.lista("segnala.md", "Segnala un errore", [], fragment(SEGNALA_INTRO, channels=channels, page="segnala/"))

    def comuni(self) -> None:
        by_comune: dict[str, list] = defaultdict(list)
        for s in self.in_name_order:
            if s.stato == "cessato":
                continue
            for code in s.territorio.comuni_istat:
                by_comune[code].append(s)
        codes = sorted({c for r in self.catalogue.of("ambito").values() for c in r.model.comuni},
                       key=lambda c: (comuni()[c].denominazione.casefold(), c))  # Livo (CO), Livo (TN)
        ambito_of = {c: r.model for r in self.catalogue.of("ambito").values() for c in r.model.comuni}
        rows = []
        for code in codes:
            comune = comuni()[code]
            services = by_comune.get(code, [])
            if self.wanted(f"comuni/{code}.md"):  # the other processes' comuni: only their row here
                intro = Lazy(comune_intro, code, ambito_of[code], f"comuni/{code}/")
                self.lista(f"comuni/{code}.md", f"Servizi a {comune.denominazione}",
                           self._grouped_by_tipologia(services, f"Servizi a {comune.denominazione}")
                           or [Section(services=[])], intro)
            rows.append({"href": f"comuni/{code}/", "label": comune.denominazione,
                         "cells": [comune.sigla_provincia, code, ambito_of[code].denominazione, len(services)]})
        self.indice("comuni/index.md", "Comuni", "Comuni del catalogo",
                    ["Comune", "Provincia", "Codice ISTAT", "Ambito", "Servizi"], rows)


def ambito_intro(a, capofila, page: str, missing: int, comuni_list: list[tuple[str, str]]) -> Markup:
    """An ambito page's intro: Lazy, made only if the page is rendered (each process sees all 600 ambiti)."""
    return fragment(AMBITO_INTRO, a=a, capofila=capofila, page=page, missing=missing, comuni_list=comuni_list)


def missing_intro(a, page: str) -> Markup:
    """The intro of an ambito's «non presenti» page: Lazy, as ambito_intro."""
    return fragment(MISSING_INTRO, a=a, page=page)


def comune_intro(code: str, ambito, page: str) -> Markup:
    """A comune page's intro: Lazy, made only if the page is rendered (thousands of comuni)."""
    return fragment(COMUNE_INTRO, comune=comuni()[code], ambito=ambito, page=page)


def ente_intro(e, page: str) -> Markup:
    """An ente page's intro: Lazy, made only if the page is rendered (thousands of enti)."""
    return fragment(ENTE_INTRO, e=e, tipo=vocabulary("tipi_ente").label(e.tipo),
                    comune=comuni()[e.sede.comune].denominazione if e.sede else None, page=page,
                    runts_sezioni=RUNTS_SEZIONI)


def _place(s: m.ServizioDettaglio) -> str:
    """Where the service is, in a few words for a search result: its sedi's comuni, else the area served."""
    names = list(dict.fromkeys(sede.comune for sede in s.sedi))
    if names:
        return ", ".join(names)
    if s.territorio.tutto_ambito:
        return f"tutto l'ambito {s.territorio.ambito.denominazione}"
    served = [comuni()[c].denominazione for c in s.territorio.comuni_istat]
    return ", ".join(served[:3]) + (f" e altri {len(served) - 3}" if len(served) > 3 else "")


def _freshness_rows(writer: "PageWriter") -> dict[str, list[tuple[str, str, str, str]]]:
    """Per ente: (what to check, link label, link target, detail)."""
    from datetime import timedelta

    today = writer.ctx.today
    rows: dict[str, list] = defaultdict(list)
    for s in writer.details.values():
        if verification_overdue(s, today):
            rows[s.ente_erogatore.id].append(("Informazioni non verificate da oltre 12 mesi", s.denominazione,
                                              f"servizi/{s.id}/", f"ultima verifica {data_it(s.ultima_verifica)}"))
    for record in writer.catalogue.of("fonte").values():
        f = record.model
        if f.periodo.fine and f.periodo.fine < today:
            for s in writer.details.values():
                if s.stato in ("attivo", "sospeso") and any(x.id == f.id for x in s.fonti_finanziamento):
                    rows[s.ente_erogatore.id].append(("Fonte di finanziamento terminata", s.denominazione,
                                                      f"servizi/{s.id}/",
                                                      f"{f.denominazione}, terminata il {data_it(f.periodo.fine)}"))
    if writer.protocols is not None:
        for p in writer.protocols.protocolli.values():
            if p.stato == "vigente" and p.scadenza and p.scadenza <= today + timedelta(days=60):
                for parte in p.parti:
                    rows[parte].append(("Protocollo in scadenza", p.titolo, f"protocolli/{p.id}/",
                                        f"scadenza {data_it(p.scadenza)}"))
    return rows


RUNTS_SEZIONI = {"odv": "Organizzazioni di volontariato", "aps": "Associazioni di promozione sociale",
                 "enti_filantropici": "Enti filantropici", "imprese_sociali": "Imprese sociali",
                 "reti_associative": "Reti associative", "societa_mutuo_soccorso": "Società di mutuo soccorso",
                 "altri_ets": "Altri enti del Terzo settore"}

ENTE_INTRO = """<dl class="ra-dl">
<dt>Tipo</dt><dd>{{ tipo }}</dd>
{% if e.codice_fiscale %}<dt>Codice fiscale</dt><dd>{{ e.codice_fiscale }}</dd>{% endif %}
{% if e.codice_ipa %}<dt>Codice IPA</dt><dd>{{ e.codice_ipa }}</dd>{% endif %}
{% if e.runts %}<dt>RUNTS</dt><dd>n. {{ e.runts.numero_repertorio }}, sezione «{{ runts_sezioni[e.runts.sezione] }}»</dd>{% endif %}
{% if e.sede %}<dt>Sede</dt><dd>{{ e.sede.indirizzo }}, {{ e.sede.cap }} {{ comune }}</dd>{% endif %}
{% if e.sito_web %}<dt>Sito</dt><dd><a href="{{ e.sito_web }}" rel="nofollow noopener">{{ e.sito_web }}</a></dd>{% endif %}
{% if e.contatti and e.contatti.telefono %}<dt>Telefono</dt><dd>{{ e.contatti.telefono }}</dd>{% endif %}
{% if e.contatti and e.contatti.email %}<dt>Email</dt><dd><a href="mailto:{{ e.contatti.email }}">{{ e.contatti.email }}</a></dd>{% endif %}
</dl>
{% if e.descrizione %}{{ e.descrizione | testo }}{% endif %}"""

FONTE_INTRO = """<dl class="ra-dl">
<dt>Tipo</dt><dd>{{ tipo }}</dd>
{% if f.programma %}<dt>Programma</dt><dd>{{ f.programma }}</dd>{% endif %}
<dt>Periodo</dt><dd>dal {{ f.periodo.inizio | data }}{% if f.periodo.fine %} al {{ f.periodo.fine | data }}{% endif %}</dd>
{% if f.cup %}<dt>CUP</dt><dd>{{ f.cup }}</dd>{% endif %}
</dl>
{% if f.note %}{{ f.note | testo }}{% endif %}"""

AMBITO_INTRO = """<dl class="ra-dl">
<dt>Regione</dt><dd>{{ a.regione }}</dd>
<dt>Ente capofila</dt><dd><a href="{{ url(page, 'enti/' ~ a.ente_capofila ~ '/') }}">{{ capofila.denominazione }}</a></dd>
{% for c in a.codici_esterni %}<dt>Codice ({{ c.sistema }})</dt><dd>{{ c.codice }}</dd>{% endfor %}
</dl>
{% if a.descrizione %}{{ a.descrizione | testo }}{% endif %}
<h2 id="comuni">Comuni</h2>
<ul class="ra-comuni">{% for code, name in comuni_list %}<li><a href="{{ url(page, 'comuni/' ~ code ~ '/') }}">{{ name }}</a></li>{% endfor %}</ul>
<p><a href="#sedi">Dove sono le sedi: mappa ed elenco</a></p>
<p><a href="{{ url(page, 'ambiti/' ~ a.id ~ '/non-presenti/') }}">Servizi necessari ma non presenti nell'ambito: {{ missing }}</a> ·
<a href="{{ url(page, 'api/v1/ambiti/' ~ a.id ~ '/sostegni.json') }}">Sostegni dell'ambito in JSON</a></p>"""

MISSING_INTRO = """<p>Sostegni che servono ai nuclei dell'ambito <a href="{{ url(page, 'ambiti/' ~ a.id ~ '/') }}">{{ a.denominazione }}</a>
ma che oggi non sono disponibili sul territorio. I case manager li registrano nei Patti come «sostegni non presenti»:
questa pagina rende visibile la domanda inevasa a chi programma i servizi.</p>"""

COMUNE_INTRO = """<p>Servizi attivi, sospesi o necessari ma non presenti per chi vive a {{ comune.denominazione }}
({{ comune.sigla_provincia }}, codice ISTAT {{ comune.codice_istat }}), nell'ambito
<a href="{{ url(page, 'ambiti/' ~ ambito.id ~ '/') }}">{{ ambito.denominazione }}</a>.</p>
<p><a href="{{ url(page, 'ambiti/' ~ ambito.id ~ '/') }}?da={{ comune.codice_istat }}#sedi">Le sedi dell'ambito, dalla più vicina a {{ comune.denominazione }}</a></p>"""

VERIFICARE_INTRO = """<p>Le informazioni che ogni ente dovrebbe confermare al segretariato sociale, alla data del
{{ today | data }}: servizi non verificati da oltre 12 mesi, servizi finanziati da fonti terminate e protocolli
in scadenza entro 60 giorni. {% if total %}Da verificare: {{ total }}.{% else %}Non c'è nulla da verificare.{% endif %}</p>"""

LISTA_BODY = """<p>I servizi scelti per una famiglia mentre consulti il catalogo, con recapiti, indirizzo, orari e
che cosa portare: da stampare e consegnare, o da condividere con un collegamento. La lista contiene solo i servizi:
resta in questo browser e nel collegamento, non viene inviata a nessun server. Non aggiungere nomi o altri dati
della famiglia.</p>
<p id="ra-lista-nota" role="status"></p>
<p class="ra-lista-comandi"><button type="button" id="ra-lista-stampa" class="md-button md-button--primary">Stampa la lista</button>
<button type="button" id="ra-lista-salva" class="md-button" hidden>Salva questa lista in questo browser</button>
<button type="button" id="ra-lista-svuota" class="md-button" hidden>Svuota la lista</button></p>
<p class="ra-lista-condividi"><label for="ra-lista-link">Collegamento per condividere la lista</label>
<input id="ra-lista-link" type="text" readonly>
<button type="button" id="ra-lista-copia" class="md-button">Copia il collegamento</button></p>
<ol id="ra-lista" class="ra-lista"></ol>
<noscript><p>La lista richiede JavaScript: puoi stampare le pagine dei singoli servizi.</p></noscript>
<script type="module" src="{{ url(page, 'assets/reti-adi/lista.js') }}" data-ra-lista="{{ url(page, '') }}"></script>"""

SEGNALA_INTRO = """<p>Un orario cambiato, un telefono che non risponde, un servizio sospeso o chiuso: segnalalo a chi
cura il catalogo, che verifica con l'ente e corregge la scheda. Dalla pagina di ogni servizio il collegamento
«Segnala un errore» indica già di quale servizio si tratta.</p>
{% if channels.url %}<p><a href="{{ channels.url | replace('{servizio}', '') }}" rel="nofollow noopener">Modulo per le segnalazioni</a></p>{% endif %}
{% if channels.email %}<p>Email: <a href="mailto:{{ channels.email }}">{{ channels.email }}</a></p>{% endif %}
{% if not channels.any %}<p>Scrivi all'ente che pubblica il catalogo, indicato nella pagina <a href="{{ url(page, 'licenza/') }}">Licenza e note legali</a>.</p>{% endif %}
<p>Non scrivere nella segnalazione dati personali delle persone che segui: basta il nome del servizio e che cosa
non è corretto. Le stesse vie valgono per segnalare un ostacolo di accessibilità del sito (vedi la
<a href="{{ url(page, 'accessibilita/') }}">dichiarazione di accessibilità</a>).</p>"""

VERIFICARE_TABLE = """<p><a href="{{ url(page, 'enti/' ~ ente ~ '/') }}">Scheda dell'ente</a></p>
<table><caption>Da verificare per {{ name }}</caption>
<thead><tr><th scope="col">Cosa</th><th scope="col">Scheda</th><th scope="col">Dettaglio</th></tr></thead>
<tbody>{% for what, label, href, detail in rows %}<tr><td>{{ what }}</td><td><a href="{{ url(page, href) }}">{{ label }}</a></td><td>{{ detail }}</td></tr>{% endfor %}</tbody>
</table>"""
