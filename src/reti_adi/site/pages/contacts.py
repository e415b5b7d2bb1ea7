"""Whom to call about a service: its own contacts, else its sede's, else its ente's; phone links.

A worker with a family in front of them needs a number and an address before anything else, and
most services in a catalogue carry no contacts of their own: the ente's switchboard is better than
«rivolgiti all'ente».
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reti_adi.catalogue.records import Catalogue
from reti_adi.catalogue.vocabularies import comuni
from reti_adi.publish import api_models as m


@dataclass
class ContactCard:
    source: str  # «servizio», «sede», «ente»
    telefono: str | None = None
    email: str | None = None
    pec: str | None = None
    sito_web: str | None = None
    ufficio: str | None = None
    addresses: list[str] = field(default_factory=list)

    @property
    def reachable(self) -> bool:
        return bool(self.telefono or self.email or self.pec)


def tel_href(number: str) -> str:
    """«051 6928111» -> «tel:+390516928111»: Italian numbers get the country code, so the link dials
    from any phone; short numbers (112, 1522) stay as they are."""
    digits = re.sub(r"[^0-9+]", "", number)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits.startswith("+") and len(digits) >= 6:
        digits = "+39" + digits
    return f"tel:{digits}"


def _with(card: ContactCard, contatti) -> ContactCard:
    for name in ("telefono", "email", "pec", "sito_web", "ufficio"):
        setattr(card, name, getattr(contatti, name, None))
    return card


def _has_any(contatti) -> bool:
    return bool(contatti and (contatti.telefono or contatti.email or contatti.pec))


def contact_card(s: m.ServizioDettaglio, catalogue: Catalogue) -> ContactCard:
    addresses = [f"{sede.indirizzo}, {sede.cap} {sede.comune}" for sede in s.sedi]
    ente = catalogue.get("ente", s.ente_erogatore.id)
    if not addresses and ente is not None and ente.sede is not None:
        name = comuni()[ente.sede.comune].denominazione if ente.sede.comune in comuni() else ente.sede.comune
        addresses = [f"{ente.sede.indirizzo}, {ente.sede.cap} {name}"]
    if _has_any(s.contatti):
        return _with(ContactCard("servizio", addresses=addresses), s.contatti)
    for sede in s.sedi:
        if _has_any(sede.contatti):
            return _with(ContactCard("sede", addresses=addresses), sede.contatti)
    if ente is not None and _has_any(ente.contatti):
        card = _with(ContactCard("ente", addresses=addresses), ente.contatti)
        card.sito_web = card.sito_web or ente.sito_web
        return card
    card = ContactCard("nessuno", addresses=addresses)
    if s.contatti:
        card.sito_web = s.contatti.sito_web
    if ente is not None:
        card.sito_web = card.sito_web or ente.sito_web
    return card
