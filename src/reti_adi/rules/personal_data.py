"""Detect personal data in free text: the public catalogue holds offers, never beneficiaries."""

from __future__ import annotations

import re

from reti_adi.catalogue.yaml_source import Positions
from reti_adi.rules.problems import Problem, format_path

# A person's codice fiscale: 6 letters, birth year, month letter, day, Belfiore code, check letter.
# Digits may be replaced by letters (omocodia), hence the [0-9LMNPQRSTUV] classes.
_CF_PERSONA = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{6}[0-9LMNPQRSTUVlmnpqrstuv]{2}[ABCDEHLMPRSTabcdehlmprst]"
    r"[0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{3}[A-Za-z](?![A-Za-z0-9])")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[ ]?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])")


def _iban_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "").upper()
    if compact.startswith("IT"):
        return len(compact) == 27 and re.fullmatch(r"IT[0-9]{2}[A-Z][0-9]{10}[A-Z0-9]{12}", compact) is not None
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def _mask(text: str) -> str:
    return text[:3] + "…" + text[-2:]


def find_personal_data(strings: list[tuple[tuple, str]], filename: str, positions: Positions) -> list[Problem]:
    problems = []
    for path, text in strings:
        if len(text) < 15:
            continue
        for match in _CF_PERSONA.finditer(text):
            line, column = positions.locate(path)
            problems.append(Problem(
                filename, line, column, format_path(path),
                "il testo contiene un codice fiscale di persona fisica (16 caratteri): il catalogo non deve "
                "contenere dati personali. Usa solo il codice fiscale dell'ente (11 cifre)",
                "dati-personali.codice-fiscale", found=_mask(match.group()), expected="nessun dato personale"))
        for match in _IBAN.finditer(text):
            if _iban_valid(match.group()):
                line, column = positions.locate(path)
                problems.append(Problem(
                    filename, line, column, format_path(path),
                    "il testo contiene un IBAN: coordinate bancarie e dati personali non vanno nel catalogo",
                    "dati-personali.iban", found=_mask(match.group().replace(" ", "")),
                    expected="nessun dato bancario o personale"))
    return problems
