"""Deleting a folder of the work area in a detached process, so that the build need not wait for it.

The previous build a swap leaves behind (23,000 pages at 10,000 services) and the site's work
folders take seconds to delete, and nothing published depends on them any more. `detach(folder)`
renames the folder to `scarto-*` in the same work area, takes an flock on that directory and
starts `python -m reti_adi.publish.removal --fd N PATH`: a process in its own session, niced,
that inherits the locked descriptor, deletes that one folder and exits. It never
takes the build's lock, so the next build starts at once; that build's recovery leaves alone a
`scarto-*` whose lock is still held (`in_progress`) and removes any other, such as what a killed
deleter left. The deleter refuses any path that is not a real `scarto-*` directory directly in a
work area (neither it nor the work area a symlink) and the very directory it was handed the lock
of; shutil.rmtree never follows the symlinks it meets inside.
"""

from __future__ import annotations

import argparse
import os
import shutil
import stat
import subprocess
import sys
import uuid
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no detached deletion, the caller deletes at once
    fcntl = None

WORK_DIR = ".reti-adi-build"
"""The work area beside an output: `<out.parent>/.reti-adi-build/<out.name>/`."""
PREFIX = "scarto-"
"""A folder renamed for deletion: only these are ever handed to a deleter."""

_started: list[subprocess.Popen] = []
"""The deleters this process started: kept so that they are reaped, never waited for."""


def _open_directory(path: Path) -> int:
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)


def detach(folder: Path) -> Path | None:
    """Hand `folder` (a directory in a work area) to a detached deleter; returns its new `scarto-*`
    path, or None if no deleter could start (the folder is then deleted here, before returning)."""
    folder = Path(folder)
    target = folder if folder.name.startswith(PREFIX) else folder.parent / f"{PREFIX}{uuid.uuid4().hex[:12]}"
    descriptor = None
    try:
        if target != folder:
            os.rename(folder, target)
        if fcntl is None:  # pragma: no cover - Windows
            raise OSError("nessun flock su questo sistema")
        descriptor = _open_directory(target)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return target  # a deleter holds it already
        _started[:] = [p for p in _started if p.poll() is None]
        _started.append(subprocess.Popen(
            [sys.executable, "-m", "reti_adi.publish.removal", "--fd", str(descriptor), str(target)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=True, pass_fds=(descriptor,), start_new_session=True))
    except (OSError, ValueError):  # no process to start here: delete it now, whatever its name by now
        shutil.rmtree(target if target.exists() else folder, ignore_errors=True)
        return None
    finally:
        if descriptor is not None:
            os.close(descriptor)  # the deleter's inherited copy keeps the lock
    return target


def in_progress(folder: Path) -> bool:
    """Whether a live deleter holds the lock of this folder (a killed one no longer does)."""
    if fcntl is None:  # pragma: no cover - Windows: no deleter ever runs
        return False
    try:
        descriptor = _open_directory(folder)
    except OSError:
        return False  # gone, not a directory, or a symlink: nobody deletes it through the lock
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def pending(work: Path) -> list[Path]:
    """The folders of this work area handed to a deleter and not yet gone."""
    try:
        return sorted(p for p in Path(work).iterdir() if p.name.startswith(PREFIX))
    except FileNotFoundError:
        return []


def check_removable(path: Path, descriptor: int) -> str | None:
    """Why the deleter must not delete `path`, or None: it must be a real `scarto-*` directory directly
    inside a work area, neither it nor the work area a symlink, and the directory whose lock it inherited."""
    if not path.is_absolute() or ".." in path.parts:
        return "percorso non assoluto"
    if not path.name.startswith(PREFIX) or path.parent.parent.name != WORK_DIR:
        return "non è una cartella da scartare di un'area di lavoro"
    try:
        if any(p.is_symlink() for p in (path.parent.parent, path.parent)):
            return "l'area di lavoro è un collegamento simbolico"
        seen = os.lstat(path)
        if stat.S_ISLNK(seen.st_mode) or not stat.S_ISDIR(seen.st_mode):
            return "non è una cartella"
    except OSError as exc:
        return str(exc)
    if not os.path.samestat(seen, os.fstat(descriptor)):
        return "non è la cartella ricevuta con il blocco"
    return None


def _low_priority() -> None:
    """Niced, so that a build running beside it keeps the cores; not SCHED_IDLE, which on a busy
    machine starves it for minutes (seen: no CPU time in 96 s at a load of 10 on 2 cores)."""
    try:
        os.nice(10)
    except OSError:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reti_adi.publish.removal")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    refusal = check_removable(args.path, args.fd)
    if refusal is not None:
        sys.stderr.write(f"{args.path}: non eliminata ({refusal})\n")
        return 2
    _low_priority()
    shutil.rmtree(args.path, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
