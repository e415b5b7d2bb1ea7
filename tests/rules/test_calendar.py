"""Tomorrow's clock: a catalogue that passed yesterday passes today without a commit. What depends
on the calendar alone is a warning in the check and a status computed at build time."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from reti_adi.build import DATA_STEPS, build
from reti_adi.check import check

from ..conftest import REFERENCE_DATE

PROTOCOL = "protocolli/protocolli/protocollo-rete-servizi-territoriali.yaml"  # scadenza 2027-06-30
ACCORDO = "protocolli/protocolli/accordo-programma-inclusione-adi.yaml"  # scadenza 2028-02-29

# reference date -> the example protocols that are past their expiry on that day
EXPIRED_ON = {
    dt.date(2026, 1, 15): set(),  # before the verification dates of the example: also a warning
    dt.date(2026, 11, 22): set(),
    dt.date(2027, 6, 30): set(),
    dt.date(2027, 7, 1): {"protocollo-rete-servizi-territoriali"},
    dt.date(2028, 3, 1): {"protocollo-rete-servizi-territoriali", "accordo-programma-inclusione-adi"},
    dt.date(2029, 6, 15): {"protocollo-rete-servizi-territoriali", "accordo-programma-inclusione-adi"},
    dt.date(2030, 12, 31): {"protocollo-rete-servizi-territoriali", "accordo-programma-inclusione-adi"},
}


@pytest.mark.parametrize("day", sorted(EXPIRED_ON), ids=str)
def test_example_checks_and_publishes_on_any_day(catalogue_copy, tmp_path, day):
    result = check(catalogue_copy, day)
    assert result.errors == [], [(p.file, p.rule, p.message) for p in result.errors]
    expired = EXPIRED_ON[day]
    warned = {p.file.rsplit("/", 1)[1][:-5] for p in result.warnings if p.rule == "protocolli.vigente-scaduto"}
    assert warned == expired

    out = tmp_path / "build"
    build(catalogue_copy, out, today=day, steps=DATA_STEPS)
    protocolli = json.loads((out / "api/v1/protocolli.json").read_text(encoding="utf-8"))
    assert protocolli["data_riferimento"] == day.isoformat()
    effective = {p["id"]: p["stato_effettivo"] for p in protocolli["protocolli"]}
    assert {p for p, stato in effective.items() if stato == "scaduto"} == expired
    assert all(p["stato"] == "vigente" for p in protocolli["protocolli"]), "the file's own status is kept"
    detail = json.loads((out / "api/v1/protocolli/protocollo-rete-servizi-territoriali.json").read_text())
    assert detail["stato_effettivo"] == ("scaduto" if "protocollo-rete-servizi-territoriali" in expired else "vigente")
    fonti = json.loads((out / "api/v1/fonti.json").read_text(encoding="utf-8"))
    ended = {f["id"] for f in fonti["fonti"] if f["stato_effettivo"] == "terminata"}
    assert ended == {f["id"] for f in fonti["fonti"] if f.get("fine") and dt.date.fromisoformat(f["fine"]) < day}
    assert ("fnps-2026" in ended) == (day > dt.date(2026, 12, 31))


def test_every_calendar_finding_is_a_warning(catalogue_copy):
    """Expired protocol, stale verification, ended funding, a service past its end date while
    «attivo», a verification dated after the reference day: none of them fails the check."""
    servizio = catalogue_copy / "catalogo/servizi/emporio-solidale.yaml"
    text = servizio.read_text(encoding="utf-8")
    servizio.write_text(text + "data_fine: 2027-12-31\n", encoding="utf-8")
    early = check(catalogue_copy, dt.date(2026, 1, 1))
    late = check(catalogue_copy, dt.date(2029, 1, 1))
    assert early.errors == [] and late.errors == [], [p.message for p in early.errors + late.errors]
    assert "date.futura" in {p.rule for p in early.warnings}
    assert {"protocolli.vigente-scaduto", "aggiornamento.verifica", "aggiornamento.fonte-scaduta",
            "aggiornamento.servizio-terminato"} <= {p.rule for p in late.warnings}
    located = [p for p in late.warnings if p.rule == "protocolli.vigente-scaduto"]
    assert {(p.file, p.line) for p in located} == {(PROTOCOL, 49), (ACCORDO, 148)}


def test_the_suite_reference_date_can_be_moved():
    """conftest pins the clock to RETI_ADI_TEST_OGGI when set, 2026-11-22 otherwise; the CLI children
    inherit it through RETI_ADI_DATA_RIFERIMENTO."""
    import os

    from reti_adi import clock

    assert clock.today() == REFERENCE_DATE
    assert REFERENCE_DATE.isoformat() == (os.environ.get("RETI_ADI_TEST_OGGI") or "2026-11-22")
