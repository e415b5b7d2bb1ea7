"""The statuses the calendar decides are visible on the real site, built for the reference date."""

from __future__ import annotations

import datetime as dt
import json
import shutil

from reti_adi.build import build

from ..conftest import REPO

DAY = dt.date(2028, 6, 1)  # both example protocols have expired; the edited service has ended


def test_expired_protocol_and_ended_service_are_shown_as_such(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    for folder in ("catalogo", "protocolli", "site_src"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    servizio = root / "catalogo/servizi/emporio-solidale.yaml"
    servizio.write_text(servizio.read_text(encoding="utf-8") + "data_fine: 2027-12-31\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")

    report = build(root, root / "build", today=DAY)
    assert report.result.errors == []
    out = root / "build"

    api = json.loads((out / "api/v1/servizi/emporio-solidale.json").read_text(encoding="utf-8"))
    assert (api["stato"], api["stato_effettivo"]) == ("attivo", "cessato")
    page = (out / "servizi/emporio-solidale/index.html").read_text(encoding="utf-8")
    assert "Servizio terminato" in page and "ra-badge--cessato" in page
    assert 'data-pagefind-filter="stato">Cessato' in page

    protocol = (out / "protocolli/protocollo-rete-servizi-territoriali/index.html").read_text(encoding="utf-8")
    assert "ra-badge--protocollo-scaduto" in protocol and "ra-stato-calendario" in protocol
    assert "scaduto il 30 giugno 2027" in protocol
    networks = (out / "reti/index.html").read_text(encoding="utf-8")
    assert "ra-badge--protocollo-vigente" not in networks
