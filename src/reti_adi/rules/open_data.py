"""What the national open-data portal needs to harvest the catalogue's DCAT-AP_IT metadata.

Only warnings: a local preview with no public site still builds, but `check` says which
DCAT-AP_IT elements the published metadata will lack. (An editore without IPA code is already
reported by check_meta: no global namespace, hence no HSDS export and no IPA-prefixed identifier.)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from reti_adi.catalogue.records import Catalogue
from reti_adi.rules.problems import Problem
from reti_adi.rules.registry import problem, rule


@rule
def check_open_data_metadata(catalogue: Catalogue, today: date) -> Iterator[Problem]:
    if catalogue.meta is None:
        return
    meta = catalogue.meta.model
    if not meta.url_sito:
        yield problem(catalogue.meta, ("url_sito",),
                      "manca url_sito: i metadati DCAT-AP_IT (dati/dcat.ttl) avranno solo indirizzi relativi "
                      "e dati.gov.it non potrà raccoglierli", "dati-aperti.url-sito", severity="avviso",
                      expected="url_sito: \"https://…\" (l'indirizzo pubblico del sito)")
    editore = catalogue.get("ente", meta.editore)
    if editore is None:
        return  # check_meta already reports the missing ente
    record = catalogue.of("ente")[meta.editore]
    if not (editore.contatti and editore.contatti.email):
        yield problem(record, ("contatti", "email"),
                      f"l'ente editore «{editore.id}» non ha contatti.email: il punto di contatto DCAT-AP_IT "
                      "richiede un indirizzo email", "dati-aperti.email", severity="avviso",
                      expected="contatti: {email: …}")
