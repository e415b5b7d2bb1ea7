"""Skeletons written by `reti-adi nuovo` carry «DA COMPILARE»: it must never reach a publication."""

from __future__ import annotations

from reti_adi.catalogue.yaml_source import Positions
from reti_adi.rules.problems import Problem, format_path

PLACEHOLDER = "DA COMPILARE"
PLACEHOLDER_ID = "da-compilare"


def find_placeholders(strings: list[tuple[tuple, str]], filename: str, positions: Positions) -> list[Problem]:
    problems = []
    for path, text in strings:
        if PLACEHOLDER in text:
            line, column = positions.locate(path)
            problems.append(Problem(filename, line, column, format_path(path),
                                    f"campo ancora da compilare: sostituisci «{PLACEHOLDER}» con il valore vero",
                                    "valori.segnaposto", found=PLACEHOLDER, expected="il valore del campo"))
    return problems
