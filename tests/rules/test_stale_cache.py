"""A stale cache never hides an error: after every kind of change, a re-check with the cache gives
exactly the problems of a check without it (the full lists, in order), and it reads again only what
the change touched."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from reti_adi.catalogue import cache as cache_module
from reti_adi.catalogue.records import Catalogue
from reti_adi.check import check, load_and_check
from reti_adi.rules import checker
from reti_adi.rules.registry import RecordRule

from ..conftest import REFERENCE_DATE

SERVICE = "catalogo/servizi/emporio-solidale.yaml"


def cold(root, today=REFERENCE_DATE):
    return check(root, today, jobs=1).problems


def warm(root, today=REFERENCE_DATE):
    return check(root, today, use_cache=True, jobs=1).problems


def same_as_cold(root, today=REFERENCE_DATE):
    expected = cold(root, today)
    assert warm(root, today) == expected
    assert warm(root, today) == expected  # and what the re-check stored is right too
    return expected


def edit(root, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def warmed(catalogue_copy):
    assert warm(catalogue_copy) == cold(catalogue_copy)
    return catalogue_copy


def test_a_file_that_becomes_invalid(warmed):
    edit(warmed, SERVICE, "tipologia: e", "tipologia: z")
    problems = same_as_cold(warmed)
    assert [(p.file, p.rule) for p in problems if p.severity == "errore"] == [(SERVICE, "schema.literal_error")]


def test_a_reference_broken_in_another_file(warmed):
    # the service's cached result read «is there an ente odv-rete-solidale»: the ente now says another id
    edit(warmed, "catalogo/enti/odv-rete-solidale.yaml", "id: odv-rete-solidale", "id: odv-rinominata")
    problems = same_as_cold(warmed)
    assert (SERVICE, "riferimenti.ente") in {(p.file, p.rule) for p in problems}


def test_an_ambito_that_loses_a_comune(warmed):
    # the service's cached result read the ambito's content (its comuni): the ambito drops the sede's comune
    edit(warmed, "catalogo/ambiti/pianura-est.yaml", '  - "037005"  # Bentivoglio\n', "")
    problems = same_as_cold(warmed)
    assert (SERVICE, "territorio.sede-fuori-ambito") in {(p.file, p.rule) for p in problems}


def test_a_referenced_file_deleted(warmed):
    (warmed / "catalogo/enti/odv-rete-solidale.yaml").unlink()
    problems = same_as_cold(warmed)
    assert (SERVICE, "riferimenti.ente") in {(p.file, p.rule) for p in problems}


def test_a_fonte_deleted_and_restored(warmed):
    fonti = sorted((warmed / "catalogo/fonti").glob("*.yaml"))
    kept = fonti[0].read_bytes()
    fonti[0].unlink()
    assert any(p.rule == "riferimenti.fonte" for p in same_as_cold(warmed))
    fonti[0].write_bytes(kept)
    assert not any(p.rule == "riferimenti.fonte" for p in same_as_cold(warmed))


def test_a_duplicate_id(warmed):
    shutil.copy(warmed / SERVICE, warmed / "catalogo/servizi/emporio-solidale-copia.yaml")
    problems = same_as_cold(warmed)
    assert "riferimenti.id-duplicato" in {p.rule for p in problems}


def test_a_new_reference_date_moves_the_calendar_warnings(warmed):
    later = REFERENCE_DATE + dt.timedelta(days=800)
    before = {(p.file, p.rule) for p in cold(warmed)}
    after = same_as_cold(warmed, later)
    assert {(p.file, p.rule) for p in after} != before
    assert any(p.rule == "aggiornamento.verifica" for p in after)
    assert same_as_cold(warmed) == cold(warmed)  # and back


def test_a_protocol_model_override(warmed):
    """A protocol's cached result read the repository's model overrides: adding or removing one re-runs it."""
    from reti_adi.catalogue.vocabularies import schemas_dir

    shipped = (schemas_dir() / "modelli" / "allegato_1.yaml").read_text(encoding="utf-8")
    (warmed / "protocolli/modelli").mkdir()
    override = warmed / "protocolli/modelli/allegato_1.yaml"
    override.write_text(shipped.rstrip("\n") + "\n  - {tipo: altro, obbligatoria: true}\n", encoding="utf-8")
    problems = same_as_cold(warmed)
    assert "protocolli.sezione" in {p.rule for p in problems}
    override.unlink()
    assert "protocolli.sezione" not in {p.rule for p in same_as_cold(warmed)}


def test_an_edit_keeping_size_and_mtime_with_the_stat_shortcut_on(warmed, monkeypatch):
    """With every file old enough to be trusted by its lstat, a rewrite keeping size and mtime is still
    seen: writing moves the ctime, which no one can set back."""
    import os

    monkeypatch.setattr(cache_module, "SETTLED_NS", 0)
    warm(warmed)  # records the lstat of every file, now trusted
    path = warmed / SERVICE
    status = path.stat()
    text = path.read_text()
    broken = text.replace("tipologia: e", "tipologia: z")
    path.write_text(broken)
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert path.stat().st_size == status.st_size and path.stat().st_mtime_ns == status.st_mtime_ns
    assert [p.rule for p in warm(warmed) if p.severity == "errore"] == ["schema.literal_error"]
    assert warm(warmed) == cold(warmed)


@pytest.mark.parametrize("field, value, forge", [("problemi", "[]", False), ("scheda", "v:un-altro-id", False),
                                                ("impronta", "0" * 32, False), ("visto", 2 ** 62, False),
                                                ("problemi", "{}", True), ("impronta", "0" * 31, True)])
def test_a_damaged_entry_of_a_file_trusted_by_its_lstat_is_still_a_miss(warmed, monkeypatch, field, value, forge):
    """The stat shortcut skips reading the file, never checking its entry: one that does not check out
    (here: emptied of the file's own error, pointing at another record, or malformed under a checksum
    computed again) is read and judged again."""
    from ..catalogue.test_cache import files_in_part_of, tamper

    monkeypatch.setattr(cache_module, "SETTLED_NS", 0)
    edit(warmed, SERVICE, "tipologia: e", "tipologia: z")
    expected = cold(warmed)
    assert "schema.literal_error" in {p.rule for p in expected}
    warm(warmed)  # records the verdict and the lstat of every file, now trusted
    hashed: list[str] = []  # files read and hashed (get) or parsed (put) by the loader
    for name in ("get", "put"):
        original = getattr(cache_module.CheckCache, name)
        monkeypatch.setattr(cache_module.CheckCache, name, lambda self, *args, _original=original, **kwargs: (
            hashed.append(args[0]), _original(self, *args, **kwargs))[1])
    assert warm(warmed) == expected and hashed == []  # trusted: no file is read to be hashed
    tamper(warmed, "voce", field, value, SERVICE, forge=forge)
    assert warm(warmed) == expected
    if forge:  # the part checks out: only the malformed entry's file is read again
        assert hashed in ([SERVICE], [SERVICE, SERVICE])
    else:  # the part does not: the files of that part are read again
        assert SERVICE in hashed and set(hashed) == files_in_part_of(warmed, SERVICE)
    assert warm(warmed) == expected


def test_a_file_changed_just_before_it_was_hashed_is_hashed_again(catalogue_copy):
    """git's «racy» rule: a signature taken less than SETTLED_NS after the file changed is not trusted."""
    warm(catalogue_copy)
    entries = cache_module.CheckCache(catalogue_copy)
    status = (catalogue_copy / SERVICE).stat()
    assert entries.settled_digest(SERVICE, "servizio", status) is None  # just written by the fixture
    entry = entries.entries[(SERVICE, "servizio")]
    entry[3:5] = [cache_module.signature(status), max(status.st_mtime_ns, status.st_ctime_ns) + cache_module.SETTLED_NS + 1]
    assert entries.settled_digest(SERVICE, "servizio", status) is not None


