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


@dataclass(slots=True)
class CatalogueDiff:
    before: str
    after: str
    added: list[RecordChange] = field(default_factory=list)
    removed: list[RecordChange] = field(default_factory=list)
    renamed: list[RecordChange] = field(default_factory=list)
    modified: list[RecordChange] = field(default_factory=list)
    new_warnings: list[Problem] = field(default_factory=list)
    new_errors: list[Problem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.modified or self.new_warnings
                    or self.new_errors)


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


def compare(before: Catalogue, after: Catalogue, before_problems: list[Problem], after_problems: list[Problem],
            labels: tuple[str, str]) -> CatalogueDiff:
    diff = CatalogueDiff(*labels)
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
        diff.added += [RecordChange(kind, i, r.file) for i, r in added.items()]
        diff.removed += [RecordChange(kind, i, r.file) for i, r in removed.items()]
        for record_id in sorted(set(old) & set(new)):
            changes = field_changes(_content(old[record_id]), _content(new[record_id]))
            if changes:
                diff.modified.append(RecordChange(kind, record_id, new[record_id].file, changes))

    def key(p: Problem) -> tuple:
        return (p.file, p.rule, p.field, p.message)

    seen = {key(p) for p in before_problems}
    diff.new_warnings = [p for p in after_problems if not p.is_error and key(p) not in seen]
    diff.new_errors = [p for p in after_problems if p.is_error and key(p) not in seen]
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
