"""The one-pass reading (data built from the parser's events, guard bounds checked on the way) gives
exactly what the reference reading gives (guard pass, then PyYAML's composer and the node builder):
the same data, positions, text values and problems, for good files, trapped files and hostile ones."""

from __future__ import annotations

import pytest

from reti_adi.catalogue import yaml_guard, yaml_source
from reti_adi.catalogue.yaml_source import decode, parse, parse_composed

from ..conftest import REPO
from .test_hostile_yaml import HOSTILE
from ..rules.test_yaml_messages import CASES as SYNTAX_CASES

TRAPS = {
    "codici e numeri": 'id: a\ncap: 01234\nistat: 037006\nposti: 12\nlungo: ' + "9" * 60 + "\nvirgola: 1.5\n",
    "orari e booleani": "id: a\napre: 15:30\nchiude: 9:00:00\nsi: yes\nno_: NO\nvero: true\nspento: off\n",
    "date": "id: a\nbuona: 2026-02-28\nsbagliata: 2026-02-30\nora: 2026-02-28 10:00:00\n",
    "nulli e vuoti": "id: a\nvuoto:\ntilde: ~\nnullo: null\nstringa: ''\nelenco: []\nmappa: {}\n",
    "etichette": 'id: a\ns: !!str 123\ni: !!int "7"\nx: !strano valore\nl: !!set {a: null}\nm: !elenco [1]\n'
                 "n: ! 12\no: !!map {a: 1}\np: !!seq [1]\nq: !!float 1\nr: !!binary aGVsbG8=\n",
    "chiavi ripetute": "id: a\nx: 1\nx: {annidato: [1, 2]}\nx: 3\ny:\n  z: 1\n  z: 2\n",
    "chiavi complesse": "id: a\n? [1, 2]\n: valore\n? {a: 1}\n: [x, y]\n3: numero\ntrue: vero\nnull: nullo\n",
    "unione": "id: a\n<<: {b: 1}\nc: 2\n",
    "unione etichettata": "id: a\n!!merge x: 1\n? !!merge [1]\n: 2\n",
    "testo a blocchi": "id: a\nd: |\n  riga uno\n  riga due #\ne: >-\n  piegato\n  qui\nf: testo # commento\n",
    "virgolette": "id: a\nd: \"doppie \\u00e8\"\ns: 'semplici '' apice'\nn: \"0123\"\n",
    "documento esplicito": "%YAML 1.1\n---\nid: a\n...\n",
    "etichetta di direttiva": "%TAG !e! tag:example.com,2000:\n---\nid: a\nx: !e!cosa 1\n",
    "due documenti": "id: a\n---\nid: b\n",
    "due documenti, un'ancora nel secondo": "id: a\n---\nx: &b 1\n",
    "due documenti, errore nel secondo": "id: a\n---\nx: [1\n",
    "vuoto": "",
    "solo commenti": "# niente\n",
    "documento vuoto": "---\n",
    "elenco": "- a\n- b\n",
    "valore singolo": "ciao\n",
    "numero singolo": "0123\n",
    "ancora": "id: a\nx: &v 1\ny: 2\n",
    "alias nella chiave": "id: a\n*x : 1\n",
    "ancora in un valore saltato": "id: a\nx: 1\nx: &v 2\n",
    "ancora in una chiave complessa": "id: a\n? [&v 1]\n: 2\n",
    "errore di sintassi": "id: a\nx: [1, 2\ny: 3\n",
    "tabulazione": "id: a\n\tx: 1\n",
    "annidato al limite": "id: a\nx: " + "[" * (yaml_guard.MAX_DEPTH - 1) + "]" * (yaml_guard.MAX_DEPTH - 1) + "\n",
    "annidato oltre il limite": "id: a\nx: " + "[" * yaml_guard.MAX_DEPTH + "]" * yaml_guard.MAX_DEPTH + "\n",
    "annidato oltre il limite in una chiave ripetuta":
        "id: a\nx: 1\nx: " + "[" * yaml_guard.MAX_DEPTH + "]" * yaml_guard.MAX_DEPTH + "\n",
    "elenco al limite": "id: a\nx:\n" + "  - a\n" * yaml_guard.MAX_ITEMS,
    "elenco oltre il limite": "id: a\nx:\n" + "  - a\n" * (yaml_guard.MAX_ITEMS + 1),
    "mappa al limite": "x:\n" + "".join(f"  k{i}: 1\n" for i in range(yaml_guard.MAX_ITEMS)),
    "mappa oltre il limite": "x:\n" + "".join(f"  k{i}: 1\n" for i in range(yaml_guard.MAX_ITEMS + 1)),
    "chiavi complesse lunghe": "id: a\n? [" + ", ".join(["1"] * (yaml_guard.MAX_ITEMS + 1)) + "]\n: 1\n",
    "valori al limite": "".join(f"k{i}: [a, b, c, d]\n" for i in range(yaml_guard.MAX_VALUES // 6 - 1)),
    "valori oltre il limite": "".join(f"k{i}: [a, b, c, d]\n" for i in range(4)) + "x:\n" + "".join(
        f"  - [a, b, c, d, e, f, g, h, i]\n" for i in range(yaml_guard.MAX_VALUES // 10 + 1)),
}


def _same(text: str, filename: str = "catalogo/servizi/x.yaml") -> None:
    one, composed = parse(text, filename), parse_composed(text, filename)
    assert (one.data, one.positions, one.problems, one.strings) == \
        (composed.data, composed.positions, composed.problems, composed.strings)


@pytest.mark.parametrize("text", TRAPS.values(), ids=TRAPS.keys())
def test_trapped_and_broken_texts_read_the_same_in_one_pass(text):
    _same(text)


@pytest.mark.parametrize("case", HOSTILE, ids=[case.name for case in HOSTILE])
def test_hostile_files_read_the_same_in_one_pass(case):
    raw = case.content.encode("utf-8") if isinstance(case.content, str) else case.content
    text, problem = decode(raw[: yaml_guard.MAX_FILE_BYTES], "x.yaml")
    _same(text)


@pytest.mark.parametrize("content", [case[1] for case in SYNTAX_CASES], ids=[case[0] for case in SYNTAX_CASES])
def test_syntax_errors_read_the_same_in_one_pass(content):
    _same(content)


def test_every_example_file_reads_the_same_in_one_pass():
    files = sorted(p for folder in ("catalogo", "protocolli", "esempi", "tests")
                   for p in (REPO / folder).rglob("*.y*ml") if p.is_file())
    assert len(files) > 60
    for path in files:
        text, _ = decode(path.read_bytes(), path.name)
        if text is not None:
            _same(text, path.name)


def test_the_one_pass_reading_is_what_parse_uses(monkeypatch):
    """A clean file never reaches the composer; a file the one pass refuses always does."""
    composed: list[str] = []
    original = yaml_source.parse_composed
    monkeypatch.setattr(yaml_source, "parse_composed", lambda text, *args, **kwargs: (
        composed.append(text), original(text, *args, **kwargs))[1])
    parse(TRAPS["etichette"], "x.yaml")
    parse(TRAPS["chiavi ripetute"], "x.yaml")
    assert composed == []
    for name in ("ancora", "due documenti", "vuoto", "errore di sintassi", "annidato oltre il limite in una chiave "
                 "ripetuta", "elenco oltre il limite", "valori oltre il limite"):
        parse(TRAPS[name], "x.yaml")
    assert len(composed) == 7
