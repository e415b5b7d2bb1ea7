#!/usr/bin/env python3
"""Quali sostegni attivi di una tipologia sono offerti in un comune, da chi, con quali fondi?

Usa solo l'API statica documentata in «Per le piattaforme» e la libreria standard:

    python examples/sostegni_per_comune.py build 037008 d
    python examples/sostegni_per_comune.py https://catalogo.example.it 037008 d
"""

import json
import sys
import urllib.request
from pathlib import Path


def get(base: str, path: str) -> dict:
    if base.startswith(("http://", "https://")):
        with urllib.request.urlopen(f"{base.rstrip('/')}/api/v1/{path}", timeout=30) as response:
            return json.load(response)
    return json.loads((Path(base) / "api" / "v1" / path).read_text(encoding="utf-8"))


def main(base: str, comune_istat: str, tipologia: str) -> None:
    ambiti = get(base, "ambiti.json")["ambiti"]
    for ambito in ambiti:
        if comune_istat not in [c["codice_istat"] for c in ambito["comuni"]]:
            continue
        for s in get(base, f"ambiti/{ambito['id']}/sostegni.json")["sostegni"]:
            if (s["stato"] == "attivo" and s["tipologia"]["codice"] == tipologia
                    and comune_istat in s["territorio"]["comuni_istat"]):
                fonti = ", ".join(f["denominazione"] for f in s["fonti_finanziamento"])
                print(f"{s['id']}\t{s['denominazione']}\t{s['ente_erogatore']['denominazione']}\t{fonti}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
