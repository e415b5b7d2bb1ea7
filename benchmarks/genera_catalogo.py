#!/usr/bin/env python3
"""Generatore riproducibile (seed) di un catalogo nazionale sintetico per i benchmark.

600 ambiti sui comuni ISTAT reali, enti, fonti, N servizi con testi italiani di lunghezza
realistica, reti e protocolli. Uso: python benchmarks/genera_catalogo.py DEST --servizi 10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

import yaml

from reti_adi.catalogue.vocabularies import comuni, vocabulary
from reti_adi.maintain.yaml_writer import dump_record

AMBITI = 600
PAROLE = ("servizio sostegno famiglie nuclei accompagnamento percorso inclusione lavoro casa scuola salute "
          "orientamento ascolto colloquio progetto educativo territorio comunità volontari operatori sportello "
          "minori anziani disabilità povertà fragilità autonomia formazione tirocinio mediazione genitori "
          "bambini ragazzi adulti donne giovani abitare affitto bollette bilancio spesa alimenti pasti "
          "trasporto cura domicilio assistenza integrazione lingua italiano cittadinanza diritti documenti "
          "prestazioni rete équipe valutazione presa carico obiettivi risultati attività incontri gruppi "
          "laboratori competenze digitali ricerca occupazione supporto psicologico consulenza legale").split()
TIPI_ENTE = ("comune", "asl", "cpi", "scuola", "ets", "cooperativa_sociale", "consorzio_ambito", "patronato")
GIORNI = ("lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "sabato")


def frase(rng: random.Random, parole: int) -> str:
    words = [rng.choice(PAROLE) for _ in range(parole)]
    return (" ".join(words)).capitalize() + "."


def testo(rng: random.Random, frasi: int, lunghezza=(8, 18)) -> str:
    return " ".join(frase(rng, rng.randint(*lunghezza)) for _ in range(frasi))


def write(path: Path, schema: str, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    depth = len(path.parts) - 1
    path.write_text(f"# yaml-language-server: $schema={'../' * depth}schemas/{schema}.schema.json\n"
                    + dump_record(data), encoding="utf-8")


def generate(dest: Path, services: int, seed: int = 2024, reti_ogni: int = 10) -> dict[str, int]:
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    import os

    cwd = os.getcwd()
    os.chdir(dest)
    try:
        return _generate(rng, services, reti_ogni)
    finally:
        os.chdir(cwd)


def _generate(rng: random.Random, services: int, reti_ogni: int) -> dict[str, int]:
    istat = sorted(comuni().values(), key=lambda c: c.codice_istat)
    size = len(istat) / AMBITI
    ambiti = []
    for index in range(AMBITI):
        members = istat[int(index * size): int((index + 1) * size)]
        regione = max({c.regione for c in members}, key=lambda r: sum(c.regione == r for c in members))
        members = [c for c in members if c.regione == regione]
        ambiti.append((f"ambito-{index + 1:03d}", regione, members))
    write_meta()
    enti_by_ambito: dict[str, list[str]] = {}
    enti = 0
    for ambito_id, regione, members in ambiti:
        ids = []
        for number, tipo in enumerate(rng.sample(TIPI_ENTE, 6)):
            ente_id = f"{ambito_id}-ente-{number + 1}"
            sede = rng.choice(members)
            data = {"id": ente_id, "denominazione": f"{tipo.replace('_', ' ').capitalize()} {sede.denominazione}",
                    "tipo": tipo, "codice_fiscale": f"{rng.randrange(10**10, 10**11)}",
                    "contatti": {"telefono": f"0{rng.randint(10, 99)} {rng.randint(100000, 999999)}",
                                 "email": f"info@{ente_id}.example.it", "ufficio": "Segreteria"},
                    "sede": {"indirizzo": f"Via {rng.choice(PAROLE).capitalize()} {rng.randint(1, 99)}",
                             "comune": sede.codice_istat, "cap": f"{rng.randint(10000, 99999)}"}}
            if tipo in ("comune", "asl", "cpi", "scuola", "consorzio_ambito"):
                data["codice_ipa"] = f"ipa_{ente_id.replace('-', '_')}"[:20]
            if tipo == "ets":
                data["runts"] = {"numero_repertorio": f"{rng.randint(1, 99999)}", "sezione": "odv"}
            write(Path(f"catalogo/enti/{ente_id}.yaml"), "ente", data)
            ids.append(ente_id)
            enti += 1
        enti_by_ambito[ambito_id] = ids
        write(Path(f"catalogo/ambiti/{ambito_id}.yaml"), "ambito", {
            "id": ambito_id, "denominazione": f"Ambito sociale {ambito_id[-3:]} – {members[0].denominazione}",
            "regione": regione, "ente_capofila": ids[0], "comuni": [c.codice_istat for c in members]})
    fonti = [f"fonte-{i:02d}" for i in range(1, 21)]
    tipi_fonte = vocabulary("tipi_fonte").codes
    for index, fonte_id in enumerate(fonti):
        write(Path(f"catalogo/fonti/{fonte_id}.yaml"), "fonte", {
            "id": fonte_id, "denominazione": f"Fonte {index + 1}: {frase(rng, 4)}", "tipo": tipi_fonte[
                index % len(tipi_fonte)], "periodo": {"inizio": dt.date(2024, 1, 1), "fine": dt.date(2028, 12, 31)}})
    tipologie = vocabulary("tipologie_art7").codes
    aree = vocabulary("aree_utenza").codes
    accessi = vocabulary("modalita_accesso").codes
    by_ambito: dict[str, list[str]] = {}
    for number in range(services):
        ambito_id, _, members = ambiti[number % AMBITI if number < AMBITI else rng.randrange(AMBITI)]
        service_id = f"servizio-{number + 1:05d}"
        stato = rng.choices(("attivo", "sospeso", "cessato", "non_presente"), (85, 5, 4, 6))[0]
        sede_comune = rng.choice(members)
        data = {
            "id": service_id, "denominazione": frase(rng, rng.randint(3, 7)).rstrip("."),
            "descrizione": testo(rng, rng.randint(2, 5)), "tipologia": rng.choice(tipologie),
            "aree_utenza": rng.sample(aree, rng.randint(1, 2)), "ente_erogatore": rng.choice(enti_by_ambito[ambito_id]),
            "fonti_finanziamento": rng.sample(fonti, rng.randint(1, 2)), "ambito": ambito_id}
        if rng.random() < 0.3:
            data["comuni"] = sorted({c.codice_istat for c in rng.sample(members, min(len(members), 3))})
        if stato != "non_presente":
            data["sedi"] = [{"indirizzo": f"Via {rng.choice(PAROLE).capitalize()} {rng.randint(1, 200)}",
                             "comune": sede_comune.codice_istat, "cap": f"{rng.randint(10000, 99999)}",
                             "orari": [{"giorni": sorted(rng.sample(GIORNI, 2), key=GIORNI.index),
                                        "dalle": "09:00", "alle": "12:30"}],
                             "coordinate": {"lat": round(rng.uniform(37, 46), 4), "lon": round(rng.uniform(7, 18), 4)}}]
        data.update({"modalita_accesso": rng.sample(accessi, 2), "a_chi_e_rivolto": testo(rng, 1),
                     "come_accedere": testo(rng, 2), "cosa_serve": testo(rng, 1),
                     "costo": {"tipo": rng.choice(("gratuito", "compartecipazione"))}, "stato": stato})
        if stato != "non_presente":
            data["data_avvio"] = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(1800))
        if stato == "cessato":
            data["data_fine"] = dt.date(2025, 12, 31)
        data["contatti"] = {"telefono": f"0{rng.randint(10, 99)} {rng.randint(100000, 999999)}",
                            "email": f"{service_id}@example.it"}
        data["ultima_verifica"] = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(300))
        write(Path(f"catalogo/servizi/{service_id}.yaml"), "servizio", data)
        by_ambito.setdefault(ambito_id, []).append(service_id)
    reti = protocolli = 0
    for ambito_id, _, _ in ambiti[::reti_ogni]:
        members = enti_by_ambito[ambito_id]
        rete_id = f"{ambito_id}-rete"
        write(Path(f"protocolli/reti/{rete_id}.yaml"), "rete", {
            "id": rete_id, "denominazione": f"Rete di intervento {ambito_id}", "tipo": "intervento",
            "livello": "ambito", "ambito": ambito_id, "funzioni": [frase(rng, 6)], "gestore": members[0],
            "membri": [{"ente": e, "ruolo": "gestore" if i == 0 else "partner"} for i, e in enumerate(members)],
            "servizi": by_ambito.get(ambito_id, [])[:10]})
        articoli = [{"numero": n + 1, "tipo": t, "titolo": t.replace("_", " ").capitalize(), "testo": testo(rng, 3)}
                    for n, t in enumerate(("oggetto", "finalita", "soggetti", "impegni_parti", "modalita_operative",
                                           "governance", "monitoraggio_valutazione", "trattamento_dati",
                                           "durata_recesso"))]
        write(Path(f"protocolli/protocolli/{ambito_id}-protocollo.yaml"), "protocollo", {
            "id": f"{ambito_id}-protocollo", "rete": rete_id, "modello": "allegato_1",
            "strumento": "accordo_programma", "titolo": f"Accordo di programma {ambito_id}",
            "premesse": [frase(rng, 12)], "articoli": articoli,
            "parti": [{"ente": e, "ruolo_firmatario": "Legale rappresentante"} for e in members],
            "impegni": [{"ente": e, "descrizione": frase(rng, 10)} for e in members],
            "date": {"sottoscrizione": dt.date(2025, 3, 1), "decorrenza": dt.date(2025, 4, 1),
                     "scadenza": dt.date(2029, 3, 31)}, "stato": "vigente"})
        reti += 1
        protocolli += 1
    return {"ambiti": AMBITI, "enti": enti, "fonti": len(fonti), "servizi": services, "reti": reti,
            "protocolli": protocolli}


def write_meta() -> None:
    Path("catalogo").mkdir(exist_ok=True)
    Path("catalogo/catalogo.yaml").write_text(yaml.safe_dump({
        "titolo": "Catalogo nazionale sintetico (benchmark)", "versione": "1.0.0", "editore": "ambito-001-ente-1",
        "licenza": "CC-BY-4.0", "dati_dimostrativi": True}, allow_unicode=True), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--servizi", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    print(generate(args.dest.resolve(), args.servizi, args.seed))


if __name__ == "__main__":
    main()
