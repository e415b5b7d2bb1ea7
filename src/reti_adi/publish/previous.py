"""Read the previous publication (a build directory or a published site): untrusted input.

Whatever is there may have been crafted, so every file is size-bounded, parsed by the same
pydantic models that generate the published schemas (so it is validated against them, ids
included: an id must match the slug pattern before it can name a file), and only paths this
module builds from validated parts are ever read. Nothing read here becomes a path unchecked.
"""

from __future__ import annotations

import hashlib
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from reti_adi.catalogue.models.common import ID_RE
from reti_adi.publish import api_models as m

TIMEOUT_SECONDS = 30
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_CHANGE_SETS = 100_000

_SAFE_RELATIVE = re.compile(r"^(?:[a-z0-9][a-z0-9_-]*/)*[a-z0-9][a-z0-9_-]*\.json$")
_ID = re.compile(ID_RE)


class PreviousError(Exception):
    """The previous publication cannot be used: the message (Italian) says where and why."""


class PreviousAbsent(PreviousError):
    """Nothing published there yet (no api/v1/index.json, or HTTP 404): possibly the first publication."""


class PreviousUnreachable(PreviousError):
    pass


class PreviousInvalid(PreviousError):
    pass


Reader = Callable[[str, int], bytes]
Parsed = TypeVar("Parsed", bound=BaseModel)


