"""Resolve a service's references into the self-contained shape platforms and pages both use."""

from __future__ import annotations

from functools import cache

from reti_adi.catalogue.records import Catalogue, LoadedRecord
from reti_adi.catalogue.vocabularies import comuni, vocabulary
from reti_adi.publish import api_models as m
from reti_adi.publish.context import BuildContext
from reti_adi.publish.status import service_status


@cache
def label(vocabulary_name: str, code: str) -> m.Codice:
    return m.Codice(codice=code, etichetta=vocabulary(vocabulary_name).label(code))


def served_comuni(catalogue: Catalogue, servizio) -> list[str]:
    if servizio.comuni is not None:
        return list(servizio.comuni)
    ambito = catalogue.get("ambito", servizio.ambito)
    return list(ambito.comuni) if ambito else []


def _contatti(contatti) -> m.ContattiOut | None:
    return m.ContattiOut(**contatti.model_dump(exclude_none=True)) if contatti else None


def service_detail(catalogue: Catalogue, record: LoadedRecord, ctx: BuildContext,
                   refs: dict | None = None) -> m.ServizioDettaglio:
    """refs: the references to enti, fonti and ambiti already made for other services of the same build,
    shared (read-only) instead of made again for each of 10,000 services."""
    s = record.model
    refs = {} if refs is None else refs
    istat = comuni()
    return m.ServizioDettaglio(
        id=s.id,
        id_globale=ctx.global_id("servizio", s.id),
        denominazione=s.denominazione,
        tipologia=label("tipologie_art7", s.tipologia),
        aree_utenza=[label("aree_utenza", a) for a in s.aree_utenza],
        ente_erogatore=_ref(refs, "ente", s.ente_erogatore, catalogue, _ente_rif),
        enti_coinvolti=[m.EnteCoinvoltoRif(id=c.ente, denominazione=catalogue.get("ente", c.ente).denominazione,
                                           ruolo=c.ruolo) for c in s.enti_coinvolti],
        fonti_finanziamento=[_ref(refs, "fonte", f, catalogue, _fonte_rif) for f in s.fonti_finanziamento],
        territorio=m.Territorio(ambito=_ref(refs, "ambito", s.ambito, catalogue, _ambito_rif),
                                comuni_istat=served_comuni(catalogue, s), tutto_ambito=s.comuni is None),
        stato=s.stato,
        stato_effettivo=service_status(s, ctx.today),
        data_avvio=s.data_avvio,
        data_fine=s.data_fine,
        modalita_accesso=[label("modalita_accesso", a) for a in s.modalita_accesso],
        contatti=_contatti(s.contatti),
        ultima_verifica=s.ultima_verifica,
        url_pagina=ctx.page_url(f"servizi/{s.id}/"),
        url_json=ctx.page_url(f"api/v1/servizi/{s.id}.json"),
        descrizione=s.descrizione,
        classificazioni=[c.model_dump(by_alias=True, exclude_none=True) for c in s.classificazioni],
        sedi=[m.SedeOut(denominazione=sede.denominazione, indirizzo=sede.indirizzo, comune_istat=sede.comune,
                        comune=istat[sede.comune].denominazione, cap=sede.cap,
                        orari=[m.FasciaOrariaOut(**o.model_dump()) for o in sede.orari], note_orari=sede.note_orari,
                        lat=sede.coordinate.lat if sede.coordinate else None,
                        lon=sede.coordinate.lon if sede.coordinate else None, accessibile=sede.accessibile,
                        contatti=_contatti(sede.contatti))
              for sede in s.sedi],
        a_chi_e_rivolto=s.a_chi_e_rivolto,
        come_accedere=s.come_accedere,
        cosa_serve=s.cosa_serve,
        cosa_si_ottiene=s.cosa_si_ottiene,
        tempi=s.tempi,
        lingue=s.lingue,
        costo=m.CostoOut(**s.costo.model_dump()) if s.costo else None,
        posti_disponibili=s.posti_disponibili,
    )


def _ref(refs: dict, kind: str, record_id: str, catalogue: Catalogue, make):
    key = (kind, record_id)
    found = refs.get(key)
    if found is None:
        found = refs[key] = make(catalogue.get(kind, record_id))
    return found


def _ente_rif(ente) -> m.EnteRif:
    return m.EnteRif(id=ente.id, denominazione=ente.denominazione, tipo=ente.tipo, codice_ipa=ente.codice_ipa,
                     codice_fiscale=ente.codice_fiscale)


def _ambito_rif(ambito) -> m.AmbitoRif:
    return m.AmbitoRif(id=ambito.id, denominazione=ambito.denominazione)


def _fonte_rif(fonte) -> m.FonteRif:
    return m.FonteRif(id=fonte.id, tipo=fonte.tipo, denominazione=fonte.denominazione, cup=fonte.cup)

