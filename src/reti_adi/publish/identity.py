"""Identifiers unique across Italy and stable forever, for records whose YAML ids are only local slugs.

A catalogue's namespace is the IPA code of the ente that publishes it (IndicePA codes are unique
nationally), refined by `codice_catalogo` in catalogo.yaml when one ente publishes several
catalogues. A global id is «namespace:kind:local-id», e.g. «urg_bo:servizio:emporio-solidale»;
neither an IPA code nor a local id contains «.» or «:», so the string parses back unambiguously.
The UUID (for formats such as HSDS that want one) is a uuid5 of the global id: same id, same UUID.
"""

from __future__ import annotations

import re
import uuid

from reti_adi.catalogue.records import Catalogue

PROJECT_NAMESPACE = uuid.UUID("a114abb4-15df-5bbb-82c1-79da03fd3475")
"""Fixed forever: uuid5(NAMESPACE_URL, "https://reti-adi.it/ns/id-globale"). Changing it changes every UUID."""

KINDS = frozenset({"servizio", "ente", "fonte", "ambito", "rete", "protocollo"})
"""The record kinds that get a global id (the catalogue's own kinds)."""

_IPA = re.compile(r"^[a-z0-9_]{2,20}$")
_LOCAL_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAMESPACE_RE = re.compile(r"^[a-z0-9_]{2,20}(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)?$")
GLOBAL_ID_RE = re.compile(r"^[a-z0-9_]{2,20}(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)?:[a-z]+:[a-z0-9]+(?:-[a-z0-9]+)*$")


def namespace_from(codice_ipa: str | None, codice_catalogo: str | None = None) -> str | None:
    """«urg_bo» or «urg_bo.sociale»; None without an IPA code (a catalogue code alone is not unique)."""
    if not codice_ipa:
        return None
    ipa = codice_ipa.lower()
    if not _IPA.match(ipa):
        raise ValueError(f"codice IPA non valido: {codice_ipa!r}")
    if codice_catalogo is None:
        return ipa
    if not _LOCAL_ID.match(codice_catalogo):
        raise ValueError(f"codice_catalogo non valido: {codice_catalogo!r}")
    return f"{ipa}.{codice_catalogo}"


def catalogue_namespace(catalogue: Catalogue) -> str | None:
    """The catalogue's namespace, or None when it cannot be derived (no catalogo.yaml, editore without IPA code)."""
    if catalogue.meta is None:
        return None
    meta = catalogue.meta.model
    editore = catalogue.get("ente", meta.editore)
    if editore is None:
        return None
    return namespace_from(getattr(editore, "codice_ipa", None), getattr(meta, "codice_catalogo", None))


def global_id(namespace: str, kind: str, local_id: str) -> str:
    """«namespace:kind:local-id»: the same three parts always give the same string."""
    if not NAMESPACE_RE.match(namespace):
        raise ValueError(f"namespace non valido: {namespace!r}")
    if kind not in KINDS:
        raise ValueError(f"tipo di scheda sconosciuto: {kind!r}")
    if not _LOCAL_ID.match(local_id):
        raise ValueError(f"id locale non valido: {local_id!r}")
    return f"{namespace}:{kind}:{local_id}"


def record_uuid(global_identifier: str) -> uuid.UUID:
    """Deterministic UUID (version 5) of a global id."""
    if not GLOBAL_ID_RE.match(global_identifier):
        raise ValueError(f"identificativo globale non valido: {global_identifier!r}")
    return uuid.uuid5(PROJECT_NAMESPACE, global_identifier)
