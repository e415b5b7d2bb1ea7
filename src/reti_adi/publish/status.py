"""Statuses the calendar decides, computed at build time from the reference date.

A catalogue that passed yesterday passes today: when a service's end date or a protocol's expiry
goes by, the check only warns, and the publication shows what is true on the reference date
(`stato_effettivo`, with `data_riferimento` in every document) while the file still says what the
ente last wrote.
"""

from __future__ import annotations

from datetime import date


def service_status(servizio, today: date) -> str:
    """«cessato» once the end date has passed, whatever the file still says."""
    if servizio.stato in ("attivo", "sospeso") and servizio.data_fine is not None and servizio.data_fine < today:
        return "cessato"
    return servizio.stato


def protocol_status(protocollo, today: date) -> str:
    """«scaduto» once a protocol marked vigente is past its expiry."""
    scadenza = protocollo.date.scadenza
    if protocollo.stato == "vigente" and scadenza is not None and scadenza < today:
        return "scaduto"
    return protocollo.stato


def funding_status(fonte, today: date) -> str:
    return "terminata" if fonte.periodo.fine is not None and fonte.periodo.fine < today else "attiva"
