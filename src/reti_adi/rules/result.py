"""The outcome of a check: every problem, sorted by file and line, plus what was read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reti_adi.rules.problems import Problem


@dataclass(slots=True)
class CheckResult:
    root: Path
    today: date
    problems: list[Problem]
    files: int
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.problems = sorted(set(self.problems), key=Problem.sort_key)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1
