"""Files that escape: links, capitals, pipes. Each is an Italian error naming the file, nothing outside
the repository is read, and the other files are checked all the same."""

from __future__ import annotations

import json
import os

import pytest

from reti_adi.catalogue.discovery import scan
from reti_adi.catalogue.loader import file_stem
from reti_adi.check import check

from ..conftest import REFERENCE_DATE, run_cli

SECRET = "segreto-della-macchina-di-ci"


@pytest.fixture
def outside(tmp_path):
    """A file and a folder outside the repository, with content that must never be echoed."""
    folder = tmp_path / "fuori"
    folder.mkdir()
    (folder / "segreto.yaml").write_text(f"id: {SECRET}\ndenominazione: {SECRET}\n", encoding="utf-8")
    return folder


def _links(root, outside) -> dict[str, str]:
    """Relative path of each hostile entry → words its message must contain."""
    servizi = root / "catalogo/servizi"
    os.symlink(outside / "segreto.yaml", servizi / "fuori.yaml")
    os.symlink(outside, servizi / "cartella-fuori")
    os.symlink("giro.yaml", servizi / "giro.yaml")  # a link to itself: ELOOP
    os.symlink("..", servizi / "su")  # a directory loop
    os.symlink("non-esiste.yaml", servizi / "rotto.yaml")
    os.symlink("accoglienza-notturna-emergenza.yaml", servizi / "doppione.yaml")
    text = (servizi / "emporio-solidale.yaml").read_text(encoding="utf-8")
    (servizi / "emporio-solidale.yaml").unlink()
    (servizi / "EMPORIO-SOLIDALE.YAML").write_text(text, encoding="utf-8")
    (servizi / "altro.Yml").write_text("id: altro\n", encoding="utf-8")
    os.mkfifo(servizi / "tubo.yaml")
    return {
        "catalogo/servizi/fuori.yaml": "fuori dal repository",
        "catalogo/servizi/cartella-fuori": "fuori dal repository",
        "catalogo/servizi/giro.yaml": "ciclo",
        "catalogo/servizi/su": "collegamento simbolico",
        "catalogo/servizi/rotto.yaml": "non porta a nessun file",
        "catalogo/servizi/doppione.yaml": "collegamento simbolico",
        "catalogo/servizi/EMPORIO-SOLIDALE.YAML": "«.YAML» va scritta in minuscolo",
        "catalogo/servizi/altro.Yml": "«.Yml» va scritta in minuscolo",
        "catalogo/servizi/tubo.yaml": "non è un file normale",
    }


def test_every_escaping_file_is_an_error_and_the_check_goes_on(catalogue_copy, outside):
    clean = check(catalogue_copy, REFERENCE_DATE)
    expected = _links(catalogue_copy, outside)
    proc = run_cli("check", str(catalogue_copy), "--format", "json", "--no-cache",
                   "--data-riferimento", REFERENCE_DATE.isoformat(), )
    assert proc.returncode == 1, proc.stderr
    assert "errore interno" not in proc.stderr and "Traceback" not in proc.stderr
    assert SECRET not in proc.stdout + proc.stderr
    payload = json.loads(proc.stdout)
    by_file = {}
    for p in payload["problemi"]:
        by_file.setdefault(p["file"], []).append(p)
    for relative, words in expected.items():
        assert relative in by_file, (relative, sorted(by_file))
        [found] = by_file[relative]
        assert found["gravita"] == "errore" and words in found["messaggio"], found
    # every real file is still read: one service fewer (renamed to capitals), nothing from outside
    assert payload["schede"]["servizio"] == clean.counts["servizio"] - 1
    assert set(by_file) - set(expected) <= {p.file for p in clean.problems}


def test_a_linked_catalogue_folder_is_not_followed(tmp_path, catalogue_copy, outside):
    moved = tmp_path / "altrove"
    (catalogue_copy / "catalogo").rename(moved)
    os.symlink(moved, catalogue_copy / "catalogo")
    discovery = scan(catalogue_copy)
    assert [f for _, f in discovery.files if "catalogo/" in f] == []
    assert [(p.file, p.rule) for p in discovery.problems] == [("catalogo", "file.collegamento")]
    proc = run_cli("check", str(catalogue_copy), "--no-cache", "--data-riferimento", REFERENCE_DATE.isoformat())
    assert proc.returncode == 1
    assert "catalogo: errore: «catalogo» è un collegamento simbolico" in proc.stdout


def test_nothing_outside_the_root_is_opened(catalogue_copy, outside, monkeypatch):
    """Even a link swapped in after discovery is not followed: files are opened with O_NOFOLLOW."""
    from reti_adi.catalogue.yaml_guard import read_bounded

    link = catalogue_copy / "catalogo/servizi/scambiato.yaml"
    os.symlink(outside / "segreto.yaml", link)
    with pytest.raises(OSError):
        read_bounded(link)


@pytest.mark.parametrize("name", ["servizio.yaml", "a.b.yml", ".yaml", "..yaml", ".a.yaml", "a..yaml", "x.", "...",
                                  "senza-estensione", "punto.finale.", "é.yaml"])
def test_the_loaders_stem_is_the_one_os_path_gives(name):
    """The loader takes a file's id from its name with string operations (every file, every re-check):
    the same stem os.path.splitext gives, or ids and «id diverso dal nome del file» would change."""
    assert file_stem(name) == os.path.splitext(name)[0]
