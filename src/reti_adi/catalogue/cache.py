"""Content-hash cache of checked files and rule results, so re-checking after one edit is fast.

Safe by construction: what is reused is keyed by the file's bytes (a blake2b digest) and by the
code and vocabularies that judged them (the salt):

- per file (table `voce`): the record's id, whether it validated, and every problem of the file
  alone (YAML, schema, personal data, placeholders). A hit is not validated again; the model is
  read from the file only if a rule asks for it (see records.LoadedRecord.deferred).
- per record and rule (table `esito`): the problems a cross-record rule gave for one record, with
  the list of what the rule looked up in the rest of the catalogue and what it found (an id
  present, the digest of another record...). The result is reused only if the record, the
  reference date and every one of those look-ups are unchanged (see rules/checker.py).
- per file (table `modello`): the validated record as JSON, for the build, which needs every record's
  model: a rebuild then parses only the YAML that changed. It is read only when asked for (a re-check
  never reads it), only for the digest the file has now, and pydantic validates it again with the
  record's model, exactly as the cold path does with the parsed YAML: data, never code.

When a file need not be read again: its lstat signature (device, inode, size, mtime_ns, ctime_ns)
equals the one recorded when it was hashed, and both times are at least SETTLED_NS older than
that moment (git's rule for "racy" files). Rewriting a file always moves its ctime, which no user
can set back: `git checkout` keeping the size, `touch -d` with an old mtime, an editor replacing
the file are all read and hashed again. Otherwise the file is read and its digest decides. What is
skipped is reading the file, never checking its entry (checksum, types, digest): a damaged entry is a
miss like any other. The rule trusts one thing, that the filesystem moves a file's ctime whenever its
bytes change (POSIX requires it of every write) to a value it did not have; where that may not hold
(some network or FUSE mounts, a clock set back on a filesystem with whole-second times), `reti-adi check
--no-cache` judges every file from its bytes, and a CI run on a fresh clone has no cache to trust.

Nothing in it can run code. The cache lives outside the repository (the user's cache
directory, or RETI_ADI_CACHE), one SQLite file per repository, keyed by the repository's
resolved path. Every value is data only (JSON text, bytes, numbers) and is checked when
read: an unreadable, oversized, malformed or mismatched entry is a miss, never an error.
A `.reti-adi-cache/` folder inside the repository (from older versions, or planted by a
pull request) is never read.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import time
from functools import cache
from pathlib import Path
from typing import NamedTuple

from reti_adi import __version__
from reti_adi.catalogue.vocabularies import schemas_dir, vocabularies_dir
from reti_adi.rules.problems import Problem

ENV_VAR = "RETI_ADI_CACHE"
FORMAT = 7
MAX_ENTRY_BYTES = 16 * 1024 * 1024
"""An entry larger than this is not read back (a catalogue file is far smaller)."""
MAX_DATABASE_BYTES = 4 * 1024 * 1024 * 1024
"""A cache file larger than this is not opened: it cannot come from a real catalogue."""
SETTLED_NS = 2_000_000_000
"""A file changed less than this before it was hashed may change again with the same stat
(timestamps have a coarse grain): its signature is not trusted, it is hashed on every run."""


def cache_home() -> Path:
    """RETI_ADI_CACHE if set, else the platform's user cache directory (~/.cache/reti-adi on Linux)."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("reti-adi", appauthor=False))


