"""The one shape every finding takes, so checkers and reporters never need to know each other."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["errore", "avviso"]


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    column: int | None
    field: str
    message: str
    rule: str
    severity: Severity = "errore"
    found: str | None = None
    expected: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "errore"

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.column or 0, self.field, self.rule, self.message)

    def to_dict(self) -> dict:
        return asdict(self)


def format_path(path: tuple) -> str:
    """Render a data path the way a reader of the YAML file thinks of it: sedi[0].orari."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def describe_value(value: object, limit: int = 60) -> str:
    """Short, quoted rendering of a found value for messages."""
    if value is None:
        return "vuoto"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "una mappa" if isinstance(value, dict) else "un elenco"
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"«{text}»" if isinstance(value, str) else text
