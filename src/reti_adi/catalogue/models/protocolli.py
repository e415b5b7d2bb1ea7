"""Networks of services and their protocols (DM 93/2024, Allegato I and II) as validated data."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from reti_adi.catalogue.models.common import Id, Record, Testo, TestoBreve, Url

TipoRete = Literal["indirizzo", "intervento"]
LivelloRete = Literal["nazionale", "regionale", "ambito", "comunale"]
RuoloMembro = Literal["capofila", "gestore", "coordinatore", "aderente", "partner", "osservatore"]
Modello = Literal["allegato_1", "allegato_2"]
Strumento = Literal["protocollo_intesa", "accordo_programma", "accordo_pa", "convenzione", "coprogettazione"]
TipoArticolo = Literal["oggetto", "finalita", "soggetti", "impegni_parti", "modalita_operative", "governance",
                       "monitoraggio_valutazione", "risorse", "trattamento_dati", "durata_recesso", "norme_finali",
                       "altro"]
TipoOrgano = Literal["cabina_di_regia", "tavolo_tecnico", "equipe_multidisciplinare", "altro"]
StatoProtocollo = Literal["bozza", "in_firma", "vigente", "scaduto", "cessato"]

STRUMENTI = {
    "protocollo_intesa": "Protocollo d'intesa",
    "accordo_programma": "Accordo di programma (art. 34 D.Lgs. 267/2000, TUEL)",
    "accordo_pa": "Accordo tra pubbliche amministrazioni (art. 15 L. 241/1990)",
    "convenzione": "Convenzione (art. 30 D.Lgs. 267/2000, TUEL)",
    "coprogettazione": "Accordo di co-progettazione (art. 55 D.Lgs. 117/2017)",
}
TIPI_ARTICOLO = {
    "oggetto": "Oggetto", "finalita": "Finalità", "soggetti": "Soggetti", "impegni_parti": "Impegni delle parti",
    "modalita_operative": "Modalità operative", "governance": "Governance",
    "monitoraggio_valutazione": "Monitoraggio e valutazione", "risorse": "Risorse",
    "trattamento_dati": "Trattamento dei dati", "durata_recesso": "Durata e recesso", "norme_finali": "Norme finali",
    "altro": "Altro",
}
ORGANI = {"cabina_di_regia": "Cabina di regia", "tavolo_tecnico": "Tavolo tecnico",
          "equipe_multidisciplinare": "Équipe multidisciplinare", "altro": "Altro organo"}


class Membro(Record):
    ente: Id
    ruolo: RuoloMembro


class Rete(Record):
    """Rete di servizi: di indirizzo (programmazione, monitoraggio) o di intervento (gestione, attuazione)."""

    id: Id
    denominazione: TestoBreve
    tipo: TipoRete
    livello: LivelloRete
    ambito: Id | None = None
    """Obbligatorio per le reti di livello ambito o comunale."""
    funzioni: list[TestoBreve] = Field(min_length=1)
    gestore: Id
    """Ente gestore della rete (per le reti di intervento le linee guida suggeriscono il servizio sociale)."""
    membri: list[Membro] = Field(min_length=1)
    risponde_a: Id | None = None
    """Per una rete di intervento: la rete di indirizzo a cui risponde."""
    servizi: list[Id] = Field(default_factory=list)
    """Servizi del catalogo che la rete eroga."""
    descrizione: Testo | None = None


class Articolo(Record):
    numero: int = Field(ge=1)
    tipo: TipoArticolo
    titolo: TestoBreve
    testo: Testo


class Parte(Record):
    ente: Id
    ruolo_firmatario: TestoBreve
    """Il ruolo di chi firma per l'ente (es. «Direttore generale»), mai il nome della persona."""


class Impegno(Record):
    ente: Id
    descrizione: Testo
    indicatori: list[TestoBreve] = Field(default_factory=list)
    servizi: list[Id] = Field(default_factory=list)


class Componente(Record):
    ente: Id
    ruolo: TestoBreve | None = None


class Organo(Record):
    tipo: TipoOrgano
    denominazione: TestoBreve
    composizione: list[Componente] = Field(min_length=1)
    frequenza: TestoBreve
    """Frequenza delle riunioni (es. «trimestrale»)."""
    compiti: Testo | None = None


class Indicatore(Record):
    codice: TestoBreve
    descrizione: TestoBreve
    valore_atteso: TestoBreve | None = None
    frequenza: TestoBreve | None = None


class Date(Record):
    sottoscrizione: date | None = None
    decorrenza: date | None = None
    scadenza: date | None = None
    rinnovo: TestoBreve | None = None
    """Modalità di rinnovo (es. «tacito, per altri tre anni»)."""


class Adesione(Record):
    ente: Id
    data: date


class Documento(Record):
    url: Url
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="impronta sha256 del documento firmato")


class Protocollo(Record):
    """Protocollo d'intesa o accordo che formalizza una rete (modello Allegato I o II del DM 93/2024)."""

    id: Id
    rete: Id
    modello: Modello
    strumento: Strumento
    titolo: TestoBreve
    premesse: list[Testo] = Field(default_factory=list)
    riferimenti_normativi: list[TestoBreve] = Field(default_factory=list)
    articoli: list[Articolo] = Field(min_length=1)
    parti: list[Parte] = Field(min_length=2)
    impegni: list[Impegno] = Field(default_factory=list)
    governance: list[Organo] = Field(default_factory=list)
    indicatori: list[Indicatore] = Field(default_factory=list)
    date: Date = Field(default_factory=Date)
    stato: StatoProtocollo
    adesioni: list[Adesione] = Field(default_factory=list)
    documento: Documento | None = None
