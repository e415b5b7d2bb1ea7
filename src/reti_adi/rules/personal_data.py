"""Detect personal data in a catalogue file: the public catalogue holds offers, never beneficiaries.

The whole text of the file is scanned, comments included (git publishes them too), and a code may
be written with spaces or dashes or broken over two lines. The check characters decide what is a
code (the codice fiscale's control letter, omocodia included; the IBAN's country format and mod 97),
so a road name like «SP33 Trasversale» is not an IBAN. Codes are errors; a personal-looking e-mail
address or an Italian mobile number in free text is a warning, since an office may have either.
A message never repeats what it found in full.
"""

from __future__ import annotations

import bisect
import re

from reti_adi.catalogue.yaml_source import Positions
from reti_adi.rules.problems import Problem, format_path

def _codice_fiscale_valid(code: str) -> bool:
    from stdnum.it import codicefiscale  # imported on first use: a re-check often parses no file at all

    return codicefiscale.is_valid(code)


def _iban_valid(code: str) -> bool:
    from stdnum import iban

    return iban.is_valid(code)


def load_validators() -> None:
    """Import the check-digit validators now (before forking parse workers, so each does not import them)."""
    from stdnum import iban  # noqa: F401
    from stdnum.it import codicefiscale  # noqa: F401


# Between two characters of a code: spaces, dashes or dots, or a line break followed by the
# indentation (and the «#» of a comment) of the next line.
_GAP = r"(?:[ \t\u00a0.\-]*(?:\r?\n[ \t#]*)?)"
_GAP_CHARS = " \t\u00a0.-#"
# digits may be letters (omocodia); explicit classes, not IGNORECASE, which is slower
_LETTER, _DIGIT, _MONTH = "[A-Za-z]", "[0-9LMNPQRSTUVlmnpqrstuv]", "[ABCDEHLMPRSTabcdehlmprst]"
# Every pattern starts at a digit, which the regex engine skips to quickly: prose costs little.
# A codice fiscale is found from its birth year, whose first digit only the seventh and last level
# of omocodia replaces; its six letters are then read backwards (_letters_before).
_CF_FROM_YEAR = re.compile("[0-9](?=(" + "".join(
    _GAP + c for c in (_DIGIT, _MONTH, _DIGIT, _DIGIT, _LETTER, _DIGIT, _DIGIT, _DIGIT, _LETTER)) + r")(?![A-Za-z0-9]))")
# An IBAN from its check digits, after two letters (and perhaps a space or dash); every start is tried.
_IBAN_GAP = r"(?:[ \u00a0\-]|\r?\n[ \t#]*)?"
_IBAN_FROM_CHECK = re.compile(
    r"[0-9](?:(?<=(?<![A-Za-z0-9])[A-Za-z]{2}[0-9])|(?<=(?<![A-Za-z0-9])[A-Za-z]{2}[ \u00a0\-][0-9]))"
    r"(?=(" + _IBAN_GAP + r"[0-9](?:" + _IBAN_GAP + r"[A-Za-z0-9]){11,30}))")
# An Italian mobile: 3xx and six or seven digits, alone or after +39 / 0039.
_MOBILE = re.compile(r"3(?:(?<![\w+]3)|(?<=\+39 3)|(?<=\+393)|(?<=0039 3)|(?<=00393)|(?<=\+39[.\-]3))"
                     r"[0-9]{2}(?:[ .\-/]?[0-9]){6,7}(?![0-9])")
_EMAIL_LOCAL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}\Z")
_EMAIL_DOMAIN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")

PERSONAL_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "libero.it", "virgilio.it", "alice.it", "tin.it", "tim.it", "tiscali.it",
    "hotmail.com", "hotmail.it", "outlook.com", "outlook.it", "live.com", "live.it", "msn.com", "yahoo.com",
    "yahoo.it", "icloud.com", "me.com", "email.it", "inwind.it", "fastwebnet.it", "gmx.com", "gmx.it",
    "gmx.net", "protonmail.com", "proton.me"})