def _http_reader(base: str) -> tuple[str, Reader]:
    root = base.rstrip("/") + "/api/v1/"

    def read(relative: str, limit: int) -> bytes:
        url = root + relative
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http/https only)
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise PreviousInvalid(f"«{url}» è troppo grande ({int(declared)} byte, massimo {limit})")
                content = response.read(limit + 1)
        except urllib.error.HTTPError as exc:
            if exc.code in (404, 410):
                raise PreviousAbsent(f"«{url}» non esiste (HTTP {exc.code})") from exc
            raise PreviousUnreachable(f"«{url}» ha risposto HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PreviousUnreachable(f"«{url}» non è raggiungibile ({reason}; attesa massima "
                                      f"{TIMEOUT_SECONDS} s)") from exc
        if len(content) > limit:
            raise PreviousInvalid(f"«{url}» è troppo grande (oltre {limit} byte)")
        return content
    return root, read


def _directory_reader(base: Path) -> tuple[str, Reader]:
    directory = (base / "api" / "v1").resolve()

    def read(relative: str, limit: int) -> bytes:
        path = (directory / relative).resolve()
        if not path.is_relative_to(directory):
            raise PreviousInvalid(f"«{directory / relative}» punta fuori dalla pubblicazione precedente")
        try:
            with path.open("rb") as handle:
                content = handle.read(limit + 1)
        except FileNotFoundError as exc:
            raise PreviousAbsent(f"«{path}» non esiste") from exc
        except OSError as exc:
            raise PreviousUnreachable(f"«{path}» non è leggibile ({exc.strerror})") from exc
        if len(content) > limit:
            raise PreviousInvalid(f"«{path}» è troppo grande (oltre {limit} byte)")
        return content
    return str(directory) + "/", read


def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    if first["type"] == "json_invalid":
        return "non è JSON valido (o è annidato troppo in profondità)"
    where = ".".join(str(part) for part in first["loc"]) or "(documento)"
    extra = f" e altri {exc.error_count() - 1} errori" if exc.error_count() > 1 else ""
    return f"il campo «{where}» non rispetta lo schema pubblicato ({first['type']}){extra}"


@dataclass(slots=True)
class PreviousPublication:
    where: str
    manifest: m.Manifest
    changes: m.ChangesDoc | None
    feed: m.IndiceModifiche | None = None
    change_sets: dict[int, bytes] = field(default_factory=dict)
    """Sequence -> the exact bytes published, validated and checked against the feed index's sha256."""
    _read: Reader | None = field(default=None, repr=False)

    def fingerprints(self, kind: str) -> dict[str, str]:
        return self.manifest.impronte.get(kind, {})

    def modified(self, kind: str) -> dict:
        return self.manifest.modificato_il.get(kind, {})

    def tombstones(self) -> list[m.Tombstone]:
        return list(self.changes.ritirati) if self.changes else []

    def service(self, service_id: str) -> m.Tombstone | m.ServizioDettaglio | None:
        """The service as published before (to write its tombstone), None if that file is gone."""
        if not _ID.match(service_id):
            raise PreviousInvalid(f"id di servizio non valido nella pubblicazione precedente: {service_id[:80]!r}")
        try:
            content = _get(self._read, self.where, f"servizi/{service_id}.json", MAX_FILE_BYTES)
        except PreviousAbsent:
            return None
        model = m.Tombstone if b'"rimosso":true' in content else m.ServizioDettaglio
        return _parse(model, content, self.where + f"servizi/{service_id}.json")


def _get(read: Reader, where: str, relative: str, limit: int) -> bytes:
    if not _SAFE_RELATIVE.match(relative) or ".." in relative:
        raise PreviousInvalid(f"percorso non valido nella pubblicazione precedente: {relative[:80]!r}")
    return read(relative, limit)


def _parse(model: type[Parsed], content: bytes, where: str) -> Parsed:
    try:
        return model.model_validate_json(content)
    except ValidationError as exc:
        raise PreviousInvalid(f"«{where}» non è valido: {_describe(exc)}") from exc


def _load_feed(read: Reader, where: str) -> tuple[m.IndiceModifiche | None, dict[int, bytes]]:
    try:
        content = _get(read, where, "modifiche/index.json", MAX_FILE_BYTES)
    except PreviousAbsent:
        return None, {}  # published by a version without the feed: the feed starts now
    index = _parse(m.IndiceModifiche, content, where + "modifiche/index.json")
    if len(index.insiemi) > MAX_CHANGE_SETS:
        raise PreviousInvalid(f"«{where}modifiche/index.json» elenca troppi insiemi di modifiche "
                              f"({len(index.insiemi)}, massimo {MAX_CHANGE_SETS})")
    expected = list(range(1, len(index.insiemi) + 1))
    if [v.sequenza for v in index.insiemi] != expected or index.ultima_sequenza != len(index.insiemi):
        raise PreviousInvalid(f"«{where}modifiche/index.json» non ha sequenze consecutive da 1 a "
                              f"{index.ultima_sequenza}")
    change_sets = {}
    for entry in index.insiemi:
        relative = f"modifiche/{entry.sequenza}.json"
        if entry.percorso != relative:
            raise PreviousInvalid(f"«{where}modifiche/index.json»: la sequenza {entry.sequenza} indica "
                                  f"il percorso {entry.percorso!r} invece di {relative!r}")
        try:
            body = _get(read, where, relative, MAX_FILE_BYTES)
        except PreviousAbsent as exc:
            raise PreviousInvalid(f"manca «{where}{relative}», elencato in modifiche/index.json: il registro "
                                  "delle modifiche non si può interrompere") from exc
        if hashlib.sha256(body).hexdigest() != entry.sha256:
            raise PreviousInvalid(f"«{where}{relative}» non corrisponde allo sha256 di modifiche/index.json")
        if _parse(m.InsiemeModifiche, body, where + relative).sequenza != entry.sequenza:
            raise PreviousInvalid(f"«{where}{relative}» dichiara una sequenza diversa da {entry.sequenza}")
        change_sets[entry.sequenza] = body
    return index, change_sets


def load_previous(base: str | Path) -> PreviousPublication:
    """The publication at a directory or site URL. PreviousAbsent if nothing is published there."""
    text = str(base)
    where, read = _http_reader(text) if text.startswith(("http://", "https://")) else _directory_reader(Path(base))
    manifest = _parse(m.Manifest, _get(read, where, "index.json", MAX_MANIFEST_BYTES), where + "index.json")
    try:
        changes = _parse(m.ChangesDoc, _get(read, where, "changes.json", MAX_FILE_BYTES), where + "changes.json")
    except PreviousAbsent:
        changes = None
    feed, change_sets = _load_feed(read, where)
    return PreviousPublication(where, manifest, changes, feed, change_sets, read)


def load_previous_if_any(base: str | Path) -> PreviousPublication | None:
    """For a folder that may hold no publication yet (a portal's first run); errors other than absence still raise."""
    try:
        return load_previous(base)
    except PreviousAbsent:
        return None
