"""The content-hash cache makes re-checks fast and can never hide an error."""

from __future__ import annotations

import json
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


BROKEN = "catalogo/servizi/emporio-solidale.yaml"
FIELDS = {"voce": ("percorso", "tipo", "impronta", "firma", "visto", "scheda", "problemi"),
          "esito": ("regola", "percorso", "chiave", "tipi", "stato_tipi", "letture", "trovato", "problemi")}
"""The values of an entry of each table, in the order a part holds them (see cache.CheckCache)."""


def parts(root, table: str) -> list[tuple[int, bytes, bytes]]:
    with sqlite3.connect(cache_module.database_path(root)) as connection:
        return connection.execute("SELECT numero, dati, controllo FROM parte WHERE tabella = ?", (table,)).fetchall()


def entries(root) -> int:
    return sum(len(json.loads(data)) for _, data, _ in parts(root, "voce"))


def files_in_part_of(root, relative: str) -> set[str]:
    """Every file whose entry shares a part with relative's: what a damaged part makes read again."""
    number = cache_module.part_of(relative)
    return {entry[0] for found, data, _ in parts(root, "voce") if found == number for entry in json.loads(data)}


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


def cold(root, today=REFERENCE_DATE):
    return check(root, today, jobs=1).problems


def tamper(root, table: str, field: str | None, value, relative: str = BROKEN, forge: bool = False) -> None:
    """Change one value of relative's entries in its part (field None: the whole entry). The part keeps its
    checksum (damage on disk), or with forge gets one computed again over what was changed (a cache
    written by something else than this code): then only the checks of each value stand in the way."""
    position = FIELDS[table].index("percorso")
    with sqlite3.connect(cache_module.database_path(root)) as connection:
        changed = 0
        for number, data, checksum in parts(root, table):
            decoded = json.loads(data)
            mine = [index for index, entry in enumerate(decoded) if entry[position] == relative]
            for index in mine:
                if field is None:
                    decoded[index] = value
                else:
                    decoded[index][FIELDS[table].index(field)] = value
            if mine:
                data = json.dumps(decoded).encode()
                if forge:
                    checksum = cache_module.part_checksum(table, number, data)
                connection.execute("UPDATE parte SET dati = ?, controllo = ? WHERE tabella = ? AND numero = ?",
                                   (data, checksum, table, number))
                changed += len(mine)
    assert changed >= 1


def damage(root, table: str, how: str, relative: str = BROKEN) -> None:
    """Damage the bytes of relative's part as a disk or a killed writer could: cut short, one byte changed,
    another checksum."""
    number = cache_module.part_of(relative)
    with sqlite3.connect(cache_module.database_path(root)) as connection:
        data, checksum = connection.execute("SELECT dati, controllo FROM parte WHERE tabella = ? AND numero = ?",
                                            (table, number)).fetchone()
        if how == "troncata":
            data = data[:len(data) // 2]
        elif how == "un-byte":
            middle = len(data) // 2
            data = data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1:]
        else:
            checksum = b"x" * 16
        connection.execute("UPDATE parte SET dati = ?, controllo = ? WHERE tabella = ? AND numero = ?",
                           (data, checksum, table, number))


