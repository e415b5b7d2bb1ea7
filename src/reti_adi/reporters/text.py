from __future__ import annotations

import click

from reti_adi.rules.problems import Problem
from reti_adi.rules.result import CheckResult

_LABEL = {"errore": ("errore", "red"), "avviso": ("avviso", "yellow")}


def _location(problem: Problem) -> str:
    if problem.line is None:
        return problem.file
    return f"{problem.file}:{problem.line}:{problem.column}"


def format_problem(problem: Problem, color: bool = False) -> str:
    label, colour = _LABEL[problem.severity]
    head = click.style(label, fg=colour, bold=True) if color else label
    where = click.style(_location(problem), bold=True) if color else _location(problem)
    field = f" [{problem.field}]" if problem.field else ""
    lines = [f"{where}: {head}{field}: {problem.message}"]
    details = []
    if problem.found is not None:
        details.append(f"trovato: {problem.found}")
    if problem.expected is not None:
        details.append(f"atteso: {problem.expected}")
    if details:
        lines.append("    " + "; ".join(details))
    return "\n".join(lines)


def plural(n: int, one: str, many: str) -> str:
    """«1 errore», «2 errori»: the number with the word that agrees with it."""
    return f"{n} {one if n == 1 else many}"


def report_text(result: CheckResult, color: bool = False) -> str:
    out = [format_problem(p, color) for p in result.problems]
    summary = (f"{plural(result.files, 'file controllato', 'file controllati')}: "
               f"{plural(len(result.errors), 'errore', 'errori')}, "
               f"{plural(len(result.warnings), 'avviso', 'avvisi')}.")
    if result.ok:
        summary += " Il catalogo è valido." if not result.warnings else " Il catalogo è valido (con avvisi)."
    if out:
        out.append("")
    out.append(click.style(summary, fg="green" if result.ok else "red") if color else summary)
    return "\n".join(out)
