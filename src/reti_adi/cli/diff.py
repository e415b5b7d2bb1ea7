from __future__ import annotations

import click

from reti_adi.check import NotACatalogue
from reti_adi.cli.errors import UsageError
from reti_adi.cli.options import aliased, reference_date, resolve_root


@click.command("diff")
@click.argument("version_a", metavar="VERSIONE_A")
@click.argument("version_b", metavar="[VERSIONE_B]", required=False)
@aliased("--formato", "-f", "output_format", hidden=("--format",), type=click.Choice(["markdown", "json"]), default="markdown",
              help="Markdown in italiano (da incollare in una pull request) o JSON.")
@reference_date
def diff_command(version_a: str, version_b: str | None, output_format: str, today) -> None:
    """Riassume cosa cambia nel catalogo tra VERSIONE_A e VERSIONE_B (revisioni git o cartelle).

    Senza VERSIONE_B confronta con la cartella di lavoro. Esempio: reti-adi diff origin/main HEAD
    """
    from reti_adi.maintain.diff import VersionNotFound, diff_versions
    from reti_adi.reporters.diff_report import diff_json, diff_markdown
    try:
        diff = diff_versions(resolve_root(None), version_a, version_b, today)
    except (VersionNotFound, NotACatalogue) as exc:
        raise UsageError(str(exc)) from exc
    click.echo(diff_markdown(diff) if output_format == "markdown" else diff_json(diff), nl=False)