# values a forged checksum lets through to the checks of each value: cut-short or foreign JSON, values of the
# wrong type or length, huge values, entries that are not lists; for a file's entry and for a rule result
MALFORMED = [
    ("voce", "problemi", "[[\"f\", 1, 1, "),
    ("voce", "problemi", "[[\"f\", 1, 1, \"\", \"m\", \"r\", \"grave\", null, null]]"),
    ("voce", "problemi", "[[\"f\", \"1\", 1, \"\", \"m\", \"r\", \"errore\", null, null]]"),
    ("voce", "problemi", "{}"),
    ("voce", "problemi", "[" * 100_000),
    ("voce", "problemi", 12),
    ("voce", "problemi", ["not", "text"]),
    ("voce", "scheda", "x:emporio-solidale"),
    ("voce", "scheda", 7),
    ("voce", "impronta", "0" * 31),
    ("voce", "impronta", "zz" * 16),
    ("voce", "impronta", 12),
    ("voce", "firma", 12),
    ("voce", "visto", "ieri"),
    ("voce", "visto", True),
    ("voce", None, "not an entry"),
    ("voce", None, ["catalogo/servizi/emporio-solidale.yaml", "servizio"]),
    ("esito", "letture", "[[\"id\", \"ente\""),
    ("esito", "letture", "[[\"id\", [\"ente\"], \"x\"]]"),
    ("esito", "letture", "[[\"nuovo\", \"ente\", \"x\"]]"),
    ("esito", "letture", "{}"),
    ("esito", "letture", 3),
    ("esito", "trovato", "xx"),
    ("esito", "trovato", 5),
    ("esito", "tipi", 3),
    ("esito", "stato_tipi", "not hex"),
    ("esito", "stato_tipi", 4),
    ("esito", "problemi", "[[1]]"),
    ("esito", "problemi", "[" * 100_000),
    ("esito", "chiave", 7),
    ("esito", None, {"not": "a list"}),
]
# values of the right shape that are not the ones written: only the part's checksum tells them apart
WRONG = [
    ("voce", "problemi", "[]"),
    ("voce", "scheda", "v:un-altro-id"),
    ("voce", "impronta", "0" * 32),
    ("voce", "firma", "1:2:3:4:5"),
    ("esito", "letture", "[]"),
    ("esito", "trovato", "0" * 32),
    ("esito", "tipi", "ente"),
    ("esito", "stato_tipi", "0" * 32),
    ("esito", "problemi", "[]"),
    ("esito", "chiave", "00" * 26),
]


def broken_catalogue(root):
    """A file with an error of its own and one of a cross-record rule, so a reused entry would show; the
    problems of a check without the cache."""
    broken = root / BROKEN
    broken.write_text(broken.read_text().replace("tipologia: e", "tipologia: z")
                      .replace("ente_erogatore: odv-rete-solidale", "ente_erogatore: ente-che-non-esiste"))
    expected = cold(root)
    assert {p.rule for p in expected} >= {"schema.literal_error", "riferimenti.ente"}
    return expected


@pytest.mark.parametrize("table, field, value", MALFORMED)
def test_a_malformed_entry_under_a_forged_checksum_gives_exactly_the_cold_result(catalogue_copy, table, field, value):
    expected = broken_catalogue(catalogue_copy)
    run(catalogue_copy)
    tamper(catalogue_copy, table, field, value, forge=True)
    assert run(catalogue_copy).problems == expected
    assert run(catalogue_copy).problems == expected  # and the entry written again is right


@pytest.mark.parametrize("table, field, value", WRONG + MALFORMED[:3])
def test_a_damaged_part_gives_exactly_the_cold_result(catalogue_copy, table, field, value):
    expected = broken_catalogue(catalogue_copy)
    run(catalogue_copy)
    tamper(catalogue_copy, table, field, value)
    assert run(catalogue_copy).problems == expected
    assert run(catalogue_copy).problems == expected


@pytest.mark.parametrize("table", ["voce", "esito"])
@pytest.mark.parametrize("how", ["troncata", "un-byte", "controllo"])
def test_a_part_cut_short_or_changed_on_disk_is_a_miss_for_its_files_only(catalogue_copy, monkeypatch, table, how):
    expected = broken_catalogue(catalogue_copy)
    run(catalogue_copy)
    damage(catalogue_copy, table, how)
    parsed = record_parses(monkeypatch)
    assert run(catalogue_copy).problems == expected
    if table == "voce":  # the files of the damaged part are read again, and only those
        assert BROKEN in parsed and set(parsed) == files_in_part_of(catalogue_copy, BROKEN)
    else:  # the rule results of the part are computed again, the files are not read
        assert parsed == []
    parsed.clear()
    assert run(catalogue_copy).problems == expected and parsed == []  # the part was written again


def test_a_forged_checksum_over_malformed_values_is_still_a_miss_for_that_file_only(catalogue_copy, monkeypatch):
    run(catalogue_copy)
    expected = cold(catalogue_copy)
    tamper(catalogue_copy, "voce", "problemi", "[[\"f\", 1, 1, \"\", \"m\", \"r\", \"grave\", null, null]]",
           forge=True)
    parsed = record_parses(monkeypatch)
    assert run(catalogue_copy).problems == expected and parsed == [BROKEN]


