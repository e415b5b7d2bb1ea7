"""Reporters turn a CheckResult into text for people, JSON for programs, annotations for CI."""

from reti_adi.reporters.github import report_github
from reti_adi.reporters.json import report_json
from reti_adi.reporters.text import report_text

REPORTERS = {"testo": report_text, "json": report_json, "github": report_github}

__all__ = ["REPORTERS", "report_github", "report_json", "report_text"]
