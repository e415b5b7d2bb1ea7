"""The build's Word documents: written once-compressed with fixed timestamps, and the same bytes whether
one process writes them or several."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from docx import Document

from reti_adi.catalogue.discovery import discover
from reti_adi.check import load_and_check
from reti_adi.publish import documents
from reti_adi.publish.api import build_api
from reti_adi.publish.context import make_context
from reti_adi.publish.docx import ZIP_EPOCH, docx_bytes, reproducible
from reti_adi.publish.forked import ForkedError, run_forked
from tests.conftest import tree


def sample_document():
    doc = Document()
    doc.add_heading("Rapporto – prova", level=0)
    doc.add_paragraph("Testo con accenti: è, à, ù.")
    table = doc.add_table(rows=2, cols=2)
    table.cell(1, 1).text = "cella"
    return doc


def test_the_document_is_the_one_saved_and_rewritten_with_fixed_times():
    saved = io.BytesIO()
    sample_document().save(saved)
    written = docx_bytes(sample_document())
    assert written == reproducible(saved.getvalue())
    entries = zipfile.ZipFile(io.BytesIO(written)).infolist()
    assert entries and {e.date_time for e in entries} == {ZIP_EPOCH}
    assert "word/document.xml" in {e.filename for e in entries}


def test_without_python_docx_s_writer_steps_it_saves_and_rewrites(monkeypatch):
    from reti_adi.publish import docx

    expected = docx_bytes(sample_document())
    monkeypatch.setattr(docx, "_package_writer", lambda: None)
    assert docx_bytes(sample_document()) == expected


@pytest.fixture
def published(demand_copy):
    catalogue, result = load_and_check(demand_copy, date(2026, 6, 1))
    assert result.ok
    ctx = make_context(catalogue, [p for _, p in discover(demand_copy)], reference_date=result.today)
    return catalogue, ctx, build_api(catalogue, ctx, None).protocols


def test_several_processes_write_the_same_documents_as_one(published, tmp_path, monkeypatch):
    catalogue, ctx, protocols = published
    assert documents.write_documents(catalogue, ctx, protocols, tmp_path / "uno", processes=1) >= 2
    monkeypatch.setattr(documents, "MIN_PER_PROCESS", 1)
    count = documents.write_documents(catalogue, ctx, protocols, tmp_path / "due", processes=2)
    assert count == len(documents.document_jobs(catalogue, protocols))
    one, two = tree(tmp_path / "uno"), tree(tmp_path / "due")
    assert one == two and any(name.endswith(".docx") for name in one)


def _fail_on(value):
    if value == 2:
        raise ValueError("documento non scrivibile")
    return value * 10


def test_a_failing_process_stops_the_step_with_its_message():
    assert run_forked(_fail_on, [(1,), (3,)], "la prova") == [10, 30]
    with pytest.raises(ForkedError, match="(?s)la prova non è riuscita.*documento non scrivibile"):
        run_forked(_fail_on, [(1,), (2,)], "la prova")


def _die(value):
    import os

    os._exit(3)


def test_a_process_that_dies_silently_is_an_error_too():
    with pytest.raises(ForkedError, match="terminato"):
        run_forked(_die, [(1,)], "la prova")


def _steps_with(*extra):
    from reti_adi import build as build_module

    return [("documenti", build_module.step_start_documents), ("api", build_module.step_api), *extra,
            ("attesa_documenti", build_module.step_wait_documents)]


def test_documents_written_in_the_background_are_the_ones_written_in_line(demand_copy, tmp_path, monkeypatch):
    from reti_adi import build as build_module
    from reti_adi.build import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    inline = build(demand_copy, tmp_path / "in-linea", today=date(2026, 6, 1),
                   steps=[("api", build_module.step_api), ("documenti", build_module.step_documents)]).out
    monkeypatch.setattr(documents, "MIN_PER_PROCESS", 1)  # two children, as at national scale
    background = build(demand_copy, tmp_path / "sfondo", today=date(2026, 6, 1), steps=_steps_with()).out
    docs = {k: v for k, v in tree(inline).items() if k.startswith("documenti/")}
    assert any(k.endswith(".docx") for k in docs)
    assert docs == {k: v for k, v in tree(background).items() if k.startswith("documenti/")}


def test_a_document_failing_in_the_background_publishes_nothing(demand_copy, tmp_path, monkeypatch):
    from reti_adi.build import build
    from reti_adi.publish import planning_docx

    out = tmp_path / "build"
    build(demand_copy, out, today=date(2026, 6, 1), steps=_steps_with())
    before = tree(out)

    def broken(*args):
        raise RuntimeError("rapporto non scrivibile")

    monkeypatch.setattr(planning_docx, "write_planning", broken)  # the child is forked with it
    with pytest.raises(ForkedError, match="(?s)la scrittura dei documenti non è riuscita.*rapporto non scrivibile"):
        # reuse off: with it, the unchanged reports would be taken from the previous build, not written
        build(demand_copy, out, today=date(2026, 6, 1), steps=_steps_with(), reuse=False)
    assert tree(out) == before


def test_a_step_that_fails_stops_the_documents_still_being_written(demand_copy, tmp_path, monkeypatch):
    import time

    from reti_adi.build import build

    jobs = []
    started = documents.start_documents

    def slow_share(*args):
        time.sleep(600)

    def keep(*args):
        jobs.append(started(*args))
        return jobs[-1]

    monkeypatch.setattr(documents, "_write_share", slow_share)
    monkeypatch.setattr(documents, "start_documents", keep)

    def fail(state):
        raise RuntimeError("passo fallito")

    with pytest.raises(RuntimeError, match="passo fallito"):
        build(demand_copy, tmp_path / "build", today=date(2026, 6, 1), steps=_steps_with(("guasto", fail)))
    assert len(jobs) == 1 and jobs[0].running() == 0
    assert not (tmp_path / "build" / "documenti").exists()