@cache
def code_salt() -> bytes:
    """Changes whenever anything that decides a file's or a rule's problems changes."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT}|{__version__}|{sys.version}".encode())
    import pydantic

    digest.update(pydantic.VERSION.encode())
    package = Path(__file__).resolve().parents[1]  # the whole reti_adi package
    shipped = [p for p in sorted((schemas_dir() / "modelli").glob("*")) if p.is_file()]
    for path in sorted(package.rglob("*.py")) + sorted(vocabularies_dir().iterdir()) + shipped:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def signature(status: os.stat_result) -> str:
    return f"{status.st_dev}:{status.st_ino}:{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}"


def now_ns() -> int:
    """When a file is hashed (not a calendar date: only compared with the file's own timestamps)."""
    return time.time_ns()


def database_path(root: Path) -> Path:
    """One file per repository: the name is a digest of its resolved path."""
    key = hashlib.blake2b(str(Path(root).resolve()).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
    return cache_home() / f"controllo-{key}.sqlite3"


_SCHEMA = {
    "meta": "CREATE TABLE meta (chiave TEXT PRIMARY KEY, valore BLOB NOT NULL)",
    "voce": ("CREATE TABLE voce (percorso TEXT NOT NULL, tipo TEXT NOT NULL, impronta BLOB NOT NULL, "
             "firma TEXT NOT NULL, visto INTEGER NOT NULL, scheda TEXT NOT NULL, problemi BLOB NOT NULL, "
             "controllo BLOB NOT NULL, PRIMARY KEY (percorso, tipo))"),
    "esito": ("CREATE TABLE esito (regola TEXT NOT NULL, percorso TEXT NOT NULL, chiave BLOB NOT NULL, "
              "tipi TEXT NOT NULL, stato_tipi BLOB NOT NULL, letture BLOB NOT NULL, trovato BLOB NOT NULL, "
              "problemi BLOB NOT NULL, controllo BLOB NOT NULL, "
              "PRIMARY KEY (regola, percorso))"),
    "modello": ("CREATE TABLE modello (percorso TEXT NOT NULL, tipo TEXT NOT NULL, impronta BLOB NOT NULL, "
                "dati BLOB NOT NULL, controllo BLOB NOT NULL, PRIMARY KEY (percorso, tipo))"),
}
_FIELDS = ("file", "line", "column", "field", "message", "rule", "severity", "found", "expected")
_FIELD_TYPES = (str, int, int, str, str, str, str, str, str)
_OPTIONAL = {1, 2, 7, 8}


class FileSummary(NamedTuple):
    """What one file's bytes gave, validation included: enough to skip the file on a re-check."""

    record_id: str | None
    """None when the file yields no record (unreadable, not a mapping)."""
    partial: bool
    problems: list[Problem]


class StoredResult(NamedTuple):
    """A rule's result for one record, with what it depended on in the rest of the catalogue."""

    kinds: str
    """The kinds (and «meta», «modelli») its look-ups touched, comma-separated."""
    kinds_state: bytes
    """Digest of the whole state of those kinds when it ran: if equal now, nothing it read changed."""
    reads: bytes
    """Its look-ups, JSON (decode_reads), checked one by one only when kinds_state differs."""
    found: bytes
    """Digest of what those look-ups found."""
    problems: list[Problem]


# --- encoding: plain data in, JSON text out, and back with every shape checked ----------------------------

class Malformed(ValueError):
    """An entry that is not what this code writes: treated as a miss."""


def _file_checksum(digest: bytes, recorded: str, seen: int, record: str, problems: bytes) -> bytes:
    """Detects a damaged or truncated file entry: every part, lengths first, in one hash (a part of the
    wrong type raises TypeError, which the reader takes for a miss)."""
    head = f"{len(digest)},{recorded},{seen},{len(record)}|{record}".encode("utf-8", "surrogateescape")
    return hashlib.blake2b(head + digest + problems, digest_size=16).digest()


def _result_checksum(key: bytes, kinds: str, kinds_state: bytes, reads: bytes, found: bytes, problems: bytes) -> bytes:
    head = b"%d,%d,%d,%d,%d|" % (len(key), len(kinds), len(kinds_state), len(reads), len(found))
    return hashlib.blake2b(head + key + kinds.encode("utf-8", "surrogateescape") + kinds_state + reads + found
                           + problems, digest_size=16).digest()


def _model_checksum(digest: bytes, data: bytes) -> bytes:
    return hashlib.blake2b(b"%d|" % len(digest) + digest + data, digest_size=16).digest()


def _encode_record(summary: FileSummary) -> str:
    if summary.record_id is None:
        return ""
    return ("p:" if summary.partial else "v:") + summary.record_id


def _decode_record(text: str) -> tuple[str | None, bool]:
    if text == "":
        return None, False
    if text[:2] not in ("v:", "p:") or len(text) < 3:
        raise Malformed("scheda")
    return text[2:], text[0] == "p"


def _encode_problems(problems: list[Problem]) -> bytes:
    if not problems:
        return b"[]"  # most files and records
    return json.dumps([[getattr(p, name) for name in _FIELDS] for p in problems], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def _decode_problems(text: bytes) -> list[Problem]:
    if text == b"[]":
        return []  # most files
    decoded = json.loads(text.decode("utf-8"))
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


def _encode_reads(reads: list[tuple[str, ...]]) -> bytes:
    return json.dumps([list(read) for read in reads], ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_reads(text: bytes) -> list[tuple[str, ...]]:
    """The look-ups of a rule; their shape is checked by whoever answers them (an unknown one is a miss)."""
    decoded = json.loads(text.decode("utf-8"))
    if not isinstance(decoded, list):
        raise Malformed("letture")
    return [tuple(read) for read in decoded]


def reads_digest(found: list[str]) -> bytes:
    """What a rule's look-ups found, in one digest: equal digests, equal answers."""
    return hashlib.blake2b("\n".join(found).encode("utf-8", "surrogateescape"), digest_size=16).digest()


def _settled(entry: tuple, status: os.stat_result) -> bool:
    """The file's lstat is the one recorded when it was hashed, and both its times were SETTLED_NS older
    than that moment (see the module docstring): its bytes are the ones hashed."""
    digest, recorded, seen = entry[0], entry[1], entry[2]
    return (recorded.__class__ is str and seen.__class__ is int and digest.__class__ is bytes
            and max(status.st_mtime_ns, status.st_ctime_ns) <= seen - SETTLED_NS
            and recorded == signature(status))


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
    """Entries of one repository: files by (relative path, kind), rule results by (rule, relative path)."""

    def __init__(self, root: Path):
        self.path = database_path(root)
        self.root = str(Path(root).resolve())
        self.entries: dict[tuple[str, str], tuple] = {}
        self.results: dict[tuple[str, str], tuple] = {}
        self.fresh: dict[tuple[str, str], tuple] = {}
        self.written: dict[tuple[str, str], tuple] = {}
        self.fresh_results: dict[tuple[str, str], tuple] = {}
        self.written_results: dict[tuple[str, str], tuple] = {}
        self.written_models: dict[tuple[str, str], tuple[bytes, bytes]] = {}
        self.valid_store = False
        self.trusted_store = False
        """The file has our schema, salt and root: its `modello` rows may be read."""
        self.started_ns = now_ns()
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
                "SELECT percorso, tipo, impronta, firma, visto, scheda, problemi, controllo FROM voce "
                "WHERE length(problemi) + length(scheda) <= ?", (MAX_ENTRY_BYTES,))
            self.entries = {row[:2]: row[2:] for row in rows}
            rows = connection.execute(
                "SELECT regola, percorso, chiave, tipi, stato_tipi, letture, trovato, problemi, controllo FROM esito "
                "WHERE length(tipi) + length(letture) + length(problemi) <= ?", (MAX_ENTRY_BYTES,))
            self.results = {row[:2]: row[2:] for row in rows}
            self.trusted_store = True
        except (sqlite3.Error, ValueError):
            self.entries, self.results = {}, {}
            self.valid_store = self.trusted_store = False
        finally:
            connection.close()

    # --- files

    def settled_digest(self, relative: str, kind: str, status: os.stat_result | None) -> bytes | None:
        """The recorded digest of a file whose lstat is the one recorded and settled (see the module
        docstring), so the file need not be read; None means: read it and hash it."""
        entry = self.entries.get((relative, kind))
        return entry[0] if entry is not None and status is not None and _settled(entry, status) else None

    def settled_summary(self, relative: str, kind: str, status: os.stat_result | None
                        ) -> tuple[bytes, FileSummary] | None:
        """settled_digest and get(settled=True) in one look-up: the hot path of a re-check, once per file.
        None: the file is to be read and hashed (not settled, or an entry that does not check out)."""
        key = (relative, kind)
        entry = self.entries.get(key)
        if entry is None or status is None:
            return None
        digest, recorded, seen, record, problems, checksum = entry
        # _settled, inlined (once per file)
        if not (recorded.__class__ is str and seen.__class__ is int and digest.__class__ is bytes
                and max(status.st_mtime_ns, status.st_ctime_ns) <= seen - SETTLED_NS
                and recorded == f"{status.st_dev}:{status.st_ino}:{status.st_size}:{status.st_mtime_ns}:"
                                f"{status.st_ctime_ns}"):
            return None
        try:
            if checksum != _file_checksum(digest, recorded, seen, record, problems):
                return None
            if record.__class__ is str and len(record) > 2 and record[1] == ":" and record[0] in "vp":
                record_id, partial = record[2:], record[0] == "p"  # _decode_record's common case
            else:
                record_id, partial = _decode_record(record)
            summary = FileSummary(record_id, partial, [] if problems == b"[]" else _decode_problems(problems))
        except (ValueError, TypeError, RecursionError, OverflowError):
            return None
        self.fresh[key] = entry
        return digest, summary

    def has(self, relative: str, kind: str) -> bool:
        """Is there an entry for this file at all (if not, it need not be hashed before parsing)?"""
        return (relative, kind) in self.entries

    def get(self, relative: str, kind: str, digest: bytes, status: os.stat_result | None,
            settled: bool = False) -> FileSummary | None:
        """The verdict on these bytes, or None. settled: the digest came from settled_digest (the file
        was not read); otherwise a hit records the file's current lstat, so the next run may skip it."""
        entry = self.entries.get((relative, kind))
        if entry is None or entry[0] != digest:
            return None
        try:
            if entry[5] != _file_checksum(*entry[:5]):
                raise Malformed("controllo")
            record_id, partial = _decode_record(entry[3])
            summary = FileSummary(record_id, partial, _decode_problems(entry[4]))
        except (ValueError, TypeError, RecursionError, OverflowError):
            return None  # malformed: check the file again
        if settled:
            self.fresh[(relative, kind)] = entry
        else:
            self._remember(relative, kind, digest, status, entry[3], entry[4])
        return summary

    def put(self, relative: str, kind: str, digest: bytes, status: os.stat_result | None,
            summary: FileSummary) -> None:
        """Remember a file's verdict: its record's id and validity, and its own problems."""
        try:
            problems = _encode_problems(summary.problems)
        except (TypeError, ValueError, RecursionError):
            return  # something JSON cannot hold: just not cached
        self._remember(relative, kind, digest, status, _encode_record(summary), problems)

    def _remember(self, relative, kind, digest, status, record: str, problems: bytes) -> None:
        # a file without an lstat (never the case from discovery) gets a signature nothing matches
        entry = (digest, signature(status) if status is not None else "-", self.started_ns, record, problems)
        entry += (_file_checksum(*entry),)
        self.fresh[(relative, kind)] = entry
        self.written[(relative, kind)] = entry

    # --- validated models

    def put_model(self, relative: str, kind: str, digest: bytes, data: bytes) -> None:
        """Remember a valid record's model as JSON (put() of the same file must come with it)."""
        self.written_models[(relative, kind)] = (digest, data)

    def stored_models(self) -> dict[tuple[str, str], bytes]:
        """(relative path, kind) -> the JSON of the model recorded for the digest that file has in this run,
        read in one query; an entry that is oversized, damaged or for other bytes is left out (a miss)."""
        found = {key: value[1] for key, value in self.written_models.items()}
        wanted = {key: entry[0] for key, entry in self.fresh.items() if key not in found}
        if not wanted or not self.trusted_store:
            return found
        try:
            connection = _open(self.path, create=False)
        except (sqlite3.Error, OSError, Malformed):
            return found
        if connection is None:
            return found
        try:
            meta = dict(connection.execute("SELECT chiave, valore FROM meta").fetchall())
            if meta.get("sale") != code_salt() or meta.get("radice") != self.root:
                return found
            rows = connection.execute("SELECT percorso, tipo, impronta, dati, controllo FROM modello "
                                      "WHERE length(dati) <= ?", (MAX_ENTRY_BYTES,))
            for relative, kind, digest, data, checksum in rows:
                key = (relative, kind)
                try:
                    if wanted.get(key) == digest and checksum == _model_checksum(digest, data):
                        found[key] = data
                except TypeError:  # a column of the wrong type
                    continue
        except sqlite3.Error:
            return {key: value[1] for key, value in self.written_models.items()}
        finally:
            connection.close()
        return found

    # --- rule results

    def rule_results(self, rule: str, files: list[str], keys: list[bytes | None]) -> list[StoredResult | None]:
        """Each record's stored result of this rule (see StoredResult), or None, in the order of files: one
        call for all the records of a rule (a re-check asks for every one)."""
        results, found = self.results, []
        append = found.append
        for relative, key in zip(files, keys):
            entry = results.get((rule, relative))
            if entry is None or key is None or entry[0] != key:
                append(None)
                continue
            try:
                stored_key, kinds, kinds_state, reads, seen, problems, checksum = entry
                if checksum != _result_checksum(stored_key, kinds, kinds_state, reads, seen, problems):
                    append(None)
                    continue
                append(StoredResult(kinds, kinds_state, reads, seen,
                                    [] if problems == b"[]" else _decode_problems(problems)))
            except (ValueError, TypeError, RecursionError, OverflowError):
                append(None)
        return found

    def keep_rule_results(self, rule: str, files: list[str]) -> None:
        """These stored results were used as they are: keep them."""
        results = self.results
        self.fresh_results.update([((rule, relative), results[(rule, relative)]) for relative in files])

    def put_rule_result(self, rule: str, relative: str, key: bytes, kinds: str, kinds_state: bytes,
                        reads: list[tuple[str, ...]], found: bytes, problems: list[Problem]) -> None:
        try:
            entry = (key, kinds, kinds_state, _encode_reads(reads), found, _encode_problems(problems))
        except (TypeError, ValueError, RecursionError):
            return
        entry += (_result_checksum(*entry),)
        self.fresh_results[(rule, relative)] = entry
        self.written_results[(rule, relative)] = entry

    def save(self) -> None:
        """Write what changed (new, edited or deleted files, new rule results) in one transaction; a cache
        that cannot be written (read-only home, another check writing) only means the next run is slower."""
        gone = self.entries.keys() - self.fresh.keys()
        gone_results = self.results.keys() - self.fresh_results.keys()
        if not (self.written or gone or self.written_results or gone_results or self.written_models) \
                and self.valid_store:
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
                connection.execute("DELETE FROM esito")
                connection.execute("DELETE FROM modello")
                connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                       [("sale", code_salt()), ("radice", self.root)])
                rows, gone, results, gone_results = self.fresh, (), self.fresh_results, ()
            else:
                rows, results = self.written, self.written_results
            connection.executemany("DELETE FROM voce WHERE percorso = ? AND tipo = ?", sorted(gone))
            # a model follows its file's entry: gone with it, and replaced or dropped when the file is judged again
            changed = {key for key, entry in rows.items()
                       if key not in self.entries or self.entries[key][0] != entry[0]}
            connection.executemany("DELETE FROM modello WHERE percorso = ? AND tipo = ?",
                                   sorted((set(gone) | changed) - self.written_models.keys()))
            connection.executemany("INSERT OR REPLACE INTO modello VALUES (?, ?, ?, ?, ?)",
                                   [(*key, digest, data, _model_checksum(digest, data))
                                    for key, (digest, data) in self.written_models.items()])
            connection.executemany("INSERT OR REPLACE INTO voce VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                   [(*key, *value) for key, value in rows.items()])
            connection.executemany("DELETE FROM esito WHERE regola = ? AND percorso = ?", sorted(gone_results))
            connection.executemany("INSERT OR REPLACE INTO esito VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   [(*key, *value) for key, value in results.items()])
            connection.execute("COMMIT")
        except sqlite3.Error:
            try:
                connection.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        finally:
            connection.close()