def test_a_re_check_reads_again_only_what_the_edit_touched(warmed, monkeypatch):
    edit(warmed, SERVICE, "posti_disponibili: 120", "posti_disponibili: 121")
    parsed: list[str] = []
    original = cache_module.CheckCache.put
    monkeypatch.setattr(cache_module.CheckCache, "put",
                        lambda self, *args: (parsed.append(args[0]), original(self, *args))[1])
    catalogue, result = load_and_check(warmed, REFERENCE_DATE, use_cache=True, jobs=1)
    assert parsed == [SERVICE]
    services = catalogue.of("servizio")
    read_again = [r.file for r in services.values() if r.source is None]
    assert read_again == [SERVICE]  # the other services' models were never validated again
    assert result.problems == cold(warmed)


def test_a_rule_that_reads_past_the_tracked_look_ups_is_not_reused(warmed, monkeypatch):
    seen: list[str] = []

    def peeks_at_everything(catalogue: Catalogue, record, today):
        seen.append(record.id)
        if catalogue.files > 10**9:  # an attribute outside the tracked ones
            yield

    rule = RecordRule("fonte", peeks_at_everything, include_partial=False)
    monkeypatch.setattr(checker, "RULES", [*checker.RULES, rule])
    warm(warmed)
    first = len(seen)
    warm(warmed)
    assert first > 0 and len(seen) == 2 * first  # run again each time: nothing said what it depended on


CHECK_IN_A_PROCESS = """
import sys
from pathlib import Path
from reti_adi.check import check
problems = check(Path(sys.argv[1]), use_cache=True, jobs=1).problems
print(sorted(name for name in sys.modules if name.startswith("reti_adi.catalogue.models.protocolli")
             or name == "reti_adi.catalogue.protocol_templates"))
print(sorted({(p.file, p.rule) for p in problems if p.severity == "errore"}))
"""


def check_in_a_process(root) -> tuple[str, str]:
    """A re-check in a process of its own, as `reti-adi check` runs: the protocol modules it imported, and
    its errors (file, rule)."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", CHECK_IN_A_PROCESS, str(root)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    imported, errors = proc.stdout.strip().splitlines()
    return imported, errors


def test_protocol_models_are_built_only_for_a_protocol_read_again(warmed):
    """A re-check after a service edit does not build the protocol models; one after a protocol edit does,
    and a broken reference in the protocol or in the network it points to is still reported."""
    edit(warmed, SERVICE, "posti_disponibili: 120", "posti_disponibili: 121")
    assert check_in_a_process(warmed) == ("[]", "[]")
    edit(warmed, "protocolli/reti/rete-inclusione-adi-pianura-est.yaml", "gestore: asp-pianura-est",
         "gestore: ente-che-non-esiste")
    imported, errors = check_in_a_process(warmed)
    assert "reti_adi.catalogue.models.protocolli" in imported
    assert "('protocolli/reti/rete-inclusione-adi-pianura-est.yaml', 'riferimenti.ente')" in errors
    assert same_as_cold(warmed) == cold(warmed)
    edit(warmed, "protocolli/protocolli/accordo-programma-inclusione-adi.yaml",
         "rete: rete-inclusione-adi-pianura-est", "rete: rete-che-non-esiste")
    imported, errors = check_in_a_process(warmed)
    assert "'protocolli/protocolli/accordo-programma-inclusione-adi.yaml'" in errors
    assert same_as_cold(warmed) == cold(warmed)
