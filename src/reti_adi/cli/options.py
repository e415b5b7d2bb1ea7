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
    """PERCORSO argument if given, else --root (after or before the command), else the current directory."""
    if path is not None:
        return path
    ctx = click.get_current_context()
    root = ctx.meta.get(ROOT_KEY) or (ctx.find_root().params or {}).get("root")
    return Path(root) if root else Path(".")


class AliasedOption(click.Option):
    """An option whose old (English) names still work but no longer show in the help.

    `reti-adi check --format json` in existing CI files keeps working; the help and the errors
    speak of `--formato` only."""

    def __init__(self, *args, hidden_aliases: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.hidden_aliases = tuple(hidden_aliases)

    def _shown(self):
        shown = self.opts
        self.opts = [name for name in self.opts if name not in self.hidden_aliases]
        return shown

    def get_help_record(self, ctx):
        shown = self._shown()
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = shown

    def get_error_hint(self, ctx) -> str:
        shown = self._shown()
        try:
            return super().get_error_hint(ctx)
        finally:
            self.opts = shown


def aliased(*names: str, hidden: tuple[str, ...], **kwargs):
    """click.option with old names kept as hidden aliases (documented in the README)."""
    return click.option(*names, *hidden, cls=AliasedOption, hidden_aliases=hidden, **kwargs)


ROOT_KEY = "reti_adi.root"


def _remember_root(ctx: click.Context, param, value) -> None:
    if value:
        ctx.meta[ROOT_KEY] = value


def root_option() -> click.Option:
    """`--root` after the command name too: `reti-adi check --root X` as well as `reti-adi --root X check`."""
    return click.Option(["--root"], type=click.Path(file_okay=False), expose_value=False, callback=_remember_root,
                        metavar="CARTELLA",
                        help="Cartella del repository del catalogo (con catalogo/ e protocolli/); "
                             "predefinita: quella corrente.")