"""Webmail for individuals: an office of an ente or a service writes from its own domain."""
OFFICE_WORDS = frozenset({
    "info", "ufficio", "uffici", "servizi", "servizio", "sociale", "sociali", "segreteria", "protocollo",
    "sportello", "urp", "amministrazione", "direzione", "contatti", "prenotazioni", "accoglienza", "centro",
    "piano", "ambito", "comune", "welfare", "casa", "lavoro", "famiglia", "famiglie", "minori", "adulti",
    "anziani", "stranieri", "scuola", "area", "territorio", "rete", "progetti", "progetto", "coordinamento"})
"""Words of an office address («servizi.sociali@…»), as opposed to «nome.cognome@…»."""
MAX_FINDINGS = 50
"""Per file: a file full of numbers is told about, not listed to the last one."""
MAX_ADDRESSES = 500
"""«@» looked at per file."""
MAX_CHECKS = 1000
"""Check-character validations per file; a real record needs a handful."""
OFFICE_NUMBER_FIELDS = frozenset({"telefono"})
"""Fields that hold the public number of an ente or service, which may well be a mobile."""


def _mask(compact: str) -> str:
    return compact[:3] + "…" + compact[-2:]


def _compact(text: str) -> str:
    return _NOT_ALNUM.sub("", text).upper()


class _Locator:
    """Line, column and field of an offset in the text: values are known by where they start."""

    def __init__(self, text: str, strings: list[tuple[tuple, str]], positions: Positions):
        self.text, self.strings, self.positions = text, strings, positions
        self.line_starts: list[int] = []
        self.starts: list[tuple[tuple[int, int], tuple, str]] = []
        self.keys: list[tuple[int, int]] = []

    def _index(self) -> None:
        """Built on the first finding only: most files have none."""
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        for path, value in self.strings:
            where = self.positions.values.get(path)
            if where is not None:
                self.starts.append((where, path, _compact(value)))
        self.starts.sort(key=lambda item: item[0])
        self.keys = [item[0] for item in self.starts]

    def position(self, offset: int) -> tuple[int, int]:
        if not self.line_starts:
            self._index()
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def field(self, offset: int, found: str) -> tuple[tuple | None, int, int]:
        """(path of the text value holding the match, or None for a comment or key; line; column)."""
        line, column = self.position(offset)
        index = bisect.bisect_right(self.keys, (line, column)) - 1
        if index >= 0 and _compact(found) in self.starts[index][2]:
            return self.starts[index][1], line, column
        return None, line, column


def find_personal_data(text: str, strings: list[tuple[tuple, str]], filename: str,
                       positions: Positions) -> list[Problem]:
    """Every personal code in the text (errors), personal-looking addresses and mobiles (warnings)."""
    return _Scan(text, filename, _Locator(text, strings, positions)).run()


