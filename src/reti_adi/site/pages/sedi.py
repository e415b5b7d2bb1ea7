"""«Dove sono le sedi»: an ambito's places on a map and in a list, nearest first from a chosen comune.

Several services often share one address (the sportello sociale and the segretariato in the same
town hall): the list has one entry per address, naming the services found there. Sorting by distance
happens in the browser from points shipped in the page, so choosing a comune sends nothing anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from reti_adi.publish import api_models as m
from reti_adi.site.pages.common import fragment, sede_address, sede_point
from reti_adi.site.sedi_map import ATTRIBUTION, MapPoint, comune_points, osm_link, sedi_svg


@dataclass
class Place:
    anchor: str
    name: str
    address: str
    comune: str
    comune_istat: str
    point: MapPoint | None
    """The sede's own coordinates, when its scheda has them."""
    services: list[m.ServizioDettaglio] = field(default_factory=list)

    @property
    def osm(self) -> str:
        return osm_link(self.address, self.point)

    @property
    def where(self) -> MapPoint | None:
        """What distances are measured from: the sede, else a point inside its comune."""
        return self.point or comune_points().get(self.comune_istat)


def places(services: list[m.ServizioDettaglio]) -> list[Place]:
    """One entry per address, in the order of comune and address; cessati and non presenti have no door."""
    found: dict[tuple[str, str], Place] = {}
    for s in sorted(services, key=lambda s: (s.denominazione.casefold(), s.id)):
        if (s.stato_effettivo or s.stato) in ("cessato", "non_presente"):
            continue
        for sede in s.sedi:
            key = (sede.comune_istat, " ".join(sede.indirizzo.casefold().split()))
            place = found.get(key)
            if place is None:
                place = found[key] = Place("", sede.denominazione or sede.indirizzo, sede_address(sede),
                                           sede.comune, sede.comune_istat, sede_point(sede))
            elif place.point is None:
                place.point = sede_point(sede)
            if all(other.id != s.id for other in place.services):
                place.services.append(s)
    ordered = sorted(found.values(), key=lambda p: (p.comune.casefold(), p.address.casefold()))
    for index, place in enumerate(ordered, 1):
        place.anchor = f"sede-{index}"
    return ordered


def sedi_section(services: list[m.ServizioDettaglio], comuni: list[tuple[str, str]], page: str,
                 title: str) -> Markup:
    """The map, the distance control and the list, for the comuni (code, name) of one ambito."""
    found = places(services)
    svg = sedi_svg(comuni, [p.point for p in found if p.point is not None], title)
    points = comune_points()
    origins = [(code, name, points[code]) for code, name in comuni if code in points]
    return fragment(SEDI, places=found, svg=svg, origins=origins, page=page, attribution=ATTRIBUTION,
                    with_coordinates=sum(1 for p in found if p.point is not None))


SEDI = """{% from "macros.html.j2" import badge %}
{% if places %}
<figure class="ra-figura ra-mappa-figura">
{% if svg %}{{ svg }}{% endif %}
<figcaption><span class="ra-mappa__legenda"><span class="ra-mappa__segno ra-mappa__segno--sede" aria-hidden="true"></span> sede di servizi
<span class="ra-mappa__segno ra-mappa__segno--comune" aria-hidden="true"></span> comune dell'ambito</span>
Mappa disegnata dal catalogo al momento della pubblicazione: la pagina non chiede nulla ad altri siti.
{% if with_coordinates < places | length %}Sedi sulla mappa: {{ with_coordinates }} su {{ places | length }} (le altre non hanno coordinate nella scheda).{% endif %}
{{ attribution }}.</figcaption>
</figure>
{% if origins %}<p class="ra-sedi-ordina" hidden><label for="ra-sedi-da">Ordina le sedi per distanza da</label>
<select id="ra-sedi-da"><option value="">nessuno: per comune e indirizzo</option>
{% for code, name, point in origins %}<option value="{{ code }}" data-lat="{{ point.lat }}" data-lon="{{ point.lon }}">{{ name }}</option>{% endfor %}
</select><br><span class="ra-sedi__nota">Distanze in linea d'aria da un punto interno ai confini del comune, che non è sempre il centro abitato.</span></p>
<p id="ra-sedi-stato" class="ra-sr-only" role="status"></p>{% endif %}
<ol class="ra-sedi" id="ra-sedi">
{% for p in places %}<li id="{{ p.anchor }}"{% if p.where %} data-lat="{{ p.where.lat }}" data-lon="{{ p.where.lon }}"{% endif %}>
<h3 class="ra-sedi__nome">{{ p.name }}</h3>
<p>{{ p.address }} <span class="ra-sedi__distanza" hidden></span></p>
<ul class="ra-sedi__servizi">{% for s in p.services %}<li><a href="{{ url(page, 'servizi/' ~ s.id ~ '/') }}">{{ s.denominazione }}</a>{% if (s.stato_effettivo or s.stato) != "attivo" %} {{ badge(s.stato_effettivo or s.stato) }}{% endif %}</li>{% endfor %}</ul>
<p><a href="{{ p.osm }}" rel="nofollow noopener" class="ra-osm">Apri in OpenStreetMap<span class="ra-sr-only"> {{ p.name }} (sito esterno)</span></a></p>
</li>
{% endfor %}</ol>
<script type="module" src="{{ url(page, 'assets/reti-adi/sedi.js') }}"></script>
{% else %}
<p>Nessuna sede aperta al pubblico nel catalogo: i servizi si attivano con i canali indicati nelle loro schede.</p>
{% endif %}"""
