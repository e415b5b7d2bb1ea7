"""Translate pydantic validation errors into Italian problems that point at file, line and field."""

from __future__ import annotations

import difflib
import types
import typing

from pydantic import BaseModel, ValidationError

from reti_adi.catalogue.models.common import PATTERNS
from reti_adi.catalogue.yaml_source import Positions
from reti_adi.rules.placeholders import PLACEHOLDER
from reti_adi.rules.problems import Problem, describe_value, format_path


def _unwrap(annotation) -> type[BaseModel] | None:
    """The model class inside Optional[...] / list[...] / Annotated[...], if any."""
    stack = [annotation]
    while stack:
        current = stack.pop()
        if isinstance(current, type) and issubclass(current, BaseModel):
            return current
        origin = typing.get_origin(current)
        if origin is typing.Literal:
            continue
        if origin is not None or isinstance(current, types.UnionType):
            stack.extend(typing.get_args(current))
    return None


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return []
        if isinstance(part, int):
            continue
        field = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        current = _unwrap(field.annotation) if field else None
    if current is None:
        return []
    return [f.alias or n for n, f in current.model_fields.items()]


def _expected_literals(ctx: dict) -> str:
    return ctx.get("expected", "").replace("' or '", "', '")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _message(error: dict, model: type[BaseModel]) -> tuple[str, str | None, str | None, bool]:
    """(message, found, expected, point at the key rather than the value)."""
    kind, loc, value, ctx = error["type"], error["loc"], error.get("input"), error.get("ctx") or {}
    name = loc[-1] if loc else ""
    found = describe_value(value)
    if kind == "missing":
        return f"manca il campo obbligatorio «{name}»", None, f"il campo «{name}»", False
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        hint = f": forse intendevi «{close[0]}»?" if close else f"; campi ammessi: {', '.join(allowed)}"
        return f"campo «{name}» non previsto{hint}", str(name), ", ".join(allowed), True
    if kind == "literal_error":
        return f"valore {found} non ammesso", found, _expected_literals(ctx), False
    if kind == "string_type":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return (f"atteso un testo: il numero {value} va scritto tra virgolette (\"{value}\") "
                    "per non perdere zeri iniziali o cifre", str(value), f"\"{value}\"", False)
        return f"atteso un testo, trovato {found}", found, "un testo", False
    if kind == "string_pattern_mismatch":
        expected = PATTERNS.get(ctx.get("pattern", ""), f"il formato {ctx.get('pattern')}")
        return f"formato non valido: {found}", found, expected, False
    if kind == "string_too_short":
        shortest = ctx.get("min_length", 1)
        if isinstance(value, str) and value.strip() and shortest > 1:  # «a» for an id of at least 2 characters
            return (f"testo troppo corto ({_count(len(value), 'carattere', 'caratteri')})", found,
                    f"almeno {shortest} caratteri", False)
        return "il testo è vuoto", found, "un testo non vuoto", False
    if kind == "string_too_long":
        return (f"testo troppo lungo ({len(value)} caratteri)", f"{len(value)} caratteri",
                f"al massimo {ctx.get('max_length')} caratteri", False)
    if kind == "too_short":
        shortest, actual = ctx.get("min_length", 1), ctx.get("actual_length", 0)
        expected = f"almeno {_count(shortest, 'elemento', 'elementi')}"
        if actual:  # two parti required, one given: the list is not empty, it is too short
            return f"l'elenco ha {_count(actual, 'elemento', 'elementi')}", _count(actual, "elemento", "elementi"), \
                expected, False
        return "l'elenco è vuoto", "un elenco vuoto", expected, False
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return f"data non valida: {found}", found, "una data AAAA-MM-GG (es. 2025-03-01)", False
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"atteso un numero intero, trovato {found}", found, "un numero intero", False
    if kind in ("float_type", "float_parsing"):
        return f"atteso un numero, trovato {found}", found, "un numero", False
    if kind in ("bool_type", "bool_parsing"):
        return f"atteso vero o falso, trovato {found}", found, "true oppure false", False
    if kind in ("greater_than_equal", "greater_than"):
        return f"valore {found} troppo piccolo", found, f"almeno {ctx.get('ge', ctx.get('gt'))}", False
    if kind in ("less_than_equal", "less_than"):
        return f"valore {found} troppo grande", found, f"al massimo {ctx.get('le', ctx.get('lt'))}", False
    if kind == "list_type":
        return f"atteso un elenco (righe che iniziano con «- »), trovato {found}", found, "un elenco", False
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"attesa una mappa di campi, trovato {found}", found, "una mappa (campo: valore)", False
    return f"valore non valido ({error.get('msg')})", found, None, False


def _is_placeholder(value: object) -> bool:
    return isinstance(value, str) and PLACEHOLDER in value


def translate(exc: ValidationError, model: type[BaseModel], filename: str, positions: Positions,
              skip_placeholders: bool = False) -> list[Problem]:
    """skip_placeholders: a value still «DA COMPILARE» is reported once, by the placeholder rule,
    not a second time as a wrong date or code (the loader runs that rule; importa does not)."""
    problems = []
    for error in exc.errors(include_url=False):
        if skip_placeholders and _is_placeholder(error.get("input")):
            continue
        message, found, expected, at_key = _message(error, model)
        loc = tuple(error["loc"])
        line, column = positions.locate(loc, prefer_key=at_key)
        problems.append(Problem(filename, line, column, format_path(loc), message,
                                rule=f"schema.{error['type']}", found=found, expected=expected))
    return problems
