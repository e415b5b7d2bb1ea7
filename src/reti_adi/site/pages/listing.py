"""The card and the table row of each service on the list pages, rendered once per page depth.

A service is listed on a dozen pages (each of its comuni, its ente, fonti, tipologia, area and
ambito): at national scale that is 30,000 cards and rows, most of the page-writing time. A card
or row differs between two list pages only by its relative links, and those depend only on how
deep the page lies (site/render.py up_to_root), so each is rendered by the same Jinja macro once
per depth and reused as it is.
"""

from __future__ import annotations

from markupsafe import Markup

from reti_adi.site.render import up_to_root


class ServiceListing:
    def __init__(self, env, essentials: dict):
        self._macros = env.get_template("macros.html.j2").module
        self._essentials = essentials
        self._cards: dict[tuple[str, str], Markup] = {}
        self._rows: dict[tuple[str, str, bool], Markup] = {}

    def card(self, service, page: str) -> Markup:
        key = (service.id, up_to_root(page))
        found = self._cards.get(key)
        if found is None:
            found = self._cards[key] = self._macros.service_card(service, page, self._essentials[service.id])
        return found

    def row(self, service, page: str, show_ambito: bool) -> Markup:
        key = (service.id, up_to_root(page), bool(show_ambito))
        found = self._rows.get(key)
        if found is None:
            found = self._rows[key] = self._macros.service_row(service, page, show_ambito)
        return found
