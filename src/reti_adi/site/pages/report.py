"""«Segnala un errore»: where a reader reports outdated information, prefilled with the service id.

Only the id goes into the link, never the service's name: the id is validated, a name is free text.
The channel is the catalogue's (catalogo.yaml, `segnalazioni`: a form or issue-form address and/or
an e-mail); without one, the publishing ente's e-mail. The id is the only thing put in the link:
the reader writes the rest, and nothing about a family belongs there.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from reti_adi.catalogue.records import Catalogue


@dataclass(frozen=True)
class ReportChannels:
    url: str | None
    email: str | None

    @property
    def any(self) -> bool:
        return bool(self.url or self.email)

    def form_link(self, service_id: str, title: str) -> str | None:
        if not self.url:
            return None
        if "{servizio}" in self.url:
            return self.url.replace("{servizio}", quote(service_id, safe=""))
        parts = urlsplit(self.url)
        query = "&".join(q for q in (parts.query, urlencode({"servizio": service_id})) if q)
        return urlunsplit(parts._replace(query=query))

    def mail_link(self, service_id: str, title: str) -> str | None:
        if not self.email:
            return None
        # urlencode(..., quote_via=quote) of MAIL_SUBJECT and MAIL_BODY, with the fixed text quoted once:
        # percent-encoding goes character by character, and it ran 10,000 times a build
        quoted = quote(service_id, safe="")
        return f"mailto:{self.email}?subject={_SUBJECT_QUOTED}{quoted}&body={_BODY_QUOTED[0]}{quoted}{_BODY_QUOTED[1]}"


MAIL_SUBJECT = "Correzione al catalogo: servizio {}"
MAIL_BODY = ("Servizio: {}\nCosa non è corretto (orari, recapiti, stato, altro):\n\n"
             "Come lo sai (es. telefonata all'ente, sito dell'ente):\n\n"
             "Non scrivere dati personali delle persone che segui.")
_SUBJECT_QUOTED = quote(MAIL_SUBJECT.removesuffix("{}"), safe="")
_BODY_QUOTED = tuple(quote(part, safe="") for part in MAIL_BODY.split("{}"))


def report_channels(catalogue: Catalogue) -> ReportChannels:
    meta = catalogue.meta.model if catalogue.meta else None
    configured = meta.segnalazioni if meta else None
    if configured and (configured.url or configured.email):
        return ReportChannels(configured.url, configured.email)
    editor = catalogue.get("ente", meta.editore) if meta else None
    email = editor.contatti.email if editor is not None and editor.contatti else None
    return ReportChannels(None, email)
