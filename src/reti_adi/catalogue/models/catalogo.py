"""The catalogue's file kinds: one pydantic model per YAML file, the single source of truth."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from reti_adi.catalogue.models.common import (
    Cap,
    CodiceEsterno,
    CodiceFiscaleEnte,
    CodiceIpa,
    CodiceIstat,
    Contatti,
    Cup,
    Email,
    FasciaOraria,
    Id,
    Indirizzo,
    Periodo,
    Record,
    Sede,
    Testo,
    TestoBreve,
    Url,
)
from reti_adi.catalogue.vocabularies import vocabulary

__all__ = ["Ambito", "Catalogo", "Ente", "Fonte", "Servizio", "Cap", "FasciaOraria"]

TipologiaArt7 = Literal[vocabulary("tipologie_art7").codes]  # type: ignore[valid-type]
AreaUtenza = Literal[vocabulary("aree_utenza").codes]  # type: ignore[valid-type]
TipoEnte = Literal[vocabulary("tipi_ente").codes]  # type: ignore[valid-type]
TipoFonte = Literal[vocabulary("tipi_fonte").codes]  # type: ignore[valid-type]
ModalitaAccesso = Literal[vocabulary("modalita_accesso").codes]  # type: ignore[valid-type]
SchemaClassificazione = Literal[vocabulary("schemi_classificazione").codes]  # type: ignore[valid-type]
StatoServizio = Literal["attivo", "sospeso", "cessato", "non_presente"]


class Segnalazioni(Record):
    """Dove segnalare un'informazione sbagliata: un modulo (anche un modulo di issue della forgia) e/o un'email."""

    url: Url | None = None
    """Indirizzo del modulo; «{servizio}» vi diventa l'id del servizio, altrimenti si aggiunge «servizio=<id>»."""
    email: Email | None = None


class Catalogo(Record):
    """Metadati del catalogo (catalogo/catalogo.yaml)."""

    titolo: TestoBreve
    descrizione: Testo | None = None
    versione: str = Field(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$", description="versione del catalogo, es. \"1.4.0\"")
    editore: Id
    """Ente che pubblica il catalogo (id di un ente)."""
    licenza: Literal["CC-BY-4.0", "CC0-1.0", "IODL-2.0"] = "CC-BY-4.0"
    url_sito: Url | None = None
    codice_catalogo: Id | None = None
    """Solo se l'editore pubblica più cataloghi: distingue gli identificativi globali (codice IPA + codice)."""
    dati_dimostrativi: bool = False
    """Vero per cataloghi di esempio: il sito lo segnala in ogni pagina."""
    soglia_riservatezza: int = Field(default=3, ge=3, le=1000)
    """Conteggi della domanda (domanda/) pubblicati solo da questo numero di nuclei in su: almeno 3 (regole
    Sistan sul segreto statistico); si può solo alzare."""
    segnalazioni: Segnalazioni | None = None
    """Come segnalare una correzione: ogni pagina di servizio vi rimanda con l'id del servizio."""


class Ambito(Record):
    """Ambito territoriale sociale (o distretto, zona): un id locale più i codici esterni."""

    id: Id
    denominazione: TestoBreve
    regione: TestoBreve
    ente_capofila: Id
    comuni: list[CodiceIstat] = Field(min_length=1)
    codici_esterni: list[CodiceEsterno] = Field(default_factory=list)
    descrizione: Testo | None = None
    contatti: Contatti | None = None


class Runts(Record):
    numero_repertorio: str = Field(pattern=r"^[0-9]{1,10}$", description="numero di repertorio RUNTS, tra virgolette")
    sezione: Literal["odv", "aps", "enti_filantropici", "imprese_sociali", "reti_associative",
                     "societa_mutuo_soccorso", "altri_ets"]


class Ente(Record):
    """Ente erogatore o partner: pubblico, privato o del Terzo Settore."""

    id: Id
    denominazione: TestoBreve
    tipo: TipoEnte
    codice_fiscale: CodiceFiscaleEnte | None = None
    codice_ipa: CodiceIpa | None = None
    runts: Runts | None = None
    sito_web: Url | None = None
    contatti: Contatti | None = None
    sede: Indirizzo | None = None
    descrizione: Testo | None = None


class Fonte(Record):
    """Fonte di finanziamento dei sostegni."""

    id: Id
    denominazione: TestoBreve
    tipo: TipoFonte
    programma: TestoBreve | None = None
    periodo: Periodo
    cup: Cup | None = None
    note: Testo | None = None


class Classificazione(Record):
    schema_: SchemaClassificazione = Field(alias="schema")
    codice: TestoBreve
    etichetta: TestoBreve | None = None


class EnteCoinvolto(Record):
    ente: Id
    ruolo: TestoBreve


class Costo(Record):
    tipo: Literal["gratuito", "compartecipazione"]
    descrizione: Testo | None = None


class Servizio(Record):
    """Sostegno del Patto di inclusione: servizio, intervento o misura offerto (o mancante) sul territorio."""

    id: Id
    denominazione: TestoBreve
    descrizione: Testo
    tipologia: TipologiaArt7
    """Tipologia art. 7 c. 1 D.Lgs. 147/2017 (a–h) oppure «altro»."""
    classificazioni: list[Classificazione] = Field(default_factory=list)
    aree_utenza: list[AreaUtenza] = Field(default_factory=list)
    ente_erogatore: Id
    enti_coinvolti: list[EnteCoinvolto] = Field(default_factory=list)
    fonti_finanziamento: list[Id] = Field(default_factory=list)
    ambito: Id
    comuni: list[CodiceIstat] | None = None
    """Comuni serviti; se assente, tutto l'ambito."""
    sedi: list[Sede] = Field(default_factory=list)
    modalita_accesso: list[ModalitaAccesso] = Field(default_factory=list)
    a_chi_e_rivolto: Testo | None = None
    come_accedere: Testo | None = None
    cosa_serve: Testo | None = None
    cosa_si_ottiene: Testo | None = None
    """Che cosa riceve la persona: una prestazione, un contributo, un accompagnamento."""
    tempi: Testo | None = None
    """Tempi di attesa, di risposta e scadenze (es. «primo colloquio entro 10 giorni»)."""
    lingue: list[TestoBreve] = Field(default_factory=list)
    """Lingue in cui il servizio può essere svolto, oltre all'italiano (es. «inglese», «arabo»)."""
    costo: Costo | None = None
    stato: StatoServizio
    """«non_presente»: sostegno necessario ma non disponibile sul territorio (domanda inevasa)."""
    data_avvio: date | None = None
    data_fine: date | None = None
    posti_disponibili: int | None = Field(default=None, ge=0)
    contatti: Contatti | None = None
    ultima_verifica: date
    """Data in cui il segretariato sociale ha confermato le informazioni con l'ente."""
