"""Rules that need more than one record: references, territory, dates, freshness."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache

from reti_adi.catalogue.records import Catalogue, LoadedRecord
from reti_adi.catalogue.vocabularies import comuni, regioni, vocabulary
from reti_adi.rules.placeholders import PLACEHOLDER
from reti_adi.rules.problems import Problem
from reti_adi.publish.identity import catalogue_namespace
from reti_adi.rules.registry import comune_exists, duplicates, folder, problem, record_rule, reference, rule

FRESHNESS_DAYS = 365


@cache
def _natura() -> dict[str, str]:
    return {code: entry["natura"] for code, entry in vocabulary("tipi_ente").entries.items()}


@rule
def check_meta(catalogue: Catalogue, today: date) -> Iterator[Problem]:
    if catalogue.meta is None:
        yield Problem("catalogo/catalogo.yaml", None, None, "",
                      "manca il file dei metadati del catalogo (titolo, versione, editore, licenza)",
                      "catalogo.metadati", "avviso")
        return
    yield from reference(catalogue, catalogue.meta, ("editore",), "ente", catalogue.meta.model.editore,
                          "l'ente editore")
    editore = catalogue.get("ente", catalogue.meta.model.editore)
    if editore is not None and catalogue_namespace(catalogue) is None:
        yield problem(catalogue.meta, ("editore",),
                      f"l'ente editore «{editore.id}» non ha il codice IPA: senza, le schede pubblicate non hanno "
                      "un identificativo globale e le piattaforme non possono unire questo catalogo ad altri",
                      "catalogo.identita", severity="avviso",
                      expected=f"codice_ipa nel file {folder('ente')}/{editore.id}.yaml")


@record_rule("ambito", include_partial=True)
def check_ambiti(catalogue: Catalogue, record: LoadedRecord, today: date) -> Iterator[Problem]:
    ambito = record.model
    yield from reference(catalogue, record, ("ente_capofila",), "ente", ambito.ente_capofila,
                          "l'ente capofila")
    if ambito.regione is not None and PLACEHOLDER not in ambito.regione and ambito.regione not in regioni():
        yield problem(record, ("regione",), f"regione «{ambito.regione}» sconosciuta", "valori.regione",
                      found=ambito.regione, expected=", ".join(regioni()))
    yield from duplicates(record, ("comuni",), ambito.comuni or [])
    for index, code in enumerate(ambito.comuni or []):
        found = comuni().get(code) if code is not None else None
        if code is None:
            continue
        if found is None:
            yield from comune_exists(record, ("comuni", index), code)
        elif ambito.regione in regioni() and found.regione != ambito.regione:
            yield problem(record, ("comuni", index),
                          f"il comune {found.denominazione} ({code}) è in {found.regione}, non in {ambito.regione}",
                          "territorio.regione", found=found.regione, expected=ambito.regione)


@record_rule("ente", include_partial=True)
def check_enti(catalogue: Catalogue, record: LoadedRecord, today: date) -> Iterator[Problem]:
    natura = _natura()
    ente = record.model
    if ente.sede is not None:
        yield from comune_exists(record, ("sede", "comune"), ente.sede.comune)
    if record.partial:  # the rest depends on fields the schema problems already name
        return
    kind = natura[ente.tipo]
    if kind == "terzo_settore" and ente.codice_fiscale is None:
        yield problem(record, ("codice_fiscale",),
                      "un ente del Terzo Settore deve indicare il codice fiscale dell'ente (11 cifre)",
                      "enti.codice-fiscale", expected="codice_fiscale: \"01234567890\"")
    if ente.tipo == "ets" and ente.runts is None:
        yield problem(record, ("runts",), "ente del Terzo Settore senza numero di iscrizione al RUNTS",
                      "enti.runts", severity="avviso", expected="runts: {numero_repertorio, sezione}")
    if kind == "pubblico" and ente.codice_ipa is None:
        yield problem(record, ("codice_ipa",), "ente pubblico senza codice IPA (IndicePA)", "enti.codice-ipa",
                      severity="avviso", expected="codice_ipa: il codice dell'ente su indicepa.gov.it")


@record_rule("fonte")
def check_fonti(catalogue: Catalogue, record: LoadedRecord, today: date) -> Iterator[Problem]:
    periodo = record.model.periodo
    if periodo.fine is not None and periodo.fine < periodo.inizio:
        yield problem(record, ("periodo", "fine"),
                      f"la fine del periodo ({periodo.fine}) precede l'inizio ({periodo.inizio})",
                      "date.ordine", found=periodo.fine, expected=f"una data dal {periodo.inizio} in poi")
    elif periodo.fine is not None and periodo.fine < today:
        yield problem(record, ("periodo", "fine"), f"il periodo di finanziamento è terminato il {periodo.fine}",
                      "aggiornamento.fonte-scaduta", found=periodo.fine, severity="avviso",
                      expected="un periodo aggiornato, o servizi legati a fonti attive")


@record_rule("servizio", include_partial=True)
def check_servizi(catalogue: Catalogue, record: LoadedRecord, today: date) -> Iterator[Problem]:
    servizio = record.model
    yield from reference(catalogue, record, ("ente_erogatore",), "ente", servizio.ente_erogatore,
                          "l'ente erogatore")
    for index, coinvolto in enumerate(servizio.enti_coinvolti or []):
        if coinvolto is not None:
            yield from reference(catalogue, record, ("enti_coinvolti", index, "ente"), "ente", coinvolto.ente,
                                  "l'ente coinvolto")
    yield from duplicates(record, ("fonti_finanziamento",), servizio.fonti_finanziamento or [])
    for index, fonte in enumerate(servizio.fonti_finanziamento or []):
        yield from reference(catalogue, record, ("fonti_finanziamento", index), "fonte", fonte,
                              "la fonte di finanziamento")
    yield from reference(catalogue, record, ("ambito",), "ambito", servizio.ambito, "l'ambito")
    ambito = catalogue.get("ambito", servizio.ambito) if servizio.ambito is not None else None
    if servizio.comuni is not None:
        yield from duplicates(record, ("comuni",), servizio.comuni)
        for index, code in enumerate(servizio.comuni):
            if code is None:
                continue
            if code not in comuni():
                yield from comune_exists(record, ("comuni", index), code)
            elif ambito is not None and code not in ambito.comuni:
                yield problem(record, ("comuni", index),
                              f"il comune {comuni()[code].denominazione} ({code}) non fa parte dell'ambito "
                              f"«{servizio.ambito}»", "territorio.fuori-ambito", found=code,
                              expected="un comune elencato nel file dell'ambito")
    for index, sede in enumerate(servizio.sedi or []):
        if sede is None:
            continue
        yield from comune_exists(record, ("sedi", index, "comune"), sede.comune)
        yield from _sede_territory(record, index, sede.comune, servizio.ambito, ambito)
        for slot_index, slot in enumerate(sede.orari):
            if slot.alle <= slot.dalle:
                yield problem(record, ("sedi", index, "orari", slot_index, "alle"),
                              f"l'orario di chiusura {slot.alle} non segue quello di apertura {slot.dalle}",
                              "date.orario", found=slot.alle, expected=f"un orario dopo le {slot.dalle}")
    if not record.partial:
        yield from _dates(record, servizio, today)


def _sede_territory(record: LoadedRecord, index: int, code: str | None, ambito_id: str | None,
                    ambito) -> Iterator[Problem]:
    """A sede in another regione is a mistake (an error); in a neighbouring comune of the same regione
    it may be real (a hospital, a CPI of the next ambito), so it is a warning to confirm."""
    found = comuni().get(code) if code is not None else None
    if found is None or ambito is None or code in ambito.comuni:
        return
    if found.regione != ambito.regione:
        yield problem(record, ("sedi", index, "comune"),
                      f"la sede è a {found.denominazione} ({code}), in {found.regione}: l'ambito «{ambito_id}» "
                      f"è in {ambito.regione}", "territorio.sede-fuori-regione", found=code,
                      expected=f"un comune dell'ambito «{ambito_id}»")
    else:
        yield problem(record, ("sedi", index, "comune"),
                      f"la sede è a {found.denominazione} ({code}), fuori dall'ambito «{ambito_id}»: "
                      "conferma che sia giusto", "territorio.sede-fuori-ambito", found=code, severity="avviso",
                      expected="un comune elencato nel file dell'ambito")


def _dates(record: LoadedRecord, servizio, today: date) -> Iterator[Problem]:
    if servizio.stato == "non_presente":
        if servizio.data_avvio is not None:
            yield problem(record, ("data_avvio",),
                          "un servizio «non_presente» (necessario ma non disponibile) non può avere una data di avvio",
                          "date.non-presente", found=servizio.data_avvio, expected="nessuna data_avvio",
                          at_key=True)
    elif servizio.data_avvio is None:
        yield problem(record, ("data_avvio",),
                      f"manca la data di avvio, obbligatoria per un servizio «{servizio.stato}»",
                      "date.avvio-mancante", expected="data_avvio: AAAA-MM-GG")
    if servizio.data_avvio and servizio.data_fine and servizio.data_fine < servizio.data_avvio:
        yield problem(record, ("data_fine",),
                      f"la data di fine ({servizio.data_fine}) precede la data di avvio ({servizio.data_avvio})",
                      "date.ordine", found=servizio.data_fine, expected=f"una data dal {servizio.data_avvio} in poi")
    if servizio.stato == "attivo" and servizio.data_fine is not None and servizio.data_fine < today:
        yield problem(record, ("data_fine",), f"servizio «attivo» ma terminato il {servizio.data_fine}",
                      "aggiornamento.servizio-terminato", found=servizio.data_fine, severity="avviso",
                      expected="stato «cessato» o una nuova data di fine")
    if servizio.ultima_verifica > today:  # a typo, or a check run with an earlier reference date
        yield problem(record, ("ultima_verifica",), f"la data di ultima verifica ({servizio.ultima_verifica}) "
                      f"è successiva alla data di riferimento ({today}): controlla che non sia un errore di battitura",
                      "date.futura", found=servizio.ultima_verifica, severity="avviso",
                      expected=f"una data fino al {today}")
    elif servizio.ultima_verifica < today - timedelta(days=FRESHNESS_DAYS):
        yield problem(record, ("ultima_verifica",),
                      f"informazioni non verificate da più di 12 mesi (ultima verifica {servizio.ultima_verifica})",
                      "aggiornamento.verifica", found=servizio.ultima_verifica, severity="avviso",
                      expected="una verifica con l'ente negli ultimi 12 mesi")
