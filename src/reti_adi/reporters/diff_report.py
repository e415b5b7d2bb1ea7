"""The diff as Italian Markdown for a pull request comment, or as JSON."""

from __future__ import annotations

import json

from reti_adi.catalogue.kinds import KIND_BY_NAME
from reti_adi.maintain.diff import CatalogueDiff
from reti_adi.maintain.field_labels import field_label, value_text

PLURALS = {"catalogo": "metadati", "ambito": "ambiti", "ente": "enti", "fonte": "fonti", "servizio": "servizi",
           "rete": "reti", "protocollo": "protocolli"}


def _value(value: object) -> str:
    text = value_text(value).replace("|", "\\|").replace("\n", " ")
    return text[:117] + "…" if len(text) > 120 else text


def _named(c) -> str:
    """«Corso di cucina» (`corso-cucina`), ente Coop Il Ponte: what a reviewer recognises."""
    out = f"«{c.name}» (`{c.id}`)" if c.name else f"`{c.id}`"
    return out + (f", ente {c.ente}" if c.ente else "")


def diff_markdown(diff: CatalogueDiff) -> str:
    out = [f"## Modifiche al catalogo: {diff.before} → {diff.after}", ""]
    if diff.empty:
        out.append("Nessuna modifica a schede, reti o protocolli.")
        return "\n".join(out) + "\n"
    counts = []
    for one, many, items in (("aggiunta", "aggiunte", diff.added), ("modificata", "modificate", diff.modified),
                             ("non più valida", "non più valide", diff.invalid),
                             ("corretta", "corrette", diff.fixed), ("rimossa", "rimosse", diff.removed),
                             ("rinominata", "rinominate", diff.renamed)):
        if items:
            counts.append(f"{len(items)} {one if len(items) == 1 else many}")
    out.append("Schede: " + ", ".join(counts) + "." if counts else "Nessuna scheda modificata.")
    for kind in KIND_BY_NAME:
        mine = {name: [c for c in items if c.kind == kind] for name, items in (
            ("added", diff.added), ("removed", diff.removed), ("renamed", diff.renamed),
            ("modified", diff.modified), ("invalid", diff.invalid), ("fixed", diff.fixed))}
        if not any(mine.values()):
            continue
        out += ["", f"### {PLURALS[kind].capitalize()}", ""]
        for c in mine["invalid"]:
            out.append(f"- **Non più valido** {_named(c)} ({c.file}): il file ha errori e non verrebbe pubblicato")
            out += [f"  - riga {p.line}: {field_label(p.field) + ' – ' if p.field else ''}{p.message}"
                    for p in c.problems[:5]]
        out += [f"- **Aggiunto** {_named(c)} ({c.file})" for c in mine["added"]]
        out += [f"- **Corretto** {_named(c)} ({c.file}): prima aveva errori, ora è valido" for c in mine["fixed"]]
        out += [f"- **Rimosso** {_named(c)}" for c in mine["removed"]]
        out += [f"- **Rinominato** `{c.renamed_from}` → `{c.id}` (stesso contenuto)" for c in mine["renamed"]]
        for c in mine["modified"]:
            out += [f"- **Modificato** {_named(c)} ({c.file})", "", "  | Campo | Prima | Dopo |",
                    "  | --- | --- | --- |"]
            out += [f"  | {f.label} | {_value(f.before)} | {_value(f.after)} |" for f in c.changes]
            out.append("")
    for title, problems in (("Nuovi errori", diff.new_errors), ("Nuovi avvisi", diff.new_warnings)):
        if problems:
            out += ["", f"### {title}", ""]
            out += [f"- `{p.file}:{p.line}` {p.field + ': ' if p.field else ''}{p.message}" for p in problems]
    return "\n".join(out).rstrip() + "\n"


def diff_json(diff: CatalogueDiff) -> str:
    def record(c):
        item = {"tipo": c.kind, "id": c.id, "file": c.file, "denominazione": c.name, "ente": c.ente}
        if c.renamed_from:
            item["id_precedente"] = c.renamed_from
        if c.changes:
            item["campi"] = [{"campo": f.field, "etichetta": f.label, "prima": f.before, "dopo": f.after}
                             for f in c.changes]
        if c.problems:
            item["errori"] = [problem(p) for p in c.problems]
        return item

    def problem(p):
        return {"file": p.file, "riga": p.line, "campo": p.field, "regola": p.rule, "messaggio": p.message}

    return json.dumps({"da": diff.before, "a": diff.after, "aggiunti": [record(c) for c in diff.added],
                       "rimossi": [record(c) for c in diff.removed], "rinominati": [record(c) for c in diff.renamed],
                       "modificati": [record(c) for c in diff.modified],
                       "non_validi": [record(c) for c in diff.invalid],
                       "corretti": [record(c) for c in diff.fixed],
                       "nuovi_errori": [problem(p) for p in diff.new_errors],
                       "nuovi_avvisi": [problem(p) for p in diff.new_warnings]},
                      ensure_ascii=False, indent=2, default=str)
