"""The digest of what a page is rendered from, so a rebuild can tell an unchanged page without rendering it.

A page's text is a pure function of its template (code), the Jinja environment's globals and filters
(code, and the vocabularies shipped with the package) and the values PageWriter.render passes. This
module digests those values, whatever their shape, by type and content:

- text (str and Markup apart: the same characters are escaped or not), numbers, booleans, None, dates;
- lists, tuples and dicts, item by item;
- pydantic models by their JSON (pydantic-core writes every field), dataclasses field by field;
- a Lazy value (Markup made only when the page is rendered) by its function's name and arguments;
- an object of any other type raises Unkeyable: that page has no key and is always rendered, so an input
  nobody taught this module is a slower rebuild, never a stale page.

A model may be listed on thousands of pages: its digest is taken once per writer (by identity, holding a
reference so the identity cannot be reused), and `extra(model)` adds what the writer knows about it besides
its fields (the list pages' per-service card data).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from functools import cache

from markupsafe import Markup
from pydantic import BaseModel

MAX_DEPTH = 64
MEMO_PARTS = 256
"""A dataclass whose digest takes more parts than this is remembered by identity."""


_MARKUP, _DATE, _SEQUENCE, _DICT, _MODEL, _LAZY, _ENUM, _DATACLASS, _CONSTANT, _UNKEYABLE = (
    object() for _ in range(10))
"""How _add digests a value of a given type (InputDigester._category)."""


class Unkeyable(Exception):
    """A value this module cannot digest: the page is rendered, not looked up."""


class Lazy:
    """Markup made only if the page is rendered: function(*args), digested as the function's name and its
    arguments. The function must be a module-level function whose result depends on its arguments alone
    (and on code): a lambda or a closure could read anything, so it leaves the page without a key.
    Jinja prints it through __html__; a test of it (`{% if x %}`) makes it."""

    __slots__ = ("function", "args", "_made")

    def __init__(self, function: Callable, *args):
        self.function = function
        self.args = args
        self._made: Markup | None = None

    def made(self) -> Markup:
        if self._made is None:
            self._made = Markup(self.function(*self.args))
        return self._made

    def __html__(self) -> str:
        return self.made().__html__()

    def __str__(self) -> str:
        return str(self.made())

    def __bool__(self) -> bool:
        return bool(self.made())


class InputDigester:
    def __init__(self, extra: Callable[[BaseModel], object] | None = None, constants: tuple[type, ...] = ()):
        """extra(model): more input the writer attaches to a model; constants: types whose instances
        contribute only their type's name (their output depends on code and on inputs digested elsewhere)."""
        self._extra = extra
        self._constants = constants
        self._models: dict[int, tuple[object, bytes]] = {}
        self._categories: dict[type, object] = {}

    def digest(self, template: str, values: dict) -> str:
        """Hex digest of (template, values); raises Unkeyable."""
        parts: list[bytes] = [b"T", template.encode("utf-8"), b"\0"]
        self._add(parts, dict(values), 0)
        return hashlib.blake2b(b"".join(parts), digest_size=16).hexdigest()

    def _model(self, value: BaseModel) -> bytes:
        found = self._models.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        parts = [b"P", type(value).__qualname__.encode(), b"\0", value.model_dump_json().encode("utf-8")]
        if self._extra is not None:
            more = self._extra(value)
            if more is not None:
                parts.append(b"\0+")
                self._add(parts, more, 1)
        digest = hashlib.blake2b(b"".join(parts), digest_size=16).digest()
        self._models[id(value)] = (value, digest)
        return digest

    def _add(self, parts: list[bytes], value, depth: int) -> None:
        kind = type(value)
        if kind is str:  # the commonest values first: thousands of pages, dozens of values each
            parts += (b"S", value.encode("utf-8", "surrogatepass"), b"\0")
            return
        if value is None or kind is bool or kind is int or kind is float:
            parts += (b"N", repr(value).encode(), b"\0")
            return
        if depth > MAX_DEPTH:
            raise Unkeyable("valori annidati troppo in profondità")
        category = self._categories.get(kind)
        if category is None:  # once per type: the isinstance chain below cost more than the digest itself
            category = self._categories[kind] = self._category(kind)
        if category is _SEQUENCE:
            if not value:
                parts += (b"l" if kind is list else b"u", b"", b"\0")  # what the line below makes of it
                return
            if all(type(item) is str for item in value):  # the commonest shape, in one go
                text = "".join(f"{len(item)}:{item}" for item in value)
                parts += (b"l" if kind is list else b"u", text.encode("utf-8", "surrogatepass"), b"\0")
                return
            parts += (b"L" if kind is list else b"U", str(len(value)).encode(), b"\0")
            if all(isinstance(item, BaseModel) for item in value):  # a list of services: the same parts
                model = self._model
                for item in value:
                    parts += (b"m", model(item))
                return
            for item in value:
                self._add(parts, item, depth + 1)
        elif category is _DATACLASS:
            # a big one (an ambito's coverage) may be shown by several values of a page: digested once
            found = self._models.get(id(value))
            if found is not None and found[0] is value:
                parts += (b"c", found[1])
                return
            own: list[bytes] = [b"C", kind.__qualname__.encode(), b"\0"]
            for name, attribute in _field_names(kind):
                own += (name, b"=")
                self._add_inline(own, getattr(value, attribute), depth + 1)
            if len(own) > MEMO_PARTS:
                digest = hashlib.blake2b(b"".join(own), digest_size=16).digest()
                self._models[id(value)] = (value, digest)
                parts += (b"c", digest)
            else:
                parts += own
        elif category is _MODEL:
            parts += (b"m", self._model(value))
        elif category is _MARKUP:
            parts += (b"M", str(value).encode("utf-8", "surrogatepass"), b"\0")
        elif category is _DATE:
            parts += (b"D", kind.__name__.encode(), value.isoformat().encode(), b"\0")
        elif category is _DICT:
            parts += (b"{", str(len(value)).encode(), b"\0")
            for key in sorted(value, key=repr):
                self._add_inline(parts, key, depth + 1)
                self._add_inline(parts, value[key], depth + 1)
        elif category is _LAZY:
            name = getattr(value.function, "__qualname__", "")
            if not callable(value.function) or "<" in name or "." in name or not name:
                raise Unkeyable(f"funzione non di modulo: {name or value.function!r}")
            parts += (b"F", f"{value.function.__module__}:{name}".encode(), b"\0")
            self._add(parts, list(value.args), depth + 1)
        elif category is _ENUM:
            parts += (b"E", kind.__qualname__.encode(), b"\0")
            self._add(parts, value.value, depth + 1)
        elif category is _CONSTANT:
            parts += (b"K", kind.__qualname__.encode(), b"\0")
        else:
            raise Unkeyable(f"tipo di valore non previsto: {kind.__module__}.{kind.__qualname__}")

    def _category(self, kind: type) -> object:
        """What _add does with values of this type, decided in the order it always was."""
        if kind is Markup:
            return _MARKUP
        if kind in (date, datetime):
            return _DATE
        if kind is list or kind is tuple:
            return _SEQUENCE
        if kind is dict:
            return _DICT
        if issubclass(kind, BaseModel):
            return _MODEL
        if kind is Lazy:
            return _LAZY
        if issubclass(kind, Enum):
            return _ENUM
        if dataclasses.is_dataclass(kind) and not issubclass(kind, type):
            return _DATACLASS
        if issubclass(kind, self._constants):
            return _CONSTANT
        return _UNKEYABLE

    def _add_inline(self, parts: list[bytes], value, depth: int) -> None:
        """_add, with text and None (most of a dict's or a dataclass's values) done here: the same parts,
        without a call for each of the hundreds of thousands of them a rebuild digests."""
        if type(value) is str:
            parts += (b"S", value.encode("utf-8", "surrogatepass"), b"\0")
        elif value is None:
            parts += (b"N", b"None", b"\0")
        else:
            self._add(parts, value, depth)


@cache
def _field_names(kind: type) -> tuple[tuple[bytes, str], ...]:
    return tuple((field.name.encode(), field.name) for field in dataclasses.fields(kind))
