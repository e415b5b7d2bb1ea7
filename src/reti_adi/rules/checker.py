"""Run every cross-record rule. Importing the rule modules is what registers their rules.

With a cache, a record rule's result for one record is reused when the record's bytes, the
reference date and everything the rule looked up in the rest of the catalogue are what they were
(`Reads` writes each look-up down with what it found, `Fingerprints` says what it finds today).
A look-up is as narrow as the question: «is there an ente with this id» depends on that id only,
«the ambito with this id» on that file's digest, «every ente» on all of them. So editing one
service re-runs that service's rules; editing an ambito, the rules of the records that read it.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date

from reti_adi.catalogue.records import Catalogue, LoadedRecord
from reti_adi.rules import catalogue as catalogue_rules  # noqa: F401
from reti_adi.rules import demand as demand_rules  # noqa: F401
from reti_adi.rules import open_data as open_data_rules  # noqa: F401
from reti_adi.rules import protocols as protocol_rules  # noqa: F401
from reti_adi.rules.problems import Problem
from reti_adi.rules.registry import RULES, RecordRule

UNTRACKED = ("tutto",)
"""A read that no fingerprint covers: the result is not kept."""


class Reads:
    """The catalogue as a record rule sees it: the same answers, every question written down."""

    __slots__ = ("_catalogue", "log")

    def __init__(self, catalogue: Catalogue):
        self._catalogue = catalogue
        self.log: set[tuple[str, ...]] = set()

    def of(self, kind: str):
        self.log.add(("tipo", kind))
        return self._catalogue.of(kind)

    def all_of(self, kind: str):
        self.log.add(("tipo", kind))
        return self._catalogue.all_of(kind)

    def known(self, kind: str, record_id) -> bool:
        self.log.add(("id", kind, str(record_id)))
        return self._catalogue.known(kind, record_id)

    def is_valid(self, kind: str, record_id) -> bool:
        self.log.add(("id", kind, str(record_id)))
        return self._catalogue.is_valid(kind, record_id)

    def get(self, kind: str, record_id):
        self.log.add(("scheda", kind, str(record_id)))
        return self._catalogue.get(kind, record_id)

    @property
    def meta(self):
        self.log.add(("meta",))
        return self._catalogue.meta

    @property
    def root(self):
        self.log.add(("modelli",))  # what rules read below the root: the protocol model overrides
        return self._catalogue.root

    def __getattr__(self, name: str):
        self.log.add(UNTRACKED)
        return getattr(self._catalogue, name)


def _state(record: LoadedRecord | None) -> str:
    if record is None:
        return "-"
    if record.digest is None:
        return "?"
    return f"{record.file}|{int(record.partial)}|{record.digest.hex()}"


class Fingerprints:
    """What each kind of look-up finds in this run's catalogue, as short text."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.memo: dict[tuple[str, ...], str] = {}
        self.areas: dict[str, bytes | None] = {}

    def __call__(self, read: tuple[str, ...]) -> str:
        """What this look-up finds now; "?" for one this code never writes (then nothing is reused)."""
        found = self.memo.get(read)
        if found is None:
            found = self.memo[read] = self._compute(read)
        return found

    def areas_state(self, areas: str) -> bytes | None:
        """Digest of the whole state of some kinds (see _areas): equal digests, equal answers to any look-up.
        None when part of it is unknown (a record without digest): then nothing is reused through it."""
        if areas not in self.areas:
            parts = [self((area,)) if area in ("meta", "modelli") else self(("tipo", area))
                     for area in (areas.split(",") if areas else [])]
            self.areas[areas] = None if "?" in parts else hashlib.blake2b(
                "\n".join([areas, *parts]).encode("utf-8", "surrogateescape"), digest_size=16).digest()
        return self.areas[areas]

    def _compute(self, read: tuple[str, ...]) -> str:
        catalogue = self.catalogue
        if not read or not all(isinstance(part, str) for part in read):
            return "?"
        tag = read[0]
        # records.get, not of(): a look-up read back from the cache never adds a kind to the catalogue
        if tag == "id" and len(read) == 3:
            kind, record_id = read[1], read[2]
            if record_id in catalogue.records.get(kind, {}):
                return "v"
            return "p" if record_id in catalogue.partial.get(kind, {}) else "-"
        if tag == "scheda" and len(read) == 3:
            return _state(catalogue.records.get(read[1], {}).get(read[2]))
        if tag == "tipo" and len(read) == 2:
            kind = read[1]
            states = [_state(record) for records in (catalogue.records.get(kind, {}), catalogue.partial.get(kind, {}))
                      for record in records.values()]  # one line per record, each ending in a newline
            text = "\n".join(states) + "\n" if states else ""
            return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
        if tag == "meta" and len(read) == 1:
            return _state(catalogue.meta)
        if tag == "modelli" and len(read) == 1:
            return _overrides_digest(catalogue.root)
        return "?"  # unknown: never equal to a stored fingerprint, which is never "?"


