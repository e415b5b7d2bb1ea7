"""What changed between two versions of a catalogue: records added, removed, renamed, modified
field by field, and new warnings. Versions are git revisions or directories."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from reti_adi.catalogue.kinds import KIND_BY_NAME
from reti_adi.catalogue.records import Catalogue
from reti_adi.check import load_and_check
from reti_adi.rules.problems import Problem, format_path

SOURCE_FOLDERS = ("catalogo", "protocolli")


class VersionNotFound(Exception):
    pass


@dataclass(slots=True)
class FieldChange:
    field: str
    """The data path («sedi[0].cap»): what programs read."""
    before: object
    after: object

    @property
    def label(self) -> str:
        """The field as a reviewer names it («Sede 1: CAP»)."""
        from reti_adi.maintain.field_labels import field_label

        return field_label(self.field)


@dataclass(slots=True)
class RecordChange:
    kind: str
    id: str
    file: str
    changes: list[FieldChange] = field(default_factory=list)
    renamed_from: str | None = None
    name: str | None = None
    """Denominazione (or titolo) of the record, for a reader who does not know the ids."""
    ente: str | None = None
    """Name of the ente that provides or runs it (ente erogatore, gestore)."""
    problems: list[Problem] = field(default_factory=list)
    """For a file that is no longer valid: its errors."""


@dataclass(slots=True)
class CatalogueDiff:
    before: str
    after: str
    added: list[RecordChange] = field(default_factory=list)
    removed: list[RecordChange] = field(default_factory=list)
    renamed: list[RecordChange] = field(default_factory=list)
    modified: list[RecordChange] = field(default_factory=list)
    invalid: list[RecordChange] = field(default_factory=list)
    """Records that were valid and now have errors: changed, not removed."""
    fixed: list[RecordChange] = field(default_factory=list)
    """Records that had errors and are now valid."""
    new_warnings: list[Problem] = field(default_factory=list)
    new_errors: list[Problem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.modified or self.invalid or self.fixed
                    or self.new_warnings or self.new_errors)


def _flatten(value: object, path: tuple = ()) -> dict[str, object]:
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, item in value.items():
            out.update(_flatten(item, path + (key,)))
        return out or {format_path(path): {}}
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        out = {}
        for index, item in enumerate(value):
            out.update(_flatten(item, path + (index,)))
        return out
    return {format_path(path): value}


def field_changes(before: dict, after: dict) -> list[FieldChange]:
    """Field by field differences between two plain records (a list of structures element by element)."""
    a, b = _flatten(before), _flatten(after)
    return [FieldChange(k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def _content(record) -> dict:
    return record.model.model_dump(mode="json", by_alias=True, exclude_none=True)


def materialise(version: str, repo: Path, workdir: Path) -> Path:
    """A directory holding the catalogue at `version`: an existing directory, or a git revision."""
    candidate = Path(version)
    if candidate.is_dir():
        return candidate
    target = workdir / version.replace("/", "_")
    target.mkdir(parents=True)
    present = [f for f in SOURCE_FOLDERS
               if subprocess.run(["git", "-C", str(repo), "cat-file", "-e", f"{version}:{f}"],
                                 capture_output=True).returncode == 0]
    if not present:
        check = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{version}^{{commit}}"],
                               capture_output=True)
        if check.returncode != 0:
            raise VersionNotFound(f"«{version}» non è una cartella né una revisione git di {repo}")
        (target / "catalogo").mkdir()
        return target
    archive = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", version, *present],
                             capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    (target / "catalogo").mkdir(exist_ok=True)
    return target


def _errors_by_file(problems: list[Problem]) -> dict[str, list[Problem]]:
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.is_error:
            by_file.setdefault(problem.file, []).append(problem)
    return by_file


def _described(catalogue: Catalogue, kind: str, record) -> RecordChange:
    model = record.model
    name = getattr(model, "denominazione", None) or getattr(model, "titolo", None)
    ente_id = getattr(model, "ente_erogatore", None) or getattr(model, "gestore", None)
    ente = catalogue.get("ente", ente_id) if isinstance(ente_id, str) else None
    return RecordChange(kind, record.id, record.file, name=name,
                        ente=getattr(ente, "denominazione", None) or ente_id)


def _identities(catalogue: Catalogue, renamed_from: dict[tuple, tuple]) -> dict[str, tuple]:
    """File -> the record it holds (kind, id), renamed records under their previous id."""
    out = {}
    for kind in KIND_BY_NAME:
        for record in catalogue.of(kind).values():
            out[record.file] = renamed_from.get((kind, record.id), (kind, record.id))
    return out


def compare(before: Catalogue, after: Catalogue, before_problems: list[Problem], after_problems: list[Problem],
            labels: tuple[str, str]) -> CatalogueDiff:
    diff = CatalogueDiff(*labels)
    broken_before = _errors_by_file(before_problems)
    broken_after = _errors_by_file(after_problems)
    for kind in KIND_BY_NAME:
        old, new = before.of(kind), after.of(kind)
        removed = {i: old[i] for i in sorted(set(old) - set(new))}
        added = {i: new[i] for i in sorted(set(new) - set(old))}
        for new_id, record in list(added.items()):
            body = {k: v for k, v in _content(record).items() if k != "id"}
            twin = next((old_id for old_id, o in removed.items()
                         if {k: v for k, v in _content(o).items() if k != "id"} == body), None)
            if twin is not None:
                diff.renamed.append(RecordChange(kind, new_id, record.file, renamed_from=twin))
                del removed[twin], added[new_id]
        for record_id, record in added.items():
            was_broken = record_id in before.partial.get(kind, {}) or record.file in broken_before
            (diff.fixed if was_broken else diff.added).append(_described(after, kind, record))
        for record_id, record in removed.items():
            broken = after.partial.get(kind, {}).get(record_id)
            file = broken.file if broken is not None else record.file
            if broken is not None or file in broken_after:
                change = _described(before, kind, record)
                change.file, change.problems = file, broken_after.get(file, [])
                diff.invalid.append(change)
            else:
                diff.removed.append(_described(before, kind, record))
        for record_id in sorted(set(old) & set(new)):
            changes = field_changes(_content(old[record_id]), _content(new[record_id]))
            if changes:
                change = _described(after, kind, new[record_id])
                change.changes = changes
                diff.modified.append(change)

    # a problem is new unless the same record had it before: a record that was renamed or moved to
    # another file keeps the warnings it already had (a stale verification is not news after a rename)
    renamed_from = {(c.kind, c.id): (c.kind, c.renamed_from) for c in diff.renamed}
    identity_before = _identities(before, {})
    identity_after = _identities(after, renamed_from)

    def key(p: Problem, identities: dict[str, tuple]) -> tuple:
        return (identities.get(p.file, p.file), p.rule, p.field, p.message)

    seen = {key(p, identity_before) for p in before_problems}
    new = [p for p in after_problems if key(p, identity_after) not in seen]
    diff.new_warnings = [p for p in new if not p.is_error]
    shown = {c.file for c in diff.invalid}  # their errors are listed with them
    diff.new_errors = [p for p in new if p.is_error and p.file not in shown]
    return diff


def diff_versions(repo: Path, version_a: str, version_b: str | None = None,
                  today: dt.date | None = None) -> CatalogueDiff:
    """Compare version_a with version_b (default: the working tree of repo)."""
    repo = Path(repo)
    with tempfile.TemporaryDirectory(prefix="reti-adi-diff-") as work:
        root_a = materialise(version_a, repo, Path(work) / "a")
        root_b = materialise(version_b, repo, Path(work) / "b") if version_b else repo
        cat_a, res_a = load_and_check(root_a, today)
        cat_b, res_b = load_and_check(root_b, today)
        return compare(cat_a, cat_b, res_a.problems, res_b.problems,
                       (version_a, version_b or "cartella di lavoro"))
