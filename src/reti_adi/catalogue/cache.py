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
import zlib
from functools import cache
from pathlib import Path

from reti_adi import __version__
from reti_adi.catalogue.records import ParseOutcome
from reti_adi.catalogue.vocabularies import vocabularies_dir
from reti_adi.catalogue.yaml_source import PackedPositions

CACHE_DIR = ".reti-adi-cache"
FORMAT = 4


@cache
def code_salt() -> bytes:
    """Changes whenever anything that decides a file's per-file problems changes."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT}|{__version__}|{sys.version}".encode())
    import pydantic

    digest.update(pydantic.VERSION.encode())
    package = Path(__file__).resolve().parents[1]  # the whole reti_adi package
    for path in sorted(package.rglob("*.py")) + sorted(vocabularies_dir().iterdir()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


SHARDS = 32


def _shard(relative: str) -> int:
    return zlib.crc32(relative.encode()) % SHARDS


class CheckCache:
    """Sharded by path: saving after a one-file edit rewrites one small shard, not the whole cache."""

    def __init__(self, root: Path):
        self.directory = Path(root) / CACHE_DIR
        self.entries: list[dict[tuple[str, str], tuple]] = [{} for _ in range(SHARDS)]
        self.fresh: list[dict[tuple[str, str], tuple]] = [{} for _ in range(SHARDS)]
        self.dirty: set[int] = set()
        self._outcome, self._positions = ParseOutcome, PackedPositions
        self._load()

    def _shard_path(self, shard: int) -> Path:
        return self.directory / f"controllo-{shard:02d}.pickle"

    def _load(self) -> None:
        import gc

        enabled = gc.isenabled()
        gc.disable()  # unpickling builds many small objects; collecting meanwhile only costs time
        try:
            for shard in range(SHARDS):
                try:
                    with self._shard_path(shard).open("rb") as handle:
                        payload = pickle.load(handle)
                    if payload.get("salt") == code_salt():
                        self.entries[shard] = payload["entries"]
                except Exception:  # noqa: BLE001 - a missing, old or damaged shard is simply not used
                    self.entries[shard] = {}
        finally:
            if enabled:
                gc.enable()

    def get(self, relative: str, kind: str, digest: bytes):
        shard = _shard(relative)
        entry = self.entries[shard].get((relative, kind))
        if entry is not None and entry[0] == digest:
            self.fresh[shard][(relative, kind)] = entry
            return self._outcome(entry[1], self._positions(entry[2]), entry[3])
        return None

    def put(self, relative: str, kind: str, digest: bytes, outcome) -> None:
        """Cache a file's parse outcome: plain data, packed positions, per-file problems."""
        shard = _shard(relative)
        # plain tuples: unpickling them is much cheaper than rebuilding objects
        self.fresh[shard][(relative, kind)] = (digest, outcome.data, outcome.positions.blob, outcome.problems)
        self.dirty.add(shard)

    def save(self) -> None:
        """Write the shards that changed (new, edited or deleted files), each atomically."""
        for shard in range(SHARDS):
            if len(self.fresh[shard]) != len(self.entries[shard]):
                self.dirty.add(shard)
        if not self.dirty:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
            for shard in sorted(self.dirty):
                handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".controllo-")
                with os.fdopen(handle, "wb") as out:
                    pickle.dump({"salt": code_salt(), "entries": self.fresh[shard]}, out,
                                protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self._shard_path(shard))
        except OSError:
            pass  # a read-only checkout still checks, just without a cache
