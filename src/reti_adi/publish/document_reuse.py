"""Reuse of the previous build's Word documents: keyed by what each is made from, then verified.

A document's **key** digests this module's format, the versions of reti-adi, Python, zlib, python-docx
and lxml, the source of the modules that gather and write documents (docx.py, planning_docx.py), the
document's path, and its inputs: the very object the writer receives (docx.ProtocolInputs,
planning_docx.PlanningInputs), digested field by field (dataclasses), as JSON (pydantic models), or
as their plain value (str, int, float, bool, None, dates, tuples, lists, dicts in order). A value of
any other type gives no key: that document is written, never reused. So the key is right by
construction: whatever the writer can read is in it.

A document whose key is the one the manifest of the last build recorded for its path, and whose file
in the previous build (the folder being replaced) still has the recorded digest, is hard-linked (or
copied) into the staging folder by site/reuse.py take_verified, instead of being written. The
**manifest** (path -> key, digest) is JSON beside the site's in the user's cache directory, one file per
build folder; it is written only once the new build is in place. It is untrusted: size-bounded, every
entry checked, a bad entry a miss, never an error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sys
import zlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from reti_adi import __version__
from reti_adi.publish.files import write_json_atomically
from reti_adi.publish.files import is_safe_relative
from reti_adi.site.reuse import DIGEST, digest_bytes, take_verified, versions

FORMAT = 2
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
"""A manifest larger than this is not read (10,000 documents take about 1 MB)."""
PACKAGE_DIR = Path(__file__).resolve().parent
WRITERS = ("docx.py", "planning_docx.py")
VERSIONED = ("python-docx", "lxml")
PREFIX = "documenti/"


class UnknownInput(TypeError):
    """A value of a type the key cannot digest faithfully: the document gets no key."""


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    key: str
    digest: str


@dataclass(slots=True)
class DocumentCounts:
    reused: int = 0
    written: int = 0


@dataclass(slots=True)
class DocumentReuse:
    """What the documents step may reuse, and (filled in by it) the manifest of what it published."""

    previous: Path | None
    """The build folder being replaced (still on disk until the swap); None: nothing to reuse."""
    manifest: dict[str, DocumentRecord] = field(default_factory=dict)
    enabled: bool = True
    """False (`--completa`): write every document, but still record the manifest."""
    record: dict[str, DocumentRecord] | None = None
    counts: DocumentCounts = field(default_factory=DocumentCounts)

    def usable(self) -> bool:
        return self.enabled and self.previous is not None


@cache
def code_key() -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT}|{__version__}|{sys.version}|{zlib.ZLIB_RUNTIME_VERSION}|{versions(VERSIONED)}\0".encode())
    for name in WRITERS:
        digest.update(f"{name}\0".encode())
        digest.update((PACKAGE_DIR / name).read_bytes())
    return digest.digest()


def _feed(digest, value) -> None:
    """Every value with its type and length, so no two different inputs give the same bytes."""
    if value is None or isinstance(value, bool):
        digest.update(f"{value!r};".encode())
    elif isinstance(value, (int, float)) and type(value) in (int, float):
        digest.update(f"{type(value).__name__}:{value!r};".encode())
    elif type(value) is str:
        data = value.encode("utf-8", "surrogatepass")
        digest.update(f"s{len(data)}:".encode())
        digest.update(data)
    elif type(value) in (dt.date, dt.datetime):
        digest.update(f"{type(value).__name__}:{value.isoformat()};".encode())
    elif type(value) in (tuple, list):
        digest.update(f"{type(value).__name__}{len(value)}[".encode())
        for item in value:
            _feed(digest, item)
    elif type(value) is dict:
        digest.update(f"dict{len(value)}{{".encode())
        for key, item in value.items():
            _feed(digest, key)
            _feed(digest, item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        kind = type(value)
        digest.update(f"dc:{kind.__module__}.{kind.__qualname__}(".encode())
        for item in dataclasses.fields(value):
            _feed(digest, item.name)
            _feed(digest, getattr(value, item.name))
    else:
        from pydantic import BaseModel

        if not isinstance(value, BaseModel):
            raise UnknownInput(type(value).__qualname__)
        kind = type(value)
        digest.update(f"pd:{kind.__module__}.{kind.__qualname__}(".encode())
        _feed(digest, value.model_dump_json())


def document_key(relative: str, inputs) -> str | None:
    """The key of the document at `relative` made from `inputs`; None if an input cannot be digested."""
    digest = hashlib.blake2b(code_key(), digest_size=16)
    try:
        _feed(digest, relative)
        _feed(digest, inputs)
    except (UnknownInput, RecursionError, ValueError):  # ValueError: what pydantic cannot serialise
        return None
    return digest.hexdigest()


def reuse_document(reuse: DocumentReuse | None, relative: str, key: str | None, staging: Path) -> str | None:
    """The digest of the previous build's document, linked into staging, if its key matches and its bytes
    are still the recorded ones; None (nothing left at staging) otherwise."""
    if key is None or reuse is None or not reuse.usable():
        return None
    recorded = reuse.manifest.get(relative)
    if recorded is None or recorded.key != key:
        return None
    return recorded.digest if take_verified(reuse.previous, relative, recorded.digest, staging) else None


def written_digest(content: bytes) -> str:
    return digest_bytes(content)


def manifest_path(out: Path) -> Path:
    from reti_adi.catalogue.cache import cache_home

    key = hashlib.blake2b(str(Path(out).resolve()).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
    return cache_home() / f"documenti-{key}.json"


def _valid_path(relative) -> bool:
    return is_safe_relative(relative) and relative.startswith(PREFIX) and relative.endswith(".docx")


def load_manifest(out: Path) -> dict[str, DocumentRecord]:
    """The manifest of out's last build; empty when absent, unreadable, oversized or of another format."""
    path = manifest_path(out)
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            return {}
        document = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(document, dict) or document.get("formato") != FORMAT:
        return {}
    entries = document.get("documenti")
    found: dict[str, DocumentRecord] = {}
    if isinstance(entries, dict):
        for relative, value in entries.items():
            if (_valid_path(relative) and isinstance(value, list) and len(value) == 2
                    and all(isinstance(v, str) and DIGEST.fullmatch(v) for v in value)):
                found[relative] = DocumentRecord(*value)
    return found


def save_manifest(out: Path, record: dict[str, DocumentRecord]) -> None:
    """Write it in one rename; a cache that cannot be written is no error."""
    path = manifest_path(out)
    document = {"formato": FORMAT,
                "documenti": {k: [r.key, r.digest] for k, r in sorted(record.items())}}
    try:
        write_json_atomically(path, document)
    except OSError:
        pass
