"""What long commands show while they work: rich's progress display on a terminal, nothing otherwise.

rich is made for this (live redraw, elapsed time, no flicker, terminal detection): on a pipe, in
CI or in a test the display is off and the output stays the plain Italian lines of each command.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

PHASES = {"controllo": "Controllo del catalogo", "api": "API JSON", "sito": "Sito e ricerca",
          "dati": "Pacchetto di dati", "documenti": "Documenti dei protocolli"}


def _interactive() -> bool:
    return sys.stderr.isatty()


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A callback advance(done, total) that moves a bar on stderr (a no-op when not on a terminal)."""
    if not _interactive():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


@contextmanager
def phases(title: str) -> Iterator[Callable[[str], None]]:
    """A callback phase(name) that shows which phase of a long job is running, with a spinner."""
    if not _interactive():
        yield lambda name: None
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status(title) as status:
        def phase(name: str) -> None:
            status.update(f"{title}: {PHASES.get(name, name)}…")
        yield phase
