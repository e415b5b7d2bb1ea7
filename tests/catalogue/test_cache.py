"""The content-hash cache makes re-checks fast and can never hide an error."""

from __future__ import annotations

import os
import pickle
import sqlite3

import pytest

from reti_adi.catalogue import cache as cache_module
from reti_adi.check import check, load_and_check

from ..conftest import REFERENCE_DATE, run_cli


def run(root):
    return check(root, REFERENCE_DATE, use_cache=True, jobs=1)


def record_parses(monkeypatch) -> list[str]:
    """The files that are parsed again (cache misses), in order."""
    parsed: list[str] = []
    original = cache_module.CheckCache.put
    monkeypatch.setattr(cache_module.CheckCache, "put",
                        lambda self, *args: (parsed.append(args[0]), original(self, *args))[1])
    return parsed


def entries(root) -> int:
    with sqlite3.connect(cache_module.database_path(root)) as connection:
        return connection.execute("SELECT count(*) FROM voce").fetchone()[0]


def test_cache_is_written_and_reused(catalogue_copy, monkeypatch):
    assert run(catalogue_copy).errors == []
    assert not (catalogue_copy / ".reti-adi-cache").exists()  # nothing is written into the repository
    assert cache_module.database_path(catalogue_copy).parent == cache_module.cache_home()
    assert entries(catalogue_copy) > 60
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
    parsed = record_parses(monkeypatch)
    run(catalogue_copy)
    assert len(parsed) >= 70


class _Payload:
    """Unpickling this creates a file: the proof that a pickle was loaded."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_pickle_planted_in_the_repository_or_the_cache_is_never_run(catalogue_copy, tmp_path):
    marker = tmp_path / "eseguito"
    payload = pickle.dumps({"salt": cache_module.code_salt(), "entries": _Payload(str(marker))})
    planted = catalogue_copy / ".reti-adi-cache"
    planted.mkdir()
    for shard in range(32):  # every name the pickle cache of earlier versions read
        (planted / f"controllo-{shard:02d}.pickle").write_bytes(payload)
    pickle.loads(payload)  # the payload is live: loading it once creates the marker
    assert marker.exists()
    marker.unlink()
    database = cache_module.database_path(catalogue_copy)
    database.parent.mkdir(parents=True, exist_ok=True)
    database.write_bytes(payload)  # and in the user cache, where the cache lives now
    assert run(catalogue_copy).errors == []
    proc = run_cli("check", str(catalogue_copy))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not marker.exists()
    assert entries(catalogue_copy) > 60  # the planted file was replaced by a real cache


def test_a_damaged_cache_is_ignored(catalogue_copy, monkeypatch):
    run(catalogue_copy)
    cache_module.database_path(catalogue_copy).write_bytes(b"SQLite format 3\x00" + os.urandom(5000))
    parsed = record_parses(monkeypatch)
    assert run(catalogue_copy).errors == []
    assert len(parsed) >= 70
    parsed.clear()
    assert run(catalogue_copy).errors == [] and parsed == []  # rewritten, and used again


COLUMNS = ("impronta", "dati", "posizioni", "problemi")


def tamper(root, relative: str, column: str, value, checksum: bool) -> None:
    """Change one column of a file's entry; with checksum=True also forge a matching checksum."""
    with sqlite3.connect(cache_module.database_path(root)) as connection:
        row = list(connection.execute(f"SELECT {', '.join(COLUMNS)} FROM voce WHERE percorso = ?",
                                      (relative,)).fetchone())
        row[COLUMNS.index(column)] = value
        as_bytes = [v.encode() if isinstance(v, str) else v for v in row]
        forged = cache_module.entry_checksum(*as_bytes) if checksum else b"x"
        connection.execute(f"UPDATE voce SET {column} = ?, controllo = ? WHERE percorso = ?", (value, forged, relative))


MALFORMED = [
    ("dati", b"[{\"id\": "),                      # cut short
    ("dati", b"[[1, 2], []]"),                      # not a map
    ("dati", b"[{\"id\": \"x\"}, [[[\"manca\"], \"2024-01-01\", false]]]"),  # a date where nothing is
    ("dati", b"[{\"d\": \"x\"}, [[[\"d\"], \"not a date\", false]]]"),
    ("dati", b"[" * 100_000),                       # deeper than any decoder goes
    ("dati", "text, not bytes"),
    ("problemi", b"[[\"f\", 1, 1, \"\", \"m\", \"r\", \"grave\", null, null]]"),
    ("problemi", b"[[\"f\", \"1\", 1, \"\", \"m\", \"r\", \"errore\", null, null]]"),
    ("problemi", b"{}"),
    ("impronta", "not bytes"),
]


