"""GitHub Actions workflow commands: each problem shows on the pull request's changed line."""

from __future__ import annotations

from reti_adi.reporters.text import report_text
from reti_adi.rules.result import CheckResult


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def report_github(result: CheckResult, color: bool = False) -> str:
    lines = []
    for p in result.problems:
        level = "error" if p.is_error else "warning"
        props = [f"file={_escape_property(p.file)}"]
        if p.line is not None:
            props += [f"line={p.line}", f"col={p.column}"]
        title = f"reti-adi {p.rule}" + (f" [{p.field}]" if p.field else "")
        props.append(f"title={_escape_property(title)}")
        message = p.message
        if p.expected:
            message += f" (atteso: {p.expected})"
        lines.append(f"::{level} {','.join(props)}::{_escape_data(message)}")
    lines.append(report_text(result).splitlines()[-1])
    return "\n".join(lines)
