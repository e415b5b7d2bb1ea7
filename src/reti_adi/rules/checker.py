"""Run every cross-record rule. Importing the rule modules is what registers their rules."""

from __future__ import annotations

from datetime import date

from reti_adi.catalogue.records import Catalogue
from reti_adi.rules import catalogue as catalogue_rules  # noqa: F401
from reti_adi.rules import demand as demand_rules  # noqa: F401
from reti_adi.rules import open_data as open_data_rules  # noqa: F401
from reti_adi.rules import protocols as protocol_rules  # noqa: F401
from reti_adi.rules.problems import Problem
from reti_adi.rules.registry import RULES


def check_catalogue(catalogue: Catalogue, today: date) -> list[Problem]:
    problems: list[Problem] = []
    for function in RULES:
        problems.extend(function(catalogue, today))
    return problems
