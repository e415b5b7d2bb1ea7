"""The content-hash cache makes re-checks fast and can never hide an error."""

from __future__ import annotations

import os

from reti_adi.catalogue import cache as cache_module
from reti_adi.check import check

from ..conftest import REFERENCE_DATE


def run(root):
    return check(root, REFERENCE_DATE, use_cache=True, jobs=1)


def test_cache_is_written_and_reused(catalogue_copy, monkeypatch):
    assert run(catalogue_copy).errors == []
    assert len(list((catalogue_copy / ".reti-adi-cache").glob("controllo-*.pickle"))) > 10
    parsed = []
    original = cache_module.CheckCache.put
    monkeypatch.setattr(cache_module.CheckCache, "put",
                        lambda self, *args: (parsed.append(args[0]), original(self, *args))[1])
    edited = catalogue_copy / "catalogo/servizi/emporio-solidale.yaml"
    edited.write_text(edited.read_text().replace("posti_disponibili: 120", "posti_disponibili: 121"))
    assert run(catalogue_copy).errors == []
    assert parsed == ["catalogo/servizi/emporio-solidale.yaml"]  # only the edited file was parsed again


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(catalogue_copy):
    run(catalogue_copy)
    edited = catalogue_copy / "catalogo/servizi/emporio-solidale.yaml"
    stat = edited.stat()
    text = edited.read_text()
    broken = text.replace("tipologia: e", "tipologia: z")
    assert len(broken) == len(text)
    edited.write_text(broken)
    os.utime(edited, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    errors = run(catalogue_copy).errors
    assert [(p.file, p.rule) for p in errors] == [("catalogo/servizi/emporio-solidale.yaml", "schema.literal_error")]


def test_cross_record_errors_are_never_served_from_the_cache(catalogue_copy):
    run(catalogue_copy)
    (catalogue_copy / "catalogo/enti/odv-rete-solidale.yaml").unlink()
    errors = run(catalogue_copy).errors
    files = {p.file for p in errors if p.rule == "riferimenti.ente"}
    assert "catalogo/servizi/emporio-solidale.yaml" in files  # unchanged file, new error


def test_cached_errors_come_back_on_every_run(catalogue_copy):
    broken = catalogue_copy / "catalogo/servizi/emporio-solidale.yaml"
    broken.write_text(broken.read_text().replace("cap: \"40010\"", "cap: 00100"))
    first = run(catalogue_copy).errors
    second = run(catalogue_copy).errors
    assert first == second and first[0].rule == "yaml.codice-numerico" and first[0].line == first[0].line


def test_new_code_or_vocabulary_invalidates_everything(catalogue_copy, monkeypatch):
    run(catalogue_copy)
    monkeypatch.setattr(cache_module, "code_salt", lambda: b"another version of the rules")
    parsed = []
    original = cache_module.CheckCache.put
    monkeypatch.setattr(cache_module.CheckCache, "put",
                        lambda self, *args: (parsed.append(args[0]), original(self, *args))[1])
    run(catalogue_copy)
    assert len(parsed) >= 70


def test_a_damaged_cache_is_ignored(catalogue_copy):
    run(catalogue_copy)
    for shard in (catalogue_copy / ".reti-adi-cache").glob("controllo-*.pickle"):
        shard.write_bytes(b"not a pickle")
    assert run(catalogue_copy).errors == []


def test_parallel_and_serial_give_the_same_problems(catalogue_copy):
    broken = catalogue_copy / "catalogo/servizi/emporio-solidale.yaml"
    broken.write_text(broken.read_text().replace("tipologia: e", "tipologia: z"))
    from reti_adi.catalogue import loader

    serial = check(catalogue_copy, REFERENCE_DATE, jobs=1).problems
    threshold = loader.PARALLEL_THRESHOLD
    loader.PARALLEL_THRESHOLD = 1
    try:
        parallel = check(catalogue_copy, REFERENCE_DATE, jobs=2).problems
    finally:
        loader.PARALLEL_THRESHOLD = threshold
    assert serial == parallel and serial
