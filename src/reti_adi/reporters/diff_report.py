"""The diff as Italian Markdown for a pull request comment, or as JSON."""

from __future__ import annotations

import json

from reti_adi.catalogue.kinds import KIND_BY_NAME
from reti_adi.maintain.diff import CatalogueDiff

PLURALS = {"catalogo": "metadati", "ambito": "ambiti", "ente": "enti", "fonte": "fonti", "servizio": "servizi",
           "rete": "reti", "protocollo": "protocolli"}


def _value(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    text = text.replace("|", "\\|").replace("\n", " ")
    return f"`{text[:117] + '…' if len(text) > 120 else text}`"


def diff_markdown(diff: CatalogueDiff) -> str:
    out = [f"## Modifiche al catalogo: {diff.before} → {diff.after}", ""]
    if diff.empty:
        out.append("Nessuna modifica a schede, reti o protocolli.")
        return "\n".join(out) + "\n"
    counts = []
    for label, items in (("aggiunte", diff.added), ("modificate", diff.modified), ("rimosse", diff.removed),
                         ("rinominate", diff.renamed)):
        if items:
            counts.append(f"{len(items)} {label}")
    out.append("Schede " + ", ".join(counts) + "." if counts else "Nessuna scheda modificata.")
    for kind in KIND_BY_NAME:
        added = [c for c in diff.added if c.kind == kind]
        removed = [c for c in diff.removed if c.kind == kind]
        renamed = [c for c in diff.renamed if c.kind == kind]
        modified = [c for c in diff.modified if c.kind == kind]
        if not (added or removed or renamed or modified):
            continue
        out += ["", f"### {PLURALS[kind].capitalize()}", ""]
        out += [f"- **Aggiunto** `{c.id}` ({c.file})" for c in added]
        out += [f"- **Rimosso** `{c.id}`" for c in removed]
        out += [f"- **Rinominato** `{c.renamed_from}` → `{c.id}` (stesso contenuto)" for c in renamed]
        for c in modified:
            out += [f"- **Modificato** `{c.id}` ({c.file})", "", "  | Campo | Prima | Dopo |",
                    "  | --- | --- | --- |"]
            out += [f"  | `{f.field}` | {_value(f.before)} | {_value(f.after)} |" for f in c.changes]
            out.append("")
    for title, problems in (("Nuovi errori", diff.new_errors), ("Nuovi avvisi", diff.new_warnings)):
        if problems:
            out += ["", f"### {title}", ""]
            out += [f"- `{p.file}:{p.line}` {p.field + ': ' if p.field else ''}{p.message}" for p in problems]
    return "\n".join(out).rstrip() + "\n"


def diff_json(diff: CatalogueDiff) -> str:
    def record(c):
        item = {"tipo": c.kind, "id": c.id, "file": c.file}
        if c.renamed_from:
            item["id_precedente"] = c.renamed_from
        if c.changes:
            item["campi"] = [{"campo": f.field, "prima": f.before, "dopo": f.after} for f in c.changes]
        return item

    def problem(p):
        return {"file": p.file, "riga": p.line, "campo": p.field, "regola": p.rule, "messaggio": p.message}

    return json.dumps({"da": diff.before, "a": diff.after, "aggiunti": [record(c) for c in diff.added],
                       "rimossi": [record(c) for c in diff.removed], "rinominati": [record(c) for c in diff.renamed],
                       "modificati": [record(c) for c in diff.modified],
                       "nuovi_errori": [problem(p) for p in diff.new_errors],
                       "nuovi_avvisi": [problem(p) for p in diff.new_warnings]},
                      ensure_ascii=False, indent=2, default=str)
