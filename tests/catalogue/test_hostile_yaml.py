"""Hostile YAML from a pull request: each file is refused quickly with an Italian problem at its line,
and every other file of the catalogue is still checked."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import pytest

from reti_adi.catalogue import yaml_guard
from reti_adi.check import check

from ..conftest import REFERENCE_DATE, run_cli

# Nine levels of nine aliases: 9**9 strings once expanded, 342 bytes on disk.
ALIAS_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))


@dataclass
class Hostile:
    name: str
    content: str | bytes
    rule: str
    line: int


HOSTILE = [
    Hostile("bomba-alias", ALIAS_BOMB, "yaml.ancora", 1),
    Hostile("alias-ricorsivo", "id: alias-ricorsivo\nelenco: &giro [*giro]\n", "yaml.ancora", 2),
    Hostile("alias-senza-ancora", "id: alias-senza-ancora\ndenominazione: *altrove\n", "yaml.alias", 2),
    Hostile("unione", "id: unione\nbase: {a: 1}\naltro:\n  <<: *base\n", "yaml.alias", 4),
    Hostile("annidato-flusso", "id: annidato-flusso\nx: " + "[" * 10_000 + "]" * 10_000 + "\n",
            "yaml.profondita", 2),
    Hostile("annidato-blocco", "id: annidato-blocco\nx:\n" + "".join(" " * i + "- \n" for i in range(1, 200)),
            "yaml.profondita", 2 + yaml_guard.MAX_DEPTH),
    Hostile("annidato-mappe", "id: annidato-mappe\nx: " + "{a: " * 900 + "1" + "}" * 900 + "\n",
            "yaml.profondita", 2),
    # 22 MB, 2.8 million items: refused on its size, after reading one byte more than the limit
    Hostile("elenco-enorme", "id: elenco-enorme\nx:\n" + "  - abcd\n" * 2_800_000, "file.dimensione", 1),
    # under the size limit, over the length of one list
    Hostile("elenco-lungo", "id: elenco-lungo\nx:\n" + "  - a\n" * 20_000, "yaml.elenco-lungo",
            3 + yaml_guard.MAX_ITEMS),
    Hostile("mappa-lunga", "id: mappa-lunga\nx:\n" + "".join(f"  k{i}: 1\n" for i in range(20_000)),
            "yaml.elenco-lungo", 3 + yaml_guard.MAX_ITEMS),
    Hostile("numero-enorme", "id: numero-enorme\nposti_disponibili: " + "9" * 5_000 + "\n", "yaml.numero-lungo", 2),
    Hostile("nul", b'id: nul\ndenominazione: "a\x00b"\n', "file.carattere-controllo", 2),
    Hostile("controllo", 'id: controllo\ndescrizione: ok\ncosa_serve: "a\x1bb"\n', "file.carattere-controllo", 3),
]


def _write(root, case: Hostile) -> str:
    relative = f"catalogo/servizi/{case.name}.yaml"
    target = root / relative
    if isinstance(case.content, bytes):
        target.write_bytes(case.content)
    else:
        target.write_text(case.content, encoding="utf-8")
    return relative


def test_every_hostile_file_is_refused_quickly_and_the_rest_is_checked(catalogue_copy):
    """One CLI run over all of them: exit 1, each file:line in the message, seconds not minutes."""
    clean = check(catalogue_copy, REFERENCE_DATE)
    assert clean.ok
    relatives = {case.name: _write(catalogue_copy, case) for case in HOSTILE}
    started = time.monotonic()
    proc = run_cli("check", str(catalogue_copy), "--format", "json", "--no-cache",
                   "--data-riferimento", REFERENCE_DATE.isoformat())
    elapsed = time.monotonic() - started
    assert elapsed < 30, f"{elapsed:.1f} s"  # generous: the machine may be busy; on main the bomb takes minutes
    assert proc.returncode == 1, proc.stderr
    assert "errore interno" not in proc.stderr and "Traceback" not in proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["file_controllati"] == clean.files + len(HOSTILE)
    assert payload["schede"] == clean.counts, "the valid files must still be read and checked"
    for case in HOSTILE:
        found = [p for p in payload["problemi"] if p["file"] == relatives[case.name]]
        assert (case.rule, case.line, "errore") in [(p["regola"], p["riga"], p["gravita"]) for p in found], (
            case.name, found)
        assert "lol" not in found[0]["messaggio"]


@pytest.mark.parametrize("case", HOSTILE, ids=[c.name for c in HOSTILE])
def test_each_hostile_file_is_answered_in_well_under_a_second(catalogue_copy, case):
    from reti_adi.catalogue.kinds import KIND_BY_NAME
    from reti_adi.catalogue.loader import parse_stage
    from reti_adi.catalogue.yaml_guard import read_bounded

    relative = _write(catalogue_copy, case)
    started = time.monotonic()
    raw = read_bounded(catalogue_copy / relative)
    outcome = parse_stage(KIND_BY_NAME["servizio"], raw, relative, case.name, f"{case.name}.yaml")
    elapsed = time.monotonic() - started
    assert len(raw) <= yaml_guard.MAX_FILE_BYTES + 1
    assert (case.rule, case.line) in [(p.rule, p.line) for p in outcome.problems]
    assert all(p.file == relative and p.message[0].islower() for p in outcome.problems)
    assert elapsed < 3, f"{elapsed:.2f} s"


def test_a_large_but_ordinary_file_is_still_read(catalogue_copy):
    """The bounds sit far above any real record: a long description and a long list pass."""
    text = (catalogue_copy / "catalogo/servizi/accoglienza-notturna-emergenza.yaml").read_text(encoding="utf-8")
    text = text.replace("cosa_serve: Nulla.", "cosa_serve: >-\n" + "  Documento d'identità.\n" * 200)
    (catalogue_copy / "catalogo/servizi/accoglienza-notturna-emergenza.yaml").write_text(text, encoding="utf-8")
    result = check(catalogue_copy, REFERENCE_DATE)
    assert result.ok, [p.message for p in result.errors]
