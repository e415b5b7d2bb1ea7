"""The same input gives the same build/, byte for byte, search index included."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from reti_adi.build import build
from reti_adi.site import search_index

from ..conftest import REFERENCE_DATE, tree


def test_two_full_builds_of_the_same_input_are_identical_file_by_file(built_site, tmp_path, monkeypatch):
    source = built_site.parent
    again = tmp_path / "altra-copia"  # another checkout of the same input, in another place
    shutil.copytree(source, again, ignore=shutil.ignore_patterns("build", ".reti-adi-build"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")  # as the built_site fixture
    second = build(again, today=REFERENCE_DATE).out
    first_tree, second_tree = tree(built_site, modes=True), tree(second, modes=True)
    assert sum(1 for key in first_tree if key.startswith("pagefind/")) > 20
    assert [k for k in first_tree.keys() ^ second_tree.keys()] == []
    assert [k for k in first_tree if first_tree[k] != second_tree[k]] == []


def _stage(pages: list[Path], staging: Path) -> None:
    for page in pages:
        target = staging / "servizi" / page.parent.name / "index.html"
        target.parent.mkdir(parents=True)
        shutil.copyfile(page, target)


def test_the_search_index_does_not_depend_on_the_order_the_filesystem_lists_pages(built_site, tmp_path):
    memory = Path("/dev/shm")
    if not memory.is_dir() or not os.access(memory, os.W_OK):
        pytest.skip("serve un tmpfs (/dev/shm), che elenca i file nell'ordine inverso di creazione")
    pages = sorted(built_site.glob("servizi/*/index.html"))
    assert len(pages) > 20
    work = Path(tempfile.mkdtemp(dir=memory, prefix="reti-adi-ordine-"))
    try:
        forward, backward = work / "avanti", work / "indietro"
        _stage(pages, forward)
        _stage(list(reversed(pages)), backward)
        listed = [sorted(os.listdir(forward / "servizi")) != os.listdir(forward / "servizi"),
                  os.listdir(forward / "servizi") == list(reversed(os.listdir(backward / "servizi")))]
        if not all(listed):
            pytest.skip("questo tmpfs non elenca i file in ordine di creazione")
        raw = [tmp_path / "grezzo-avanti", tmp_path / "grezzo-indietro"]
        for staging, bundle in zip((forward, backward), raw):
            search_index.run_pagefind(staging, bundle, canonical=False)
        # Pagefind alone numbers pages in listing order: its word index differs
        assert tree(raw[0], modes=True) != tree(raw[1], modes=True)
        bundles = [tmp_path / "avanti", tmp_path / "indietro"]
        for staging, bundle in zip((forward, backward), bundles):
            search_index.run_pagefind(staging, bundle)
        assert tree(bundles[0], modes=True) == tree(bundles[1], modes=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_the_nav_rendered_once_per_folder_gives_the_pages_material_alone_gives(built_site, tmp_path, monkeypatch):
    """site/theme/partials/nav.html reuses one nav per folder for pages outside the nav: without that
    override (Material's own partial on every page) the site must be the same, byte for byte."""
    from reti_adi.site import mkdocs_site

    theme = tmp_path / "tema-senza-nav"
    shutil.copytree(mkdocs_site.THEME_DIR, theme)
    (theme / "partials" / "nav.html").unlink()
    monkeypatch.setattr(mkdocs_site, "THEME_DIR", theme)
    source = built_site.parent
    again = tmp_path / "copia"
    shutil.copytree(source, again, ignore=shutil.ignore_patterns("build", ".reti-adi-build"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")  # as the built_site fixture
    plain = build(again, today=REFERENCE_DATE).out
    cached, material = tree(built_site, modes=True), tree(plain, modes=True)
    pages = [k for k in cached if k.endswith(".html") and not k.startswith("pagefind/")]
    assert sum(1 for k in pages if k.startswith("servizi/")) > 40
    assert 'class="md-nav md-nav--primary"' in (plain / "servizi/emporio-solidale/index.html").read_text()
    assert [k for k in cached.keys() ^ material.keys()] == []
    assert [k for k in cached if cached[k] != material[k]] == []