class _Scan:
    """One file's scan, with a bounded number of check-character validations: a file made of
    thousands of look-alike codes is refused as a whole (fail closed), never scanned for minutes."""

    __slots__ = ("text", "filename", "locator", "problems", "checks_left")

    def __init__(self, text: str, filename: str, locator: _Locator):
        self.text, self.filename, self.locator = text, filename, locator
        self.problems: list[Problem] = []
        self.checks_left = MAX_CHECKS

    def report(self, offset: int, found: str, masked: str, message: str, rule: str, expected: str,
               severity: str = "errore") -> None:
        path, line, column = self.locator.field(offset, found)
        where = "" if path is not None else " (in un commento: anche i commenti sono pubblici)"
        self.problems.append(Problem(self.filename, line, column, format_path(path) if path else "",
                                     message + where, rule, severity, found=masked, expected=expected))

    def full(self) -> bool:
        return len(self.problems) >= MAX_FINDINGS

    def valid(self, validator, compact: str, offset: int) -> bool:
        """validator(compact), counted against the budget; when it runs out the file is refused."""
        self.checks_left -= 1
        if self.checks_left == 0:
            line, column = self.locator.position(offset)
            self.problems.append(Problem(
                self.filename, line, column, "",
                f"il file contiene più di {MAX_CHECKS} sequenze simili a codici fiscali o IBAN: non è stato "
                "possibile escludere dati personali", "dati-personali.troppi-codici",
                expected="una scheda senza elenchi di codici"))
        return self.checks_left > 0 and validator(compact)

    def run(self) -> list[Problem]:
        text = self.text
        for match in _CF_FROM_YEAR.finditer(text):
            if self.checks_left <= 0 or self.full():
                break
            begin = _letters_before(text, match.start())
            if begin is None:
                continue
            candidate = text[begin:match.end(1)]
            if self.valid(_codice_fiscale_valid, _compact(candidate), begin):
                self.report(begin, candidate, _mask(_compact(candidate)),
                            "il testo contiene un codice fiscale di persona fisica (16 caratteri): il catalogo non "
                            "deve contenere dati personali. Usa solo il codice fiscale dell'ente (11 cifre)",
                            "dati-personali.codice-fiscale", "nessun dato personale")
        for match in _IBAN_FROM_CHECK.finditer(text):
            if self.checks_left <= 0 or self.full():
                break
            begin = match.start() - (2 if text[match.start() - 1].isalpha() else 3)
            found = self.iban_prefix(text[begin:match.end(1)], begin)
            if found is not None:
                self.report(begin, found, _mask(_compact(found)),
                            "il testo contiene un IBAN: coordinate bancarie e dati personali non vanno nel catalogo",
                            "dati-personali.iban", "nessun dato bancario o personale")
        for match in _MOBILE.finditer(text):
            if self.full():
                break
            path, _, _ = self.locator.field(match.start(), match.group())
            if path is not None and path[-1] in OFFICE_NUMBER_FIELDS:
                continue
            self.report(match.start(), match.group(), _mask(_compact(match.group())),
                        "numero di cellulare nel testo: se è di una persona non va nel catalogo; il numero "
                        "pubblico di un ufficio va nel campo contatti.telefono", "dati-personali.cellulare",
                        "contatti.telefono dell'ufficio", "avviso")
        for address, offset in _emails(text):
            if self.full():
                break
            if _personal_email(address):
                self.report(offset, address, _mask_email(address),
                            "indirizzo e-mail che sembra di una persona: nel catalogo vanno solo recapiti di uffici "
                            "(ad esempio servizi.sociali@comune.it)", "dati-personali.email",
                            "l'indirizzo di un ufficio", "avviso")
        return self.problems

    def iban_prefix(self, run: str, offset: int) -> str | None:
        """The longest prefix of run that ends at a group boundary and is a valid IBAN of its country."""
        for end in range(len(run), 0, -1):
            if end < len(run) and run[end].isalnum():
                continue
            compact = _compact(run[:end])
            if len(compact) < 15:
                break
            if len(compact) <= 34 and self.valid(_iban_valid, compact, offset):
                return run[:end]
            if self.checks_left <= 0:
                break
        return None


def _letters_before(text: str, year: int) -> int | None:
    """Where the six letters of a codice fiscale start, read backwards from its birth year across the
    same gaps the forward pattern allows (one line break at most); None if they are not there."""
    index, letters, breaks = year - 1, 0, 0
    while index >= 0 and letters < 6:
        char = text[index]
        if "A" <= char <= "Z" or "a" <= char <= "z":
            letters += 1
            if letters == 6:
                break
        elif char == "\n" or char == "\r":
            breaks += char == "\n"
            if breaks > 1:
                return None
        elif char not in _GAP_CHARS:
            return None
        index -= 1
    if letters < 6 or (index > 0 and text[index - 1].isascii() and text[index - 1].isalnum()):
        return None
    return index


def _emails(text: str):
    """(address, offset) of each e-mail address: found from its «@», so text without one costs nothing.
    Only the first MAX_ADDRESSES are looked at: these findings are warnings, not a guarantee."""
    at = text.find("@")
    for _ in range(MAX_ADDRESSES):
        if at == -1:
            return
        local = _EMAIL_LOCAL.search(text, max(0, at - 64), at)
        domain = _EMAIL_DOMAIN.match(text, at + 1)
        if local and domain:
            yield text[local.start():domain.end()], local.start()
        at = text.find("@", at + 1)


def _personal_email(address: str) -> bool:
    local, _, domain = address.lower().partition("@")
    if domain in PERSONAL_MAIL_DOMAINS:
        return True
    words = re.split(r"[._-]", local)
    return (len(words) == 2 and all(w.isalpha() and len(w) > 1 for w in words)
            and not OFFICE_WORDS.intersection(words))


def _mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:2]}…@{domain}"
