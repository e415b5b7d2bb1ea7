"""Each protocol as a Word document ready to circulate for signature (python-docx)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from docx import Document
from docx.shared import Pt

from reti_adi.catalogue.models.protocolli import ORGANI, STRUMENTI
from reti_adi.catalogue.records import Catalogue
from reti_adi.publish import api_models as m
from reti_adi.publish.context import BuildContext

MODELLI = {"allegato_1": "DM 93/2024, Allegato I", "allegato_2": "DM 93/2024, Allegato II"}
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


@dataclass(frozen=True, slots=True)
class ProtocolInputs:
    """Everything one protocol's document is made from: write_protocol reads nothing else, so a digest of
    these fields (publish/document_reuse.py) tells whether a previous build's document can stand for it."""

    detail: m.ProtocolloDettaglio
    names: tuple[tuple[str, str], ...]
    """(ente id, denominazione) of each ente the commitments and the governance name."""
    demo: bool
    generated: dt.datetime


def protocol_inputs(detail: m.ProtocolloDettaglio, catalogue: Catalogue, ctx: BuildContext) -> ProtocolInputs:
    named = dict.fromkeys([i.ente for i in detail.impegni]
                          + [c["ente"] for organo in detail.governance for c in organo.composizione])
    enti = catalogue.of("ente")
    names = tuple((ente_id, str(enti[ente_id].model.denominazione)) for ente_id in named if ente_id in enti)
    generated = dt.datetime.fromisoformat(ctx.generated_at.replace("Z", "+00:00")).replace(tzinfo=None)
    return ProtocolInputs(detail=detail, names=names, demo=bool(ctx.demo), generated=generated)


def protocol_docx(detail: m.ProtocolloDettaglio, catalogue: Catalogue, ctx: BuildContext) -> bytes:
    return write_protocol(protocol_inputs(detail, catalogue, ctx))


def write_protocol(inputs: ProtocolInputs) -> bytes:
    """The protocol's .docx from its inputs alone."""
    detail, names, demo = inputs.detail, dict(inputs.names), inputs.demo
    doc = Document()
    doc.styles["Normal"].font.name = "Liberation Serif"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(detail.titolo, level=0)
    doc.add_paragraph(f"{STRUMENTI[detail.strumento.codice]} – schema {MODELLI[detail.modello]}")
    if demo or detail.stato in ("bozza", "in_firma"):
        note = "Documento dimostrativo generato da dati di esempio." if demo else "Testo in bozza."
        doc.add_paragraph(note).runs[0].italic = True

    doc.add_heading("Tra", level=1)
    for parte in detail.parti_firmatarie:
        doc.add_paragraph(f"{parte.ente.denominazione}, per il quale firma il {parte.ruolo_firmatario}",
                          style="List Bullet")
    if detail.premesse:
        doc.add_heading("Premesse", level=1)
        for premessa in detail.premesse:
            doc.add_paragraph(premessa)
    if detail.riferimenti_normativi:
        doc.add_heading("Riferimenti normativi", level=1)
        for riferimento in detail.riferimenti_normativi:
            doc.add_paragraph(riferimento, style="List Bullet")
    doc.add_heading("Si conviene quanto segue", level=1)
    for articolo in detail.articoli:
        doc.add_heading(f"Art. {articolo.numero} – {articolo.titolo}", level=2)
        doc.add_paragraph(articolo.testo)

    doc.add_heading("Allegato A – Impegni delle parti", level=1)
    for ente_id in dict.fromkeys([i.ente for i in detail.impegni]):
        doc.add_heading(names.get(ente_id, ente_id), level=2)
        for impegno in (i for i in detail.impegni if i.ente == ente_id):
            doc.add_paragraph(impegno.descrizione, style="List Bullet")
            for indicatore in impegno.indicatori:
                doc.add_paragraph(f"Indicatore: {indicatore}", style="List Bullet 2")
    if detail.governance:
        doc.add_heading("Allegato B – Governance", level=1)
        for organo in detail.governance:
            doc.add_heading(f"{organo.denominazione} ({ORGANI[organo.tipo]})", level=2)
            members = ", ".join(names.get(c["ente"], c["ente"]) + (f" ({c['ruolo']})" if c.get("ruolo") else "")
                                for c in organo.composizione)
            doc.add_paragraph(f"Composizione: {members}.")
            doc.add_paragraph(f"Frequenza delle riunioni: {organo.frequenza}.")
            if organo.compiti:
                doc.add_paragraph(f"Compiti: {organo.compiti}")
    if detail.indicatori:
        doc.add_heading("Indicatori di monitoraggio", level=1)
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("Codice", "Indicatore", "Valore atteso", "Frequenza")):
            cell.text = text
        for indicatore in detail.indicatori:
            row = table.add_row().cells
            for cell, key in zip(row, ("codice", "descrizione", "valore_atteso", "frequenza")):
                cell.text = indicatore.get(key, "")

    doc.add_heading("Durata", level=1)
    doc.add_paragraph(f"Decorrenza: {_date(detail.decorrenza)}. Scadenza: {_date(detail.scadenza)}."
                      + (f" Rinnovo: {detail.rinnovo}." if detail.rinnovo else ""))
    doc.add_heading("Firme", level=1)
    doc.add_paragraph("Letto, approvato e sottoscritto con firma digitale ai sensi del D.Lgs. 82/2005.")
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Ente", "Per l'ente", "Firma digitale")):
        cell.text = text
    for parte in detail.parti_firmatarie:
        row = table.add_row().cells
        row[0].text = parte.ente.denominazione
        row[1].text = parte.ruolo_firmatario

    props = doc.core_properties
    props.title = detail.titolo
    props.author = props.last_modified_by = "reti-adi"
    props.created = props.modified = props.last_printed = inputs.generated
    props.revision = 1
    return docx_bytes(doc)


