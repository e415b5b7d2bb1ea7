"""The output directory is replaced in one step, by one build at a time, and nothing is left behind."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reti_adi.publish import output_dir, removal
from reti_adi.publish.output_dir import SPARE, WORK_DIR, OutputDir

from ..conftest import REFERENCE_DATE, REPO, run_cli, tree

EPOCH = "1764000000"


def leftovers(root: Path) -> list[str]:
    """What a build may leave beside build/: only its lock and the .gitignore of its work folder."""
    beside = [p.name for p in root.iterdir() if p.name.startswith(".build-")]
    work = root / WORK_DIR
    inside = []  # os.walk, not rglob: a detached deleter may be removing folders while we look
    for folder, dirs, files in os.walk(work):
        inside += [(Path(folder) / name).relative_to(work).as_posix() for name in dirs + files]
    inside.sort()
    spare = f"build/{SPARE}"  # the build before the current one, kept on purpose by a site build
    return beside + [name for name in inside if name not in (".gitignore", "build.lock", spare)
                     and not name.startswith(f"{spare}/")]


def wait_for_deleters(root: Path, timeout: float = 120) -> list[str]:
    """`reti-adi build` returns before its detached deleters are done: give them time to finish, then say
    what is left. The output's own work folder may stay, empty (only a build removes it, under its lock)."""
    deadline = time.monotonic() + timeout
    while leftovers(root) not in ([], ["build"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [name for name in leftovers(root)
            if name != "build" or any(entry.name != SPARE for entry in (root / WORK_DIR / name).iterdir())]


def site_repo(root: Path) -> Path:
    for folder in ("catalogo", "protocolli", "site_src"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def start_build(root: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    return subprocess.Popen([sys.executable, "-c", "from reti_adi.cli import main; main()", "build", str(root),
                             "--data-riferimento", REFERENCE_DATE.isoformat(), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True)


def test_a_kill_at_any_moment_leaves_the_previous_build_whole(tmp_path):
    root = site_repo(tmp_path / "repo")
    started = time.monotonic()
    first = start_build(root)
    assert first.wait(timeout=600) == 0, first.stderr.read().decode()
    duration = time.monotonic() - started
    old = tree(root / "build")
    assert len(old) > 100
    # every later build computes its changes against the same previous publication, as CI does with
    # --previous URL: then every complete build of the edited catalogue has the same bytes
    previous = tmp_path / "pubblicazione"
    shutil.copytree(root / "build", previous)
    edited = root / "catalogo/servizi/emporio-solidale.yaml"
    edited.write_text(edited.read_text().replace("posti_disponibili: 120", "posti_disponibili: 121"))
    rng = random.Random(11)
    # kill points over the whole build, two of them late, where the swap happens
    moments = sorted([rng.uniform(0.05, 0.9) * duration for _ in range(3)] + [0.93 * duration, 0.98 * duration])
    seen = []
    for moment in moments:
        proc = start_build(root, "--previous", str(previous))
        try:
            proc.wait(timeout=moment)
            finished = True
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the build and everything it started
            proc.wait()
            finished = False
        seen.append((finished, tree(root / "build")))
    last = start_build(root, "--previous", str(previous))
    assert last.wait(timeout=600) == 0, last.stderr.read().decode()
    new = tree(root / "build")
    assert new != old  # the edit shows
    for finished, state in seen:
        assert state in (old, new), "a kill left a build/ that is neither the previous nor the new one"
    assert any(not finished for finished, _ in seen)
    assert wait_for_deleters(root) == []


def test_a_second_build_of_the_same_output_stops_at_once_with_a_clear_message(catalogue_copy):
    out = catalogue_copy / "build"
    with OutputDir(out):  # another build holds the lock
        started = time.monotonic()
        proc = run_cli("build", str(catalogue_copy))
        elapsed = time.monotonic() - started
    assert proc.returncode == 1
    assert f"un'altra build sta già scrivendo in «{out}» (processo {os.getpid()})" in proc.stderr
    assert "attendi che finisca e riprova" in proc.stderr
    assert elapsed < 30  # before checking anything: the command itself takes a few seconds to start
    assert not out.exists() and leftovers(catalogue_copy) == []


def test_a_build_into_another_output_is_not_blocked(catalogue_copy):
    from reti_adi.build import DATA_STEPS, build

    with OutputDir(catalogue_copy / "build"):
        build(catalogue_copy, catalogue_copy / "public", today=REFERENCE_DATE, steps=DATA_STEPS)
    assert (catalogue_copy / "public/api/v1/index.json").is_file()
    assert not (catalogue_copy / "public").is_symlink()


def test_stale_staging_of_this_and_earlier_versions_is_removed(catalogue_copy):
    from reti_adi.build import DATA_STEPS, build

    stale = [catalogue_copy / WORK_DIR / "build" / "nuovo-abc123" / "api" / "x.json",
             catalogue_copy / WORK_DIR / "build" / ".build-sito-def456" / "site" / "index.html",
             catalogue_copy / ".build-nuovo-k2j3" / "api" / "x.json",
             catalogue_copy / ".build-sito-9x8y" / "parte-0" / "docs" / "index.md"]
    for path in stale:
        path.parent.mkdir(parents=True)
        path.write_text("resto di una build interrotta")
    build(catalogue_copy, today=REFERENCE_DATE, steps=DATA_STEPS)
    assert leftovers(catalogue_copy) == []
    assert (catalogue_copy / "build/api/v1/index.json").is_file()


def test_a_build_set_aside_by_a_kill_is_put_back(catalogue_copy):
    out = catalogue_copy / "build"
    # the two-rename fallback was killed between its renames: build/ is missing, the previous one is aside
    aside = catalogue_copy / WORK_DIR / "build" / "precedente"
    aside.mkdir(parents=True)
    (aside / "index.html").write_text("la build precedente")
    # and an earlier version was killed the same way
    legacy = catalogue_copy / ".build-precedente-a1b2" / "build"
    legacy.mkdir(parents=True)
    (legacy / "index.html").write_text("una build ancora più vecchia")
    with OutputDir(out):
        assert (out / "index.html").read_text() == "la build precedente"
    assert leftovers(catalogue_copy) == []


def test_without_an_atomic_exchange_the_fallback_still_publishes(catalogue_copy, monkeypatch):
    from reti_adi.build import DATA_STEPS, build

    build(catalogue_copy, today=REFERENCE_DATE, steps=DATA_STEPS)

    def unsupported(first, second):
        raise output_dir.SwapUnsupported("filesystem di prova")

    monkeypatch.setattr(output_dir, "exchange", unsupported)
    (catalogue_copy / "catalogo/servizi/trasporto-sociale.yaml").unlink()
    build(catalogue_copy, today=REFERENCE_DATE, steps=DATA_STEPS)
    removed = json.loads((catalogue_copy / "build/api/v1/servizi/trasporto-sociale.json").read_text())
    assert removed["rimosso"]
    assert leftovers(catalogue_copy) == []


def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "f").write_text("a")
    (second / "f").write_text("b")
    output_dir.exchange(first, second)
    assert (first / "f").read_text() == "b" and (second / "f").read_text() == "a"


def test_interrupted_and_finished_builds_leave_git_clean(catalogue_copy):
    from reti_adi.build import DATA_STEPS, build

    # a catalogue repository made by an earlier version: its .gitignore knows nothing of .reti-adi-build/
    (catalogue_copy / ".gitignore").write_text("/build/\n__pycache__/\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=catalogue_copy, check=True)
    subprocess.run([*git, "add", "-A"], cwd=catalogue_copy, check=True)
    subprocess.run([*git, "commit", "-qm", "catalogo"], cwd=catalogue_copy, check=True)

    def interrupt(state):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(catalogue_copy, today=REFERENCE_DATE, steps=[DATA_STEPS[0], ("ctrl-c", interrupt)])
    build(catalogue_copy, today=REFERENCE_DATE, steps=DATA_STEPS)
    status = subprocess.run(["git", "status", "--porcelain"], cwd=catalogue_copy, capture_output=True, text=True)
    assert status.stdout == ""


def test_a_discarded_work_folder_is_deleted_before_the_lock_is_released(tmp_path):
    out = tmp_path / "build"
    with OutputDir(out) as target:
        staging = target.staging()
        folder = staging.parent / ".build-sito-prova"
        for n in range(200):
            (folder / f"p{n}").mkdir(parents=True)
            (folder / f"p{n}" / "index.html").write_text("pagina")
        target.discard(folder)
        with pytest.raises(ValueError):
            target.discard(tmp_path)  # only what lies under its own work area
        target.swap_in(staging, remove_previous=False)
        target.remove_swapped_out()
    assert not folder.exists()
    assert out.is_dir() and leftovers(tmp_path) == []


def test_a_detached_discard_returns_at_once_and_the_folder_goes_eventually(tmp_path):
    out = tmp_path / "build"
    with OutputDir(out, detach_cleanup=True) as target:
        staging = target.staging()
        folder = staging.parent / ".build-sito-prova"
        for n in range(200):
            (folder / f"p{n}").mkdir(parents=True)
            (folder / f"p{n}" / "index.html").write_text("pagina")
        target.discard(folder)
        assert not folder.exists()  # renamed for its deleter, at once
        with pytest.raises(ValueError):
            target.discard(tmp_path)  # only what lies under its own work area
        target.swap_in(staging, remove_previous=False)
        target.remove_swapped_out()
    assert wait_for_deleters(tmp_path) == []
    assert out.is_dir()


def big_previous_build(catalogue_copy: Path, files: int = 20000) -> Path:
    """The data steps' build/, plus enough files that deleting them takes a while."""
    from reti_adi.build import DATA_STEPS, build

    build(catalogue_copy, today=REFERENCE_DATE, steps=DATA_STEPS)
    big = catalogue_copy / "build" / "grande"
    for n in range(files // 100):
        folder = big / f"d{n}"
        folder.mkdir(parents=True)
        for m in range(100):
            (folder / f"f{m}.html").write_bytes(b"")
    return big


def detached_build(catalogue_copy: Path) -> Path:
    """A data build that leaves the previous build to a deleter: the folder that deleter is at."""
    from reti_adi.build import DATA_STEPS, build

    build(catalogue_copy, today=REFERENCE_DATE, steps=DATA_STEPS, detach_cleanup=True)
    (deleting,) = removal.pending(catalogue_copy / WORK_DIR / "build")
    return deleting


def deleter_of(folder: Path) -> subprocess.Popen:
    (process,) = [p for p in removal._started if str(folder) in p.args and p.poll() is None]
    return process


def test_a_detached_build_returns_before_the_previous_build_is_deleted(catalogue_copy):
    big_previous_build(catalogue_copy)
    deleting = detached_build(catalogue_copy)
    assert removal.in_progress(deleting) and (deleting / "grande").is_dir()  # the build did not wait
    out = catalogue_copy / "build"
    assert (out / "api/v1/index.json").is_file() and not (out / "grande").exists()
    assert wait_for_deleters(catalogue_copy) == []
    assert not deleting.exists()


def test_a_build_while_a_deleter_runs_publishes_and_leaves_that_folder_to_it(catalogue_copy):
    from reti_adi.build import DATA_STEPS, build

    big_previous_build(catalogue_copy, files=2000)
    deleting = detached_build(catalogue_copy)
    deleter = deleter_of(deleting)
    os.kill(deleter.pid, signal.SIGSTOP)  # a deleter still at work, however slow
    try:
        (catalogue_copy / "catalogo/servizi/trasporto-sociale.yaml").unlink()
        started = time.monotonic()
        build(catalogue_copy, today=REFERENCE_DATE, steps=DATA_STEPS)  # the lock is free: not refused
        assert time.monotonic() - started < 120  # it did not wait for the stopped deleter
        removed = json.loads((catalogue_copy / "build/api/v1/servizi/trasporto-sociale.json").read_text())
        assert removed["rimosso"]
        assert (deleting / "grande").is_dir()  # the recovery left the deleter's folder to the deleter
        left = leftovers(catalogue_copy)
        assert all(n == "build" or n.startswith(f"build/{deleting.name}") for n in left), left
    finally:
        os.kill(deleter.pid, signal.SIGCONT)
    assert deleter.wait(timeout=120) == 0
    assert wait_for_deleters(catalogue_copy, timeout=0) == []


def test_a_killed_deleters_leftovers_are_removed_by_the_next_build(catalogue_copy):
    from reti_adi.build import DATA_STEPS, build

    big_previous_build(catalogue_copy, files=2000)
    deleting = detached_build(catalogue_copy)
    deleter = deleter_of(deleting)
    os.kill(deleter.pid, signal.SIGKILL)
    deleter.wait(timeout=30)
    assert deleting.is_dir() and not removal.in_progress(deleting)  # a kill releases the lock
    build(catalogue_copy, today=REFERENCE_DATE, steps=DATA_STEPS)
    assert not deleting.exists() and leftovers(catalogue_copy) == []


def test_symlinks_in_the_work_area_are_never_followed_by_a_deleter(catalogue_copy, tmp_path):
    from reti_adi.build import DATA_STEPS, build

    outside = tmp_path / "fuori"
    (outside / "dentro").mkdir(parents=True)
    (outside / "dentro" / "da-non-toccare.txt").write_text("fuori dall'area di lavoro")
    build(catalogue_copy, today=REFERENCE_DATE, steps=DATA_STEPS)
    (catalogue_copy / "build" / "collegamento").symlink_to(outside)  # inside the build to be deleted
    (catalogue_copy / "build" / "dentro").symlink_to(outside / "dentro")
    work = catalogue_copy / WORK_DIR / "build"
    work.mkdir(parents=True, exist_ok=True)
    (work / f"{removal.PREFIX}piantato").symlink_to(outside)  # posing as a folder to delete
    build(catalogue_copy, today=REFERENCE_DATE, steps=DATA_STEPS, detach_cleanup=True)
    assert wait_for_deleters(catalogue_copy) == []
    assert (outside / "dentro" / "da-non-toccare.txt").read_text() == "fuori dall'area di lavoro"
