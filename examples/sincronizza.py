"""Sincronizza una copia locale del catalogo a partire da un numero di sequenza.

Usa solo la pagina «Per le piattaforme» e la libreria standard di Python:

    python sincronizza.py https://catalogo.example.it/ 12

Legge api/v1/modifiche/index.json, scarica gli insiemi di modifiche successivi a 12 (anche se ne
hai saltati molti), e per ogni scheda toccata dice se va aggiornata (con il suo contenuto
attuale) o tolta. Stampa un documento JSON; la nuova sequenza da ricordare è «a».
"""

from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.request

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLLECTIONS = {"enti": "enti.json", "fonti": "fonti.json", "ambiti": "ambiti.json", "reti": "reti.json",
               "protocolli": "protocolli.json"}
MAX_BYTES = 64 * 1024 * 1024


def get(api: str, path: str):
    with urllib.request.urlopen(api + path, timeout=30) as response:
        return json.loads(response.read(MAX_BYTES))


def sync(base: str, since: int) -> dict:
    api = base.rstrip("/") + "/api/v1/"
    index = get(api, "modifiche/index.json")
    touched: dict[str, set[str]] = {}
    for entry in index["insiemi"]:
        if entry["sequenza"] <= since:
            continue
        change_set = get(api, entry["percorso"])
        for kind, variation in change_set["variazioni"].items():
            ids = touched.setdefault(kind, set())
            for key in ("aggiunti", "modificati", "rimossi"):
                ids.update(variation.get(key, []))
    result = {"da": since, "a": index["ultima_sequenza"]}
    for kind, ids in sorted(touched.items()):
        update, remove = {}, []
        current = {}
        if kind in COLLECTIONS:
            current = {record["id"]: record for record in get(api, COLLECTIONS[kind])[kind]}
        for record_id in sorted(ids):
            if not ID.match(record_id):  # never build a URL or a file name from an unexpected string
                continue
            if kind == "servizi":
                try:
                    record = get(api, f"servizi/{record_id}.json")
                except urllib.error.HTTPError:
                    record = None
                if record is None or record.get("rimosso"):
                    remove.append(record_id)
                else:
                    update[record_id] = record
            elif record_id in current:
                update[record_id] = current[record_id]
            else:
                remove.append(record_id)
        result[kind] = {"aggiornare": update, "togliere": remove}
    return result


if __name__ == "__main__":
    if len(sys.argv) != 3 or not sys.argv[2].isdigit():
        sys.exit("uso: python sincronizza.py URL_DEL_SITO SEQUENZA")
    json.dump(sync(sys.argv[1], int(sys.argv[2])), sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    print()
