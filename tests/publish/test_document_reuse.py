"""A build that takes unchanged Word documents from the previous build publishes what a full build would.

Each case builds for real (the API, then python-docx) the example catalogue with its demand and a
second ambito, changes it, then builds it twice: reusing the previous build in the same folder, and
from scratch with reuse off (`--completa`) into a copy of the previous build. The documents must match
byte for byte, mode included, and exactly the documents the change reaches are written again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from reti_adi import build as build_module
from reti_adi.build import build
from reti_adi.publish import document_reuse, documents
from reti_adi.publish.docx import protocol_inputs
from reti_adi.publish.planning_docx import planning_inputs

from ..conftest import REFERENCE_DATE, SECOND_REGION_FILES, tree

EPOCH = "1764000000"
PIANURA = "documenti/programmazione/pianura-est.docx"
COLLINE = "documenti/programmazione/colline-fiorentine.docx"
ACCORDO = "documenti/protocolli/accordo-programma-inclusione-adi.docx"
RETE = "documenti/protocolli/protocollo-rete-servizi-territoriali.docx"
ALL = {PIANURA, COLLINE, ACCORDO, RETE}
STEPS = [("documenti", build_module.step_start_documents), ("api", build_module.step_api),
         ("attesa_documenti", build_module.step_wait_documents)]


@pytest.fixture(autouse=True)
def _epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def _build(root: Path, out: Path, today: dt.date = REFERENCE_DATE, **options):
    return build(root, out, today=today, steps=STEPS, **options)


def _documents(out: Path) -> dict[str, str]:
    return {k: v for k, v in tree(out, modes=True).items() if k.startswith("documenti/")}


@pytest.fixture
def built(demand_copy) -> tuple[Path, Path]:
    """(repository, its build): two ambiti (one with demand data) and two protocols."""
    for relative, text in SECOND_REGION_FILES.items():
        (demand_copy / relative).write_text(text, encoding="utf-8")
    out = demand_copy / "build"
    report = _build(demand_copy, out)
    assert (report.documents.reused, report.documents.written) == (0, 4)
    assert {k for k in _documents(out) if k.endswith(".docx")} == ALL
    return demand_copy, out


def _written(before: dict[str, str], out: Path) -> set[str]:
    """The documents of out that are not hard links to the previous build's file (so were written)."""
    return {k for k in ALL if (out / k).stat().st_ino != before[k]}


def _rebuild_and_compare(root: Path, out: Path, tmp_path: Path, today: dt.date = REFERENCE_DATE) -> set[str]:
    """Rebuild with reuse and beside it without; the same documents; returns those written again."""
    full = tmp_path / "completa" / "build"
    shutil.copytree(out, full, symlinks=True)
    full_report = _build(root, full, today=today, reuse=False)
    assert (full_report.documents.reused, full_report.documents.written) == (0, 4)
    inodes = {k: (out / k).stat().st_ino for k in ALL}
    report = _build(root, out, today=today)
    assert _documents(out) == _documents(full)
    written = _written(inodes, out)
    assert (report.documents.reused, report.documents.written) == (4 - len(written), len(written))
    return written


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} non è in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _edit_service(root: Path) -> None:  # a service in the saturation table of Pianura Est's report
    _edit(root / "catalogo/servizi/emporio-solidale.yaml", "denominazione: Emporio solidale",
          "denominazione: Emporio solidale di pianura")


def _rename_ente(root: Path) -> None:  # a party of the accordo only
    _edit(root / "catalogo/enti/odv-rete-solidale.yaml", "denominazione: ", "denominazione: Nuova ")


def _change_fonte(root: Path) -> None:  # no document names a fonte
    _edit(root / "catalogo/fonti/fna-2024-2026.yaml", "Fondo per le non autosufficienze 2024-2026",
          "Fondo non autosufficienze 2024-2026")


def _edit_protocol(root: Path) -> None:
    _edit(root / "protocolli/protocolli/protocollo-rete-servizi-territoriali.yaml", "Visto il decreto",
          "Visto e considerato il decreto")


EDITS = {"servizio": (_edit_service, {PIANURA}), "ente": (_rename_ente, {ACCORDO}),
         "fonte": (_change_fonte, set()), "protocollo": (_edit_protocol, {RETE})}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_after_an_edit_only_the_documents_it_reaches_are_written_and_all_match_a_full_build(built, tmp_path, edit):
    root, out = built
    change, reached = EDITS[edit]
    before = _documents(out)
    change(root)
    assert _rebuild_and_compare(root, out, tmp_path) == reached
    assert {k for k in ALL if before[k] != _documents(out)[k]} == reached  # they did change


def test_a_new_reference_date_writes_the_documents_whose_inputs_depend_on_it(built, tmp_path):
    root, out = built
    # two fixed dates, whatever the suite's clock: on the first both protocols are in force, by the second
    # both have expired (their effective state is part of what they are made from); the planning reports
    # read no date but the generation time, which SOURCE_DATE_EPOCH keeps
    _build(root, out, today=dt.date(2026, 11, 22))
    assert _rebuild_and_compare(root, out, tmp_path, today=dt.date(2031, 6, 1)) == {ACCORDO, RETE}