def test_a_cache_of_another_salt_or_root_is_not_used(catalogue_copy, monkeypatch):
    run(catalogue_copy)
    with sqlite3.connect(cache_module.database_path(catalogue_copy)) as connection:
        connection.execute("UPDATE meta SET valore = ? WHERE chiave = 'sale'", (b"another version",))
    parsed = record_parses(monkeypatch)
    assert run(catalogue_copy).problems == cold(catalogue_copy)
    assert len(parsed) >= 70
    with sqlite3.connect(cache_module.database_path(catalogue_copy)) as connection:
        connection.execute("UPDATE meta SET valore = ? WHERE chiave = 'radice'", ("/altrove",))
    parsed.clear()
    assert run(catalogue_copy).problems == cold(catalogue_copy)
    assert len(parsed) >= 70


def test_a_huge_part_is_not_read(catalogue_copy, monkeypatch):
    broken = catalogue_copy / BROKEN
    broken.write_text(broken.read_text().replace("tipologia: e", "tipologia: z"))
    run(catalogue_copy)
    expected = cold(catalogue_copy)
    monkeypatch.setattr(cache_module, "MAX_PART_BYTES", 1_000_000)
    tamper(catalogue_copy, "voce", "problemi", "[" + " " * 1_000_000 + "]", forge=True)
    tamper(catalogue_copy, "esito", "problemi", " " * 1_000_000, forge=True)
    parsed = record_parses(monkeypatch)
    assert run(catalogue_copy).problems == expected
    assert BROKEN in parsed and set(parsed) == files_in_part_of(catalogue_copy, BROKEN)


def test_an_oversized_part_is_a_miss(catalogue_copy, monkeypatch):
    run(catalogue_copy)
    monkeypatch.setattr(cache_module, "MAX_PART_BYTES", 10)
    parsed = record_parses(monkeypatch)
    assert run(catalogue_copy).errors == []
    assert len(parsed) >= 70


def test_a_cache_file_with_foreign_objects_is_not_used(catalogue_copy, monkeypatch):
    run(catalogue_copy)
    with sqlite3.connect(cache_module.database_path(catalogue_copy)) as connection:
        connection.execute("CREATE TRIGGER t AFTER INSERT ON parte BEGIN DELETE FROM meta; END")
    parsed = record_parses(monkeypatch)
    assert run(catalogue_copy).errors == []
    assert len(parsed) >= 70
    with sqlite3.connect(cache_module.database_path(catalogue_copy)) as connection:
        assert connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall() == []


def test_an_edit_writes_again_only_the_parts_that_hold_it(catalogue_copy, monkeypatch):
    monkeypatch.setattr(cache_module, "SETTLED_NS", 0)  # every file old enough to be trusted by its lstat
    run(catalogue_copy)
    run(catalogue_copy)  # nothing changed: nothing written
    before = {table: {number: data for number, data, _ in parts(catalogue_copy, table)} for table in FIELDS}
    edited = catalogue_copy / BROKEN
    edited.write_text(edited.read_text().replace("posti_disponibili: 120", "posti_disponibili: 121"))
    assert run(catalogue_copy).errors == []
    after = {table: {number: data for number, data, _ in parts(catalogue_copy, table)} for table in FIELDS}
    for table in FIELDS:
        assert after[table].keys() == before[table].keys()
        changed = {number for number, data in after[table].items() if data != before[table][number]}
        assert changed <= {cache_module.part_of(BROKEN)}, table
    assert after["voce"] != before["voce"]  # the edited file's entry: its new digest


def test_cached_records_equal_freshly_parsed_ones(catalogue_copy):
    cold = load_and_check(catalogue_copy, REFERENCE_DATE, jobs=1)[0]
    load_and_check(catalogue_copy, REFERENCE_DATE, use_cache=True, jobs=1)
    warm = load_and_check(catalogue_copy, REFERENCE_DATE, use_cache=True, jobs=1)[0]
    assert warm.of("servizio")["emporio-solidale"].source is not None  # served by the cache, not read yet
    assert warm.meta == cold.meta
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
