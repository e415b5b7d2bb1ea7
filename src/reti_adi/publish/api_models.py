"""Shapes of the published JSON API (v1): what platforms may rely on.

Within v1 changes are only additive (new optional fields, new files); anything that
removes or changes the meaning of a field goes under a new path (api/v2/). So the published
schemas never forbid unknown fields (a client validating with them keeps working when a field
is added), and reading a previous publication ignores fields a newer version added.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from reti_adi.catalogue.models.common import ID_RE

API_VERSION = "1"

IdOut = Annotated[str, Field(pattern=ID_RE, max_length=80)]
"""A local id as published: the same pattern as in the YAML, so a reader can use it in a file name."""
KindKey = Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")]
GlobalId = Annotated[str, Field(
    pattern=r"^[a-z0-9_]{2,20}(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)?:[a-z]+:[a-z0-9]+(?:-[a-z0-9]+)*$",
    description="identificativo unico in Italia e stabile per sempre: «codice IPA dell'editore[.codice catalogo]:tipo:id»")]
Modified = Annotated[date | None, Field(
    description="data dell'ultima modifica del contenuto pubblicato della scheda (riportata da una pubblicazione "
                "all'altra: non cambia se la scheda non cambia)")]


class Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Codice(Out):
    codice: str
    etichetta: str


class EnteRif(Out):
    id: str
    denominazione: str
    tipo: str
    codice_ipa: str | None = None
    codice_fiscale: str | None = None


class EnteCoinvoltoRif(Out):
    id: str
    denominazione: str
    ruolo: str


class FonteRif(Out):
    id: str
    tipo: str
    denominazione: str
    cup: str | None = None


class AmbitoRif(Out):
    id: str
    denominazione: str


class Territorio(Out):
    ambito: AmbitoRif
    comuni_istat: list[str] = Field(description="codici ISTAT dei comuni serviti")
    tutto_ambito: bool


class FasciaOrariaOut(Out):
    giorni: list[str]
    dalle: str
    alle: str


class ContattiOut(Out):
    telefono: str | None = None
    email: str | None = None
    pec: str | None = None
    sito_web: str | None = None
    ufficio: str | None = None


class SedeOut(Out):
    denominazione: str | None = None
    indirizzo: str
    comune_istat: str
    comune: str
    cap: str
    orari: list[FasciaOrariaOut] = Field(default_factory=list)
    note_orari: str | None = None
    lat: float | None = None
    lon: float | None = None
    accessibile: bool | None = None
    contatti: ContattiOut | None = None


class CostoOut(Out):
    tipo: Literal["gratuito", "compartecipazione"]
    descrizione: str | None = None


class Sostegno(Out):
    """A service in the shape a case manager needs to fill a sostegno in the Patto."""

    id: IdOut
    id_globale: GlobalId | None = None
    denominazione: str
    tipologia: Codice
    aree_utenza: list[Codice]
    ente_erogatore: EnteRif
    enti_coinvolti: list[EnteCoinvoltoRif] = Field(default_factory=list)
    fonti_finanziamento: list[FonteRif]
    territorio: Territorio
    stato: Literal["attivo", "sospeso", "cessato", "non_presente"]
    stato_effettivo: Literal["attivo", "sospeso", "cessato", "non_presente"] | None = Field(
        None, description="lo stato alla data_riferimento del documento: «cessato» se data_fine è passata")
    data_avvio: date | None = None
    data_fine: date | None = None
    modalita_accesso: list[Codice]
    contatti: ContattiOut | None = None
    ultima_verifica: date
    url_pagina: str
    url_json: str
    modificato_il: Modified = None


class ServizioDettaglio(Sostegno):
    """Everything the catalogue says about one service."""

    descrizione: str
    classificazioni: list[dict[str, str]] = Field(default_factory=list)
    sedi: list[SedeOut] = Field(default_factory=list)
    a_chi_e_rivolto: str | None = None
    come_accedere: str | None = None
    cosa_serve: str | None = None
    cosa_si_ottiene: str | None = None
    tempi: str | None = None
    lingue: list[str] = Field(default_factory=list)
    costo: CostoOut | None = None
    posti_disponibili: int | None = None


class Tombstone(Out):
    """A removed service: its URL keeps answering, so no platform silently loses an activated sostegno."""

    id: IdOut
    id_globale: GlobalId | None = None
    rimosso: Literal[True] = True
    rimosso_il: date
    denominazione: str = Field(max_length=200)
    ente_erogatore: str = Field(max_length=80)
    modificato_il: Modified = None


class Testata(Out):
    versione_api: str = API_VERSION
    versione_catalogo: str
    generato_il: str
    data_riferimento: date | None = Field(
        None, description="la data a cui valgono stato_effettivo e gli altri stati che dipendono dal calendario")


class SostegniDoc(Testata):
    ambito: str | None = None
    sostegni: list[Sostegno]


class EnteOut(Out):
    id: IdOut
    id_globale: GlobalId | None = None
    denominazione: str
    tipo: Codice
    codice_fiscale: str | None = None
    codice_ipa: str | None = None
    runts_numero: str | None = None
    runts_sezione: str | None = None
    sito_web: str | None = None
    contatti: ContattiOut | None = None
    sede_indirizzo: str | None = None
    sede_comune_istat: str | None = None
    sede_cap: str | None = None
    servizi: list[str]
    modificato_il: Modified = None


class EntiDoc(Testata):
    enti: list[EnteOut]


class FonteOut(Out):
    id: IdOut
    id_globale: GlobalId | None = None
    denominazione: str
    tipo: Codice
    programma: str | None = None
    inizio: date
    fine: date | None = None
    stato_effettivo: Literal["attiva", "terminata"] | None = Field(
        None, description="«terminata» se la fine del periodo precede la data_riferimento del documento")
    cup: str | None = None
    servizi: list[str]
    modificato_il: Modified = None


class FontiDoc(Testata):
    fonti: list[FonteOut]


class ComuneOut(Out):
    codice_istat: str
    denominazione: str
    sigla_provincia: str


class AmbitoOut(Out):
    id: IdOut
    id_globale: GlobalId | None = None
    denominazione: str
    regione: str
    ente_capofila: str
    comuni: list[ComuneOut]
    codici_esterni: list[dict[str, str]] = Field(default_factory=list)
    url_sostegni: str
    modificato_il: Modified = None


class AmbitiDoc(Testata):
    ambiti: list[AmbitoOut]


class FileInfo(Out):
    percorso: str
    byte: int
    sha256: str


class SegnalazioniOut(Out):
    url: str | None = Field(default=None, description="modulo per segnalare una correzione; «{servizio}» vi "
                                                     "diventa l'id del servizio, altrimenti si aggiunge «servizio=<id>»")
    email: str | None = None


class Manifest(Testata):
    commit: str | None = None
    titolo: str
    dati_dimostrativi: bool
    licenza: str
    conteggi: dict[str, int]
    file: list[FileInfo]
    impronte: dict[KindKey, dict[IdOut, Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]]] = Field(
        description="per tipo di scheda, id -> impronta del contenuto pubblicato: cambia se e solo se cambia la scheda")
    modificato_il: dict[KindKey, dict[IdOut, date]] = Field(
        default_factory=dict, description="per tipo di scheda, id -> data dell'ultima modifica del contenuto pubblicato")
    id_catalogo: str | None = Field(default=None, description="prefisso degli identificativi globali del catalogo")
    ultima_sequenza: int | None = Field(default=None, ge=0, description="ultimo insieme di modifiche in modifiche/")
    segnalazioni: SegnalazioniOut | None = Field(
        default=None, description="dove segnalare un'informazione sbagliata (catalogo.yaml): un portale che raccoglie "
                                  "il catalogo vi rimanda le segnalazioni sui suoi servizi")


class Variazioni(Out):
    aggiunti: list[IdOut] = Field(default_factory=list)
    modificati: list[IdOut] = Field(default_factory=list)
    rimossi: list[IdOut] = Field(default_factory=list)


class ChangesDoc(Testata):
    """Compatibility view: the latest change set of the feed (modifiche/) in the shape of the first v1."""

    precedente: Testata | None = Field(default=None, description="la pubblicazione confrontata; assente alla prima")
    variazioni: dict[KindKey, Variazioni]
    ritirati: list[Tombstone] = Field(description="tutti i servizi rimossi nel tempo: i loro id non saranno riusati")
    sequenza: int | None = Field(default=None, ge=1, description="il numero dell'insieme di modifiche in modifiche/")


class InsiemeModifiche(Out):
    """One published change set, modifiche/{sequenza}.json: written once, never rewritten."""

    versione_api: str = API_VERSION
    sequenza: int = Field(ge=1)
    data: date = Field(description="data della pubblicazione che ha introdotto le modifiche")
    generato_il: str
    versione_catalogo: str
    id_catalogo: str | None = None
    precedente: Testata | None = Field(default=None, description="la pubblicazione confrontata; assente alla prima")
    variazioni: dict[KindKey, Variazioni] = Field(
        description="per tipo di scheda (servizi, enti, fonti, ambiti, reti, protocolli): id aggiunti, modificati, "
                    "rimossi. La sequenza 1 elenca tutto il catalogo come aggiunto")


class VoceModifiche(Out):
    sequenza: int = Field(ge=1)
    data: date
    percorso: str = Field(pattern=r"^modifiche/[1-9][0-9]{0,8}\.json$")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class IndiceModifiche(Out):
    """modifiche/index.json: every change set ever published, oldest first. Changes only when one is added."""

    versione_api: str = API_VERSION
    id_catalogo: str | None = None
    ultima_sequenza: int = Field(ge=0)
    insiemi: list[VoceModifiche]


DOCUMENT_MODELS: dict[str, object] = {
    # name -> a model or a union of models: schema/{name}.schema.json
    "index": Manifest,
    "sostegni": SostegniDoc,
    "servizio": ServizioDettaglio,
    "servizio-rimosso": Tombstone,
    "enti": EntiDoc,
    "fonti": FontiDoc,
    "ambiti": AmbitiDoc,
    "changes": ChangesDoc,
    "servizio-o-rimosso": ServizioDettaglio | Tombstone,
    "modifiche": IndiceModifiche,
    "insieme-modifiche": InsiemeModifiche,
}


class MembroOut(Out):
    ente: EnteRif
    ruolo: str


class ReteOut(Out):
    id: IdOut
    id_globale: GlobalId | None = None
    denominazione: str
    tipo: Literal["indirizzo", "intervento"]
    livello: str
    ambito: str | None = None
    funzioni: list[str]
    gestore: EnteRif
    membri: list[MembroOut]
    risponde_a: str | None = None
    servizi: list[str]
    protocolli: list[str]
    url_pagina: str
    modificato_il: Modified = None


class RetiDoc(Testata):
    reti: list[ReteOut]


class ParteOut(Out):
    ente: EnteRif
    ruolo_firmatario: str


class ImpegnoOut(Out):
    ente: str
    descrizione: str
    indicatori: list[str] = Field(default_factory=list)
    servizi: list[str] = Field(default_factory=list)


class ArticoloOut(Out):
    numero: int
    tipo: str
    titolo: str
    testo: str


class OrganoOut(Out):
    tipo: str
    denominazione: str
    composizione: list[dict[str, str]]
    frequenza: str
    compiti: str | None = None


class ProtocolloSintesi(Out):
    id: IdOut
    id_globale: GlobalId | None = None
    titolo: str
    rete: str
    modello: Literal["allegato_1", "allegato_2"]
    strumento: Codice
    stato: Literal["bozza", "in_firma", "vigente", "scaduto", "cessato"]
    stato_effettivo: Literal["bozza", "in_firma", "vigente", "scaduto", "cessato"] | None = Field(
        None, description="lo stato alla data_riferimento del documento: «scaduto» se la scadenza è passata")
    sottoscrizione: date | None = None
    decorrenza: date | None = None
    scadenza: date | None = None
    parti: list[str]
    url_pagina: str
    url_json: str
    url_docx: str
    modificato_il: Modified = None


class ProtocolloDettaglio(ProtocolloSintesi):
    premesse: list[str] = Field(default_factory=list)
    riferimenti_normativi: list[str] = Field(default_factory=list)
    articoli: list[ArticoloOut]
    parti_firmatarie: list[ParteOut]
    impegni: list[ImpegnoOut]
    governance: list[OrganoOut] = Field(default_factory=list)
    indicatori: list[dict[str, str]] = Field(default_factory=list)
    rinnovo: str | None = None
    adesioni: list[dict[str, str]] = Field(default_factory=list)
    documento: dict[str, str] | None = None


class ProtocolliDoc(Testata):
    protocolli: list[ProtocolloSintesi]


class Stato(Testata):
    """The file to poll: a few hundred bytes that say whether anything changed."""

    sha256_changes: str
    sha256_index: str
    servizi: int
    ultima_sequenza: int | None = Field(default=None, ge=0, description="ultimo insieme di modifiche in modifiche/")


DOCUMENT_MODELS.update({"stato": Stato, "reti": RetiDoc, "protocolli": ProtocolliDoc, "protocollo": ProtocolloDettaglio})


# --- Planning (issue 15): coverage from the catalogue and aggregated demand -------------------------------

StatoCopertura = Literal["coperto", "solo_sospeso", "solo_non_presente", "scoperto"]


class CellaCopertura(Out):
    stato: StatoCopertura = Field(description="coperto: almeno un servizio attivo; solo_sospeso: nessuno attivo ma "
                                              "almeno uno sospeso; solo_non_presente: solo schede «non presente»")
    attivi: list[str] = Field(description="id dei servizi attivi che raggiungono il comune")
    sospesi: list[str]
    non_presenti: list[str]


class ComuneCopertura(Out):
    codice_istat: str
    denominazione: str
    tipologie: dict[str, CellaCopertura] = Field(description="per lettera dell'art. 7 (a–h)")
    aree_utenza: dict[str, CellaCopertura] = Field(description="per area di utenza ISTAT, servizi a–h")


class ServizioCopertura(Out):
    id: str
    denominazione: str
    tipologia: str
    stato: Literal["attivo", "sospeso", "non_presente"]
    aree_utenza: list[str]
    tutto_ambito: bool
    comuni_sede: list[str]
    comuni_raggiunti: list[str]


class CoperturaDoc(Testata):
    """Which comuni of an ambito each tipologia art. 7 and each area di utenza reaches (catalogue only)."""

    ambito: str
    tipologie: list[Codice]
    aree_utenza: list[Codice]
    comuni: list[ComuneCopertura]
    servizi: list[ServizioCopertura]


DOCUMENT_MODELS.update({"copertura": CoperturaDoc})


class Conteggio(Out):
    """A published count of households: null and riservato when disclosure control hides it (never 0)."""

    valore: int | None = Field(default=None, description="numero di nuclei; assente se riservato")
    riservato: bool = Field(description="vero se il valore è nascosto: minore della soglia, o nascosto perché "
                                        "non lo si possa ricavare dai totali")


class ComuneDomanda(Out):
    comune_istat: str | None = Field(default=None,
                                     description="assente: nuclei di cui la piattaforma non ha indicato il comune")
    denominazione: str
    totale: Conteggio
    tipologie: dict[str, Conteggio]


class VoceDomanda(Out):
    tipologia: str
    servizio: str | None = Field(default=None,
                                 description="id del servizio; assente: bisogni della tipologia senza scheda")
    denominazione: str
    stato: str | None = None
    posti_disponibili: int | None = None
    nuclei: Conteggio


class TabellaDomanda(Out):
    totale: Conteggio
    tipologie: dict[str, Conteggio]
    comuni: list[ComuneDomanda]
    voci: list[VoceDomanda]


class PeriodoDomanda(Out):
    periodo: str = Field(description="trimestre, es. «2026-T1»")
    nuclei_non_presenti: TabellaDomanda
    nuclei_attivati: TabellaDomanda


class DomandaDoc(Testata):
    """Aggregated demand from the case platforms, protected by primary and secondary suppression."""

    ambito: str
    soglia_riservatezza: int
    periodi: list[PeriodoDomanda]


DOCUMENT_MODELS.update({"domanda": DomandaDoc})
