"""A build that reuses the previous build's pages and search bundles publishes what a full build would.

Each case builds for real (mkdocs-material, Pagefind) a catalogue with two regioni and a declared
site (so the sitemap lists every page), changes it, then builds it twice: incrementally into the
same folder, and from scratch with reuse off into a copy of the previous build (so the change log
and tombstones continue from the same publication). The two trees must match byte for byte, mode
included; the counts prove the incremental build did take pages and bundles from the previous one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from reti_adi.build import build
from reti_adi.check import check
from reti_adi.publish import document_reuse, removal
from reti_adi.site import reuse

from ..conftest import REFERENCE_DATE, REPO, SECOND_REGION_FILES, record_parses, run_cli, tree

EPOCH = "1764000000"


@pytest.fixture(autouse=True)
def _epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def _build(root: Path, out: Path, **options):
    return build(root, out, today=REFERENCE_DATE, **options)


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> tuple[Path, Path]:
    """(repository, its build) of the example catalogue plus a Toscana ambito, with url_sito."""
    root = tmp_path_factory.mktemp("incrementale") / "repo"
    for folder in ("catalogo", "protocolli", "domanda", "site_src"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for relative, text in SECOND_REGION_FILES.items():
        (root / relative).write_text(text, encoding="utf-8")
    meta = root / "catalogo/catalogo.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "url_sito: https://catalogo.example.it/\n", encoding="utf-8")
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        report = _build(root, root / "build", first_publication=True)
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    assert report.reuse.pages_reused == 0 and report.reuse.pages_rendered > 40
    return root, root / "build"


@pytest.fixture
def copy(first_build, tmp_path) -> tuple[Path, Path]:
    """A private copy of the repository and its build, with the build's manifest (keyed by path) and a
    check cache of its own (keyed by path too), as the build that made it leaves them."""
    root, out = first_build
    mine = tmp_path / "repo"
    shutil.copytree(root, mine, symlinks=True, ignore=shutil.ignore_patterns(".reti-adi-build"))
    reuse.save_manifest(mine / "build", reuse.load_manifest(out))
    document_reuse.save_manifest(mine / "build", document_reuse.load_manifest(out))
    assert check(mine, REFERENCE_DATE, use_cache=True).errors == []
    return mine, mine / "build"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} non è in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _edit_service(root: Path) -> None:
    _edit(root / "catalogo/servizi/emporio-solidale.yaml", "Market a punti", "Emporio a punti")


def _remove_service(root: Path) -> None:
    (root / "catalogo/servizi/doposcuola-colline.yaml").unlink()


def _add_service(root: Path) -> None:
    text = (root / "catalogo/servizi/emporio-solidale.yaml").read_text(encoding="utf-8")
    (root / "catalogo/servizi/emporio-bis.yaml").write_text(
        text.replace("id: emporio-solidale", "id: emporio-bis").replace("denominazione: Emporio solidale",
                                                                        "denominazione: Secondo emporio"),
        encoding="utf-8")


def _rename_ente(root: Path) -> None:
    _edit(root / "catalogo/enti/odv-rete-solidale.yaml", "denominazione: ", "denominazione: Nuova ")


def _change_fonte(root: Path) -> None:
    _edit(root / "catalogo/fonti/fna-2024-2026.yaml", "Fondo per le non autosufficienze 2024-2026",
          "Fondo non autosufficienze 2024-2026")


def _change_ente_phone(root: Path) -> None:
    """Only the list pages' cards show it (for the ente's services without contacts of their own)."""
    _edit(root / "catalogo/enti/caf-pianura.yaml", '"051 700600"', '"051 700601"')


EDITS = {"servizio-modificato": _edit_service, "servizio-rimosso": _remove_service,
         "servizio-aggiunto": _add_service, "ente-rinominato": _rename_ente, "fonte-modificata": _change_fonte,
         "telefono-ente": _change_ente_phone}


def _full_build_beside(root: Path, out: Path, tmp_path: Path) -> Path:
    """The same catalogue built from scratch, reuse off, into a copy of the build `out` holds now."""
    again = tmp_path / "completa" / "build"
    shutil.copytree(out, again, symlinks=True)
    report = _build(root, again, reuse=False)
    assert report.reuse.pages_reused == 0 and report.reuse.bundles_reused == 0
    return again


def _same(first: Path, second: Path) -> None:
    a, b = tree(first, modes=True), tree(second, modes=True)
    assert sorted(a.keys() ^ b.keys()) == []
    assert [k for k in a if a[k] != b[k]] == []


EDITED_FILES = {"servizio-modificato": ["catalogo/servizi/emporio-solidale.yaml"], "servizio-rimosso": [],
                "servizio-aggiunto": ["catalogo/servizi/emporio-bis.yaml"],
                "ente-rinominato": ["catalogo/enti/odv-rete-solidale.yaml"],
                "fonte-modificata": ["catalogo/fonti/fna-2024-2026.yaml"],
                "telefono-ente": ["catalogo/enti/caf-pianura.yaml"]}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_an_incremental_build_after_an_edit_is_the_full_build_byte_for_byte(copy, tmp_path, edit, monkeypatch):
    root, out = copy
    EDITS[edit](root)
    full = _full_build_beside(root, out, tmp_path)
    parsed = record_parses(monkeypatch)
    # as `reti-adi build` does: the previous build, hard links to most of the new one, is deleted by a
    # detached process while the new one is compared; unlinking the old names must not touch the new bytes
    report = _build(root, out, detach_cleanup=True)
    _same(out, full)
    # the other records came from the check cache (the catalogue's own file is read for a warning's position)
    assert [f for f in parsed if f.startswith(("catalogo/servizi/", "catalogo/enti/", "catalogo/fonti/",
                                               "catalogo/ambiti/"))] == EDITED_FILES[edit]
    counts = report.reuse
    assert counts.pages_reused > 40, counts
    assert 1 <= counts.pages_rendered < counts.pages_reused, counts
    assert counts.bundles_reused + counts.bundles_indexed == 2, counts
    assert report.documents.reused >= 1, report.documents  # Toscana's report, at least, is left as it was
    if edit in ("servizio-modificato", "ente-rinominato"):  # Emilia-Romagna only: Toscana's bundle is kept
        assert (counts.bundles_reused, counts.bundles_indexed) == (1, 1), counts
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<url>") > 50 and "servizi/assistenza-domiciliare/" in sitemap
    work = out.parent / removal.WORK_DIR / out.name
    deadline = time.monotonic() + 120
    while removal.pending(work) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert removal.pending(work) == []
    _same(out, full)


def test_a_regione_in_shards_indexes_again_only_the_shard_of_the_edited_service(copy, tmp_path, monkeypatch):
    from reti_adi.site import search_index

    root, out = copy
    monkeypatch.setattr(search_index, "SHARD_PAGES", 10)
    first = _build(root, out)  # the shards replace Emilia-Romagna's one bundle: all of them indexed
    listing = json.loads((out / "pagefind/regioni.json").read_text(encoding="utf-8"))
    bundles = sum(len(region["indici"]) for region in listing["regioni"])
    assert bundles == 5 + 1 and (first.reuse.bundles_reused, first.reuse.bundles_indexed) == (1, 5)
    _edit_service(root)
    full = _full_build_beside(root, out, tmp_path)
    report = _build(root, out)
    _same(out, full)
    assert (report.reuse.bundles_reused, report.reuse.bundles_indexed) == (bundles - 1, 1)


def test_a_rebuild_moves_unchanged_pages_from_the_spare_build_and_checks_each_one(copy, tmp_path, monkeypatch):
    from reti_adi.publish.output_dir import SPARE

    root, out = copy
    _build(root, out)  # the copied build, swapped out, is kept as the spare
    spare = out.parent / removal.WORK_DIR / out.name / SPARE
    assert (spare / "servizi/emporio-solidale/index.html").is_file()
    tampered = spare / "servizi/assistenza-domiciliare/index.html"
    tampered.unlink()  # a file of its own, not the inode it shares with build/
    tampered.write_bytes(b"<p>pagina manomessa</p>")
    (spare / "servizi/intruso").mkdir()  # a page no build made, in a section moved whole
    (spare / "servizi/intruso/index.html").write_bytes(b"<p>intruso</p>")
    (spare / "enti/collegamento").symlink_to(tmp_path)  # a link among a moved section's folders
    (spare / "comuni/index.html").unlink()
    (spare / "comuni/index.html").write_bytes(b"<p>indice vecchio</p>")  # a shared page: rendered again
    EDITS["servizio-modificato"](root)
    full = _full_build_beside(root, out, tmp_path)
    checked: list[tuple[str, bool]] = []
    in_place: list[str] = []
    for method in ("_move_from_spare", "_check_in_place"):
        def counting(self, folder, digest, original=getattr(reuse.VerifiedLinker, method), method=method):
            taken = original(self, folder, digest)
            checked.append((folder, bool(taken)))
            if taken and method == "_check_in_place":
                in_place.append(folder)
            return taken

        monkeypatch.setattr(reuse.VerifiedLinker, method, counting)
    report = _build(root, out)
    _same(out, full)  # nothing of what was planted: the full build has none of it
    assert sum(taken for _, taken in checked) > 40 and report.reuse.pages_reused > 40
    assert {folder.partition("/")[0] for folder in in_place} == set(reuse.MOVED_WHOLE)  # checked where they lay
    assert ("servizi/assistenza-domiciliare", False) in checked  # its bytes did not check out: linked instead
    assert b"manomessa" not in (out / "servizi/assistenza-domiciliare/index.html").read_bytes()
    assert not (out / "servizi/intruso").exists() and not os.path.lexists(out / "enti/collegamento")


def test_a_tampered_or_deleted_previous_page_or_bundle_file_is_made_again(copy, tmp_path):
    root, out = copy
    expected = tree(out, modes=True)
    tampered = out / "servizi/emporio-solidale/index.html"
    data = bytearray(tampered.read_bytes())
    data[len(data) // 2] ^= 1  # one byte
    tampered.write_bytes(bytes(data))
    (out / "servizi/assistenza-domiciliare/index.html").unlink()
    bundle_file = next(p for p in sorted((out / "pagefind/toscana").rglob("*")) if p.is_file()
                       and p.name != "filtri.json")
    bundle_file.write_bytes(bundle_file.read_bytes() + b"\0")
    report = _build(root, out)
    assert tree(out, modes=True) == expected
    assert report.reuse.pages_rendered == 2
    # the pages made again have their old bytes, so Emilia-Romagna's bundle still holds; Toscana's lost a file
    assert (report.reuse.bundles_reused, report.reuse.bundles_indexed) == (1, 1)


def _api_inodes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in (out / "api").rglob("*") if p.is_file()}


def test_a_rebuild_links_the_api_files_it_would_write_unchanged_and_writes_the_others(copy, tmp_path):
    root, out = copy
    before = _api_inodes(out)
    edited = "api/v1/servizi/emporio-solidale.json"
    assert edited in before
    tampered = out / "api/v1/protocolli/accordo-programma-inclusione-adi.json"
    tampered.write_bytes(tampered.read_bytes().replace(b"{", b"{ ", 1))  # same inode, other bytes
    _edit_service(root)
    full = _full_build_beside(root, out, tmp_path)
    _build(root, out)
    _same(out, full)
    after = _api_inodes(out)
    linked = {path for path, inode in after.items() if before.get(path) == inode}
    assert edited not in linked and "api/v1/protocolli/accordo-programma-inclusione-adi.json" not in linked
    assert "api/v1/servizi/assistenza-domiciliare.json" in linked
    assert len(linked) > len(after) // 2, (len(linked), len(after))


def test_completa_writes_every_api_file_again(copy):
    root, out = copy
    before = _api_inodes(out)
    _build(root, out, reuse=False)
    after = _api_inodes(out)
    assert after.keys() == before.keys()
    assert [path for path, inode in after.items() if before[path] == inode] == []


def test_a_previous_page_replaced_by_a_symlink_is_not_followed(copy, tmp_path):
    root, out = copy
    expected = tree(out, modes=True)
    page = out / "servizi/emporio-solidale/index.html"
    outside = tmp_path / "fuori.html"
    shutil.copyfile(page, outside)  # the same bytes, so only the link itself can make it a miss
    page.unlink()
    page.symlink_to(outside)
    report = _build(root, out)
    assert not (out / "servizi/emporio-solidale/index.html").is_symlink()
    assert tree(out, modes=True) == expected
    assert report.reuse.pages_rendered == 1


@pytest.mark.parametrize("content", [b"{non json", b"[" * 100000 + b"]" * 100000, json.dumps(
    {"formato": reuse.FORMAT, "pagine": {"0" * 32: ["../../fuori.html", "0" * 32, ""], "x": 3},
     "indici": {"../su": {"chiave": "0" * 32, "file": {}}, "toscana": "niente"}}).encode()],
    ids=["non-json", "annidato", "voci-cattive"])
def test_a_corrupt_manifest_is_a_miss_not_a_crash(copy, content):
    root, out = copy
    expected = tree(out, modes=True)
    reuse.manifest_path(out).write_bytes(content)
    report = _build(root, out)
    assert tree(out, modes=True) == expected
    assert report.reuse.pages_reused == 0 and report.reuse.bundles_reused == 0
    assert len(reuse.load_manifest(out).pages) == report.reuse.pages_rendered  # a good manifest again


def _edit_mkdocs(root: Path) -> None:
    _edit(root / "mkdocs.yml", "copyright: Dati del catalogo CC BY 4.0", "copyright: Dati CC BY 4.0")


def _edit_site_src(root: Path) -> None:
    _edit(root / "site_src/come-consultare.md", "Senza JavaScript", "Anche senza JavaScript")


@pytest.mark.parametrize("edit", [_edit_mkdocs, _edit_site_src], ids=["mkdocs.yml", "site_src"])
def test_a_change_of_the_site_key_renders_every_page_again(copy, tmp_path, edit):
    root, out = copy
    edit(root)
    full = _full_build_beside(root, out, tmp_path)
    # as `reti-adi build` does: the previous build, hard links to most of the new one, is deleted by a
    # detached process while the new one is compared; unlinking the old names must not touch the new bytes
    report = _build(root, out, detach_cleanup=True)
    _same(out, full)
    assert report.reuse.pages_reused == 0 and report.reuse.pages_rendered > 40


def test_completa_renders_everything_and_verbose_says_what_was_reused(copy):
    root, out = copy
    args = ("build", str(root), "--uscita", str(out), "--data-riferimento", REFERENCE_DATE.isoformat(), "-v")
    full = run_cli(*args, "--completa")
    assert full.returncode == 0, full.stderr
    assert re.search(r"Dalla build precedente: 0 pagine riusate, \d+ pagine ricostruite", full.stdout), full.stdout
    incremental = run_cli(*args)
    assert incremental.returncode == 0, incremental.stderr
    found = re.search(r"Dalla build precedente: (\d+) pagine riusate, 0 pagine ricostruite .*; "
                      r"2 indici di ricerca riusati, 0 ricostruiti", incremental.stdout)
    assert found and int(found.group(1)) > 40, incremental.stdout
    assert re.search(r"Documenti Word dalla build precedente: 0 riusati, [1-9]\d* scritt[oi]\.", full.stdout)
    assert re.search(r"Documenti Word dalla build precedente: [1-9]\d* riusat[oi], 0 scritti\.", incremental.stdout)
    assert "- riuso:" in incremental.stdout
