"""Reporters turn a CheckResult into text for people, JSON for programs, annotations for CI."""

from .github import report_github
from .json import report_json
from .text import report_text

REPORTERS = {"testo": report_text, "json": report_json, "github": report_github}

__all__ = ["REPORTERS", "report_github", "report_json", "report_text"]
