"""Content-hash cache of parsed files, so re-checking after one edit is fast.

Safe by construction: an entry is reused only for a file with the same path and the same
bytes, checked by the same code and vocabularies (the salt); cross-record rules are never
cached, they always run on the whole catalogue.

Nothing in it can run code. The cache lives outside the repository (the user's cache
directory, or RETI_ADI_CACHE), one SQLite file per repository, keyed by the repository's
resolved path. Every value is data only (JSON text, bytes, numbers) and is checked when
read: an unreadable, oversized, malformed or mismatched entry is a miss, never an error.
A `.reti-adi-cache/` folder inside the repository (from older versions, or planted by a
pull request) is never read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import sys
from functools import cache
from pathlib import Path

from reti_adi import __version__
from reti_adi.catalogue.records import ParseOutcome
from reti_adi.catalogue.vocabularies import vocabularies_dir
from reti_adi.catalogue.yaml_source import PackedPositions
from reti_adi.rules.problems import Problem

ENV_VAR = "RETI_ADI_CACHE"
FORMAT = 5
MAX_ENTRY_BYTES = 16 * 1024 * 1024
"""An entry larger than this is not read back (a catalogue file is far smaller)."""
MAX_DATABASE_BYTES = 4 * 1024 * 1024 * 1024
"""A cache file larger than this is not opened: it cannot come from a real catalogue."""


def cache_home() -> Path:
    """RETI_ADI_CACHE if set, else the platform's user cache directory (~/.cache/reti-adi on Linux)."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("reti-adi", appauthor=False))


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


def database_path(root: Path) -> Path:
    """One file per repository: the name is a digest of its resolved path."""
    key = hashlib.blake2b(str(Path(root).resolve()).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
    return cache_home() / f"controllo-{key}.sqlite3"


_SCHEMA = {
    "meta": "CREATE TABLE meta (chiave TEXT PRIMARY KEY, valore BLOB NOT NULL)",
    "voce": ("CREATE TABLE voce (percorso TEXT NOT NULL, tipo TEXT NOT NULL, impronta BLOB NOT NULL, "
             "dati BLOB NOT NULL, posizioni BLOB NOT NULL, problemi BLOB NOT NULL, controllo BLOB NOT NULL, "
             "PRIMARY KEY (percorso, tipo))"),
}
_FIELDS = ("file", "line", "column", "field", "message", "rule", "severity", "found", "expected")
_FIELD_TYPES = (str, int, int, str, str, str, str, str, str)
_OPTIONAL = {1, 2, 7, 8}


# --- encoding: plain data in, JSON text out, and back with every shape checked ----------------------------

class Malformed(ValueError):
    """An entry that is not what this code writes: treated as a miss."""


def entry_checksum(digest: bytes, data: bytes, positions: bytes, problems: bytes) -> bytes:
    """Detects a damaged or truncated entry at the cost of one hash, without decoding it: positions
    stay packed until a problem needs them (decoding them all would triple a re-check)."""
    lengths = b"%d,%d,%d,%d|" % (len(digest), len(data), len(positions), len(problems))
    return hashlib.blake2b(lengths + digest + data + positions + problems, digest_size=16).digest()


def _encode_data(data) -> bytes:
    """JSON of the parsed YAML; dates and datetimes are listed apart by path so that no string can pose as one."""
    dates: list[list] = []

    def walk(value, path: list) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, path + [key])
        elif isinstance(value, list):
            for index, child in enumerate(value):
                walk(child, path + [index])
        elif isinstance(value, dt.date):
            dates.append([path, value.isoformat(), isinstance(value, dt.datetime)])

    walk(data, [])
    return json.dumps([data, dates], ensure_ascii=False, separators=(",", ":"), default=_iso).encode("utf-8")


def _iso(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"valore non memorizzabile nella cache: {type(value).__name__}")


def _decode_data(text: bytes) -> dict | None:
    decoded = json.loads(text)
    if not (isinstance(decoded, list) and len(decoded) == 2 and isinstance(decoded[1], list)):
        raise Malformed("dati")
    data, dates = decoded
    if data is not None and not isinstance(data, dict):
        raise Malformed("dati")
    for entry in dates:
        if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], list) and entry[0]
                and isinstance(entry[1], str) and isinstance(entry[2], bool)):
            raise Malformed("data")
        *parents, last = entry[0]
        holder = data
        for step in parents:
            holder = _child(holder, step)
        _child(holder, last)  # the path must exist
        value = dt.datetime.fromisoformat(entry[1]) if entry[2] else dt.date.fromisoformat(entry[1])
        holder[last] = value
    return data


def _child(holder, step):
    if isinstance(holder, dict) and isinstance(step, str) and step in holder:
        return holder[step]
    if (isinstance(holder, list) and isinstance(step, int) and not isinstance(step, bool)
            and 0 <= step < len(holder)):
        return holder[step]
    raise Malformed("percorso")