def _overrides_digest(root) -> str:
    """Names and bytes of protocolli/modelli/ (a few small files), read without following links."""
    from reti_adi.catalogue.kinds import PROTOCOL_MODELS_DIR
    from reti_adi.catalogue.yaml_guard import read_bounded

    folder = os.path.join(root, PROTOCOL_MODELS_DIR)
    digest = hashlib.blake2b(digest_size=16)
    if os.path.islink(folder):
        return "collegamento"
    if not os.path.isdir(folder):
        return "-"
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
        try:
            digest.update(b"L" if os.path.islink(path) else read_bounded(path))
        except OSError:
            digest.update(b"E")
        digest.update(b"\0")
    return digest.hexdigest()


MANY = 200
"""From this many records to run again, their files are read in one parallel batch first."""


def _areas(log) -> str:
    """The kinds a rule's look-ups touched, «meta» and «modelli» included, as sorted text."""
    return ",".join(sorted({read[1] if read[0] in ("id", "scheda", "tipo") else read[0] for read in log}))


def _reusable(stored, fingerprints) -> bool:
    state = fingerprints.areas_state(stored.kinds)
    if state is not None and stored.kinds_state == state:
        return True  # nothing in the kinds it read changed: no need to look at each look-up
    from reti_adi.catalogue.cache import decode_reads, reads_digest

    try:
        found_now = [fingerprints(read) for read in decode_reads(stored.reads)]
    except (TypeError, ValueError, RecursionError):  # not what this code writes
        return False
    return "?" not in found_now and reads_digest(found_now) == stored.found  # other look-ups changed, not these


def _run_record_rule(rule: RecordRule, catalogue: Catalogue, today: date, cache, fingerprints) -> list[Problem]:
    from reti_adi.catalogue.cache import reads_digest

    records = rule.records(catalogue)
    # a result's key: the record's bytes and the reference date (the rule and the file are the row's own
    # key; id and validity follow from the bytes)
    day = today.isoformat().encode()
    files = [record.file for record in records]
    keys: list[bytes | None] = [None if record.digest is None else record.digest + day for record in records]
    outcomes = cache.reuse_rule_results(rule.name, files, keys, fingerprints.areas_state,
                                        lambda stored: _reusable(stored, fingerprints))
    again = [record for record, outcome in zip(records, outcomes) if outcome is None]
    if len(again) >= MANY:
        from reti_adi.catalogue.loader import materialise_many

        materialise_many(again)
    problems: list[Problem] = []
    for record, key, outcome in zip(records, keys, outcomes):
        if outcome is not None:
            problems.extend(outcome)
            continue
        if key is None:
            problems.extend(rule.function(catalogue, record, today))
            continue
        reads = Reads(catalogue)
        found = list(rule.function(reads, record, today))
        problems.extend(found)
        if UNTRACKED not in reads.log:
            log = sorted(reads.log)
            areas = _areas(log)
            cache.put_rule_result(rule.name, record.file, key, areas, fingerprints.areas_state(areas) or b"-", log,
                                  reads_digest([fingerprints(read) for read in log]), found)
    return problems


def check_catalogue(catalogue: Catalogue, today: date, cache=None) -> list[Problem]:
    """Every cross-record problem, in the order the rules are registered. cache: a CheckCache
    (catalogue/cache.py) to reuse and keep per-record results."""
    problems: list[Problem] = []
    fingerprints = Fingerprints(catalogue) if cache is not None else None
    for function in RULES:
        if cache is not None and isinstance(function, RecordRule):
            problems.extend(_run_record_rule(function, catalogue, today, cache, fingerprints))
        else:
            problems.extend(function(catalogue, today))
    return problems
