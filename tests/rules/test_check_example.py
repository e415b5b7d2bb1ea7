"""The example catalogue shipped in the repo is valid, and the CLI reports it as such."""

from __future__ import annotations

import json

from reti_adi.check import check

from ..conftest import REFERENCE_DATE, run_cli


def test_example_catalogue_has_no_errors(repo_root):
    result = check(repo_root, REFERENCE_DATE)
    assert result.errors == [], "\n".join(p.message for p in result.errors)
    assert result.counts["servizio"] >= 40
    assert result.counts["ente"] >= 12
    assert result.counts["fonte"] >= 6


def test_example_covers_every_art7_type_and_every_state(repo_root):
    from reti_adi.check import load_and_check

    catalogue, _ = load_and_check(repo_root, REFERENCE_DATE)
    servizi = [r.model for r in catalogue.of("servizio").values()]
    assert {s.tipologia for s in servizi} >= set("abcdefgh") | {"altro"}
    assert {s.stato for s in servizi} == {"attivo", "sospeso", "cessato", "non_presente"}
    tipi_erogatori = {catalogue.get("ente", s.ente_erogatore).tipo for s in servizi}
    assert {"cpi", "asl", "scuola"} <= tipi_erogatori
    assert catalogue.meta.model.dati_dimostrativi is True


def test_cli_check_exit_zero_on_example(repo_root):
    proc = run_cli("check", str(repo_root), "--data-riferimento", REFERENCE_DATE.isoformat())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 errori" in proc.stdout


def test_cli_json_format_is_machine_readable(repo_root):
    proc = run_cli("check", str(repo_root), "--format", "json", "--data-riferimento", "2028-01-01")
    payload = json.loads(proc.stdout)
    # a year later every verification is stale and a protocol still marked vigente is past its
    # expiry: warnings, since the calendar alone never fails a check
    assert payload["avvisi"] >= 40
    assert sum(p["regola"] == "aggiornamento.verifica" for p in payload["problemi"]) >= 40
    assert [p["gravita"] for p in payload["problemi"] if p["regola"] == "protocolli.vigente-scaduto"] == ["avviso"]
    assert payload["errori"] == 0 and payload["valido"] is True and proc.returncode == 0


def test_cli_usage_error_exit_two(tmp_path):
    proc = run_cli("check", str(tmp_path))
    assert proc.returncode == 2
    assert "manca la cartella catalogo/" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_reference_date_comes_from_the_environment(monkeypatch):
    from reti_adi import clock

    monkeypatch.setenv(clock.ENV_VAR, "2030-02-28")
    assert clock.today().isoformat() == "2030-02-28"
    monkeypatch.setenv(clock.ENV_VAR, "domani")
    proc = run_cli("check", ".")
    assert proc.returncode == 2 and "RETI_ADI_DATA_RIFERIMENTO" in proc.stderr and "Traceback" not in proc.stderr
