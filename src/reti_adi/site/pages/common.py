"""What every generated page shares: labels, Italian dates, opening hours, the template environment."""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from markupsafe import Markup

from reti_adi.catalogue.models.common import GIORNI
from reti_adi.catalogue.vocabularies import comuni
from reti_adi.publish import api_models as m
from reti_adi.site.pages.contacts import tel_href
from reti_adi.site.render import relative_url, templates
from reti_adi.site.sedi_map import MapPoint, osm_link

STATI = {"attivo": "Attivo", "sospeso": "Sospeso", "cessato": "Cessato", "non_presente": "Non presente"}
MESI = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
        "novembre", "dicembre")
GIORNI_LABEL = dict(zip(GIORNI, ("Lunedì", "Martedì", "Mercoledì", "Giovedì", "Venerdì", "Sabato", "Domenica")))


def data_it(value: date | str) -> str:
    """«1 dicembre 2026»; the API models keep some dates as ISO text."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value.day} {MESI[value.month - 1]} {value.year}"


def verification_overdue(s: m.ServizioDettaglio, today: date) -> bool:
    """Last verified more than 12 months before the build's reference date (never the wall clock,
    never the source commit's date: a build of an old commit judges freshness as of today)."""
    return s.stato != "cessato" and s.ultima_verifica < today - timedelta(days=365)


def orari(sede: m.SedeOut) -> list[tuple[str, str]]:
    by_day: dict[str, list[str]] = defaultdict(list)
    for fascia in sede.orari:
        for giorno in fascia.giorni:
            by_day[giorno].append(f"{fascia.dalle}–{fascia.alle}")
    return [(GIORNI_LABEL[g], ", ".join(sorted(by_day[g]))) for g in GIORNI if g in by_day]


def orari_brevi(sede: m.SedeOut) -> str:
    """The week in one line, as the data groups it: «martedì e venerdì 8:30–12:30 · sabato 9:00–12:00»."""
    parts = []
    for fascia in sede.orari:
        days = [GIORNI_LABEL[g].lower() for g in GIORNI if g in fascia.giorni]
        named = days[0] if len(days) == 1 else ", ".join(days[:-1]) + " e " + days[-1]
        parts.append(f"{named} {fascia.dalle}–{fascia.alle}")
    return " · ".join(parts)


def orari_json(sede: m.SedeOut) -> str:
    """The opening hours for the page's script («aperto ora, chiude alle…»): days and HH:MM only."""
    return json.dumps([{"giorni": f.giorni, "dalle": f.dalle, "alle": f.alle} for f in sede.orari],
                      separators=(",", ":"))


def sede_address(sede: m.SedeOut) -> str:
    return f"{sede.indirizzo}, {sede.cap} {sede.comune}"


def sede_point(sede: m.SedeOut) -> MapPoint | None:
    return MapPoint(sede.lat, sede.lon) if sede.lat is not None and sede.lon is not None else None


def sede_osm(sede: m.SedeOut) -> str:
    """«Apri in OpenStreetMap»: directions are the user's choice of a link, the page itself asks nothing."""
    return osm_link(sede_address(sede), sede_point(sede))


@cache
def page_env():
    env = templates()
    env.globals.update(STATI=STATI, url=relative_url, orari=orari, orari_json=orari_json, orari_brevi=orari_brevi, tel=tel_href, osm=sede_osm,
                       comune_name=lambda code: comuni()[code].denominazione)
    env.filters["data"] = data_it
    return env


def title_json(text: str) -> str:
    """Front-matter title: mkdocs themes print it without escaping, so it is escaped here."""
    return json.dumps(html.escape(" ".join(text.split())), ensure_ascii=False)


def by_name(services: Iterable[m.ServizioDettaglio]) -> list[m.ServizioDettaglio]:
    return sorted(services, key=lambda s: (s.denominazione.casefold(), s.id))


@dataclass
class Section:
    heading: str | None = None
    anchor: str | None = None
    html: Markup | None = None
    services: list | None = None
    caption: str = ""


@cache
def compiled(template: str):
    return page_env().from_string(template)


def fragment(template: str, **values) -> Markup:
    return Markup(compiled(template).render(**values))
