"""Find and load every record of a catalogue repository: one parse and one validation per file."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import ValidationError

from reti_adi.catalogue import kinds as kinds_module
from reti_adi.catalogue.cache import FileSummary, content_digest
from reti_adi.catalogue.discovery import scan
from reti_adi.catalogue.kinds import FileKind
from reti_adi.catalogue.partial import salvage
from reti_adi.catalogue.records import Catalogue, LoadedRecord, ParseOutcome
from reti_adi.catalogue.yaml_guard import read_bounded, size_problem
from reti_adi.catalogue.yaml_source import PackedPositions, Positions, decode, parse
from reti_adi.gc_pause import paused_gc
from reti_adi.rules.personal_data import find_personal_data, load_validators
from reti_adi.rules.placeholders import find_placeholders
from reti_adi.rules.problems import Problem
from reti_adi.rules.schema_messages import translate
from reti_adi.rules.yaml_messages import find_comment_truncations


def parse_stage(kind: FileKind, raw: bytes, relative: str, stem: str, name: str) -> ParseOutcome:
    """Decode, parse, YAML traps, text rules, id = file name. Pure function of path and bytes."""
    text, problem = None, size_problem(len(raw), relative)
    if problem is None:
        text, problem = decode(raw, relative)
    if problem:
        return ParseOutcome(None, PackedPositions.pack(Positions()), [problem])
    parsed = parse(text, relative)
    problems = list(parsed.problems)
    packed = PackedPositions.pack(parsed.positions)
    problems.extend(find_personal_data(text, parsed.strings, relative, parsed.positions))  # comments too
    if parsed.data is None:
        return ParseOutcome(None, packed, problems)
    problems.extend(find_placeholders(parsed.strings, relative, parsed.positions))
    problems.extend(find_comment_truncations(text, parsed.strings, relative, parsed.positions))
    if not kind.single_file:
        declared = parsed.data.get("id")
        if declared is not None and declared != stem:
            line, column = parsed.positions.locate(("id",))
            problems.append(Problem(relative, line, column, "id",
                                    f"l'id «{declared}» non corrisponde al nome del file «{name}»",
                                    "file.id-nome", found=str(declared), expected=stem))
    return ParseOutcome(parsed.data, packed, problems)


def validate_stage(kind: FileKind, outcome: ParseOutcome, relative: str,
                   stem: str) -> tuple[LoadedRecord | None, list[Problem]]:
    problems = list(outcome.problems)
    if outcome.data is None:
        return None, problems
    try:
        model = kind.model.model_validate(outcome.data)
    except ValidationError as exc:
        problems.extend(translate(exc, kind.model, relative, outcome.positions.unpack(), skip_placeholders=True))
        model = salvage(kind.model, outcome.data)
        record_id = stem if kind.single_file or not getattr(model, "id", None) else model.id
        return LoadedRecord(kind.name, record_id, relative, model, outcome.positions, partial=True), problems
    record_id = stem if kind.single_file else model.id
    return LoadedRecord(kind.name, record_id, relative, model, outcome.positions), problems


def load_file(kind: FileKind, path: Path, relative: str) -> tuple[LoadedRecord | None, list[Problem]]:
    outcome = parse_stage(kind, read_bounded(path), relative, path.stem, path.name)
    return validate_stage(kind, outcome, relative, path.stem)


PARALLEL_THRESHOLD = 400


def _parse_batch(batch: list[tuple[str, bytes | str, str, str, str]]) -> list[tuple[bytes | None, ParseOutcome]]:
    """Each item gives the file's bytes, or its path to read here (then the digest of what was read
    comes back too): reading in the workers spares the parent reading and sending every file."""
    results = []
    for kind, raw, relative, stem, name in batch:
        digest = None
        if isinstance(raw, str):
            raw = read_bounded(raw)
            digest = content_digest(raw)
        results.append((digest, parse_stage(kinds_module.KIND_BY_NAME[kind], raw, relative, stem, name)))
    return results


def _parse_many(items: list[tuple[str, bytes | str, str, str, str]], jobs: int
                ) -> Iterable[tuple[bytes | None, ParseOutcome]]:
    """Parse in `jobs` processes when there is enough work to pay for them (parsing is most of the cost).
    The results come in order, batch by batch as the workers finish them: the caller validates a batch
    while the workers parse the next ones, instead of waiting for the last file."""
    if jobs <= 1 or len(items) < PARALLEL_THRESHOLD:
        return _parse_batch(items)
    return _parse_parallel(items, jobs)


def _parse_parallel(items: list[tuple[str, bytes | str, str, str, str]], jobs: int
                    ) -> Iterator[tuple[bytes | None, ParseOutcome]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    load_validators()
    chunks = max(jobs * 16, 1)  # small batches: the last one, validated after every worker is done, is short
    size = -(-len(items) // chunks)
    batches = [items[i:i + size] for i in range(0, len(items), size)]
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        context = multiprocessing.get_context()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for batch in pool.map(_parse_batch, batches):
            yield from batch


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        return os.cpu_count() or 1


def load_catalogue(root: Path, cache=None, jobs: int | None = None) -> Catalogue:
    """Load every record. The cyclic GC is paused meanwhile: loading only allocates (no cycles to
    free), and at national scale repeated full-heap collections cost more than the work itself."""
    with paused_gc():  # what was just loaded lives until the end: frozen, out of later collections
        return _load_catalogue(Path(root), cache, jobs)


class ChangedDuringCheck(RuntimeError):
    """A file read again for its model is no longer the one the cache judged."""


class _Materialiser:
    """Reads a cached record's file again when a rule or a publisher first needs its model."""

    __slots__ = ("kind", "path", "relative", "digest")

    def __init__(self, kind: FileKind, path: str, relative: str, digest: bytes):
        self.kind, self.path, self.relative, self.digest = kind, path, relative, digest

    def work(self, raw: bytes) -> tuple[str, bytes, str, str, str]:
        if content_digest(raw) != self.digest:
            raise ChangedDuringCheck(f"il file {self.relative} è cambiato durante il controllo: ripeti il controllo")
        name = os.path.basename(self.path)
        return self.kind.name, raw, self.relative, file_stem(name), name

    def finish(self, outcome: ParseOutcome):
        record, _ = validate_stage(self.kind, outcome, self.relative, file_stem(os.path.basename(self.path)))
        if record is None:  # pragma: no cover - same bytes, same verdict
            raise ChangedDuringCheck(f"il file {self.relative} non si legge più: ripeti il controllo")
        return record.model, record.positions

    def __call__(self):
        return self.finish(_parse_batch([self.work(read_bounded(self.path))])[0][1])


