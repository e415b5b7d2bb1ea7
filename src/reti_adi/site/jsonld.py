"""schema.org GovernmentService description of a service page, as JSON-LD."""

from __future__ import annotations

import json

from reti_adi.catalogue.records import Catalogue
from reti_adi.catalogue.vocabularies import comuni
from reti_adi.publish import api_models as m
from reti_adi.publish.context import BuildContext

DAYS = {"lunedi": "Monday", "martedi": "Tuesday", "mercoledi": "Wednesday", "giovedi": "Thursday",
        "venerdi": "Friday", "sabato": "Saturday", "domenica": "Sunday"}


def _drop_empty(value):
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v not in (None, [], {}, "")}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


# schema.org has no status for a service: it is stated as a property, with the page's own words
STATUS = {"attivo": "Attivo", "sospeso": "Sospeso", "cessato": "Cessato", "non_presente": "Non presente"}


def government_service(s: m.ServizioDettaglio, ctx: BuildContext, catalogue: Catalogue) -> str:
    return service_jsonld(*jsonld_inputs(s, ctx, catalogue))


def jsonld_inputs(s: m.ServizioDettaglio, ctx: BuildContext, catalogue: Catalogue) -> tuple:
    """What service_jsonld reads besides the service: its page address and its ente's name, tax id and site."""
    ente = catalogue.get("ente", s.ente_erogatore.id)
    # without a site address the page's own address («./», resolved by the reader against the page)
    url = ctx.page_url(f"servizi/{s.id}/") if ctx.site_url else "./"
    return s, url, ente.denominazione, ente.codice_fiscale, ente.sito_web


def service_jsonld(s: m.ServizioDettaglio, url: str, ente_name: str, ente_tax_id: str | None,
                   ente_site: str | None) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "@id": f"{url}#servizio",
        "identifier": s.id,
        "name": s.denominazione,
        "description": s.descrizione,
        "serviceType": s.tipologia.etichetta,
        "url": url,
        "provider": {"@type": "Organization", "name": ente_name, "taxID": ente_tax_id, "url": ente_site},
        "areaServed": [{"@type": "City", "name": comuni()[c].denominazione, "identifier": c}
                       for c in s.territorio.comuni_istat],
        "audience": {"@type": "Audience", "audienceType": s.a_chi_e_rivolto
                     or ", ".join(a.etichetta for a in s.aree_utenza)},
        "isAccessibleForFree": (s.costo.tipo == "gratuito") if s.costo else None,
        "availableChannel": [
            {"@type": "ServiceChannel", "name": sede.denominazione,
             "serviceLocation": {
                 "@type": "Place", "name": sede.denominazione,
                 "address": {"@type": "PostalAddress", "streetAddress": sede.indirizzo, "postalCode": sede.cap,
                             "addressLocality": sede.comune, "addressCountry": "IT"},
                 "geo": {"@type": "GeoCoordinates", "latitude": sede.lat, "longitude": sede.lon}
                 if sede.lat is not None else None,
                 "openingHoursSpecification": [
                     {"@type": "OpeningHoursSpecification", "dayOfWeek": [f"https://schema.org/{DAYS[g]}"
                                                                          for g in f.giorni],
                      "opens": f.dalle, "closes": f.alle} for f in sede.orari]}}
            for sede in s.sedi],
    }
    data["additionalProperty"] = {"@type": "PropertyValue", "propertyID": "stato", "name": "Stato",
                                  "value": STATUS[s.stato]}
    if s.stato in ("sospeso", "cessato", "non_presente"):
        data["disambiguatingDescription"] = {
            "sospeso": "Servizio temporaneamente sospeso.",
            "cessato": "Servizio cessato: non è più attivo.",
            "non_presente": "Sostegno necessario ma non presente sul territorio.",
        }[s.stato]
    if s.contatti and (s.contatti.telefono or s.contatti.email):
        data["availableChannel"].append({"@type": "ServiceChannel", "servicePhone": {
            "@type": "ContactPoint", "telephone": s.contatti.telefono, "email": s.contatti.email,
            "name": s.contatti.ufficio}})
    text = json.dumps(_drop_empty(data), ensure_ascii=False, separators=(",", ":"))
    # inside <script>: no "</script>" or "<!--" can be formed from data
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
