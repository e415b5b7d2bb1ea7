"""Cross-checks of the demand files against the catalogue: every ambito, comune and servizio they name exists,
the comune belongs to the ambito, the service to the ambito and to the tipologia given, no count twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from reti_adi.catalogue.demand import DemandRow
from reti_adi.catalogue.records import Catalogue
from reti_adi.catalogue.vocabularies import comuni
from reti_adi.rules.problems import Problem
from reti_adi.rules.registry import rule


def _at(row: DemandRow, field: str, message: str, rule_name: str, *, found=None, expected=None,
        severity="errore") -> Problem:
    return Problem(row.file, row.line, row.column(field), field, message, f"domanda.{rule_name}", severity,
                   None if found is None else str(found), expected)


def _close(value: str, known) -> str:
    import difflib

    close = difflib.get_close_matches(value, sorted(known), n=1)
    return f" (forse «{close[0]}»?)" if close else ""


@rule
def demand_references(catalogue: Catalogue, today: date) -> Iterator[Problem]:
    ambiti = catalogue.of("ambito")
    servizi = catalogue.of("servizio")
    seen: dict[tuple, DemandRow] = {}
    for row in catalogue.demand:
        ambito = ambiti.get(row.ambito)
        if ambito is None:
            yield _at(row, "ambito", f"l'ambito «{row.ambito}» non esiste nel catalogo{_close(row.ambito, ambiti)}",
                      "riferimenti.ambito", found=row.ambito, expected="l'id di un file in catalogo/ambiti/")
            continue
        if row.comune is not None:
            if row.comune not in comuni():
                yield _at(row, "comune_istat", f"il codice ISTAT «{row.comune}» non corrisponde a nessun comune "
                          "italiano", "riferimenti.comune", found=row.comune,
                          expected="un codice dell'elenco ISTAT dei comuni")
            elif row.comune not in ambito.model.comuni:
                yield _at(row, "comune_istat", f"il comune {comuni()[row.comune].denominazione} ({row.comune}) non fa "
                          f"parte dell'ambito «{row.ambito}»", "riferimenti.comune-ambito", found=row.comune,
                          expected=f"un comune di catalogo/ambiti/{row.ambito}.yaml")
        tipologia = row.tipologia
        if row.servizio is not None:
            servizio = servizi.get(row.servizio)
            if servizio is None and row.servizio in catalogue.partial.get("servizio", {}):
                continue  # its own file has errors, reported there: no second error here
            if servizio is None:
                yield _at(row, "servizio", f"il servizio «{row.servizio}» non esiste nel catalogo"
                          f"{_close(row.servizio, servizi)}", "riferimenti.servizio", found=row.servizio,
                          expected="l'id di un file in catalogo/servizi/, o vuoto con la tipologia")
                continue
            s = servizio.model
            if s.ambito != row.ambito:
                yield _at(row, "servizio", f"il servizio «{row.servizio}» appartiene all'ambito «{s.ambito}», non a "
                          f"«{row.ambito}»", "riferimenti.servizio-ambito", found=row.ambito, expected=s.ambito)
            if tipologia is not None and tipologia != s.tipologia:
                yield _at(row, "tipologia", f"tipologia «{tipologia}» diversa da quella del servizio "
                          f"«{row.servizio}» («{s.tipologia}»)", "tipologia-servizio", found=tipologia,
                          expected=s.tipologia)
            if s.stato == "non_presente" and row.nuclei_attivati > 0:
                yield _at(row, "nuclei_attivati", f"{row.nuclei_attivati} nuclei attivati su un servizio che il "
                          "catalogo dice non presente: il catalogo va aggiornato, o il conteggio corretto",
                          "attivati-non-presente", found=row.nuclei_attivati, expected="0", severity="avviso")
            tipologia = s.tipologia
        key = (row.file, row.ambito, row.comune, row.servizio, None if row.servizio else tipologia)
        if key in seen:
            yield _at(row, "servizio" if row.servizio else "tipologia",
                      f"riga ripetuta: stessi ambito, comune e {'servizio' if row.servizio else 'tipologia'} della "
                      f"riga {seen[key].line}; somma i conteggi in una sola riga", "riga-duplicata",
                      expected="una riga per ambito, comune e servizio o tipologia")
        else:
            seen[key] = row
