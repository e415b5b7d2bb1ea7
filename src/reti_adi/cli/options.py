"""Options shared by several commands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click


class DateParam(click.ParamType):
    name = "AAAA-MM-GG"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"«{value}» non è una data AAAA-MM-GG", param, ctx)


reference_date = click.option(
    "--data-riferimento", "today", type=DateParam(), default=None,
    help="Data rispetto a cui valutare scadenze e aggiornamento (predefinita: oggi).")


def resolve_root(path: Path | None) -> Path:
    """PATH argument if given, else the group's --root, else the current directory."""
    if path is not None:
        return path
    ctx = click.get_current_context()
    root = (ctx.find_root().params or {}).get("root")
    return Path(root) if root else Path(".")
