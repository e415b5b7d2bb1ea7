"""The output directory of a build: one writer at a time, staging beside it, swapped in in one step.

Everything a build writes goes into a staging directory under `.reti-adi-build/` next to the
output (same filesystem, ignored by git through its own `.gitignore`). When every step has
succeeded the staging directory and the output exchange places in a single atomic step
(renameat2 RENAME_EXCHANGE on Linux, renamex_np RENAME_SWAP on macOS): at every instant the
output is either the whole previous build or the whole new one, and stays a real directory,
so `reti-adi serve`, GitLab Pages artifacts and actions/upload-pages-artifact see plain files.
The previous build, now in the staging place, is removed afterwards (after a site build it is
kept instead as the spare, `riserva`, and the older spare removed: see SPARE); whatever an interrupted
build leaves under `.reti-adi-build/` is removed by the next build of the same output. Work
folders a step has finished with (the site's Markdown, fragments and per-worker output) are
deleted in a background thread while the later steps run, and waited for before the lock is
released. With detach_cleanup=True (the `reti-adi build` command) both are instead handed to a
detached deleter (publish/removal.py) and the build returns without waiting for them; the next
build leaves a deleter still at work alone and removes what a killed one left.
A lock (flock) makes a second build of the same output stop at once with a clear message.

On a filesystem that cannot exchange (some network filesystems) the swap falls back to two
renames with the previous build kept aside under `.reti-adi-build/`; if a kill lands between
them the next build puts the previous build back before doing anything else.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import sys
import tempfile
from pathlib import Path

from reti_adi.publish import removal
from reti_adi.publish.removal import WORK_DIR
SPARE = "riserva"
"""In an output's work area: the build before the current one, kept by a site build (keep_swapped_out)
so that the next one moves its unchanged page folders instead of making them (site/reuse.py)."""
LEGACY_PREFIXES = (".build-nuovo-", ".build-sito-")
"""Staging folders of earlier versions, which put them straight beside build/."""
LEGACY_PREVIOUS = ".build-precedente-"


class BuildLocked(Exception):
    """Another build is writing the same output directory."""


class SwapUnsupported(Exception):
    pass


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def exchange(first: Path, second: Path) -> None:
    """Swap two directory entries atomically; SwapUnsupported where the system or filesystem cannot."""
    try:
        libc = _libc()
    except OSError as exc:  # pragma: no cover - no C library to call
        raise SwapUnsupported(str(exc)) from exc
    a, b = os.fsencode(first), os.fsencode(second)
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        at_fdcwd, rename_exchange = -100, 2
        result = libc.renameat2(at_fdcwd, a, at_fdcwd, b, rename_exchange)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):  # pragma: no cover - macOS
        rename_swap = 2
        result = libc.renamex_np(a, b, rename_swap)
    else:  # pragma: no cover - other systems
        raise SwapUnsupported(sys.platform)
    if result != 0:
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise SwapUnsupported(os.strerror(code))
        raise OSError(code, os.strerror(code), str(first), None, str(second))


def _remove(path: Path) -> None:
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


class OutputDir:
    """`with OutputDir(out) as target:` holds the lock; `target.staging()` makes a staging directory,
    `target.swap_in(staging)` publishes it. Leaving the block by an exception removes the staging.
    detach_cleanup: the previous build and discarded work folders go to detached deleters instead of
    being deleted (and waited for) by this process; nothing that is published waits on them."""

    def __init__(self, out: Path, detach_cleanup: bool = False):
        self.out = Path(out)
        self.detach_cleanup = detach_cleanup
        self.base = self.out.parent / WORK_DIR
        self.work = self.base / self.out.name
        self._lock: int | None = None
        self._staged: list[Path] = []
        self._discarding: list = []
        self._swapped_out: Path | None = None

    def __enter__(self) -> "OutputDir":
        self.base.mkdir(parents=True, exist_ok=True)
        ignore = self.base / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# cartelle di lavoro di reti-adi build: mai da committare\n*\n", encoding="utf-8")
        self._lock = self._acquire(self.base / f"{self.out.name}.lock")
        try:
            self._recover()
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        try:
            self.wait_discarded()
            if exc_type is not None:
                for staging in self._staged:
                    _remove(staging)
            try:
                self.work.rmdir()  # nothing left behind when it is empty
            except OSError:
                pass
        finally:
            self._release()

    def _acquire(self, path: Path) -> int:
        import fcntl

        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(descriptor, 32).decode("ascii", "replace").strip()
            os.close(descriptor)
            who = f" (processo {holder})" if holder.isdigit() else ""
            raise BuildLocked(f"un'altra build sta già scrivendo in «{self.out}»{who}: "
                              "attendi che finisca e riprova") from None
        except BaseException:
            os.close(descriptor)
            raise
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        return descriptor

    def _release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the flock
            self._lock = None

    def _recover(self) -> None:
        """Under the lock nothing else writes here: restore a build a kill left aside, drop the rest."""
        aside = self.work / "precedente"
        if not self.out.exists() and not self.out.is_symlink() and aside.is_dir():
            os.rename(aside, self.out)
        legacy = sorted(self.out.parent.glob(f"{LEGACY_PREVIOUS}*"))
        for folder in legacy:
            kept = folder / "build"
            if self.out.name == "build" and not self.out.exists() and kept.is_dir():
                os.rename(kept, self.out)
        if self.work.exists():
            for entry in self.work.iterdir():
                if entry.name.startswith(removal.PREFIX) and removal.in_progress(entry):
                    continue  # a deleter started by an earlier build is still at it: never wait for it
                if entry.name == SPARE and self.spare() is not None:
                    continue  # kept on purpose; only ever read through verified digests
                self._dispose(entry)
        for prefix in (*LEGACY_PREFIXES, LEGACY_PREVIOUS):
            for folder in self.out.parent.glob(f"{prefix}*"):
                _remove(folder)

    def staging(self) -> Path:
        self.work.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="nuovo-", dir=self.work))
        self._staged.append(staging)
        return staging

    def discard(self, folder: Path) -> None:
        """Delete a finished work folder under this output's work area in a background thread (with
        detach_cleanup, by a detached deleter); a kill before it ends leaves it to the next recovery."""
        import threading

        folder = Path(folder)
        if self.work.resolve() not in folder.resolve().parents:
            raise ValueError(f"cartella di lavoro fuori da {self.work}: {folder}")
        if self.detach_cleanup and folder.resolve().parent == self.work.resolve():
            self._dispose(self.work / folder.name)
            return
        thread = threading.Thread(target=_remove, args=(folder,), name="reti-adi-pulizia", daemon=True)
        thread.start()
        self._discarding.append(thread)

    def wait_discarded(self) -> None:
        while self._discarding:
            self._discarding.pop().join()

    def swap_in(self, staging: Path, remove_previous: bool = True) -> None:
        """Make staging the output in one step; then remove the previous build (or, with
        remove_previous=False, leave that to remove_swapped_out())."""
        if not self.out.exists() and not self.out.is_symlink():
            os.rename(staging, self.out)
            return
        try:
            exchange(staging, self.out)
        except SwapUnsupported:
            self._swap_in_two_steps(staging)
            return
        self._swapped_out = staging  # now the previous build
        if remove_previous:
            self.remove_swapped_out()

    def spare(self) -> Path | None:
        """The kept build before the current one, if it is a real directory (not a symlink)."""
        import stat

        path = self.work / SPARE
        try:
            return path if stat.S_ISDIR(os.lstat(path).st_mode) else None
        except OSError:
            return None

    def keep_swapped_out(self) -> None:
        """Keep the previous build, now swapped out, as the spare (the older spare is removed); a
        site build's pages that do not change are then moved from it by the next build."""
        if self._swapped_out is None:
            return
        old = self.work / SPARE
        if os.path.lexists(old):
            self._dispose(old)
        try:
            os.rename(self._swapped_out, old)
        except OSError:
            self._dispose(self._swapped_out)
        self._swapped_out = None

    def remove_swapped_out(self) -> None:
        if self._swapped_out is not None:
            self._dispose(self._swapped_out)
            self._swapped_out = None

    def _dispose(self, entry: Path) -> None:
        """Delete an entry of the work area: here and now, or (detach_cleanup) by a detached deleter."""
        if self.detach_cleanup and entry.is_dir() and not entry.is_symlink() and entry.parent == self.work:
            removal.detach(entry)
        else:
            _remove(entry)

    def _swap_in_two_steps(self, staging: Path) -> None:
        aside = self.work / "precedente"
        _remove(aside)
        os.rename(self.out, aside)
        try:
            os.rename(staging, self.out)
        except BaseException:
            os.rename(aside, self.out)
            raise
        self._dispose(aside)
