"""The planning reports' tables: rows copied from the first give the XML python-docx gives row by row."""

from __future__ import annotations

from docx import Document
from lxml import etree

from reti_adi.publish.planning_docx import add_table


def python_docx_table(doc, header, rows) -> None:
    """What the reports did before: every row made by python-docx."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = str(text)


def body_xml(make, header, rows) -> bytes:
    doc = Document()
    make(doc, header, rows)
    return etree.tostring(doc.element.body)


def test_copied_rows_are_the_rows_python_docx_makes():
    header = ["Comune", "Attivi", "Nota"]
    rows = [["Budrio", 3, "aperto"], ["Molinella", None, ""], [" spazio iniziale", "a\tb", "riga\nnuova"],
            ["Médicina – è", 0, "fine "], ["x", "y", "z"]]
    assert body_xml(add_table, header, rows) == body_xml(python_docx_table, header, rows)
    assert b"Molinella" in body_xml(add_table, header, rows)


def test_rows_of_other_lengths_and_no_rows_too():
    header = ["A", "B", "C"]
    for rows in ([], [["solo"]], [["1", "2", "3"], ["4"]]):
        assert body_xml(add_table, header, rows) == body_xml(python_docx_table, header, rows)
