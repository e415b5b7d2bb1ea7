"""The data package's CSV: the csv module writes None and dates itself, as the converting writer did."""

from __future__ import annotations

import csv
import datetime as dt
import io

from reti_adi.check import load_and_check
from reti_adi.publish import datapackage

from ..conftest import REFERENCE_DATE


def converting_csv(header: list[str], rows: list[list]) -> bytes:
    """What the data package wrote before: every value converted in Python first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v) for v in row])
    return buffer.getvalue().encode("utf-8")


def test_every_table_of_the_example_is_written_as_the_converting_writer_did(catalogue_copy):
    catalogue, _ = load_and_check(catalogue_copy, REFERENCE_DATE, jobs=1)
    tables = datapackage._tables(catalogue)
    assert any(isinstance(v, dt.date) for *_, rows in tables for row in rows for v in row)
    assert any(v is None for *_, rows in tables for row in rows for v in row)
    for name, _, schema, rows in tables:
        header = [f["name"] for f in schema["fields"]]
        assert datapackage._csv(header, rows) == converting_csv(header, rows), name


def test_every_kind_of_value_is_written_the_same():
    rows = [["a", None, dt.date(2026, 1, 2), 0, 7, True, False, "", "virgola, \"citazione\"\nriga", "è"]]
    header = [f"c{i}" for i in range(len(rows[0]))]
    assert datapackage._csv(header, rows) == converting_csv(header, rows)
    assert b"2026-01-02" in datapackage._csv(header, rows)
