"""The detached deleter deletes the one folder it was handed, and nothing else, in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reti_adi.publish import removal


def work_area(tmp_path: Path) -> Path:
    work = tmp_path / removal.WORK_DIR / "build"
    work.mkdir(parents=True)
    return work


def run_deleter(path: Path, locked: Path) -> subprocess.CompletedProcess:
    """The deleter as detach() starts it, handed the descriptor of `locked` and the path `path`."""
    descriptor = os.open(locked, os.O_RDONLY | os.O_DIRECTORY)
    try:
        return subprocess.run([sys.executable, "-m", "reti_adi.publish.removal", "--fd", str(descriptor), str(path)],
                              pass_fds=(descriptor,), capture_output=True, text=True, timeout=60)
    finally:
        os.close(descriptor)


def fill(folder: Path) -> Path:
    (folder / "a" / "b").mkdir(parents=True)
    (folder / "a" / "b" / "index.html").write_text("pagina")
    return folder


def test_detach_renames_locks_and_the_folder_goes(tmp_path):
    work = work_area(tmp_path)
    folder = fill(work / "nuovo-abc")
    target = removal.detach(folder)
    assert target is not None and target.parent == work and target.name.startswith(removal.PREFIX)
    assert not folder.exists()
    deadline = time.monotonic() + 60
    while target.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not target.exists() and removal.pending(work) == []
    assert not removal.in_progress(target)


@pytest.mark.parametrize("where", ["fuori", "senza-prefisso", "relativo"])
def test_the_deleter_refuses_a_folder_that_is_not_a_scarto_folder_of_a_work_area(tmp_path, where):
    work = work_area(tmp_path)
    folder = {"fuori": tmp_path / f"{removal.PREFIX}x", "senza-prefisso": work / "nuovo-x",
              "relativo": work / f"{removal.PREFIX}x"}[where]
    fill(folder)
    path = Path(os.path.relpath(folder)) if where == "relativo" else folder
    proc = run_deleter(path, folder)
    assert proc.returncode == 2 and "non eliminata" in proc.stderr
    assert (folder / "a" / "b" / "index.html").is_file()


def test_the_deleter_refuses_a_symlink_and_a_folder_it_holds_no_lock_of(tmp_path):
    work = work_area(tmp_path)
    outside = fill(tmp_path / "fuori")
    link = work / f"{removal.PREFIX}collegamento"
    link.symlink_to(outside)
    assert run_deleter(link, outside).returncode == 2  # the descriptor is the outside folder's own
    other = fill(work / f"{removal.PREFIX}altra")
    mine = work / f"{removal.PREFIX}mia"
    mine.mkdir()
    assert run_deleter(other, mine).returncode == 2  # handed one folder's lock, asked to delete another
    assert (outside / "a" / "b" / "index.html").is_file() and (other / "a" / "b" / "index.html").is_file()


def test_a_symlinked_work_area_is_refused(tmp_path):
    real = tmp_path / "altrove"
    folder = fill(real / f"{removal.PREFIX}x")
    (tmp_path / removal.WORK_DIR).mkdir()
    (tmp_path / removal.WORK_DIR / "build").symlink_to(real)
    path = tmp_path / removal.WORK_DIR / "build" / folder.name
    assert run_deleter(path, folder).returncode == 2
    assert (folder / "a" / "b" / "index.html").is_file()


def test_the_deleter_deletes_its_folder_without_following_symlinks_inside(tmp_path):
    work = work_area(tmp_path)
    outside = fill(tmp_path / "fuori")
    folder = fill(work / f"{removal.PREFIX}x")
    (folder / "a" / "collegamento").symlink_to(outside)
    (folder / "a" / "b" / "file").symlink_to(outside / "a" / "b" / "index.html")
    proc = run_deleter(folder, folder)
    assert proc.returncode == 0, proc.stderr
    assert not folder.exists()
    assert (outside / "a" / "b" / "index.html").read_text() == "pagina"


def test_without_a_process_to_start_the_folder_is_deleted_at_once(tmp_path, monkeypatch):
    work = work_area(tmp_path)
    folder = fill(work / "nuovo-abc")

    def no_processes(*args, **kwargs):
        raise OSError("nessun processo su questo sistema")

    monkeypatch.setattr(removal.subprocess, "Popen", no_processes)
    assert removal.detach(folder) is None
    assert list(work.iterdir()) == []