def materialise_many(records: list[LoadedRecord], jobs: int | None = None) -> None:
    """Read the models of many deferred records at once, parsing in parallel like a cold load
    (a rule that must look at thousands of them again: a new reference date, an edited ambito...)."""
    pending = [(record, record.source) for record in records
               if isinstance(record.source, _Materialiser) and not record.has_model]
    if not pending:
        return
    work = [source.work(read_bounded(source.path)) for _, source in pending]
    for (record, source), (_, outcome) in zip(pending, _parse_many(work, jobs or default_jobs())):
        record.fill(*source.finish(outcome))


def fill_models(catalogue: Catalogue, cache, jobs: int | None = None) -> None:
    """Give every deferred record its model, for a build (the API, data and pages read them all): from
    the JSON the cache recorded for the file's current digest, validated again by the record's pydantic
    model, or, where the cache has none or it does not validate, parsed from the file as a cold load
    does. Positions stay deferred: they are read from the file only if a problem needs them."""
    records = [record for kind in (catalogue.records, catalogue.partial) for of_kind in kind.values()
               for record in of_kind.values() if not record.has_model]
    if catalogue.meta is not None and not catalogue.meta.has_model:
        records.append(catalogue.meta)
    if not records:
        return
    with paused_gc():  # as in load_catalogue: only allocation, no cycles
        stored = cache.stored_models() if cache is not None else {}
        unread = []
        for record in records:
            data = None if record.partial else stored.get((record.file, record.kind))
            if data is not None:
                try:
                    record.give_model(kinds_module.KIND_BY_NAME[record.kind].model.model_validate_json(data))
                    continue
                except (ValidationError, ValueError, RecursionError):  # not what this code writes: read the file
                    pass
            unread.append(record)
        materialise_many(unread, jobs)


def file_stem(name: str) -> str:
    """os.path.splitext(name)[0] for a file name (discovery hands out names ending in .yaml or .yml)."""
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem.strip(".") else name


