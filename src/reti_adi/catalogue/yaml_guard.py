"""Bounds on what one catalogue file may be, checked before anything is composed.

A file comes from a pull request, so it is hostile until proven otherwise. Anchors and aliases
(an alias bomb of a few hundred bytes expands to gigabytes; a recursive alias never ends) have no
use in a catalogue record and are refused at the event level, before a node graph exists. Depth,
the length of each list or map, the number of values and the size of the file are bounded, so
any file is answered in well under a second with a problem that names its line.
"""

from __future__ import annotations

import os
import re

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent, SequenceStartEvent

from reti_adi.rules.problems import Problem

try:
    _Parser = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = yaml.SafeLoader

MAX_FILE_BYTES = 512 * 1024
"""The largest real record (a protocol with its articles) is about 10 KB; at this size every
check of the file still takes well under a second."""
MAX_DEPTH = 32
"""A service's deepest value (sedi[0].orari[0].giorni[0]) sits six collections down."""
MAX_ITEMS = 5_000
"""Entries of one list or map: more than the comuni of any ambito or the members of any network."""
MAX_VALUES = 50_000
"""Every scalar and collection of the file together."""

# What YAML 1.1/1.2 calls printable: anything else is refused by the parser without a line number.
_TOO_DEEP = f"struttura annidata oltre {MAX_DEPTH} livelli: una scheda del catalogo non ne ha bisogno"
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def read_bounded(path) -> bytes:
    """At most one byte more than a catalogue file may hold, never through a symbolic link.

    One read of the size fstat gives (plus one byte, to see a file over the limit or one that grew),
    then reads on until the end or the limit: no buffered file object, no 512 KB buffer per file."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        wanted = min(os.fstat(descriptor).st_size, MAX_FILE_BYTES) + 1
        data = os.read(descriptor, wanted)
        if data and len(data) <= MAX_FILE_BYTES:
            parts, total = [data], len(data)
            while total <= MAX_FILE_BYTES:
                more = os.read(descriptor, MAX_FILE_BYTES + 1 - total)
                if not more:
                    break
                parts.append(more)
                total += len(more)
            if len(parts) > 1:
                data = b"".join(parts)
        return data
    finally:
        os.close(descriptor)


def size_problem(size: int, filename: str) -> Problem | None:
    """A problem if a file read with `read(MAX_FILE_BYTES + 1)` came back longer than the limit."""
    if size <= MAX_FILE_BYTES:
        return None
    return Problem(filename, 1, 1, "",
                   f"il file supera {MAX_FILE_BYTES // 1024} KB: una scheda del catalogo è molto più piccola, "
                   "il file non è stato letto", "file.dimensione",
                   found=f"più di {MAX_FILE_BYTES} byte", expected=f"al massimo {MAX_FILE_BYTES} byte")


def _position(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def control_character_problem(text: str, filename: str) -> Problem | None:
    """The first character YAML does not accept (NUL, other control characters), with its line."""
    match = _NOT_PRINTABLE.search(text)
    if match is None:
        return None
    line, column = _position(text, match.start())
    code = f"U+{ord(match.group()):04X}"
    return Problem(filename, line, column, "",
                   f"carattere di controllo {code} non ammesso in un file YAML: probabilmente il file è stato "
                   "copiato da un programma che aggiunge caratteri invisibili o non è un file di testo; "
                   "cancella il carattere e salva di nuovo", "file.carattere-controllo",
                   found=code, expected="solo testo stampabile")


def _at(event, filename: str, message: str, rule: str, found: str | None = None,
        expected: str | None = None) -> Problem:
    mark = event.start_mark
    return Problem(filename, mark.line + 1, mark.column + 1, "", message, rule, found=found, expected=expected)


def structure_problem(text: str, filename: str) -> Problem | None:
    """The first anchor, alias or exceeded bound, read from the parser's events (nothing is composed).

    A syntax error is not reported here: the composer that runs next reports it with its own words.
    """
    parser = _Parser(text)
    counts: list[int] = []  # for each open collection, its entries so far: a map counts keys and values,
    steps: list[int] = []  # so a list item counts twice and one bound serves lists and maps
    values = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, AliasEvent):
                return _at(event, filename,
                           f"alias YAML «*{event.anchor}» non ammesso: nel catalogo ogni valore si scrive per "
                           "esteso, senza ancore (&) né alias (*)", "yaml.alias",
                           found=f"*{event.anchor}", expected="il valore scritto per esteso")
            if isinstance(event, CollectionEndEvent):
                counts.pop()
                steps.pop()
                continue
            if not isinstance(event, NodeEvent):
                continue
            if event.anchor is not None:
                return _at(event, filename,
                           f"ancora YAML «&{event.anchor}» non ammessa: nel catalogo ogni valore si scrive per "
                           "esteso, senza ancore (&) né alias (*)", "yaml.ancora",
                           found=f"&{event.anchor}", expected="il valore scritto per esteso")
            values += 1
            if values > MAX_VALUES:
                return _at(event, filename, f"il file contiene più di {MAX_VALUES} valori: non è una scheda "
                           "del catalogo", "yaml.troppi-valori", expected=f"al massimo {MAX_VALUES} valori")
            if counts:
                counts[-1] += steps[-1]
                if counts[-1] > 2 * MAX_ITEMS:
                    return _at(event, filename, f"elenco o mappa con più di {MAX_ITEMS} elementi: non è "
                               "una scheda del catalogo", "yaml.elenco-lungo",
                               expected=f"al massimo {MAX_ITEMS} elementi")
            if isinstance(event, CollectionStartEvent):
                counts.append(0)
                steps.append(2 if isinstance(event, SequenceStartEvent) else 1)
                if len(counts) > MAX_DEPTH:
                    return _at(event, filename, _TOO_DEEP, "yaml.profondita",
                               expected=f"al massimo {MAX_DEPTH} livelli")
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem) and exc.problem_mark is not None:  # libyaml's own bound (1000)
            mark = exc.problem_mark
            return Problem(filename, mark.line + 1, mark.column + 1, "", _TOO_DEEP, "yaml.profondita",
                           expected=f"al massimo {MAX_DEPTH} livelli")
        return None
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()
    return None
