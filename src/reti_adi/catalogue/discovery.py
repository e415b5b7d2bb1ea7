"""Which files of a repository are catalogue files, and of which kind."""

from __future__ import annotations

import os
from pathlib import Path

from reti_adi.catalogue import kinds as kinds_module
from reti_adi.catalogue.kinds import FileKind

YAML_SUFFIXES = (".yaml", ".yml")


def _yaml_files(folder: str) -> list[str]:
    """Every YAML file below folder, as sorted path strings (os.scandir: no pathlib per entry)."""
    found: list[str] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif entry.name.endswith(YAML_SUFFIXES) and entry.is_file():
                found.append(entry.path)
    return sorted(found)


def discover_paths(root: Path) -> list[tuple[FileKind, str]]:
    """Every YAML file of every kind as path strings, in a stable order (the hot path of a re-check)."""
    found: list[tuple[FileKind, str]] = []
    for kind in kinds_module.KINDS:
        target = os.path.join(root, kind.folder)
        if kind.single_file:
            if os.path.isfile(target):
                found.append((kind, target))
            continue
        found.extend((kind, p) for p in _yaml_files(target))
    return found


def discover(root: Path) -> list[tuple[FileKind, Path]]:
    return [(kind, Path(p)) for kind, p in discover_paths(root)]