def _fixed_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _reproducible(data: bytes) -> bytes:
    """python-docx stamps zip entries with the clock: rewrite them with a fixed time."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(_fixed_info(info.filename), source.read(info.filename))
    return out.getvalue()


class _FixedTimeZip:
    """The zip writer python-docx's PackageWriter writes parts to, stamping each with ZIP_EPOCH."""

    def __init__(self, target: io.BytesIO):
        self._zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED)

    def write(self, pack_uri, blob: bytes) -> None:
        self._zip.writestr(_fixed_info(pack_uri.membername), blob)

    def close(self) -> None:
        self._zip.close()


def _package_writer():
    """python-docx's PackageWriter if it still has the three steps its write() runs, else None."""
    from docx.opc import pkgwriter

    writer = pkgwriter.PackageWriter
    steps = ("_write_content_types_stream", "_write_pkg_rels", "_write_parts")
    return writer if all(callable(getattr(writer, step, None)) for step in steps) else None


def docx_bytes(doc) -> bytes:
    """The .docx with fixed zip timestamps, compressed once.

    Saving and then rewriting every entry (`_reproducible`) compressed each part twice: a third of
    the time of 600 planning reports. The same writes, in python-docx's own order, go straight to a
    zip that stamps the fixed time; the bytes are those of the rewrite (a test compares them). If a
    python-docx release moves those steps, the document is saved and rewritten as before."""
    writer = _package_writer()
    package = doc.part.package
    if writer is None:
        buffer = io.BytesIO()
        doc.save(buffer)
        return _reproducible(buffer.getvalue())
    for part in package.parts:
        part.before_marshal()
    out = io.BytesIO()
    target = _FixedTimeZip(out)
    writer._write_content_types_stream(target, package.parts)
    writer._write_pkg_rels(target, package.rels)
    writer._write_parts(target, package.parts)
    target.close()
    return out.getvalue()


reproducible = _reproducible
"""Public name for other documents (the planning report) that need the same fixed zip timestamps."""
