"""Parse one YAML file into plain data plus the line and column of every node.

PyYAML's C composer does the parsing; values are built here so that the YAML 1.1
conversions that silently corrupt Italian administrative data (codes with leading
zeros read as octal numbers, ``NO`` read as a boolean, ``15:30`` read as a base-60
integer, duplicate keys) become problems with a position instead of wrong values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (DocumentEndEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent,
                         SequenceEndEvent, SequenceStartEvent, StreamEndEvent, StreamStartEvent)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reti_adi.catalogue import yaml_guard
from reti_adi.rules.problems import Problem
from reti_adi.rules.yaml_messages import explain_syntax_error

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP = (
    _TAG + "str", _TAG + "int", _TAG + "float", _TAG + "bool", _TAG + "null", _TAG + "timestamp")
_SEQ, _MAP = _TAG + "seq", _TAG + "map"
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9_]+$")
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")

_constructor = SafeConstructor()
_MAX_NUMBER_CHARS = 40

Path = tuple


@dataclass(slots=True)
class Positions:
    """1-based (line, column) of each value and of each mapping key, by data path."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path, prefer_key: bool = False) -> tuple[int, int] | tuple[None, None]:
        """Position of the deepest existing node on the path (missing fields point at their parent)."""
        path = tuple(path)
        while True:
            if prefer_key and path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            if not path:
                return (1, 1)
            path = path[:-1]