def test_a_new_generation_time_writes_every_document(built, tmp_path, monkeypatch):
    root, out = built
    before = _documents(out)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400))  # the date each document is stamped with
    assert _rebuild_and_compare(root, out, tmp_path) == ALL
    assert all(before[k] != _documents(out)[k] for k in ALL)


def test_completa_writes_every_document(built):
    root, out = built
    expected = _documents(out)
    report = _build(root, out, reuse=False)
    assert (report.documents.reused, report.documents.written) == (0, 4)
    assert _documents(out) == expected
    assert (_build(root, out).documents.reused, len(document_reuse.load_manifest(out))) == (4, 4)


def test_a_tampered_deleted_or_linked_previous_document_is_written_again(built, tmp_path):
    root, out = built
    expected = _documents(out)
    data = bytearray((out / PIANURA).read_bytes())
    data[len(data) // 2] ^= 1  # one byte
    (out / PIANURA).write_bytes(bytes(data))
    (out / COLLINE).unlink()
    outside = tmp_path / "fuori.docx"
    shutil.copyfile(out / ACCORDO, outside)  # the same bytes, so only the link itself can make it a miss
    (out / ACCORDO).unlink()
    (out / ACCORDO).symlink_to(outside)
    report = _build(root, out)
    assert (report.documents.reused, report.documents.written) == (1, 3)
    assert not (out / ACCORDO).is_symlink()
    assert _documents(out) == expected


@pytest.mark.parametrize("content", [
    b"{non json", b"[" * 100000 + b"]" * 100000,
    json.dumps({"formato": document_reuse.FORMAT, "documenti": {
        "documenti/../../fuori.docx": ["0" * 32, "0" * 32], PIANURA: ["corto", "0" * 32], COLLINE: "niente",
        "documenti/protocolli/x.html": ["0" * 32, "0" * 32]}}).encode(),
    json.dumps({"formato": 999, "documenti": {}}).encode()],
    ids=["non-json", "annidato", "voci-cattive", "altro-formato"])
def test_a_corrupt_manifest_is_a_miss_not_a_crash(built, content):
    root, out = built
    expected = _documents(out)
    document_reuse.manifest_path(out).write_bytes(content)
    report = _build(root, out)
    assert (report.documents.reused, report.documents.written) == (0, 4)
    assert _documents(out) == expected
    assert set(document_reuse.load_manifest(out)) == ALL  # a good manifest again


def test_an_entry_for_a_document_with_other_inputs_is_a_miss(built):
    root, out = built
    manifest = document_reuse.load_manifest(out)
    manifest[PIANURA] = document_reuse.DocumentRecord("f" * 32, manifest[PIANURA].digest)
    document_reuse.save_manifest(out, manifest)
    report = _build(root, out)
    assert (report.documents.reused, report.documents.written) == (3, 1)


def test_the_key_digests_every_input_with_its_type_and_refuses_unknown_types(published):
    catalogue, ctx, protocols = published
    inputs = planning_inputs(catalogue, "pianura-est", ctx)
    key = document_reuse.document_key(PIANURA, inputs)
    assert key is not None and key == document_reuse.document_key(PIANURA, planning_inputs(catalogue, "pianura-est",
                                                                                           ctx))
    assert document_reuse.document_key(COLLINE, inputs) != key  # the path is in it
    changed = [dataclasses.replace(inputs, denominazione=inputs.denominazione + " "),
               dataclasses.replace(inputs, demo=not inputs.demo),
               dataclasses.replace(inputs, threshold=inputs.threshold + 1),
               dataclasses.replace(inputs, gaps=inputs.gaps[1:]),
               dataclasses.replace(inputs, generated=inputs.generated + dt.timedelta(seconds=1)),
               dataclasses.replace(inputs, demand=dataclasses.replace(inputs.demand, saturation=()))]
    keys = {document_reuse.document_key(PIANURA, value) for value in changed}
    assert None not in keys and key not in keys and len(keys) == len(changed)
    # values that would print alike are told apart by type and length
    odd = [("ab",), ("a", "b"), (1,), ("1",), (True,), (1.0,), ([],), ((),), ({},), (None,), ("None",)]
    assert len({document_reuse.document_key(PIANURA, value) for value in odd}) == len(odd)
    for unknown in (object(), {1, 2}, dataclasses.replace(inputs, reti=frozenset(inputs.reti)), b"bytes"):
        assert document_reuse.document_key(PIANURA, unknown) is None
    detail = protocols.protocolli["accordo-programma-inclusione-adi"]
    protocol = protocol_inputs(detail, catalogue, ctx)
    retitled = detail.model_copy(update={"titolo": detail.titolo + " bis"})
    assert (document_reuse.document_key(ACCORDO, protocol)
            != document_reuse.document_key(ACCORDO, dataclasses.replace(protocol, detail=retitled)))


@pytest.fixture
def published(demand_copy):
    from reti_adi.catalogue.discovery import discover
    from reti_adi.check import load_and_check
    from reti_adi.publish.api import build_api
    from reti_adi.publish.context import make_context

    catalogue, result = load_and_check(demand_copy, REFERENCE_DATE)
    assert result.ok
    ctx = make_context(catalogue, [p for _, p in discover(demand_copy)], reference_date=result.today)
    return catalogue, ctx, build_api(catalogue, ctx, None).protocols
