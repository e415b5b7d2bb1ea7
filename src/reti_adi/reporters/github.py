"""GitHub Actions workflow commands: each problem shows on the pull request's changed line."""

from __future__ import annotations

from reti_adi.reporters.text import report_text
from reti_adi.rules.result import CheckResult


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


# the annotation title says what kind of problem it is, in the words of the person fixing it
TITLES = {
    "yaml": "Errore di scrittura YAML", "file": "File non valido", "schema": "Campo non valido",
    "valori": "Valore da correggere", "riferimenti": "Riferimento inesistente", "territorio": "Territorio",
    "date": "Date incoerenti", "aggiornamento": "Dati da aggiornare", "dati-personali": "Dati personali",
    "enti": "Dati dell'ente", "catalogo": "Metadati del catalogo", "reti": "Rete di servizi",
    "protocolli": "Protocollo", "importa": "Importazione",
}


def annotation_title(rule: str, field: str) -> str:
    title = TITLES.get(rule.split(".", 1)[0], "Problema nel catalogo")
    return f"{title}: {field}" if field else title


def report_github(result: CheckResult, color: bool = False) -> str:
    lines = []
    for p in result.problems:
        level = "error" if p.is_error else "warning"
        props = [f"file={_escape_property(p.file)}"]
        if p.line is not None:
            props += [f"line={p.line}", f"col={p.column}"]
        title = annotation_title(p.rule, p.field)
        props.append(f"title={_escape_property(title)}")
        message = p.message
        if p.expected:
            message += f" (atteso: {p.expected})"
        lines.append(f"::{level} {','.join(props)}::{_escape_data(message)}")
    lines.append(report_text(result).splitlines()[-1])
    return "\n".join(lines)
