"""Writing published files under a base folder, with the last guard on every relative path, and JSON files
that a reader never sees half written."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath


MAX_PATH_CHARS = 512


def is_safe_relative(relative) -> bool:
    """A relative path that stays inside its base (no absolute, empty, dot or backslash part, no NUL, not
    overlong): what a path read from a manifest or written by the build must be."""
    return (isinstance(relative, str) and 0 < len(relative) <= MAX_PATH_CHARS and "\\" not in relative
            and "\0" not in relative and not relative.startswith("/")
            and all(part not in ("", ".", "..") for part in relative.split("/")))


def safe_relative(relative: str) -> PurePosixPath:
    """is_safe_relative, or ValueError: the last guard before anything is written."""
    if not is_safe_relative(relative):
        raise ValueError(f"percorso di pubblicazione non valido: {str(relative)[:120]!r}")
    return PurePosixPath(relative)


def write_files(base: Path, files: dict[str, bytes]) -> None:
    made: set[Path] = set()
    for relative, content in files.items():
        path = base / safe_relative(relative)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(content)


def write_json_atomically(path: Path, data: object) -> None:
    """Compact UTF-8 JSON written beside path and renamed over it: a reader finds the old file or the new one.
    Raises OSError (the temporary file is removed) for the caller to decide whether that matters."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        temporary.write_bytes(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
