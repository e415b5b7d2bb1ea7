"""site/reuse.py on its own: the manifest read back as untrusted data, verified files, the site key's rule."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reti_adi.site import reuse
from reti_adi.site.mkdocs_site import HOOK, is_detail_page, output_path

DIGEST = "0123456789abcdef0123456789abcdef"


def _manifest() -> reuse.Manifest:
    return reuse.Manifest(pages={DIGEST: reuse.PageRecord("servizi/a/index.html", DIGEST, "<url>a</url>")},
                          bundles={"toscana": reuse.BundleRecord(DIGEST, {"pagefind.js": DIGEST})})


def test_a_saved_manifest_reads_back_the_same(tmp_path):
    out = tmp_path / "build"
    reuse.save_manifest(out, _manifest())
    assert reuse.load_manifest(out) == _manifest()
    assert reuse.manifest_path(out).parent == Path(os.environ["RETI_ADI_CACHE"])  # the cache, not build/
    assert reuse.manifest_path(tmp_path / "altra") != reuse.manifest_path(out)


def test_bad_entries_are_dropped_and_the_good_ones_kept(tmp_path):
    out = tmp_path / "build"
    good = ["servizi/a/index.html", DIGEST, ""]
    document = {"formato": reuse.FORMAT,
                "pagine": {DIGEST: good, "f" * 32: ["../fuori.html", DIGEST, ""], "e" * 32: ["/etc/passwd", DIGEST, ""],
                           "d" * 32: ["a\\b.html", DIGEST, ""], "c" * 32: ["a/b.html", "zz", ""],
                           "b" * 32: ["a/b.html", DIGEST], "non-una-chiave": good, "a" * 32: {"percorso": "x"}},
                "indici": {"toscana": {"chiave": DIGEST, "file": {"../x": DIGEST}}, "../su": {"chiave": DIGEST, "file": {}},
                           "lazio": {"chiave": DIGEST, "file": {"pagefind.js": DIGEST}}}}
    reuse.manifest_path(out).parent.mkdir(parents=True, exist_ok=True)
    reuse.manifest_path(out).write_text(json.dumps(document), encoding="utf-8")
    manifest = reuse.load_manifest(out)
    assert list(manifest.pages) == [DIGEST]
    assert list(manifest.bundles) == ["lazio"]


@pytest.mark.parametrize("content", [b"", b"\xff\xfe", b"[1, 2]", json.dumps({"formato": 999, "pagine": {}}).encode(),
                                     b"{" * 50000])
def test_an_unreadable_manifest_is_empty(tmp_path, content):
    out = tmp_path / "build"
    reuse.manifest_path(out).parent.mkdir(parents=True, exist_ok=True)
    reuse.manifest_path(out).write_bytes(content)
    assert reuse.load_manifest(out) == reuse.Manifest()


def test_an_oversized_manifest_is_not_read(tmp_path, monkeypatch):
    out = tmp_path / "build"
    reuse.save_manifest(out, _manifest())
    monkeypatch.setattr(reuse, "MAX_MANIFEST_BYTES", 10)
    assert reuse.load_manifest(out) == reuse.Manifest()


def test_a_verified_file_is_linked_and_a_changed_one_leaves_nothing(tmp_path):
    previous, target = tmp_path / "precedente", tmp_path / "nuova"
    (previous / "servizi/a").mkdir(parents=True)
    (previous / "servizi/a/index.html").write_bytes(b"pagina")
    digest = reuse.digest_bytes(b"pagina")
    assert reuse.take_verified(previous, "servizi/a/index.html", digest, target)
    assert (target / "servizi/a/index.html").read_bytes() == b"pagina"
    assert not reuse.take_verified(previous, "servizi/a/index.html", reuse.digest_bytes(b"altro"), tmp_path / "t2")
    assert not (tmp_path / "t2/servizi/a/index.html").exists()
    assert not reuse.take_verified(previous, "servizi/b/index.html", digest, tmp_path / "t3")
    assert not reuse.take_verified(previous, "../precedente/servizi/a/index.html", digest, tmp_path / "t4")


def test_a_symlink_anywhere_on_the_way_is_a_miss(tmp_path):
    previous = tmp_path / "precedente"
    elsewhere = tmp_path / "altrove"
    (elsewhere / "a").mkdir(parents=True)
    (elsewhere / "a/index.html").write_bytes(b"pagina")
    previous.mkdir()
    (previous / "servizi").symlink_to(elsewhere)  # a folder
    (previous / "pagina.html").symlink_to(elsewhere / "a/index.html")  # a file
    digest = reuse.digest_bytes(b"pagina")
    assert not reuse.take_verified(previous, "servizi/a/index.html", digest, tmp_path / "t1")
    assert not reuse.take_verified(previous, "pagina.html", digest, tmp_path / "t2")
    assert not any((tmp_path / "t2").rglob("*.html"))


def _page(base: Path, folder: str, content: bytes, *extra: str) -> None:
    (base / folder).mkdir(parents=True)
    (base / folder / "index.html").write_bytes(content)
    for name in extra:
        (base / folder / name).write_bytes(b"in piu")


def test_a_page_folder_of_the_spare_build_is_moved_only_if_it_holds_just_that_page_with_its_digest(tmp_path):
    previous, spare, target = tmp_path / "precedente", tmp_path / "riserva", tmp_path / "nuova"
    for folder in ("servizi/a", "servizi/b", "servizi/c", "servizi/d"):
        _page(previous, folder, b"pagina")
    _page(spare, "servizi/a", b"pagina")  # the same bytes: moved
    _page(spare, "servizi/b", b"vecchia")  # an older version: the previous build's is linked instead
    _page(spare, "servizi/c", b"pagina", "intruso.html")  # more than the page: left where it is
    elsewhere = tmp_path / "altrove"
    _page(elsewhere, "d", b"pagina")
    (spare / "servizi/d").symlink_to(elsewhere / "d")  # a link posing as the folder: never followed
    linker = reuse.VerifiedLinker(previous, target, spare)
    digest = reuse.digest_bytes(b"pagina")
    for folder in ("a", "b", "c", "d"):
        assert linker.take(f"servizi/{folder}/index.html", digest), folder
        assert sorted(p.name for p in (target / "servizi" / folder).iterdir()) == ["index.html"], folder
        assert (target / "servizi" / folder / "index.html").read_bytes() == b"pagina"
    assert not (spare / "servizi/a").exists()  # moved, not made and linked
    assert (target / "servizi/a/index.html").stat().st_ino != (previous / "servizi/a/index.html").stat().st_ino
    for folder in ("b", "c", "d"):  # linked from the previous build
        assert os.path.samefile(target / "servizi" / folder / "index.html", previous / "servizi" / folder / "index.html")
    assert (spare / "servizi/c/intruso.html").exists() and (elsewhere / "d/index.html").read_bytes() == b"pagina"


def test_a_spare_build_behind_a_symlink_gives_nothing(tmp_path):
    previous, spare, target = tmp_path / "precedente", tmp_path / "riserva", tmp_path / "nuova"
    _page(previous, "servizi/a", b"pagina")
    elsewhere = tmp_path / "altrove"
    _page(elsewhere, "a", b"pagina")
    spare.mkdir()
    (spare / "servizi").symlink_to(elsewhere)
    assert reuse.VerifiedLinker(previous, target, spare).take("servizi/a/index.html", reuse.digest_bytes(b"pagina"))
    assert (elsewhere / "a/index.html").exists()  # nothing taken from behind the link
    assert os.path.samefile(target / "servizi/a/index.html", previous / "servizi/a/index.html")


def test_a_section_of_the_spare_is_moved_whole_and_only_the_pages_that_check_out_stay(tmp_path):
    previous, spare, target = tmp_path / "precedente", tmp_path / "riserva", tmp_path / "riuso"
    for folder in ("servizi/a", "servizi/b", "servizi/c", "servizi/d", "servizi/e"):
        _page(previous, folder, b"pagina")
    _page(spare, "servizi/a", b"pagina")  # the same bytes: stays where the move put it
    _page(spare, "servizi/b", b"vecchia")  # an older version: removed, the previous build's linked instead
    _page(spare, "servizi/c", b"pagina", "intruso.html")  # more than the page: removed, linked instead
    elsewhere = tmp_path / "altrove"
    _page(elsewhere, "d", b"pagina")
    (spare / "servizi/d").symlink_to(elsewhere / "d")  # a link posing as the folder: removed, never followed
    _page(spare, "servizi/vecchio", b"pagina")  # a page this build no longer has: no one claims it
    (spare / "servizi/index.html").write_bytes(b"indice di due build fa")  # a shared page: rendered again
    (spare / "servizi/e").write_bytes(b"un file al posto della cartella")
    _page(spare, "comuni/001001", b"pagina")
    moved = reuse.move_sections(spare, target)
    assert moved == {"servizi", "comuni"} and not (spare / "servizi").exists()
    linker = reuse.VerifiedLinker(previous, target, spare, moved)
    digest = reuse.digest_bytes(b"pagina")
    for folder in ("a", "b", "c", "d", "e"):
        assert linker.take(f"servizi/{folder}/index.html", digest), folder
        assert sorted(p.name for p in (target / "servizi" / folder).iterdir()) == ["index.html"], folder
        assert (target / "servizi" / folder / "index.html").read_bytes() == b"pagina"
        assert not (target / "servizi" / folder).is_symlink()
    for folder in ("b", "c", "d", "e"):
        assert os.path.samefile(target / "servizi" / folder / "index.html", previous / "servizi" / folder / "index.html")
    assert not os.path.samefile(target / "servizi/a/index.html", previous / "servizi/a/index.html")
    _page(previous, "servizi/a/altro", b"pagina")
    assert not linker.take("servizi/a/altro/index.html", digest)  # not the layout of a moved section...
    assert not (target / "servizi/a/altro").exists()  # ...so never put among its folders, even when it checks out
    assert (elsewhere / "d/index.html").read_bytes() == b"pagina"
    claimed = {f"servizi/{folder}/index.html" for folder in "abcde"}
    reuse.discard_unclaimed(target, moved, claimed)
    assert sorted(p.name for p in (target / "servizi").iterdir()) == ["a", "b", "c", "d", "e"]
    assert list((target / "comuni").iterdir()) == []  # nothing claimed there: all gone


def test_a_spare_section_behind_a_symlink_is_not_moved(tmp_path):
    spare, target, elsewhere = tmp_path / "riserva", tmp_path / "riuso", tmp_path / "altrove"
    _page(elsewhere, "a", b"pagina")
    spare.mkdir()
    (spare / "servizi").symlink_to(elsewhere)
    (spare / "enti").write_bytes(b"un file")
    assert reuse.move_sections(spare, target) == frozenset()
    assert not os.path.lexists(target / "servizi") and (elsewhere / "a/index.html").exists()
    assert not os.path.lexists(target / "enti")


def test_what_cannot_be_removed_or_is_not_a_claimed_folder_stops_the_build(tmp_path, monkeypatch):
    target = tmp_path / "riuso"
    _page(target, "servizi/a", b"pagina")
    _page(target, "servizi/vecchio", b"pagina")
    with pytest.raises(reuse.UnclaimedLeft):  # a claimed page that is not there under its own name
        reuse.discard_unclaimed(target, frozenset({"servizi"}), {"servizi/A/index.html"})
    (target / "servizi/b").symlink_to(tmp_path)
    with pytest.raises(reuse.UnclaimedLeft):  # a claimed page's folder that became a link
        reuse.discard_unclaimed(target, frozenset({"servizi"}), {"servizi/a/index.html", "servizi/b/index.html"})
    assert (target / "servizi/vecchio/index.html").exists()  # checked before anything is removed
    monkeypatch.setattr(reuse.shutil, "rmtree", lambda *args, **kwargs: None)
    with pytest.raises(reuse.UnclaimedLeft):  # an unclaimed folder that stays
        reuse.discard_unclaimed(target, frozenset({"servizi"}), {"servizi/a/index.html"})
    assert (target / "servizi/vecchio/index.html").exists()


def test_a_page_folder_in_place_that_cannot_be_removed_is_a_miss_and_nothing_is_put_there(tmp_path, monkeypatch):
    previous, target = tmp_path / "precedente", tmp_path / "riuso"
    _page(previous, "servizi/a", b"pagina")
    _page(target, "servizi/a", b"vecchia")
    monkeypatch.setattr(reuse.shutil, "rmtree", lambda *args, **kwargs: None)
    linker = reuse.VerifiedLinker(previous, target, None, frozenset({"servizi"}))
    assert not linker.take("servizi/a/index.html", reuse.digest_bytes(b"pagina"))
    assert (target / "servizi/a/index.html").read_bytes() == b"vecchia"  # not linked over: discard_unclaimed stops


def test_without_a_moved_section_a_take_is_what_it_was(tmp_path):
    previous, target = tmp_path / "precedente", tmp_path / "nuova"
    _page(previous, "servizi/a", b"pagina")
    assert reuse.VerifiedLinker(previous, target, None, frozenset({"servizi"})).take(
        "servizi/a/index.html", reuse.digest_bytes(b"pagina"))
    assert os.path.samefile(target / "servizi/a/index.html", previous / "servizi/a/index.html")


CONFIG = {"site_name": "x", "theme": {"name": "material"}, "plugins": [], "hooks": [HOOK],
          "nav": [{"Home": "index.md"}, {"Catalogo": [{"Enti": "enti/index.md"}]}], "extra": {}}


def _key(config=None, staged=None):
    return reuse.site_key(b"base", config or CONFIG, HOOK, staged or {"enti/index.md": "---\ntitle: Enti\n---\n"},
                          is_detail_page)


@pytest.mark.parametrize("change", [{"plugins": ["search"]}, {"hooks": ["altro.py", HOOK]}, {"nav": None},
                                    {"nav": ["index.md", "servizi/a.md"]}, {"theme": {"name": "mkdocs"}}],
                         ids=["plugin", "hook", "senza-nav", "dettaglio-nel-nav", "tema"])
def test_a_configuration_that_could_tie_pages_together_rules_reuse_out(change):
    config = {**CONFIG, **change}
    if change.get("nav", 0) is None:
        config.pop("nav")
    assert _key() is not None
    assert _key(config) is None
    without_plugins = {k: v for k, v in CONFIG.items() if k != "plugins"}  # mkdocs then adds its search
    assert _key(without_plugins) is None


def test_the_site_key_follows_the_nav_pages_and_the_config_but_not_the_run_paths():
    assert _key() == _key({**CONFIG, "docs_dir": "/tmp/a", "site_dir": "/tmp/b",
                           "extra": {"reti_adi_frammenti": "/tmp/c"}})
    assert _key() != _key({**CONFIG, "site_name": "y"})
    assert _key() != _key(staged={"enti/index.md": "---\ntitle: Enti e altro\n---\n"})
    assert _key() == _key(staged={"enti/index.md": "---\ntitle: Enti\n---\n", "servizi/a.md": "---\n---\n"})
    assert reuse.page_key(_key(), "servizi/a.md", "testo") != reuse.page_key(_key(), "servizi/b.md", "testo")


def test_output_paths_follow_mkdocs_use_directory_urls_rule():
    assert output_path("servizi/a.md", True) == "servizi/a/index.html"
    assert output_path("servizi/a.md", False) == "servizi/a.html"
    assert output_path("servizi/index.md", True) == "servizi/index.html"
    assert output_path("servizi/README.md", True) == "servizi/index.html"
