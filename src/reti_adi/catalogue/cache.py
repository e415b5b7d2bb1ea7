"""Content-hash cache of checked files and rule results, so re-checking after one edit is fast.

Safe by construction: what is reused is keyed by the file's bytes (a blake2b digest) and by the
code and vocabularies that judged them (the salt):

- per file (entries «voce»): the record's id, whether it validated, and every problem of the file
  alone (YAML, schema, personal data, placeholders). A hit is not validated again; the model is
  read from the file only if a rule asks for it (see records.LoadedRecord.deferred).
- per record and rule (entries «esito»): the problems a cross-record rule gave for one record, with
  the list of what the rule looked up in the rest of the catalogue and what it found (an id
  present, the digest of another record...). The result is reused only if the record, the
  reference date and every one of those look-ups are unchanged (see rules/checker.py).
- per file (table `modello`): the validated record as JSON, for the build, which needs every record's
  model: a rebuild then parses only the YAML that changed. It is read only when asked for (a re-check
  never reads it), only for the digest the file has now, and pydantic validates it again with the
  record's model, exactly as the cold path does with the parsed YAML: data, never code.

The entries of files and of rule results are kept in PARTS parts each (table `parte`, a part by the
file's path, see part_of): one JSON list per part, under one checksum. A re-check reads a part with one
hash and one JSON parse instead of one row, one checksum and a dozen values per file and rule, and
writes again only the parts that hold what changed. A part that does not check out is a miss for
every entry in it: those files are read and judged again, and the part is written again.

When a file need not be read again: its lstat signature (device, inode, size, mtime_ns, ctime_ns)
equals the one recorded when it was hashed, and both times are at least SETTLED_NS older than
that moment (git's rule for "racy" files). Rewriting a file always moves its ctime, which no user
can set back: `git checkout` keeping the size, `touch -d` with an old mtime, an editor replacing
the file are all read and hashed again. Otherwise the file is read and its digest decides. What is
skipped is reading the file, never checking its entry (its part's checksum, its types): a damaged entry
is a miss like any other. The rule trusts one thing, that the filesystem moves a file's ctime whenever its
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
import zlib
from functools import cache
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from reti_adi import __version__
from reti_adi.catalogue.vocabularies import schemas_dir, vocabularies_dir
from reti_adi.rules.problems import Problem

ENV_VAR = "RETI_ADI_CACHE"
FORMAT = 8
MAX_ENTRY_BYTES = 16 * 1024 * 1024
"""A model larger than this is not read back (a catalogue file is far smaller)."""
PARTS = 64
"""Entries of files and of rule results are kept in this many parts each, by file (part_of): at 10,000
services a re-check after one edit writes about 100 KB again."""
MAX_PART_BYTES = 256 * 1024 * 1024
"""A part larger than this is not read back: its entries are misses."""
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
    digest.update(f"{FORMAT}|{PARTS}|{__version__}|{sys.version}".encode())
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


def signature(status: os.stat_result) -> list[int]:
    """What an entry records of a file's lstat (a list: what its part's JSON gives back)."""
    return [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]


def now_ns() -> int:
    """When a file is hashed (not a calendar date: only compared with the file's own timestamps)."""
    return time.time_ns()


def database_path(root: Path) -> Path:
    """One file per repository: the name is a digest of its resolved path."""
    key = hashlib.blake2b(str(Path(root).resolve()).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
    return cache_home() / f"controllo-{key}.sqlite3"


_SCHEMA = {
    "meta": "CREATE TABLE meta (chiave TEXT PRIMARY KEY, valore BLOB NOT NULL)",
    "parte": ("CREATE TABLE parte (tabella TEXT NOT NULL, numero INTEGER NOT NULL, dati BLOB NOT NULL, "
              "controllo BLOB NOT NULL, PRIMARY KEY (tabella, numero))"),
    "modello": ("CREATE TABLE modello (percorso TEXT NOT NULL, tipo TEXT NOT NULL, impronta BLOB NOT NULL, "
                "dati BLOB NOT NULL, controllo BLOB NOT NULL, PRIMARY KEY (percorso, tipo))"),
}
TABLES = ("voce", "esito")
"""The two kinds of entry kept in parts: files (voce) and rule results (esito)."""
_FIELDS = ("file", "line", "column", "field", "message", "rule", "severity", "found", "expected")
_FIELD_TYPES = (str, int, int, str, str, str, str, str, str)
_OPTIONAL = {1, 2, 7, 8}


def part_of(relative: str) -> int:
    """The part that holds a file's entry and its rule results: a re-check after one edit rewrites one part
    of each table, not the whole cache."""
    return zlib.crc32(relative.encode("utf-8", "surrogateescape")) % PARTS


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
    reads: str
    """Its look-ups, JSON (decode_reads), checked one by one only when kinds_state differs."""
    found: bytes
    """Digest of what those look-ups found."""
    problems: list[Problem]


# --- encoding: plain data in, JSON text out, and back with every shape checked ----------------------------

class Malformed(ValueError):
    """An entry that is not what this code writes: treated as a miss."""


def part_checksum(table: str, number: int, data: bytes) -> bytes:
    """Detects a damaged or truncated part: its table, number and every byte of it in one hash."""
    digest = hashlib.blake2b(f"{table}|{number}|".encode(), digest_size=16)
    digest.update(data)  # megabytes at national scale: not copied to be joined to the prefix
    return digest.digest()


def _model_checksum(digest: bytes, data: bytes) -> bytes:
    return hashlib.blake2b(b"%d|" % len(digest) + digest + data, digest_size=16).digest()


def _encode_record(summary: FileSummary) -> str:
    if summary.record_id is None:
        return ""
    return ("p:" if summary.partial else "v:") + summary.record_id


def _decode_record(text: str) -> tuple[str | None, bool]:
    if text == "":
        return None, False
    if text.__class__ is not str or text[:2] not in ("v:", "p:") or len(text) < 3:
        raise Malformed("scheda")
    return text[2:], text[0] == "p"


def _encode_problems(problems: list[Problem]) -> str:
    if not problems:
        return "[]"  # most files and records
    return json.dumps([[getattr(p, name) for name in _FIELDS] for p in problems], ensure_ascii=False,
                      separators=(",", ":"))


def _decode_problems(text: str) -> list[Problem]:
    if text == "[]":
        return []  # most files
    if text.__class__ is not str:
        raise Malformed("problemi")
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


def _digest_bytes(text: str) -> bytes:
    """A digest written as hex; anything else (another type, another length) raises Malformed."""
    if text.__class__ is not str or len(text) != 32:
        raise Malformed("impronta")
    return bytes.fromhex(text)


def _encode_reads(reads: list[tuple[str, ...]]) -> str:
    return json.dumps([list(read) for read in reads], ensure_ascii=False, separators=(",", ":"))


def decode_reads(text: str) -> list[tuple[str, ...]]:
    """The look-ups of a rule; their shape is checked by whoever answers them (an unknown one is a miss)."""
    if text.__class__ is not str:
        raise Malformed("letture")
    decoded = json.loads(text)
    if not isinstance(decoded, list):
        raise Malformed("letture")
    return [tuple(read) for read in decoded]


def reads_digest(found: list[str]) -> bytes:
    """What a rule's look-ups found, in one digest: equal digests, equal answers."""
    return hashlib.blake2b("\n".join(found).encode("utf-8", "surrogateescape"), digest_size=16).digest()


def _settled(entry: list, status: os.stat_result) -> bool:
    """The file's lstat is the one recorded when it was hashed, and both its times were SETTLED_NS older
    than that moment (see the module docstring): its bytes are the ones hashed."""
    recorded, seen = entry[3], entry[4]
    return (seen.__class__ is int
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


def _gone(old: dict, fresh: dict, written: dict) -> set:
    """The keys of old that this run did not use (old - fresh), without hashing every key when there are
    none: fresh holds keys of old and the keys written, so the counts tell (the common re-check)."""
    new = sum(1 for key in written if key not in old)
    if len(old) == len(fresh) - new:
        return set()
    return old.keys() - fresh.keys()


class CheckCache:
    """Entries of one repository: files by (relative path, kind), rule results by (rule, relative path).

    An entry is the JSON list a part holds: for a file [relative path, kind, digest (hex), lstat signature,
    when it was hashed (ns), record («v:id», «p:id» or ""), problems (JSON)]; for a rule result [rule,
    relative path, key (hex), kinds, kinds' state (hex), look-ups (JSON), what they found (hex), problems
    (JSON)]. A part is read with one checksum and one JSON parse, and each entry's values are checked
    when the entry is used: that is what keeps a re-check of 10,000 files in a fraction of a second."""

    def __init__(self, root: Path):
        self.path = database_path(root)
        self.root = str(Path(root).resolve())
        self.entries: dict[tuple[str, str], list] = {}
        self.results: dict[tuple[str, str], list] = {}
        self.fresh: dict[tuple[str, str], list] = {}
        self.written: dict[tuple[str, str], list] = {}
        self.fresh_results: dict[tuple[str, str], list] = {}
        self.written_results: dict[tuple[str, str], list] = {}
        self.written_models: dict[tuple[str, str], tuple[bytes, bytes]] = {}
        self.part_keys: dict[tuple[str, int], Iterable[tuple[str, str]]] = {}
        """The keys each part read held: what save() writes again of a part that changed."""
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
        import gc

        enabled = gc.isenabled()
        gc.disable()  # only allocation: tens of thousands of lists that live until the end
        try:
            meta = dict(connection.execute("SELECT chiave, valore FROM meta").fetchall())
            self.valid_store = True
            if meta.get("sale") != code_salt() or meta.get("radice") != self.root:
                return
            rows = connection.execute("SELECT tabella, numero, dati, controllo FROM parte WHERE length(dati) <= ?",
                                      (MAX_PART_BYTES,))
            for table, number, data, checksum in rows:
                try:
                    if checksum != part_checksum(table, number, data):
                        continue  # damaged: its entries are misses, and save() writes the part again
                    decoded = json.loads(data)
                    if table in TABLES and decoded.__class__ is list:
                        part = {(entry[0], entry[1]): entry for entry in decoded}
                        (self.entries if table == "voce" else self.results).update(part)
                        self.part_keys[(table, number)] = part.keys()
                except (ValueError, TypeError, KeyError, IndexError, RecursionError):
                    continue  # not what this code writes (a part with an entry of another shape is left whole)
            self.trusted_store = True
        except (sqlite3.Error, ValueError, TypeError):
            self.entries, self.results = {}, {}
            self.valid_store = self.trusted_store = False
        finally:
            connection.close()
            if enabled:
                gc.enable()

    # --- files

    def settled_digest(self, relative: str, kind: str, status: os.stat_result | None) -> bytes | None:
        """The recorded digest of a file whose lstat is the one recorded and settled (see the module
        docstring), so the file need not be read; None means: read it and hash it."""
        hit = self.settled_summary(relative, kind, status)
        return None if hit is None else hit[0]

    def settled_summary(self, relative: str, kind: str, status: os.stat_result | None
                        ) -> tuple[bytes, str | None, bool, list[Problem]] | None:
        """settled_digest and get(settled=True) in one look-up, the hot path of a re-check (once per file):
        the file's digest, its record's id and validity (see FileSummary) and its problems. None: the file
        is to be read and hashed (not settled, or an entry that does not check out)."""
        key = (relative, kind)
        entry = self.entries.get(key)
        if entry is None or status is None:
            return None
        try:
            _, _, digest, recorded, seen, record, problems = entry
            # _settled, inlined (once per file)
            if not (seen.__class__ is int and max(status.st_mtime_ns, status.st_ctime_ns) <= seen - SETTLED_NS
                    and recorded == [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns,
                                     status.st_ctime_ns]):
                return None
            if record.__class__ is str and len(record) > 2 and record[1] == ":" and record[0] in "vp":
                record_id, partial = record[2:], record[0] == "p"  # _decode_record's common case
            else:
                record_id, partial = _decode_record(record)
            if digest.__class__ is not str or len(digest) != 32:
                return None
            hit = bytes.fromhex(digest), record_id, partial, [] if problems == "[]" else _decode_problems(problems)
        except (ValueError, TypeError, LookupError, RecursionError, OverflowError):
            return None
        self.fresh[key] = entry
        return hit

    def has(self, relative: str, kind: str) -> bool:
        """Is there an entry for this file at all (if not, it need not be hashed before parsing)?"""
        return (relative, kind) in self.entries

    def get(self, relative: str, kind: str, digest: bytes, status: os.stat_result | None,
            settled: bool = False) -> FileSummary | None:
        """The verdict on these bytes, or None. settled: the digest came from settled_digest (the file
        was not read); otherwise a hit records the file's current lstat, so the next run may skip it."""
        entry = self.entries.get((relative, kind))
        try:
            if entry is None or len(entry) != 7 or entry[2] != digest.hex():
                return None
            record_id, partial = _decode_record(entry[5])
            summary = FileSummary(record_id, partial, _decode_problems(entry[6]))
        except (ValueError, TypeError, LookupError, RecursionError, OverflowError):
            return None  # malformed: check the file again
        if settled:
            self.fresh[(relative, kind)] = entry
        else:
            self._remember(relative, kind, digest, status, entry[5], entry[6])
        return summary

    def put(self, relative: str, kind: str, digest: bytes, status: os.stat_result | None,
            summary: FileSummary) -> None:
        """Remember a file's verdict: its record's id and validity, and its own problems."""
        try:
            problems = _encode_problems(summary.problems)
        except (TypeError, ValueError, RecursionError):
            return  # something JSON cannot hold: just not cached
        self._remember(relative, kind, digest, status, _encode_record(summary), problems)

    def _remember(self, relative, kind, digest, status, record: str, problems: str) -> None:
        # a file without an lstat (never the case from discovery) gets a signature nothing matches
        entry = [relative, kind, digest.hex(), signature(status) if status is not None else [], self.started_ns,
                 record, problems]
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
        wanted = {key: entry[2] for key, entry in self.fresh.items() if key not in found}
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
                    if wanted.get(key) == digest.hex() and checksum == _model_checksum(digest, data):
                        found[key] = data
                except (TypeError, AttributeError):  # a column of the wrong type
                    continue
        except sqlite3.Error:
            return {key: value[1] for key, value in self.written_models.items()}
        finally:
            connection.close()
        return found

    # --- rule results

    def reuse_rule_results(self, rule: str, files: list[str], keys: list[bytes | None],
                           state_now: Callable[[str], bytes | None],
                           still_holds: Callable[[StoredResult], bool]) -> list[list[Problem] | None]:
        """For each record of a rule, in the order of files: the problems of its stored result if that result
        still holds, else None (the rule runs again). A result holds if its key (the record's bytes and the
        reference date) is this one and either the state of the kinds it read is the one now (state_now,
        asked once per set of kinds) or still_holds says each of its look-ups finds what it found then.
        A result that holds is kept for the next run. One call for all the records of a rule: a re-check
        asks for every one, and most hold through the first test alone."""
        results, fresh, outcomes = self.results, self.fresh_results, []
        append = outcomes.append
        states: dict = {}  # kinds -> the hex of their state now, or None when it is unknown
        for relative, key in zip(files, keys):
            entry = results.get((rule, relative))
            if entry is None or key is None:
                append(None)
                continue
            try:
                _, _, stored_key, kinds, kinds_state, reads, seen, problems = entry
                if stored_key != key.hex() or kinds.__class__ is not str or kinds_state.__class__ is not str:
                    append(None)
                    continue
                if kinds in states:
                    state = states[kinds]
                else:
                    state = state_now(kinds)
                    state = states[kinds] = None if state is None else state.hex()
                found = [] if problems == "[]" else _decode_problems(problems)
                if state != kinds_state and not (reads.__class__ is str and still_holds(
                        StoredResult(kinds, bytes.fromhex(kinds_state), reads, _digest_bytes(seen), found))):
                    append(None)
                    continue
            except (ValueError, TypeError, LookupError, RecursionError, OverflowError):
                append(None)
                continue
            fresh[(rule, relative)] = entry
            append(found)
        return outcomes

    def put_rule_result(self, rule: str, relative: str, key: bytes, kinds: str, kinds_state: bytes,
                        reads: list[tuple[str, ...]], found: bytes, problems: list[Problem]) -> None:
        try:
            entry = [rule, relative, key.hex(), kinds, kinds_state.hex(), _encode_reads(reads), found.hex(),
                     _encode_problems(problems)]
        except (TypeError, ValueError, RecursionError):
            return
        self.fresh_results[(rule, relative)] = entry
        self.written_results[(rule, relative)] = entry

    def _parts(self, dirty: set[tuple[str, int]] | None) -> dict[tuple[str, int], list[list]]:
        """The entries of this run for each part in dirty (None: every part), from the keys each part held
        when read and the entries written in this run, so that only what changed is looked at."""
        if dirty is None:
            dirty = {(table, number) for table in TABLES for number in range(PARTS)}
        parts: dict[tuple[str, int], list[list]] = {}
        for table, fresh, written, position in (("voce", self.fresh, self.written, 0),
                                                ("esito", self.fresh_results, self.written_results, 1)):
            numbers = {number for kind, number in dirty if kind == table}
            if not numbers:
                continue
            if len(numbers) == PARTS:  # every part: one pass over this run's entries
                keys = fresh.keys()
            else:
                keys = {key for number in numbers for key in self.part_keys.get((table, number), ())}
                keys.update(written)
            for number in numbers:
                parts[(table, number)] = []
            for key in keys:
                entry = fresh.get(key)
                bucket = None if entry is None else parts.get((table, part_of(key[position])))
                if bucket is not None:
                    bucket.append(entry)
        return parts

    def save(self) -> None:
        """Write what changed (new, edited or deleted files, new rule results) in one transaction, as whole
        parts: only the parts that hold a change are written again. A cache that cannot be written
        (read-only home, another check writing) only means the next run is slower."""
        gone = _gone(self.entries, self.fresh, self.written)
        gone_results = _gone(self.results, self.fresh_results, self.written_results)
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
            # no flush to the disk before returning: a part or a model torn by a power cut does not match its
            # checksum and is a miss (the journal still makes the transaction whole if the process dies)
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("BEGIN IMMEDIATE")
            meta = dict(connection.execute("SELECT chiave, valore FROM meta").fetchall())
            if meta.get("sale") != code_salt() or meta.get("radice") != self.root or not self.trusted_store:
                connection.execute("DELETE FROM parte")
                connection.execute("DELETE FROM modello")
                connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                       [("sale", code_salt()), ("radice", self.root)])
                stale_models: set = set()
                parts = self._parts(None)
            else:
                # a model follows its file's entry: gone with it, and replaced or dropped when the file is judged again
                changed = {key for key, entry in self.written.items()
                           if key not in self.entries or self.entries[key][2:3] != entry[2:3]}
                stale_models = (set(gone) | changed) - self.written_models.keys()
                parts = self._parts({("voce", part_of(relative)) for relative, _ in [*self.written, *gone]}
                                    | {("esito", part_of(relative))
                                       for _, relative in [*self.written_results, *gone_results]})
            connection.executemany("DELETE FROM modello WHERE percorso = ? AND tipo = ?", sorted(stale_models))
            connection.executemany("INSERT OR REPLACE INTO modello VALUES (?, ?, ?, ?, ?)",
                                   [(*key, digest, data, _model_checksum(digest, data))
                                    for key, (digest, data) in self.written_models.items()])
            rows = []
            for (table, number), entries in sorted(parts.items()):
                if not entries:
                    connection.execute("DELETE FROM parte WHERE tabella = ? AND numero = ?", (table, number))
                    continue
                data = json.dumps(entries, separators=(",", ":")).encode("ascii")  # names that are not UTF-8 too
                rows.append((table, number, data, part_checksum(table, number, data)))
            connection.executemany("INSERT OR REPLACE INTO parte VALUES (?, ?, ?, ?)", rows)
            connection.execute("COMMIT")
        except (sqlite3.Error, ValueError, TypeError):
            try:
                connection.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        finally:
            connection.close()
