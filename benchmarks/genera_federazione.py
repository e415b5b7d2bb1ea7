#!/usr/bin/env python3
"""Generatore riproducibile di una federazione per il benchmark di `reti-adi raccogli`.

S ambiti (predefiniti 600) sui comuni ISTAT reali, ognuno con il proprio catalogo e la propria
pubblicazione costruita da reti-adi (solo l'API: è ciò che il portale raccoglie), N servizi in
tutto, e il file sorgenti.yaml che le elenca come cartelle locali.

I cataloghi si scrivono in ordine con un seme fisso (sempre gli stessi byte); le pubblicazioni,
indipendenti l'una dall'altra, si costruiscono in parallelo, un processo per core.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml

from genera_catalogo import GIORNI, PAROLE, frase, testo
from reti_adi.catalogue.vocabularies import comuni, vocabulary

EPOCH = "1764000000"
TODAY = dt.date(2026, 11, 22)


def _ambiti(count: int) -> list[tuple[str, str, list[str]]]:
    istat = sorted(comuni().values(), key=lambda c: c.codice_istat)
    size = len(istat) / count
    out = []
    for index in range(count):
        members = istat[int(index * size): int((index + 1) * size)]
        regione = max({c.regione for c in members}, key=lambda r: sum(c.regione == r for c in members))
        out.append((f"ambito-{index + 1:03d}", regione, [c.codice_istat for c in members if c.regione == regione]))
    return out


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _service(rng: random.Random, service_id: str, ambito: str, ente: str, comuni_ambito: list[str]) -> dict:
    tipologie = vocabulary("tipologie_art7").codes
    return {"id": service_id, "denominazione": frase(rng, rng.randint(3, 7)).rstrip("."),
            "descrizione": testo(rng, rng.randint(2, 5)), "tipologia": rng.choice(tipologie),
            "aree_utenza": rng.sample(vocabulary("aree_utenza").codes, 2), "ente_erogatore": ente,
            "fonti_finanziamento": ["quota-servizi"], "ambito": ambito,
            "sedi": [{"indirizzo": f"Via {rng.choice(PAROLE).capitalize()} {rng.randint(1, 200)}",
                      "comune": rng.choice(comuni_ambito), "cap": f"{rng.randint(10000, 99999)}",
                      "orari": [{"giorni": sorted(rng.sample(GIORNI, 2), key=GIORNI.index),
                                 "dalle": "09:00", "alle": "12:30"}]}],
            "modalita_accesso": rng.sample(vocabulary("modalita_accesso").codes, 2),
            "a_chi_e_rivolto": testo(rng, 1), "come_accedere": testo(rng, 2), "stato": "attivo",
            "data_avvio": "2024-01-01", "contatti": {"telefono": f"0{rng.randint(10, 99)} {rng.randint(100000, 999999)}"},
            "ultima_verifica": "2026-09-01"}


def publish(root: Path, out: Path) -> None:
    """The API alone (`build(..., steps=DATA_STEPS[:1])`): the harvest reads nothing else of a source."""
    from reti_adi.build import DATA_STEPS, build

    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    build(root, out, today=TODAY, steps=DATA_STEPS[:1])


def _publish_pair(pair: tuple[Path, Path]) -> None:
    publish(*pair)


def publish_all(pairs: list[tuple[Path, Path]], workers: int | None = None) -> None:
    """Build each (catalogue, publication) pair, one process per core: the builds share nothing."""
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(pairs) < 2:
        for pair in pairs:
            publish(*pair)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(_publish_pair, pairs, chunksize=max(1, len(pairs) // (workers * 8))):
            pass


def generate(dest: Path, sources: int, services: int, seed: int = 2024) -> dict:
    """dest/repo/<ambito>/ (catalogues), dest/pubblicazioni/<ambito>/ (their APIs), dest/sorgenti.yaml."""
    rng = random.Random(seed)
    ambiti = _ambiti(sources)
    entries = []
    pairs = []
    for index, (ambito, regione, members) in enumerate(ambiti):
        root = dest / "repo" / ambito
        ente = f"{ambito}-capofila"
        _write(root / "catalogo" / "catalogo.yaml", {"titolo": f"Catalogo {ambito}", "versione": "1.0.0",
                                                     "editore": ente, "licenza": "CC-BY-4.0"})
        _write(root / "catalogo" / "enti" / f"{ente}.yaml", {
            "id": ente, "denominazione": f"Ente capofila {ambito}", "tipo": "consorzio_ambito",
            "codice_ipa": f"ipa_{index + 1:03d}"})
        _write(root / "catalogo" / "ambiti" / f"{ambito}.yaml", {
            "id": ambito, "denominazione": f"Ambito sociale {ambito[-3:]}", "regione": regione,
            "ente_capofila": ente, "comuni": members})
        _write(root / "catalogo" / "fonti" / "quota-servizi.yaml", {
            "id": "quota-servizi", "denominazione": "Quota servizi Fondo Povertà", "tipo": "fondo_poverta_quota_servizi",
            "periodo": {"inizio": "2024-01-01"}})
        count = services // sources + (1 if index < services % sources else 0)
        for number in range(count):
            service_id = f"servizio-{number + 1:04d}"  # the same local ids in every ambito, on purpose
            _write(root / "catalogo" / "servizi" / f"{service_id}.yaml",
                   _service(rng, service_id, ambito, ente, members))
        pairs.append((root, dest / "pubblicazioni" / ambito))
        entries.append({"id": ambito, "cartella": f"pubblicazioni/{ambito}"})
    publish_all(pairs)
    (dest / "sorgenti.yaml").write_text(yaml.safe_dump({"titolo": "Portale nazionale (benchmark)",
                                                        "sorgenti": entries}, sort_keys=False), encoding="utf-8")
    return {"sorgenti": sources, "servizi": services}


def change(dest: Path, sources: int, services: int) -> list[str]:
    """Edit `services` services (at most as many as they have) spread over the first `sources` ambiti and
    republish those ambiti."""
    ambiti = sorted(p.name for p in (dest / "repo").iterdir())[:sources]
    files = {a: sorted((dest / "repo" / a / "catalogo" / "servizi").glob("*.yaml")) for a in ambiti}
    changed = []
    for index in range(min(services, sum(len(f) for f in files.values()))):  # fewer if the sources are tiny
        ambito = ambiti[index % len(ambiti)]
        if index // len(ambiti) >= len(files[ambito]):
            continue
        path = files[ambito][index // len(ambiti)]
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["ultima_verifica"] = "2026-11-01"
        _write(path, data)
        changed.append(f"{ambito}/{path.stem}")
    publish_all([(dest / "repo" / ambito, dest / "pubblicazioni" / ambito) for ambito in ambiti])
    return changed
