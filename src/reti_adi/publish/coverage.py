"""Coverage from the catalogue alone: for each comune of an ambito, which tipologie of art. 7 (a–h) and which
aree di utenza an active service reaches, and where only sospeso or non presente records exist.

A service reaches a comune when it lists it in `comuni`, when it has a sede there, or when it has no
`comuni` (a whole-ambito service). Only the art. 7 tipologie (a–h) count, in both dimensions: they are the
social services the ambito answers for; «altro» sostegni (lavoro, salute, scuola, casa) and cessato records
are left out. A service with no aree di utenza counts for its tipologia but for no area: coverage of an
area is never claimed without the catalogue saying so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from reti_adi.catalogue.records import Catalogue
from reti_adi.catalogue.vocabularies import comuni, vocabulary
from reti_adi.gc_pause import paused_gc

TIPOLOGIE_ART7: tuple[str, ...] = tuple(code for code in vocabulary("tipologie_art7").codes if code != "altro")
AREE: tuple[str, ...] = vocabulary("aree_utenza").codes
STATI_COPERTURA: dict[str, str] = {
    "coperto": "Coperto",
    "solo_sospeso": "Solo sospeso",
    "solo_non_presente": "Solo non presente",
    "scoperto": "Scoperto",
}


@dataclass(slots=True)
class Cell:
    """The services behind one comune × tipologia (or × area) cell, by state."""

    attivi: list[str] = field(default_factory=list)
    sospesi: list[str] = field(default_factory=list)
    non_presenti: list[str] = field(default_factory=list)

    @property
    def stato(self) -> str:
        if self.attivi:
            return "coperto"
        if self.sospesi:
            return "solo_sospeso"
        if self.non_presenti:
            return "solo_non_presente"
        return "scoperto"

    def add(self, stato: str, service_id: str) -> None:
        {"attivo": self.attivi, "sospeso": self.sospesi, "non_presente": self.non_presenti}[stato].append(service_id)


@dataclass(slots=True)
class Reach:
    """One service as coverage sees it: where it reaches and how."""

    id: str
    denominazione: str
    tipologia: str
    stato: str
    aree_utenza: list[str]
    tutto_ambito: bool
    comuni_sede: list[str]
    comuni_raggiunti: list[str]


@dataclass(slots=True)
class AmbitoCoverage:
    ambito: str
    comuni: list[str]
    tipologie: dict[str, dict[str, Cell]]
    """comune -> tipologia (a–h) -> cell."""
    aree: dict[str, dict[str, Cell]]
    """comune -> area di utenza -> cell."""
    servizi: list[Reach]

    def gaps(self) -> int:
        """Comune × tipologia cells with no active service."""
        return sum(1 for row in self.tipologie.values() for cell in row.values() if cell.stato != "coperto")


def reach(servizio, ambito_comuni: list[str], members: set[str]) -> Reach:
    """members: the same comuni as a set."""
    seats = sorted({sede.comune for sede in servizio.sedi if sede.comune in members})
    listed = ambito_comuni if servizio.comuni is None else [c for c in servizio.comuni if c in members]
    served = set(listed) | set(seats)  # once, not once per comune: an ambito may have hundreds
    reached = [c for c in ambito_comuni if c in served]
    return Reach(servizio.id, servizio.denominazione, servizio.tipologia, servizio.stato, list(servizio.aree_utenza),
                 servizio.comuni is None, seats, reached)


def _ambito_coverage(ambito, services: list) -> AmbitoCoverage:
    codes = list(ambito.comuni)
    tipologie = {c: {t: Cell() for t in TIPOLOGIE_ART7} for c in codes}
    aree = {c: {a: Cell() for a in AREE} for c in codes}
    reaches = []
    members = set(codes)
    for servizio in sorted(services, key=lambda s: (s.denominazione.casefold(), s.id)):
        if servizio.stato == "cessato" or servizio.tipologia not in TIPOLOGIE_ART7:
            continue
        found = reach(servizio, codes, members)
        reaches.append(found)
        for code in found.comuni_raggiunti:
            tipologie[code][servizio.tipologia].add(servizio.stato, servizio.id)
            for area in servizio.aree_utenza:
                aree[code][area].add(servizio.stato, servizio.id)
    return AmbitoCoverage(ambito.id, codes, tipologie, aree, reaches)


_LAST: list = []
"""The last (catalogue, coverage): API, data package, pages and DOCX of one build share one computation
(each ambito used to scan every service: 600 × 10,000 at national scale, several times per build)."""


def coverage(catalogue: Catalogue) -> dict[str, AmbitoCoverage]:
    """Ambito id -> its coverage, in id order. Read-only: every caller of one build shares it."""
    if _LAST and _LAST[0] is catalogue:
        return _LAST[1]
    services: dict[str, list] = defaultdict(list)
    for record in catalogue.of("servizio").values():
        services[record.model.ambito].append(record.model)
    with paused_gc():  # 140,000 cells at national scale, and no cycles
        found = {r.id: _ambito_coverage(r.model, services.get(r.id, []))
                 for r in sorted(catalogue.of("ambito").values(), key=lambda r: r.id)}
    _LAST[:] = [catalogue, found]
    return found


def comune_name(code: str) -> str:
    return comuni()[code].denominazione


def _cell_out(cell: Cell, made: dict):
    """made: the cells already built for this document, by content. An ambito's comuni mostly share the same
    services (whole-ambito ones), so one instance serves them all: pydantic keeps an instance it is given."""
    key = (cell.stato, *cell.attivi, "", *cell.sospesi, "", *cell.non_presenti)
    out = made.get(key)
    if out is None:
        from reti_adi.publish import api_models as m

        out = made[key] = m.CellaCopertura(stato=cell.stato, attivi=cell.attivi, sospesi=cell.sospesi,
                                           non_presenti=cell.non_presenti)
    return out


def coverage_document(cov: AmbitoCoverage, header: dict):
    """The published shape of one ambito's coverage (api/v1/ambiti/{id}/copertura.json)."""
    from reti_adi.publish import api_models as m
    from reti_adi.publish.resolve import label

    made: dict = {}
    return m.CoperturaDoc(
        **header, ambito=cov.ambito,
        tipologie=[label("tipologie_art7", t) for t in TIPOLOGIE_ART7],
        aree_utenza=[label("aree_utenza", a) for a in AREE],
        comuni=[m.ComuneCopertura(codice_istat=c, denominazione=comune_name(c),
                                  tipologie={t: _cell_out(cell, made) for t, cell in cov.tipologie[c].items()},
                                  aree_utenza={a: _cell_out(cell, made) for a, cell in cov.aree[c].items()})
                for c in cov.comuni],
        servizi=[m.ServizioCopertura(id=r.id, denominazione=r.denominazione, tipologia=r.tipologia, stato=r.stato,
                                     aree_utenza=r.aree_utenza, tutto_ambito=r.tutto_ambito,
                                     comuni_sede=r.comuni_sede, comuni_raggiunti=r.comuni_raggiunti)
                 for r in cov.servizi])


def coverage_rows(catalogue: Catalogue) -> list[list]:
    """Rows of the data package's «copertura» table: one per ambito × comune × dimension × code."""
    rows = []
    for cov in coverage(catalogue).values():
        for code in cov.comuni:
            for dimension, cells in (("tipologia", cov.tipologie[code]), ("area_utenza", cov.aree[code])):
                for key, cell in cells.items():
                    rows.append([cov.ambito, code, dimension, key, cell.stato, ";".join(cell.attivi),
                                 ";".join(cell.sospesi), ";".join(cell.non_presenti)])
    return rows
