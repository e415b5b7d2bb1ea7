"""What a record that failed validation still says: every field that is valid on its own.

A schema error must not hide the other problems of the same file: the cross-record rules run on
the salvaged fields of an invalid record (its references, its comuni), so one check reports them
all. A field that failed is None (an element of a list that failed is None), so no rule reports
it twice: the schema problem already names it.
"""

from __future__ import annotations

import typing
from functools import lru_cache
from typing import Annotated

from pydantic import BaseModel, TypeAdapter, ValidationError


@lru_cache(maxsize=None)
def _adapters(model: type[BaseModel], name: str) -> tuple[TypeAdapter, TypeAdapter | None]:
    """Adapters for the field and, when it is a list, for one element of it."""
    info = model.model_fields[name]
    annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    item = None
    for candidate in (info.annotation, *typing.get_args(info.annotation)):
        if typing.get_origin(candidate) is list:
            item = TypeAdapter(typing.get_args(candidate)[0])
            break
    return TypeAdapter(annotation), item


def salvage(model: type[BaseModel], data: dict) -> BaseModel:
    """An unvalidated instance holding the fields of `data` that validate alone; the others are None."""
    values: dict = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key not in data:
            values[name] = None if info.is_required() else info.get_default(call_default_factory=True)
            continue
        whole, item = _adapters(model, name)
        try:
            values[name] = whole.validate_python(data[key])
        except ValidationError:
            values[name] = _items(item, data[key]) if item is not None and isinstance(data[key], list) else None
    return model.model_construct(**values)


def _items(adapter: TypeAdapter, raw: list) -> list:
    out = []
    for value in raw:
        try:
            out.append(adapter.validate_python(value))
        except ValidationError:
            out.append(None)
    return out
