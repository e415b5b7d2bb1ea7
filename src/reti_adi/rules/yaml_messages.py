"""YAML syntax errors in Italian, with the likely cause and the fix, for the people who edit the files.

PyYAML says `mapping values are not allowed in this context` both for a colon inside a
description and for a misaligned field: the line itself tells which, so the message names
the cause that fits and shows the corrected line. A ` #` inside an unquoted text silently
cuts it (YAML reads the rest as a comment): that is valid YAML, so it is a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reti_adi.rules.problems import Problem, format_path

_TAB = "found character '\\t' that cannot start any token"

# (English fragment of PyYAML's message, Italian cause and fix); the first that matches wins
_MESSAGES = (
    (_TAB, "carattere di tabulazione: in YAML si rientra solo con spazi. Sostituisci la tabulazione con spazi"),
    ("found character that cannot start any token",
     "carattere non ammesso all'inizio di un valore (ad esempio @, ` o %): metti il valore tra virgolette"),
    ("did not find expected '-' indicator",
     "rientro non coerente negli elementi dell'elenco: ogni «- » dello stesso elenco va nella stessa colonna, "
     "e i campi di un elemento allineati al primo"),
    ("did not find expected key",
     "rientro non coerente, o testo dopo le virgolette di chiusura: i campi allo stesso livello vanno allineati, "
     "e un testo tra virgolette deve finire con le virgolette"),
    ("found duplicate anchor", "ancora YAML («&nome») duplicata: usa nomi diversi o scrivi i valori per esteso"),
    ("could not find expected ':'", "manca il carattere «:» dopo il nome del campo (campo: valore)"),
    ("found undefined alias", "alias («*nome») non definito: scrivi il valore per esteso"),
    ("expected a single document in the stream",
     "il file deve contenere un solo documento YAML: togli le righe «---» in mezzo al file"),
    ("found unknown escape character",
     "sequenza con «\\» non valida tra virgolette doppie: usa le virgolette semplici ('…') o raddoppia la «\\»"),
)


@dataclass(frozen=True, slots=True)
class SyntaxMessage:
    message: str
    line: int | None
    column: int | None


def _line(text: str, index: int) -> str:
    lines = text.splitlines()
    return lines[index] if 0 <= index < len(lines) else ""


def _mapping_value(exc, text: str) -> str:
    """`key: text: more` is a colon in a text; `   key: value` under a scalar is a misaligned field."""
    mark = exc.problem_mark
    source = _line(text, mark.line)
    match = re.match(r"^(\s*(?:-\s+)?)([^\s:#][^:#]*?):\s", source)
    if match and mark.column > match.end(2):
        key, value = match.group(2), source[match.end():].strip()
        return (f"due punti seguiti da uno spazio dentro il testo di «{key}»: YAML li legge come l'inizio di un "
                f"nuovo campo. Metti il testo tra virgolette: {key}: \"{value.replace(chr(34), chr(39))}\"")
    return ("rientro non coerente: questo campo è più a destra di quelli allo stesso livello "
            "(o il campo sopra ha già un valore). Allinea il nome del campo a quelli vicini, solo con spazi")


_QUOTED_START = re.compile(r"""^\s*(?:-\s+)?(?:[^\s:#"'][^:#]*:\s+)?(["'])(.*)$""")


def _open_quote_line(text: str, before: int) -> int | None:
    """0-based index of the first line before `before` whose quoted value is never closed on it.

    A quote left open swallows the following lines until the next quote of the same kind, and
    PyYAML then complains far below, about something else."""
    for index, source in enumerate(text.splitlines()[:before]):
        match = _QUOTED_START.match(source)
        if not match:
            continue
        quote, rest = match.groups()
        closed = bool(re.search(r'(?<!\\)"', rest)) if quote == '"' else rest.count("'") % 2 == 1
        if not closed:
            return index
    return None


def _unclosed(exc, original: str) -> str | None:
    context = exc.context or ""
    if "quoted scalar" in context:
        return _unclosed_quote()
    if "flow sequence" in context:
        return "parentesi quadra aperta e mai chiusa: un elenco su una riga è [A, B, C], con la «]» finale"
    if "flow mapping" in context:
        return "parentesi graffa aperta e mai chiusa: una mappa su una riga è {campo: valore}, con la «}» finale"
    if "found unexpected end of stream" in original:
        return "il file finisce in mezzo a un valore: controlla virgolette e parentesi non chiuse"
    return None


def _unclosed_quote() -> str:
    return ("virgolette aperte e mai chiuse: chiudi il testo con le stesse virgolette con cui l'hai aperto "
            "(un apostrofo dentro '…' si scrive raddoppiato, '')")


def explain_syntax_error(exc, text: str) -> SyntaxMessage:
    """Italian message for a PyYAML MarkedYAMLError, placed where the fix goes (an opening quote or bracket)."""
    original = " ".join(filter(None, [exc.context, exc.problem])) or str(exc)
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
    if exc.problem_mark is not None and 0 <= exc.problem_mark.index < len(text) and \
            text[exc.problem_mark.index] == "\t":
        return SyntaxMessage(f"YAML non valido: {_MESSAGES[0][1]}", line, column)
    unclosed = _unclosed(exc, original)
    if unclosed is not None:
        if exc.context_mark is not None:  # where the quote or bracket was opened
            line, column = exc.context_mark.line + 1, exc.context_mark.column + 1
        return SyntaxMessage(f"YAML non valido: {unclosed}", line, column)
    opened = _open_quote_line(text, exc.problem_mark.line) if exc.problem_mark is not None else None
    if opened is not None:
        return SyntaxMessage(f"YAML non valido: {_unclosed_quote()}", opened + 1,
                             _line(text, opened).find(_QUOTED_START.match(_line(text, opened)).group(1)) + 1)
    if "mapping values are not allowed" in original and exc.problem_mark is not None:
        return SyntaxMessage(f"YAML non valido: {_mapping_value(exc, text)}", line, column)
    for english, italian in _MESSAGES:
        if english in original:
            return SyntaxMessage(f"YAML non valido: {italian}", line, column)
    return SyntaxMessage(f"YAML non valido: {original}", line, column)


def find_comment_truncations(text: str, strings: list[tuple[tuple, str]], filename: str,
                             positions) -> list[Problem]:
    """Warn where an unquoted text of several words is followed by ` #` on its line: YAML dropped the rest.

    Comments after ids and codes (one word, as the templates write them) are left alone."""
    if " #" not in text:
        return []
    lines = text.splitlines()
    problems = []
    for path, value in strings:
        if " " not in value or "\n" in value:
            continue
        line, column = positions.locate(path)
        if line is None or not 0 < line <= len(lines):
            continue
        source = lines[line - 1][column - 1:]
        if not source.startswith(value):  # quoted or block text: « #» would be part of it
            continue
        rest = source[len(value):]
        match = re.match(r"^\s+#(.*)$", rest)
        if match and match.group(1).strip():
            problems.append(Problem(
                filename, line, column + len(value) + rest.index("#"), format_path(path),
                f"il testo dopo « #» è stato letto come commento e non fa parte del valore («{value}»): "
                "se fa parte del testo metti tutto il valore tra virgolette; se è un commento, spostalo sulla "
                "riga sopra", "yaml.commento-nel-testo", "avviso", found=f"#{match.group(1)}",
                expected=f"\"{value} #{match.group(1)}\""))
    return problems
