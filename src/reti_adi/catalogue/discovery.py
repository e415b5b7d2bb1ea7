"""Which files of a repository are catalogue files, and of which kind.

Only regular files inside the repository are read. Symbolic links are never followed, whatever
they point at: one pointing outside would publish a file of the machine that runs the check, a
loop would never end, and one pointing inside would read the same record twice under another
name. Git keeps a link as a link, so the contributor is told to commit the file itself. Every
YAML-looking name that is not read (a link, «.YAML» in capitals, a device or pipe) is a problem
that names the file, and the other files are checked all the same.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from reti_adi.catalogue import kinds as kinds_module
from reti_adi.catalogue.kinds import FileKind
from reti_adi.rules.problems import Problem

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(slots=True)
class Discovery:
    files: list[tuple[FileKind, str]] = field(default_factory=list)
    """(kind, path string) of every file to read, in a stable order."""
    problems: list[Problem] = field(default_factory=list)
    """Names that look like catalogue files but are not read."""
    stats: dict[str, os.stat_result] = field(default_factory=dict)
    """The lstat of each file to read, taken while scanning: the check cache compares it (cache.py)."""


class _Scanner:
    __slots__ = ("root", "real_root", "prefix", "discovery", "steps", "lstats")

    def __init__(self, root: str):
        self.root = root
        self.real_root = os.path.realpath(root)
        self.prefix = len(root.rstrip(os.sep)) + 1
        self.discovery = Discovery()
        self.steps: dict[str, int | None] = {}
        self.lstats: dict[str, os.stat_result] = {}

    def relative(self, path: str) -> str:
        return path[self.prefix:].replace(os.sep, "/")

    def refuse(self, path: str, message: str, rule: str, expected: str) -> None:
        self.discovery.problems.append(Problem(self.relative(path), None, None, "", message, rule,
                                               expected=expected))

    def refuse_link(self, path: str) -> None:
        name = os.path.basename(path)
        self.refuse(path, f"«{name}» è un collegamento simbolico {self._link_target(path)}: il catalogo legge "
                    "solo file veri, il collegamento non è stato seguito", "file.collegamento",
                    "il file stesso al posto del collegamento")

    def _link_target(self, path: str) -> str:
        """Where a link leads, in words: its target is neither read nor echoed."""
        try:
            os.stat(path)
        except FileNotFoundError:
            return "che non porta a nessun file"
        except OSError:
            return "che porta a un ciclo di collegamenti o a un percorso non leggibile"
        target = os.path.realpath(path)
        if os.path.commonpath([self.real_root, target]) != self.real_root:
            return "che porta fuori dal repository"
        return "che porta a un altro percorso del repository"

    def entry(self, path: str, name: str, mode: int) -> str | None:
        """What to do with one directory entry: 'dir', 'file' or None (skipped or refused)."""
        if stat.S_ISLNK(mode):
            self.refuse_link(path)
            return None
        if stat.S_ISDIR(mode):
            return "dir"
        if not name.lower().endswith(YAML_SUFFIXES):
            return None
        if not name.endswith(YAML_SUFFIXES):
            stem, suffix = os.path.splitext(name)
            self.refuse(path, f"l'estensione «{suffix}» va scritta in minuscolo: il file non è stato letto",
                        "file.estensione", f"«{stem}{suffix.lower()}»")
            return None
        if not stat.S_ISREG(mode):
            self.refuse(path, f"«{name}» non è un file normale (è una pipe, un socket o un dispositivo): "
                        "non è stato letto", "file.tipo", "un file di testo YAML")
            return None
        return "file"

    def folder(self, folder: str) -> list[str]:
        """Every YAML file below folder, as sorted path strings; directory links are never entered."""
        found: list[str] = []
        stack = [folder]
        while stack:
            current = stack.pop()
            try:
                with os.scandir(current) as iterator:
                    entries = list(iterator)
            except OSError as exc:
                self.refuse(current, f"cartella non leggibile ({exc.strerror or 'errore di sistema'}): "
                            "i file che contiene non sono stati controllati", "file.cartella",
                            "una cartella leggibile")
                continue
            stats = self.discovery.stats
            for item in entries:
                try:
                    status = item.stat(follow_symlinks=False)
                except OSError:
                    continue  # removed while scanning
                if stat.S_ISREG(status.st_mode) and item.name.endswith(YAML_SUFFIXES):  # nearly every entry
                    found.append(item.path)
                    stats[item.path] = status
                    continue
                what = self.entry(item.path, item.name, status.st_mode)
                if what == "dir":
                    stack.append(item.path)
                elif what == "file":
                    found.append(item.path)
                    self.discovery.stats[item.path] = status
        return sorted(found)

    def kind_target(self, kind: FileKind) -> str | None:
        """The kind's folder or file if it exists and no step of the way to it is a link."""
        path = self.root
        for part in kind.folder.split("/"):
            path = os.path.join(path, part)
            if path not in self.steps:  # catalogo/ is on the way to several kinds: tell a link once
                try:
                    status = os.lstat(path)
                    mode = status.st_mode
                    self.lstats[path] = status
                except OSError:
                    mode = None
                if mode is not None and stat.S_ISLNK(mode):
                    self.refuse_link(path)
                self.steps[path] = mode
            mode = self.steps[path]
            if mode is None or stat.S_ISLNK(mode):
                return None
        return path

    def scan(self) -> Discovery:
        for kind in kinds_module.KINDS:
            target = self.kind_target(kind)
            if target is None:
                continue
            if kind.single_file:
                if self.entry(target, os.path.basename(target), self.steps[target]) == "file":
                    self.discovery.files.append((kind, target))
                    self.discovery.stats[target] = self.lstats[target]
            elif stat.S_ISDIR(self.steps[target]):
                self.discovery.files.extend((kind, p) for p in self.folder(target))
        return self.discovery


def scan(root: Path | str) -> Discovery:
    """Every catalogue file of every kind, plus a problem for each YAML-like name that is not read."""
    return _Scanner(str(root)).scan()


def discover_paths(root: Path) -> list[tuple[FileKind, str]]:
    """Every YAML file of every kind as path strings, in a stable order (the hot path of a re-check)."""
    return scan(root).files


def discover(root: Path) -> list[tuple[FileKind, Path]]:
    return [(kind, Path(p)) for kind, p in discover_paths(root)]
