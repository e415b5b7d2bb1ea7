"""Click's errors with Italian wording: the CLI speaks the language of its users."""

from __future__ import annotations

import click


class CommandError(click.ClickException):
    def show(self, file=None) -> None:
        click.echo(f"Errore: {self.format_message()}", err=True, file=file)


class UsageError(click.UsageError):
    def show(self, file=None) -> None:
        if self.ctx is not None:
            click.echo(f"Uso: {self.ctx.command_path} [OPZIONI] …  (dettagli: {self.ctx.command_path} --help)",
                       err=True, file=file)
        click.echo(f"Errore: {self.format_message()}", err=True, file=file)
