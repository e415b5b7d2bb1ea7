"""Networks and protocols in the JSON API: reti.json, protocolli.json, protocolli/{id}.json."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from reti_adi.catalogue.models.protocolli import STRUMENTI
from reti_adi.catalogue.records import Catalogue
from reti_adi.publish import api_models as m
from reti_adi.publish.context import BuildContext
from reti_adi.publish.status import protocol_status


@dataclass(slots=True)
class ProtocolPublication:
    reti: list[m.ReteOut] = field(default_factory=list)
    protocolli: dict[str, m.ProtocolloDettaglio] = field(default_factory=dict)


def _ente(catalogue: Catalogue, ente_id: str) -> m.EnteRif:
    e = catalogue.get("ente", ente_id)
    return m.EnteRif(id=e.id, denominazione=e.denominazione, tipo=e.tipo, codice_ipa=e.codice_ipa,
                     codice_fiscale=e.codice_fiscale)


def docx_path(protocol_id: str) -> str:
    return f"documenti/protocolli/{protocol_id}.docx"


def protocol_detail(catalogue: Catalogue, record, ctx: BuildContext) -> m.ProtocolloDettaglio:
    p = record.model
    return m.ProtocolloDettaglio(
        id=p.id, id_globale=ctx.global_id("protocollo", p.id), titolo=p.titolo, rete=p.rete, modello=p.modello,
        strumento=m.Codice(codice=p.strumento, etichetta=STRUMENTI[p.strumento]), stato=p.stato,
        stato_effettivo=protocol_status(p, ctx.today),
        sottoscrizione=p.date.sottoscrizione, decorrenza=p.date.decorrenza, scadenza=p.date.scadenza,
        parti=[parte.ente for parte in p.parti],
        url_pagina=ctx.page_url(f"protocolli/{p.id}/"), url_json=ctx.page_url(f"api/v1/protocolli/{p.id}.json"),
        url_docx=ctx.page_url(docx_path(p.id)),
        premesse=list(p.premesse), riferimenti_normativi=list(p.riferimenti_normativi),
        articoli=[m.ArticoloOut(**a.model_dump()) for a in sorted(p.articoli, key=lambda a: a.numero)],
        parti_firmatarie=[m.ParteOut(ente=_ente(catalogue, parte.ente), ruolo_firmatario=parte.ruolo_firmatario)
                          for parte in p.parti],
        impegni=[m.ImpegnoOut(**i.model_dump()) for i in p.impegni],
        governance=[m.OrganoOut(tipo=o.tipo, denominazione=o.denominazione, frequenza=o.frequenza,
                                compiti=o.compiti,
                                composizione=[c.model_dump(exclude_none=True) for c in o.composizione])
                    for o in p.governance],
        indicatori=[i.model_dump(exclude_none=True) for i in p.indicatori],
        rinnovo=p.date.rinnovo,
        adesioni=[{"ente": a.ente, "data": a.data.isoformat()} for a in p.adesioni],
        documento=p.documento.model_dump() if p.documento else None,
    )


def build_protocols(catalogue: Catalogue, ctx: BuildContext) -> ProtocolPublication:
    pub = ProtocolPublication()
    by_rete: dict[str, list[str]] = defaultdict(list)
    for record in sorted(catalogue.of("protocollo").values(), key=lambda r: r.id):
        detail = protocol_detail(catalogue, record, ctx)
        pub.protocolli[detail.id] = detail
        by_rete[detail.rete].append(detail.id)
    for record in sorted(catalogue.of("rete").values(), key=lambda r: r.id):
        r = record.model
        pub.reti.append(m.ReteOut(
            id=r.id, id_globale=ctx.global_id("rete", r.id), denominazione=r.denominazione, tipo=r.tipo,
            livello=r.livello, ambito=r.ambito,
            funzioni=list(r.funzioni), gestore=_ente(catalogue, r.gestore),
            membri=[m.MembroOut(ente=_ente(catalogue, x.ente), ruolo=x.ruolo) for x in r.membri],
            risponde_a=r.risponde_a, servizi=list(r.servizi), protocolli=by_rete.get(r.id, []),
            url_pagina=ctx.page_url(f"reti/{r.id}/")))
    return pub


def summary(detail: m.ProtocolloDettaglio) -> m.ProtocolloSintesi:
    return m.ProtocolloSintesi(**{name: getattr(detail, name) for name in m.ProtocolloSintesi.model_fields})