def _load_catalogue(root: Path, cache, jobs: int | None) -> Catalogue:
    catalogue = Catalogue(root=root)
    for kind in kinds_module.KINDS:
        catalogue.of(kind.name)
    discovery = scan(root)
    found = discovery.files
    catalogue.problems.extend(discovery.problems)
    prefix = len(str(root).rstrip(os.sep)) + 1
    if os.sep == "/":  # string operations, not os.path's: this runs for every file of every re-check
        relatives = [path[prefix:] for _, path in found]
    else:  # pragma: no cover - Windows
        relatives = [path[prefix:].replace(os.sep, "/") for _, path in found]
    results: list[tuple[LoadedRecord | None, list[Problem]] | None] = [None] * len(found)
    misses: list[int] = []
    work: list[tuple[str, bytes, str, str, str]] = []
    digests: list[bytes | None] = [None] * len(found)
    stats = discovery.stats
    settled = cache.settled_summary if cache is not None else None
    deferred = LoadedRecord.deferred
    for index, (kind, path) in enumerate(found):
        relative = relatives[index]
        raw: bytes | str = path  # read by the parse worker, unless it must be read here
        if cache is not None:
            status = stats.get(path)
            hit = settled(relative, kind.name, status)
            if hit is not None:  # the hot path of a re-check: once per unchanged file
                digest, record_id, partial, problems = hit
                record = None if record_id is None else deferred(kind.name, record_id, relative, partial, digest,
                                                                 _Materialiser(kind, path, relative, digest))
                results[index] = record, problems
                continue
            summary = None
            if cache.has(relative, kind.name):
                raw = read_bounded(path)
                digest = content_digest(raw)
                summary = cache.get(relative, kind.name, digest, status)
            else:
                digest = None  # nothing cached for this file: the worker hashes what it reads
            digests[index] = digest
            if summary is not None:
                record = None
                if summary.record_id is not None:
                    record = deferred(kind.name, summary.record_id, relative, summary.partial, digest,
                                      _Materialiser(kind, path, relative, digest))
                results[index] = record, summary.problems
                continue
        misses.append(index)
        name = os.path.basename(path)  # only the files read again need their name and stem
        work.append((kind.name, raw, relative, file_stem(name), name))
    for index, (digest, outcome) in zip(misses, _parse_many(work, jobs or default_jobs())):
        kind, path = found[index]
        stem = file_stem(os.path.basename(path))
        record, problems = results[index] = validate_stage(kind, outcome, relatives[index], stem)
        if cache is not None:
            digest = digests[index] = digests[index] or digest
            if record is not None:
                record.digest = digest
            summary = FileSummary(None if record is None else record.id, record is not None and record.partial,
                                  problems)
            cache.put(relatives[index], kind.name, digest, discovery.stats.get(path), summary)
            if record is not None and not record.partial:
                cache.put_model(relatives[index], kind.name, digest,
                                record.model.model_dump_json(by_alias=True, exclude_unset=True).encode("utf-8"))
    first_holder: dict[tuple[str, str], LoadedRecord] = {}
    shared: dict[tuple[str, str], list[LoadedRecord]] = {}  # ids declared by more than one file
    catalogue.files += len(found)
    valid = catalogue.records  # every kind found has its dictionary (made above)
    for (kind, _), (record, problems) in zip(found, results):
        if problems:
            catalogue.problems.extend(problems)
        if record is None:
            continue
        if kind.single_file:
            if not record.partial:
                catalogue.meta = record
            continue
        holder = (kind.name, record.id)
        first = first_holder.setdefault(holder, record)
        if first is not record:
            shared.setdefault(holder, [first]).append(record)
        if record.partial:
            catalogue.partial.setdefault(kind.name, {}).setdefault(record.id, record)
        else:
            valid[kind.name].setdefault(record.id, record)
    for (kind_name, record_id), records in shared.items():
        catalogue.problems.extend(_duplicate_id_problems(kinds_module.KIND_BY_NAME[kind_name], records))
    return catalogue


def _duplicate_id_problems(kind: FileKind, records: list[LoadedRecord]) -> list[Problem]:
    """Every file sharing an id is told where the others are: none of them is "the" right one."""
    problems = []
    for record in records:
        others = ", ".join(r.file for r in records if r is not record)
        line, column = record.positions.locate(("id",))
        problems.append(Problem(record.file, line, column, "id",
                                f"id «{record.id}» già usato da un altro {kind.label} in {others}",
                                "riferimenti.id-duplicato", found=record.id, expected="un id unico per ogni scheda"))
    return problems