def _encode_problems(problems: list[Problem]) -> bytes:
    return json.dumps([[getattr(p, name) for name in _FIELDS] for p in problems], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def _decode_problems(text: bytes) -> list[Problem]:
    if text == b"[]":
        return []  # most files
    decoded = json.loads(text)
    if not isinstance(decoded, list):
        raise Malformed("problemi")
    problems = []
    for row in decoded:
        if not (isinstance(row, list) and len(row) == len(_FIELDS)):
            raise Malformed("problema")
        for index, (value, kind) in enumerate(zip(row, _FIELD_TYPES)):
            if value is None and index in _OPTIONAL:
                continue
            if not isinstance(value, kind) or isinstance(value, bool):
                raise Malformed("problema")
        if row[6] not in ("errore", "avviso"):
            raise Malformed("gravità")
        problems.append(Problem(*row))
    return problems


# --- the store ---------------------------------------------------------------------------------------------

def _open(path: Path, create: bool) -> sqlite3.Connection | None:
    """A connection to our own schema, or None. A file with anything else in it is not used."""
    if not create:
        try:
            if not path.is_file() or path.stat().st_size > MAX_DATABASE_BYTES:
                return None
        except OSError:
            return None
    uri = path.resolve().as_uri() + ("?mode=rwc" if create else "?mode=rw")
    connection = sqlite3.connect(uri, uri=True, timeout=2, isolation_level=None)
    try:
        connection.execute("PRAGMA trusted_schema = OFF")
        objects = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        tables = {name: sql for kind, name, sql in objects if kind == "table"}
        others = [name for kind, name, _ in objects if kind not in ("table", "index") or
                  (kind == "index" and not name.startswith("sqlite_autoindex_"))]
        if not objects and create:
            for sql in _SCHEMA.values():
                connection.execute(sql)
        elif tables != _SCHEMA or others:
            raise Malformed("schema")
        return connection
    except BaseException:
        connection.close()
        raise


class CheckCache:
    """Entries of one repository: (relative path, kind) -> content digest and parse outcome."""

    def __init__(self, root: Path):
        self.path = database_path(root)
        self.root = str(Path(root).resolve())
        self.entries: dict[tuple[str, str], tuple] = {}
        self.fresh: dict[tuple[str, str], tuple] = {}
        self.written: dict[tuple[str, str], tuple] = {}
        self.valid_store = False
        self._load()

    def _load(self) -> None:
        try:
            connection = _open(self.path, create=False)
        except (sqlite3.Error, OSError, Malformed):
            return  # a damaged or foreign file: everything is a miss, and save() replaces it
        if connection is None:
            return
        try:
            meta = dict(connection.execute("SELECT chiave, valore FROM meta").fetchall())
            self.valid_store = True
            if meta.get("sale") != code_salt() or meta.get("radice") != self.root:
                return
            rows = connection.execute(
                "SELECT percorso, tipo, impronta, dati, posizioni, problemi, controllo FROM voce "
                "WHERE length(dati) + length(posizioni) + length(problemi) <= ?", (MAX_ENTRY_BYTES,))
            self.entries = {(relative, kind): entry for relative, kind, *entry in rows}
        except (sqlite3.Error, ValueError):
            self.entries = {}
            self.valid_store = False
        finally:
            connection.close()

    def get(self, relative: str, kind: str, digest: bytes) -> ParseOutcome | None:
        entry = self.entries.get((relative, kind))
        if entry is None or entry[0] != digest:
            return None
        try:
            _, data, positions, problems, checksum = entry
            if not all(isinstance(part, bytes) for part in entry) or checksum != entry_checksum(*entry[:4]):
                raise Malformed("controllo")
            outcome = ParseOutcome(_decode_data(data), PackedPositions(positions), _decode_problems(problems))
        except (ValueError, TypeError, RecursionError, OverflowError):
            return None  # malformed: parse the file again
        self.fresh[(relative, kind)] = entry
        return outcome

    def put(self, relative: str, kind: str, digest: bytes, outcome: ParseOutcome) -> None:
        """Remember a file's parse outcome: JSON data, packed positions, per-file problems."""
        try:
            entry = (digest, _encode_data(outcome.data), outcome.positions.blob, _encode_problems(outcome.problems))
        except (TypeError, ValueError, RecursionError):
            return  # something JSON cannot hold: just not cached
        entry += (entry_checksum(*entry),)
        self.fresh[(relative, kind)] = entry
        self.written[(relative, kind)] = entry

    def save(self) -> None:
        """Write what changed (new, edited or deleted files) in one transaction; a cache that cannot be
        written (read-only home, another check writing) only means the next run is slower."""
        gone = self.entries.keys() - self.fresh.keys()
        if not self.written and not gone and self.valid_store:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self.valid_store:
                for suffix in ("", "-journal", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            connection = _open(self.path, create=True)
        except (sqlite3.Error, OSError, Malformed):
            return
        try:
            connection.execute("BEGIN IMMEDIATE")
            meta = dict(connection.execute("SELECT chiave, valore FROM meta").fetchall())
            if meta.get("sale") != code_salt() or meta.get("radice") != self.root:
                connection.execute("DELETE FROM voce")
                connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                       [("sale", code_salt()), ("radice", self.root)])
                rows, gone = self.fresh, ()
            else:
                rows = self.written
            connection.executemany("DELETE FROM voce WHERE percorso = ? AND tipo = ?", sorted(gone))
            connection.executemany("INSERT OR REPLACE INTO voce VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   [(*key, *value) for key, value in rows.items()])
            connection.execute("COMMIT")
        except sqlite3.Error:
            try:
                connection.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        finally:
            connection.close()
