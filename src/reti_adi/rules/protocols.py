"""Rules for networks and protocols: references, commitments, expected sections, dates, expiry."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta

from reti_adi.catalogue.kinds import PROTOCOL_MODELS_DIR
from reti_adi.catalogue.records import Catalogue
from reti_adi.rules.problems import Problem
from reti_adi.rules.registry import problem, record_rule, reference, rule

EXPIRY_WARNING_DAYS = 60


def _listed_once(catalogue: Catalogue, record, field: str, items, what: str, among: str):
    """Each listed ente exists and appears once; returns the set of those listed."""
    seen: set[str] = set()
    for index, item in enumerate(items):
        yield from reference(catalogue, record, (field, index, "ente"), "ente", item.ente, what)
        if item.ente in seen:
            yield problem(record, (field, index, "ente"), f"l'ente «{item.ente}» è già tra {among}",
                          "valori.duplicato", found=item.ente)
        seen.add(item.ente)
    return seen


@record_rule("rete")
def check_reti(catalogue: Catalogue, record, today: date) -> Iterator[Problem]:
    rete = record.model
    yield from reference(catalogue, record, ("gestore",), "ente", rete.gestore, "l'ente gestore")
    if rete.livello in ("ambito", "comunale") and rete.ambito is None:
        yield problem(record, ("ambito",), f"una rete di livello «{rete.livello}» deve indicare l'ambito",
                      "reti.ambito", expected="ambito: id di un file in catalogo/ambiti/")
    yield from reference(catalogue, record, ("ambito",), "ambito", rete.ambito, "l'ambito")
    seen = yield from _listed_once(catalogue, record, "membri", rete.membri, "il membro", "i membri")
    if rete.gestore not in seen and catalogue.is_valid("ente", rete.gestore):
        yield problem(record, ("gestore",), f"il gestore «{rete.gestore}» non è tra i membri della rete",
                      "reti.gestore-membro", found=rete.gestore, expected="il gestore elencato in membri")
    for index, servizio in enumerate(rete.servizi):
        yield from reference(catalogue, record, ("servizi", index), "servizio", servizio, "il servizio")
    if rete.risponde_a is not None:
        if rete.tipo != "intervento":
            yield problem(record, ("risponde_a",), "solo una rete di intervento risponde a una rete di indirizzo",
                          "reti.risponde-a", found=rete.tipo, expected="tipo: intervento")
        parent = catalogue.get("rete", rete.risponde_a)
        if parent is None:
            yield from reference(catalogue, record, ("risponde_a",), "rete", rete.risponde_a,
                                  "la rete di indirizzo")
        elif parent.tipo != "indirizzo":
            yield problem(record, ("risponde_a",), f"la rete «{parent.id}» è di intervento, non di indirizzo",
                          "reti.risponde-a", found=parent.tipo, expected="una rete di tipo indirizzo")


@rule
def check_model_files(catalogue: Catalogue, today: date) -> Iterator[Problem]:
    """protocolli/modelli/*.yaml come from pull requests too: each unusable one is an error."""
    if not os.path.lexists(os.path.join(catalogue.root, PROTOCOL_MODELS_DIR)):
        return  # nothing to read (most repositories): the protocol models are not even imported
    from reti_adi.catalogue.protocol_templates import override_problems

    yield from override_problems(catalogue.root)


@record_rule("protocollo")
def check_protocolli(catalogue: Catalogue, record, today: date) -> Iterator[Problem]:
    p = record.model
    yield from reference(catalogue, record, ("rete",), "rete", p.rete, "la rete")
    parties = yield from _listed_once(catalogue, record, "parti", p.parti, "la parte", "le parti")
    adherents = set()
    for index, adesione in enumerate(p.adesioni):
        yield from reference(catalogue, record, ("adesioni", index, "ente"), "ente", adesione.ente,
                              "l'ente aderente")
        adherents.add(adesione.ente)
        if p.date.sottoscrizione and adesione.data < p.date.sottoscrizione:
            yield problem(record, ("adesioni", index, "data"),
                          f"l'adesione ({adesione.data}) precede la sottoscrizione ({p.date.sottoscrizione})",
                          "date.ordine", found=adesione.data, expected=f"dal {p.date.sottoscrizione} in poi")
    committed = set()
    for index, impegno in enumerate(p.impegni):
        yield from reference(catalogue, record, ("impegni", index, "ente"), "ente", impegno.ente, "l'ente")
        if impegno.ente not in parties | adherents and catalogue.is_valid("ente", impegno.ente):
            yield problem(record, ("impegni", index, "ente"),
                          f"l'ente «{impegno.ente}» si impegna ma non firma né aderisce al protocollo",
                          "protocolli.impegno-senza-parte", found=impegno.ente,
                          expected="un ente elencato in parti o adesioni")
        committed.add(impegno.ente)
        for s_index, servizio in enumerate(impegno.servizi):
            yield from reference(catalogue, record, ("impegni", index, "servizi", s_index), "servizio",
                                  servizio, "il servizio")
    for index, parte in enumerate(p.parti):
        if parte.ente not in committed:
            yield problem(record, ("parti", index, "ente"),
                          f"la parte «{parte.ente}» firma il protocollo ma non ha impegni",
                          "protocolli.parte-senza-impegni", found=parte.ente,
                          expected="almeno un elemento in impegni con questo ente")
    for index, organo in enumerate(p.governance):
        for c_index, componente in enumerate(organo.composizione):
            yield from reference(catalogue, record, ("governance", index, "composizione", c_index, "ente"),
                                  "ente", componente.ente, "il componente")
    yield from _sections(catalogue, record)
    yield from _protocol_dates(record, today)


def _sections(catalogue: Catalogue, record) -> Iterator[Problem]:
    from reti_adi.catalogue.models.protocolli import TIPI_ARTICOLO
    from reti_adi.catalogue.protocol_templates import template

    p = record.model
    expected = template(catalogue.root, p.modello)
    rete = catalogue.get("rete", p.rete)
    if rete is not None and rete.tipo not in expected.network_types:
        yield problem(record, ("modello",), f"il modello {p.modello} non si usa per una rete di {rete.tipo}",
                      "protocolli.modello-rete", found=rete.tipo, expected=" o ".join(expected.network_types))
    if expected.premises_required and not p.premesse:
        yield problem(record, ("premesse",), f"il modello {p.modello} prevede le premesse", "protocolli.sezione",
                      expected="premesse: elenco dei «visti» e «considerato»")
    present = {a.tipo for a in p.articoli}
    for section in expected.sections:
        if section.required and section.kind not in present:
            yield problem(record, ("articoli",),
                          f"manca l'articolo «{TIPI_ARTICOLO[section.kind]}» previsto dal modello {p.modello}",
                          "protocolli.sezione", expected=f"un articolo con tipo: {section.kind}", at_key=True)
    numbers = [a.numero for a in p.articoli]
    for index, (before, after) in enumerate(zip(numbers, numbers[1:]), start=1):
        if after <= before:
            yield problem(record, ("articoli", index, "numero"),
                          f"articolo {after} dopo l'articolo {before}: gli articoli vanno in ordine, senza ripetizioni",
                          "protocolli.ordine-articoli", found=after, expected=f"un numero maggiore di {before}")


def _protocol_dates(record, today: date) -> Iterator[Problem]:
    p = record.model
    d = p.date
    if d.decorrenza and d.sottoscrizione and d.decorrenza < d.sottoscrizione:
        yield problem(record, ("date", "decorrenza"),
                      f"la decorrenza ({d.decorrenza}) precede la sottoscrizione ({d.sottoscrizione})",
                      "date.ordine", found=d.decorrenza, expected=f"dal {d.sottoscrizione} in poi")
    start = d.decorrenza or d.sottoscrizione
    if d.scadenza and start and d.scadenza <= start:
        yield problem(record, ("date", "scadenza"), f"la scadenza ({d.scadenza}) non segue l'inizio ({start})",
                      "date.ordine", found=d.scadenza, expected=f"una data dopo il {start}")
    if p.stato in ("vigente", "scaduto", "cessato") and d.sottoscrizione is None:
        yield problem(record, ("date", "sottoscrizione"),
                      f"un protocollo «{p.stato}» deve avere la data di sottoscrizione", "date.sottoscrizione",
                      expected="date.sottoscrizione: AAAA-MM-GG")
    if p.stato in ("bozza", "in_firma") and d.sottoscrizione and d.sottoscrizione <= today and p.documento:
        yield problem(record, ("stato",), f"protocollo «{p.stato}» con documento firmato e data di sottoscrizione",
                      "protocolli.stato", severity="avviso", found=p.stato, expected="stato: vigente")
    if p.stato == "vigente" and d.scadenza is not None:
        if d.scadenza < today:
            # the calendar alone never fails a check: the site and the API show it as expired
            yield problem(record, ("stato",),
                          f"il protocollo è indicato come vigente ma è scaduto il {d.scadenza}: il sito e l'API "
                          "lo mostrano come scaduto finché la scheda non viene aggiornata",
                          "protocolli.vigente-scaduto", found="vigente", severity="avviso",
                          expected="stato: scaduto, oppure una nuova scadenza dopo il rinnovo")
        elif d.scadenza <= today + timedelta(days=EXPIRY_WARNING_DAYS):
            yield problem(record, ("date", "scadenza"),
                          f"il protocollo scade il {d.scadenza}, entro {EXPIRY_WARNING_DAYS} giorni: avvia il rinnovo",
                          "aggiornamento.protocollo-in-scadenza", severity="avviso", found=d.scadenza)


def _entes(catalogue: Catalogue, record, field: str, items, what: str) -> Iterator[Problem]:
    for index, item in enumerate(items or []):
        if item is not None:
            yield from reference(catalogue, record, (field, index, "ente"), "ente", item.ente, what)


@rule
def check_broken_network_references(catalogue: Catalogue, today: date) -> Iterator[Problem]:
    """A rete or protocollo with schema errors still has its references checked (see catalogue/partial.py):
    every problem of the file in one run. Only what could be read is checked; nothing is reported twice."""
    for record in catalogue.partial.get("rete", {}).values():
        rete = record.model
        yield from reference(catalogue, record, ("gestore",), "ente", rete.gestore, "l'ente gestore")
        yield from reference(catalogue, record, ("ambito",), "ambito", rete.ambito, "l'ambito")
        yield from _entes(catalogue, record, "membri", rete.membri, "il membro")
        for index, servizio in enumerate(rete.servizi or []):
            yield from reference(catalogue, record, ("servizi", index), "servizio", servizio, "il servizio")
    for record in catalogue.partial.get("protocollo", {}).values():
        p = record.model
        yield from reference(catalogue, record, ("rete",), "rete", p.rete, "la rete")
        yield from _entes(catalogue, record, "parti", p.parti, "la parte")
        yield from _entes(catalogue, record, "adesioni", p.adesioni, "l'ente aderente")
        yield from _entes(catalogue, record, "impegni", p.impegni, "l'ente")
