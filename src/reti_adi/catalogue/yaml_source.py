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
    positions = Positions()
    problems: list[Problem] = []
    refused = yaml_guard.control_character_problem(text, filename) or yaml_guard.structure_problem(text, filename)
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
