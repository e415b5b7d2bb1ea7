"""protocolli/modelli/*.yaml come from pull requests like records: bounded, never through a link,
validated; an unusable one is an error at its line and the shipped model is used meanwhile."""

from __future__ import annotations

import os
import time

from reti_adi.check import check

from ..conftest import REFERENCE_DATE, REPO, run_cli
from .test_hostile_yaml import ALIAS_BOMB

OVERRIDE = "protocolli/modelli/allegato_2.yaml"


def _write(root, text: str) -> None:
    (root / OVERRIDE).parent.mkdir(parents=True, exist_ok=True)
    (root / OVERRIDE).write_text(text, encoding="utf-8")


def test_an_alias_bomb_as_a_model_is_refused_quickly(catalogue_copy):
    _write(catalogue_copy, ALIAS_BOMB)
    started = time.monotonic()
    proc = run_cli("check", str(catalogue_copy), "--no-cache", "--data-riferimento", REFERENCE_DATE.isoformat())
    assert time.monotonic() - started < 30
    assert proc.returncode == 1 and "errore interno" not in proc.stderr
    assert f"{OVERRIDE}:1:4: errore: ancora YAML «&a» non ammessa" in proc.stdout


def test_a_model_that_is_a_link_is_not_followed(catalogue_copy, tmp_path):
    outside = tmp_path / "fuori.yaml"
    shipped = (REPO / "schemas/modelli/allegato_2.yaml").read_text(encoding="utf-8")
    outside.write_text(shipped.replace("obbligatoria: false", "obbligatoria: true"), encoding="utf-8")
    (catalogue_copy / OVERRIDE).parent.mkdir(parents=True)
    os.symlink(outside, catalogue_copy / OVERRIDE)
    result = check(catalogue_copy, REFERENCE_DATE)
    assert [(p.file, p.rule) for p in result.errors] == [(OVERRIDE, "file.collegamento")]


def test_a_malformed_model_is_an_error_at_its_line_and_the_shipped_one_is_used(catalogue_copy):
    shipped = (REPO / "schemas/modelli/allegato_2.yaml").read_text(encoding="utf-8")
    _write(catalogue_copy, shipped.replace("  - {tipo: oggetto, obbligatoria: true}", "  - {tipo: 7}"))
    result = check(catalogue_copy, REFERENCE_DATE)
    assert [(p.file, p.rule, p.line) for p in result.errors] == [(OVERRIDE, "protocolli.modello-file", 10)]
    assert "sezioni[0].tipo" in result.errors[0].message
    _write(catalogue_copy, "modello: allegato_2\n")
    result = check(catalogue_copy, REFERENCE_DATE)
    assert [(p.file, p.rule) for p in result.errors] == [(OVERRIDE, "protocolli.modello-file")]
