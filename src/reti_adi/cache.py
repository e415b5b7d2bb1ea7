"""Content-hash cache of parsed and validated files, so re-checking after one edit is fast.

Safe by construction: an entry is reused only for a file with the same path and the same
bytes, checked by the same code and vocabularies (the salt); cross-record rules are never
cached, they always run on the whole catalogue.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import cache
from pathlib import Path

from . import __version__
from .vocabularies import vocabularies_dir

CACHE_DIR = ".reti-adi-cache"
FORMAT = 2


@cache
def code_salt() -> bytes:
    """Changes whenever anything that decides a file's per-file problems changes."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT}|{__version__}|{sys.version}".encode())
    import pydantic

    digest.update(pydantic.VERSION.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")) + sorted(vocabularies_dir().iterdir()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class CheckCache:
    def __init__(self, root: Path):
        self.path = Path(root) / CACHE_DIR / "controllo.pickle"
        self.entries: dict[tuple[str, str], tuple[bytes, object]] = {}
        self.fresh: dict[tuple[str, str], tuple[bytes, object]] = {}
        self.changed = False
        self._load()

    def _load(self) -> None:
        try:
            with self.path.open("rb") as handle:
                payload = pickle.load(handle)
            if payload.get("salt") == code_salt():
                self.entries = payload["entries"]
        except Exception:  # noqa: BLE001 - a missing, old or damaged cache is simply not used
            self.entries = {}

    def get(self, relative: str, kind: str, digest: bytes):
        entry = self.entries.get((relative, kind))
        if entry is not None and entry[0] == digest:
            self.fresh[(relative, kind)] = entry
            return entry[1]
        return None

    def put(self, relative: str, kind: str, digest: bytes, outcome) -> None:
        """Cache a file's parse outcome (plain data, positions, per-file problems); validation is redone."""
        self.fresh[(relative, kind)] = (digest, outcome)
        self.changed = True

    def save(self) -> None:
        """Keep only the files seen in this run; write atomically."""
        if not self.changed and len(self.fresh) == len(self.entries):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".controllo-")
            with os.fdopen(handle, "wb") as out:
                pickle.dump({"salt": code_salt(), "entries": self.fresh}, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
        except OSError:
            pass  # a read-only checkout still checks, just without a cache