@pytest.mark.parametrize("checksum", [False, True], ids=["damaged", "forged"])
@pytest.mark.parametrize("column, value", MALFORMED)
def test_a_malformed_entry_is_a_miss(catalogue_copy, monkeypatch, column, value, checksum):
    run(catalogue_copy)
    relative = "catalogo/servizi/emporio-solidale.yaml"
    tamper(catalogue_copy, relative, column, value, checksum)
    parsed = record_parses(monkeypatch)
    first = load_and_check(catalogue_copy, REFERENCE_DATE, use_cache=True, jobs=1)
    assert first[1].errors == [] and parsed == [relative]
    cold = load_and_check(catalogue_copy, REFERENCE_DATE, jobs=1)
    assert first[0].get("servizio", "emporio-solidale") == cold[0].get("servizio", "emporio-solidale")


def test_damaged_positions_are_a_miss_and_forged_ones_never_fail_the_check(catalogue_copy, monkeypatch):
    relative = "catalogo/servizi/emporio-solidale.yaml"
    broken = catalogue_copy / relative
    broken.write_text(broken.read_text().replace("tipologia: e", "tipologia: z"))
    expected = run(catalogue_copy).errors
    assert [p.rule for p in expected] == ["schema.literal_error"] and expected[0].line > 1
    tamper(catalogue_copy, relative, "posizioni", b"\x80\x04 not json", checksum=False)
    parsed = record_parses(monkeypatch)
    assert run(catalogue_copy).errors == expected and parsed == [relative]
    # positions are decoded only when a problem needs them (a re-check would be three times slower
    # decoding them all), so forged ones are read late: they locate nothing, they never raise
    tamper(catalogue_copy, relative, "posizioni", b"[[[1, 1, {}]], []]", checksum=True)
    forged = run(catalogue_copy).errors
    assert [(p.file, p.rule, p.line) for p in forged] == [(relative, "schema.literal_error", 1)]


def test_an_oversized_entry_is_a_miss(catalogue_copy, monkeypatch):
    run(catalogue_copy)
    monkeypatch.setattr(cache_module, "MAX_ENTRY_BYTES", 10)
    parsed = record_parses(monkeypatch)
    assert run(catalogue_copy).errors == []
    assert len(parsed) >= 70


def test_a_cache_file_with_foreign_objects_is_not_used(catalogue_copy, monkeypatch):
    run(catalogue_copy)
    with sqlite3.connect(cache_module.database_path(catalogue_copy)) as connection:
        connection.execute("CREATE TRIGGER t AFTER INSERT ON voce BEGIN DELETE FROM meta; END")
    parsed = record_parses(monkeypatch)
    assert run(catalogue_copy).errors == []
    assert len(parsed) >= 70
    with sqlite3.connect(cache_module.database_path(catalogue_copy)) as connection:
        assert connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall() == []


def test_cached_records_equal_freshly_parsed_ones(catalogue_copy):
    cold = load_and_check(catalogue_copy, REFERENCE_DATE, jobs=1)[0]
    load_and_check(catalogue_copy, REFERENCE_DATE, use_cache=True, jobs=1)
    warm = load_and_check(catalogue_copy, REFERENCE_DATE, use_cache=True, jobs=1)[0]
    for kind, records in cold.records.items():
        assert {i: r.model for i, r in records.items()} == {i: r.model for i, r in warm.of(kind).items()}, kind
        for record_id, record in records.items():
            assert warm.of(kind)[record_id].positions.unpack() == record.positions.unpack()


def test_each_repository_has_its_own_entries_and_the_default_home_is_the_user_cache(catalogue_copy, tmp_path,
                                                                                    monkeypatch):
    import shutil

    other = tmp_path / "altra-copia"
    shutil.copytree(catalogue_copy, other)
    assert cache_module.database_path(other) != cache_module.database_path(catalogue_copy)
    monkeypatch.delenv(cache_module.ENV_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_module.cache_home() == tmp_path / "xdg" / "reti-adi"
    run(catalogue_copy)
    assert cache_module.database_path(catalogue_copy).is_file()


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