class PackedPositions:
    """Positions kept as bytes until a problem needs them: most records never report one.

    The bytes are JSON (data only, so the check cache can hold them): two lists, values and
    keys, of [line, column, *path]."""

    __slots__ = ("blob", "_positions")

    def __init__(self, blob: bytes):
        self.blob = blob
        self._positions: Positions | None = None

    @classmethod
    def pack(cls, positions: Positions) -> "PackedPositions":
        import json

        rows = [[[*position, *path] for path, position in table.items()]
                for table in (positions.values, positions.keys)]
        return cls(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def unpack(self) -> Positions:
        """Never raises: bytes that are not what pack() writes (a tampered cache) locate nothing, so
        problems point at the start of the file instead of failing the check."""
        if self._positions is None:
            try:
                self._positions = _unpack(self.blob)
            except (ValueError, TypeError, RecursionError):
                self._positions = Positions()
        return self._positions

    def locate(self, path: Path, prefer_key: bool = False):
        return self.unpack().locate(path, prefer_key)

    def __reduce__(self):
        return (PackedPositions, (self.blob,))


def _unpack(blob: bytes) -> Positions:
    import json

    tables = json.loads(blob)
    if not (isinstance(tables, list) and len(tables) == 2 and all(isinstance(t, list) for t in tables)):
        raise ValueError("posizioni non valide")
    values, keys = ({}, {})
    for rows, target in zip(tables, (values, keys)):
        for row in rows:
            if not (isinstance(row, list) and len(row) >= 2 and type(row[0]) is int and type(row[1]) is int
                    and all(type(part) in (str, int) for part in row[2:])):
                raise ValueError("posizione non valida")
            target[tuple(row[2:])] = (row[0], row[1])
    return Positions(values, keys)


@dataclass(slots=True)
class ParsedYaml:
    data: object
    positions: Positions
    problems: list[Problem]
    strings: list[tuple[Path, str]] = field(default_factory=list)
    """Every text value with its path, collected while building: text rules need no second walk."""


def decode(raw: bytes, filename: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text of a file, or a problem that points at the first bad byte."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, Problem(
            filename, line, column, "", rule="file.codifica",
            message=(f"il file non è in UTF-8: byte 0x{raw[exc.start]:02x} non valido. "
                     "Salvalo con codifica UTF-8 (in molti editor: «Salva con codifica… UTF-8»)."),
            found=f"byte 0x{raw[exc.start]:02x}", expected="testo UTF-8")


def parse(text: str, filename: str) -> ParsedYaml:
    """One pass over the parser's events builds the data and checks the guard's bounds (see _EventBuilder);
    a file that is anything but one clean document (an anchor, a bound exceeded, a syntax error, no
    document, two documents) is read again by parse_composed, which words the problem."""
    refused = yaml_guard.control_character_problem(text, filename)
    if refused is not None:
        return ParsedYaml(None, Positions(), [refused])
    return _parse_events(text, filename) or parse_composed(text, filename, checked=True)


def parse_composed(text: str, filename: str, checked: bool = False) -> ParsedYaml:
    """The reference reading: the guard walks the events, then PyYAML composes the node graph and
    _Builder reads it. Same result as parse() for every text (tests/catalogue/test_one_pass.py)."""
    positions = Positions()
    problems: list[Problem] = []
    refused = (None if checked else yaml_guard.control_character_problem(text, filename)) or \
        yaml_guard.structure_problem(text, filename)
    if refused is not None:
        return ParsedYaml(None, positions, [refused])
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        explained = explain_syntax_error(exc, text)
        problems.append(Problem(filename, explained.line, explained.column, "", explained.message, "yaml.sintassi"))
        return ParsedYaml(None, positions, problems)
    except yaml.YAMLError as exc:
        problems.append(Problem(filename, None, None, "", f"YAML non valido: {exc}", "yaml.sintassi"))
        return ParsedYaml(None, positions, problems)
    finally:
        loader.dispose()
    if root is None:
        problems.append(Problem(filename, 1, 1, "", "il file è vuoto: deve contenere una scheda YAML",
                                "file.vuoto", expected="una mappa di campi"))
        return ParsedYaml(None, positions, problems)
    builder = _Builder(filename, positions, problems)
    data = builder.build(root, ())
    strings = builder.strings
    if not isinstance(data, dict):
        line, column = root.start_mark.line + 1, root.start_mark.column + 1
        kind = "un elenco" if isinstance(root, SequenceNode) else "un valore singolo"
        problems.append(Problem(filename, line, column, "", f"il file contiene {kind}, non una mappa di campi",
                                "file.non-mappa", found=kind, expected="una mappa (campo: valore)"))
        return ParsedYaml(None, positions, problems)
    return ParsedYaml(data, positions, problems, strings)


class _Builder:
    """Turns composed nodes into Python data, recording positions and traps."""

    __slots__ = ("filename", "positions", "problems", "strings")

    def __init__(self, filename: str, positions: Positions, problems: list[Problem]):
        self.filename = filename
        self.positions = positions
        self.problems = problems
        self.strings: list[tuple[Path, str]] = []

    def _problem(self, node: Node, path: Path, message: str, rule: str, found=None, expected=None) -> None:
        from reti_adi.rules.problems import format_path

        self.problems.append(Problem(self.filename, node.start_mark.line + 1, node.start_mark.column + 1,
                                     format_path(path), message, rule, found=found, expected=expected))

    def build(self, node: Node, path: Path):
        self.positions.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                self._problem(node, path, f"etichetta YAML «{node.tag}» non ammessa", "yaml.etichetta")
            return [self.build(child, path + (i,)) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        raise TypeError(node)  # pragma: no cover

    def _mapping(self, node: MappingNode, path: Path) -> dict:
        if node.tag != _MAP:
            self._problem(node, path, f"etichetta YAML «{node.tag}» non ammessa", "yaml.etichetta")
        result: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                self._problem(key_node, path, "la chiave di unione «<<» non è ammessa: scrivi i campi per esteso",
                              "yaml.unione")
                continue
            if not isinstance(key_node, ScalarNode):
                self._problem(key_node, path, "una chiave deve essere un nome di campo, non una struttura",
                              "yaml.chiave-complessa")
                continue
            key = key_node.value
            child = path + (key,)
            if key in result:
                first = self.positions.keys.get(child, (None, None))[0]
                self._problem(key_node, child,
                              f"il campo «{key}» compare più volte (prima alla riga {first}): "
                              "YAML terrebbe solo l'ultimo valore",
                              "yaml.chiave-duplicata", found=key, expected="ogni campo una sola volta")
                continue
            self.positions.keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, child)
        return result

    def _scalar(self, node: ScalarNode, path: Path):
        tag, text = node.tag, node.value
        if tag == _STR:
            self.strings.append((path, text))
            return text
        if tag == _NULL:
            return None
        if tag == _INT:
            if len(text) > _MAX_NUMBER_CHARS:  # int() of thousands of digits is refused, or slow
                self._problem(node, path, f"numero di {len(text)} cifre: se è un codice scrivilo tra virgolette",
                              "yaml.numero-lungo", found=f"{text[:10]}…", expected="un numero breve o un testo")
                return None
            if _SEXAGESIMAL.match(text):
                self._problem(node, path,
                              f"«{text}» è stato letto come numero in base 60 (YAML 1.1): "
                              f"scrivi gli orari tra virgolette, ad esempio \"{text}\"",
                              "yaml.sessagesimale", found=text, expected=f"\"{text}\"")
                return text
            if _LEADING_ZERO.match(text):
                self._problem(node, path,
                              f"il codice {text} verrebbe letto come numero ({_constructor.construct_yaml_int(node)})"
                              f" perdendo gli zeri iniziali: scrivilo tra virgolette, \"{text}\"",
                              "yaml.codice-numerico", found=text, expected=f"\"{text}\"")
                return text
            return _constructor.construct_yaml_int(node)
        if tag == _BOOL:
            if text.lower() not in ("true", "false"):
                self._problem(node, path,
                              f"«{text}» è stato letto come valore vero/falso (YAML 1.1): se è un testo scrivilo "
                              f"tra virgolette (\"{text}\"), se è un sì/no usa true o false",
                              "yaml.booleano-ambiguo", found=text, expected=f"\"{text}\" oppure true/false")
                return text
            return text.lower() == "true"
        if tag == _FLOAT:
            if _SEXAGESIMAL.match(text):
                self._problem(node, path, f"«{text}» è stato letto come numero in base 60: scrivilo tra virgolette",
                              "yaml.sessagesimale", found=text, expected=f"\"{text}\"")
                return text
            return _constructor.construct_yaml_float(node)
        if tag == _TIMESTAMP:
            try:
                return _constructor.construct_yaml_timestamp(node)
            except ValueError:
                self._problem(node, path, f"«{text}» non è una data valida", "yaml.data", found=text,
                              expected="una data AAAA-MM-GG esistente")
                return text
        self._problem(node, path, f"etichetta YAML «{tag}» non ammessa", "yaml.etichetta", found=tag)
        return text


# --- one pass: data straight from the parser's events ---------------------------------------------------------

class _Fallback(Exception):
    """Not one clean document within the bounds: parse_composed reads the file and words the problem."""


_MERGE = _TAG + "merge"
_WILDCARD = tuple(_Loader.yaml_implicit_resolvers.get(None, []))
_IMPLICIT = {first: tuple(resolvers) + _WILDCARD for first, resolvers in _Loader.yaml_implicit_resolvers.items()
             if first is not None}
"""PyYAML's implicit resolvers by first character, as Resolver.resolve walks them (the composer's tags)."""
_ONE_PASS = not _Loader.yaml_path_resolvers  # path resolvers would make a tag depend on the node's place
try:  # libyaml's parser alone: events only, no constructor or resolver to set up per file
    from yaml.cyaml import CParser as _EventParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _EventParser = _Loader


def _scalar_tag(event) -> str:
    """The tag PyYAML's composer gives a scalar (Resolver.resolve for an untagged plain one)."""
    tag = event.tag
    if tag is None or tag == "!":
        if not event.implicit[0]:
            return _STR
        value = event.value
        for tag, regexp in _IMPLICIT.get(value[:1], _WILDCARD):
            if regexp.match(value):
                return tag
        return _STR
    return tag


def _parse_events(text: str, filename: str) -> ParsedYaml | None:
    if not _ONE_PASS:  # pragma: no cover - a PyYAML configured with path resolvers
        return None
    parser = _EventParser(text)
    positions = Positions()
    problems: list[Problem] = []
    builder = _EventBuilder(filename, positions, problems, parser.get_event)
    try:
        next_event = parser.get_event
        if type(next_event()) is not StreamStartEvent or type(next_event()) is not DocumentStartEvent:
            raise _Fallback  # no document at all (an empty file): parse_composed words it
        root = next_event()
        data = builder.node(root, (), 0)
        if type(next_event()) is not DocumentEndEvent or type(next_event()) is not StreamEndEvent:
            raise _Fallback  # a second document
        if builder.values + 1 > yaml_guard.MAX_VALUES:
            raise _Fallback  # counted at the end: the file's size already bounds the work
    except (_Fallback, yaml.YAMLError):
        return None
    finally:
        parser.dispose()
    if not isinstance(data, dict):
        kind = "un elenco" if type(root) is SequenceStartEvent else "un valore singolo"
        problems.append(Problem(filename, root.start_mark.line + 1, root.start_mark.column + 1, "",
                                f"il file contiene {kind}, non una mappa di campi",
                                "file.non-mappa", found=kind, expected="una mappa (campo: valore)"))
        return ParsedYaml(None, positions, problems)
    return ParsedYaml(data, positions, problems, builder.strings)


class _EventBuilder(_Builder):
    """_Builder's reading, from the events instead of composed nodes, with yaml_guard's bounds checked on
    every event (an anchor or alias, more than MAX_VALUES values, MAX_ITEMS entries, MAX_DEPTH levels):
    any of them, wherever in the stream, sends the file to parse_composed, so problems stay the guard's."""

    __slots__ = ("next_event", "values")

    def __init__(self, filename: str, positions: Positions, problems: list[Problem], next_event):
        super().__init__(filename, positions, problems)
        self.next_event = next_event
        self.values = 0
        """Node events below the root (keys included), as the guard counts values."""

    def node(self, event, path: Path, depth: int):
        if event.anchor is not None:  # an anchor, or an alias (an AliasEvent's anchor is its name)
            raise _Fallback
        mark = event.start_mark
        self.positions.values[path] = (mark.line + 1, mark.column + 1)
        kind = type(event)
        if kind is ScalarEvent:
            return self._scalar_event(event, path)
        if kind is MappingStartEvent:
            return self._mapping_events(event, path, depth)
        if kind is not SequenceStartEvent:
            raise _Fallback  # pragma: no cover - an alias has an anchor
        if depth >= yaml_guard.MAX_DEPTH:
            raise _Fallback
        if event.tag not in (None, "!", _SEQ):
            self._problem(event, path, f"etichetta YAML «{event.tag}» non ammessa", "yaml.etichetta")
        items: list = []
        next_event = self.next_event
        while True:
            child = next_event()
            if type(child) is SequenceEndEvent:
                self.values += len(items)
                return items
            if len(items) >= yaml_guard.MAX_ITEMS:
                raise _Fallback
            items.append(self.node(child, path + (len(items),), depth + 1))

    def _scalar_event(self, event, path: Path):
        tag = _scalar_tag(event)
        if tag == _STR:
            self.strings.append((path, event.value))
            return event.value
        if tag == _NULL:
            return None
        return self._scalar(ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style), path)

    def _mapping_events(self, event, path: Path, depth: int) -> dict:
        if depth >= yaml_guard.MAX_DEPTH:
            raise _Fallback
        if event.tag not in (None, "!", _MAP):
            self._problem(event, path, f"etichetta YAML «{event.tag}» non ammessa", "yaml.etichetta")
        result: dict = {}
        entries = 0  # keys and values, as the guard counts a map's entries
        positions, keys, strings = self.positions.values, self.positions.keys, self.strings
        next_event = self.next_event
        while True:
            key = next_event()
            kind = type(key)
            if kind is MappingEndEvent:
                self.values += entries
                return result
            entries += 2
            if entries > 2 * yaml_guard.MAX_ITEMS + 1 or key.anchor is not None:
                raise _Fallback
            if kind is ScalarEvent:
                tag = _scalar_tag(key)
            else:
                tag = key.tag if key.tag not in (None, "!") else None
                self._skip_open(key, depth + 1)
            value = next_event()
            if tag == _MERGE:
                self._problem(key, path, "la chiave di unione «<<» non è ammessa: scrivi i campi per esteso",
                              "yaml.unione")
                self._skip(value, depth + 1)
                continue
            if kind is not ScalarEvent:
                self._problem(key, path, "una chiave deve essere un nome di campo, non una struttura",
                              "yaml.chiave-complessa")
                self._skip(value, depth + 1)
                continue
            name = key.value
            child = path + (name,)
            if name in result:
                first = keys.get(child, (None, None))[0]
                self._problem(key, child,
                              f"il campo «{name}» compare più volte (prima alla riga {first}): "
                              "YAML terrebbe solo l'ultimo valore",
                              "yaml.chiave-duplicata", found=name, expected="ogni campo una sola volta")
                self._skip(value, depth + 1)
                continue
            mark = key.start_mark
            keys[child] = (mark.line + 1, mark.column + 1)
            if type(value) is ScalarEvent and value.anchor is None:  # most values: no call for them
                mark = value.start_mark
                positions[child] = (mark.line + 1, mark.column + 1)
                if value.tag is None and value.implicit[0] and value.value[:1] not in _IMPLICIT:
                    strings.append((child, value.value))
                    result[name] = value.value
                else:
                    result[name] = self._scalar_event(value, child)
            else:
                result[name] = self.node(value, child, depth + 1)

    def _skip(self, event, depth: int) -> None:
        """A node nobody reads (the value of a repeated key...): only the guard's checks."""
        if event.anchor is not None:
            raise _Fallback
        if type(event) in (SequenceStartEvent, MappingStartEvent):
            self._skip_open(event, depth)

    def _skip_open(self, event, depth: int) -> None:
        """The rest of a collection whose start event was counted."""
        if depth >= yaml_guard.MAX_DEPTH or event.anchor is not None:
            raise _Fallback
        step = 2 if type(event) is SequenceStartEvent else 1
        entries = 0
        while True:
            child = self.next_event()
            if type(child) in (SequenceEndEvent, MappingEndEvent):
                self.values += entries // step
                return
            entries += step
            if entries > 2 * yaml_guard.MAX_ITEMS:
                raise _Fallback
            self._skip(child, depth + 1)
