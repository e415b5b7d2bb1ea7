"""Writing published files under a base folder, with the last guard on every relative path."""

from __future__ import annotations

from pathlib import Path, PurePosixPath


def safe_relative(relative: str) -> PurePosixPath:
    """A relative path that stays inside its base: the last guard before anything is written."""
    path = PurePosixPath(relative)
    if path.is_absolute() or "\\" in relative or any(part in ("", ".", "..") for part in relative.split("/")):
        raise ValueError(f"percorso di pubblicazione non valido: {relative[:120]!r}")
    return path


def write_files(base: Path, files: dict[str, bytes]) -> None:
    made: set[Path] = set()
    for relative, content in files.items():
        path = base / safe_relative(relative)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(content)
