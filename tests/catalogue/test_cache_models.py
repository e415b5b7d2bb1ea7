"""The validated models the cache keeps for the build: the same records as a cold load, never stale."""

from __future__ import annotations

import sqlite3

import pytest

from reti_adi.catalogue import cache as cache_module
from reti_adi.check import check, load_and_check

from ..conftest import REFERENCE_DATE, record_parses

EDITED = "catalogo/servizi/emporio-solidale.yaml"


def warm(root) -> None:
    assert check(root, REFERENCE_DATE, use_cache=True, jobs=1).errors == []


def build_load(root):
    """What the build loads: the cache on, every model filled."""
    return load_and_check(root, REFERENCE_DATE, use_cache=True, jobs=1, models=True)


def services(parsed: list[str]) -> list[str]:
    """The service files among them (the catalogue's own file has a warning, so it is read for its positions)."""
    return [relative for relative in parsed if relative.startswith("catalogo/servizi/")]


def same_records(warm_catalogue, cold_catalogue) -> None:
    assert warm_catalogue.meta == cold_catalogue.meta
    assert warm_catalogue.records.keys() == cold_catalogue.records.keys()
    for kind, records in cold_catalogue.records.items():
        for record_id, record in records.items():
            mine = warm_catalogue.of(kind)[record_id]
            assert mine.model == record.model, (kind, record_id)
            assert mine.model.model_fields_set == record.model.model_fields_set
            assert mine.model.model_dump_json(by_alias=True) == record.model.model_dump_json(by_alias=True)


def test_a_warm_build_load_parses_nothing_and_gives_the_cold_records(catalogue_copy, monkeypatch):
    cold, cold_result = load_and_check(catalogue_copy, REFERENCE_DATE, jobs=1)
    warm(catalogue_copy)
    parsed = record_parses(monkeypatch)
    catalogue, result = build_load(catalogue_copy)
    # every model came from the cache's JSON: a file is read only for the positions of a problem it has
    assert len(catalogue.of("servizio")) > 10 and set(parsed) <= {p.file for p in result.problems}
    assert all(r.has_model for kind in catalogue.records.values() for r in kind.values())
    assert result.problems == cold_result.problems
    same_records(catalogue, cold)
    record = catalogue.of("servizio")["emporio-solidale"]
    assert EDITED not in parsed and record.source is not None  # positions still deferred
    assert record.positions.unpack() == cold.of("servizio")["emporio-solidale"].positions.unpack()
    assert parsed[-1] == EDITED


def test_an_edited_file_gives_its_new_model_and_only_it_is_parsed(catalogue_copy, monkeypatch):
    warm(catalogue_copy)
    edited = catalogue_copy / EDITED
    edited.write_text(edited.read_text().replace("posti_disponibili: 120", "posti_disponibili: 121"))
    parsed = record_parses(monkeypatch)
    catalogue, result = build_load(catalogue_copy)
    assert services(parsed) == [EDITED] and result.errors == []
    assert catalogue.of("servizio")["emporio-solidale"].model.posti_disponibili == 121
    parsed.clear()
    catalogue, _ = build_load(catalogue_copy)  # the new model was recorded: the next build does not parse it
    assert services(parsed) == [] and catalogue.of("servizio")["emporio-solidale"].model.posti_disponibili == 121
    same_records(catalogue, load_and_check(catalogue_copy, REFERENCE_DATE, jobs=1)[0])


def test_a_stale_model_never_hides_an_error(catalogue_copy, monkeypatch):
    warm(catalogue_copy)
    edited = catalogue_copy / EDITED
    edited.write_text(edited.read_text().replace("tipologia: e", "tipologia: z")
                      .replace("ente_erogatore: odv-rete-solidale", "ente_erogatore: ente-che-non-esiste"))
    expected = check(catalogue_copy, REFERENCE_DATE, jobs=1).problems
    assert {p.rule for p in expected} >= {"schema.literal_error", "riferimenti.ente"}
    catalogue, result = build_load(catalogue_copy)
    assert result.problems == expected
    assert "emporio-solidale" in catalogue.partial["servizio"]
    with sqlite3.connect(cache_module.database_path(catalogue_copy)) as connection:  # the old model is gone
        assert connection.execute("SELECT count(*) FROM modello WHERE percorso = ?", (EDITED,)).fetchone() == (0,)
    assert build_load(catalogue_copy)[1].problems == expected


def test_a_re_check_does_not_read_the_models(catalogue_copy, monkeypatch):
    warm(catalogue_copy)
    monkeypatch.setattr(cache_module.CheckCache, "stored_models", lambda self: pytest.fail("models read"))
    assert check(catalogue_copy, REFERENCE_DATE, use_cache=True, jobs=1).errors == []


@pytest.mark.parametrize("column, value", [
    ("dati", b"{\"id\": \"emporio-solidale\""),  # cut short
    ("dati", b"{}"),  # valid JSON, not a valid record
    ("dati", b"[" * 100_000),
    ("dati", "text, not bytes"),
    ("impronta", b"0" * 16),  # the model of other bytes
    ("impronta", "not bytes"),
    ("controllo", b"x"),
])
def test_a_tampered_model_is_read_from_the_file(catalogue_copy, monkeypatch, column, value):
    cold = load_and_check(catalogue_copy, REFERENCE_DATE, jobs=1)[0]
    warm(catalogue_copy)
    with sqlite3.connect(cache_module.database_path(catalogue_copy)) as connection:
        assert connection.execute(f"UPDATE modello SET {column} = ? WHERE percorso = ?", (value, EDITED)).rowcount == 1
    parsed = record_parses(monkeypatch)
    catalogue, result = build_load(catalogue_copy)
    assert services(parsed) == [EDITED] and result.errors == []
    same_records(catalogue, cold)


def test_a_forged_checksum_over_a_foreign_record_is_still_validated(catalogue_copy, monkeypatch):
    """The JSON is validated by the record's model: a field it does not have is refused, the file is read."""
    cold = load_and_check(catalogue_copy, REFERENCE_DATE, jobs=1)[0]
    warm(catalogue_copy)
    with sqlite3.connect(cache_module.database_path(catalogue_copy)) as connection:
        digest, data = connection.execute("SELECT impronta, dati FROM modello WHERE percorso = ?",
                                          (EDITED,)).fetchone()
        forged = data[:-1] + b",\"campo_estraneo\":1}"
        connection.execute("UPDATE modello SET dati = ?, controllo = ? WHERE percorso = ?",
                           (forged, cache_module._model_checksum(digest, forged), EDITED))
    parsed = record_parses(monkeypatch)
    catalogue, _ = build_load(catalogue_copy)
    assert services(parsed) == [EDITED]
    same_records(catalogue, cold)


def test_an_oversized_model_is_not_read(catalogue_copy, monkeypatch):
    warm(catalogue_copy)
    monkeypatch.setattr(cache_module, "MAX_ENTRY_BYTES", 200)
    parsed = record_parses(monkeypatch)
    catalogue, result = build_load(catalogue_copy)
    assert result.errors == [] and EDITED in parsed  # a service's JSON is larger than 200 bytes
    same_records(catalogue, load_and_check(catalogue_copy, REFERENCE_DATE, jobs=1)[0])
