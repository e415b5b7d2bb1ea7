"""Pagefind's bundle rewritten in one canonical order, so the same pages always give the same bytes.

Pagefind 1.x writes two things in an order that is not a function of its input: the values
of each filter and the list of filters (Rust hash maps, seeded per process: different on
every run), and the page numbers (the order in which it walks the folder, which the
filesystem decides: the same pages staged on another machine are numbered differently).
Page numbers run through the word index, the filters and the sort orders, and every file
is named by a hash of its content, so both causes change files and names.

This module decodes the bundle (gzip + "pagefind_dcd" + CBOR), renumbers the pages in the
order of their fragment hashes (content-derived), sorts filter values and filters by name,
re-encodes, renames each rewritten file by the same rule Pagefind uses (SHA-1 of the CBOR),
and points pagefind-entry.json at the new metadata file. Fragments are untouched: their
names are already content hashes. The metadata, every filter and the first word chunk are checked to re-encode to their exact
bytes before anything is changed (the other chunks come from the same code in Pagefind), and any
value out of the expected shape stops the build: a Pagefind version with another layout stops it
instead of publishing a damaged index.

Cost: at national scale this rewrite took more than Pagefind itself. It runs in its own interpreter
(`python -m reti_adi.site.search_canonical BUNDLE`), so two regioni are rewritten on two cores
rather than taking turns on one lock, and it compresses at zlib's default level (a quarter of the
time of level 9, 2-3% larger files).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
from operator import itemgetter
from pathlib import Path

import cbor2

from reti_adi.site.errors import SiteBuildError

SIGNATURE = b"pagefind_dcd"
COMPRESSION = 6
SORT_KEYS = {"titolo": "title"}
"""Each data-pagefind-sort of the pages and the fragment meta field that holds the same text: pages
that tie on a sort are put in page order, which needs their sort values."""


class _Layout(SiteBuildError):
    def __init__(self, what: str):
        super().__init__(f"l'indice di ricerca scritto da Pagefind non ha la forma attesa ({what}): "
                         "questa versione di Pagefind non è supportata")


def _read(path: Path, verify: bool = True):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise _Layout(f"{path.name}: manca la firma di Pagefind")
    body = raw[len(SIGNATURE):]
    try:
        value = cbor2.loads(body)
    except (cbor2.CBORDecodeError, ValueError) as exc:
        raise _Layout(f"{path.name}: CBOR non leggibile") from exc
    if verify and cbor2.dumps(value) != body:
        raise _Layout(f"{path.name}: la codifica CBOR non si riproduce identica")
    return value


def _encode(value) -> bytes:
    return cbor2.dumps(value)


def _write(path: Path, body: bytes) -> None:
    path.write_bytes(gzip.compress(SIGNATURE + body, compresslevel=COMPRESSION, mtime=0))


def _short_hash(body: bytes, language: str, taken: set[str], length: int) -> str:
    """Pagefind's rule: language, underscore, the first hex digits of the SHA-1, longer on a collision."""
    full = f"{language}_{hashlib.sha1(body).hexdigest()}"
    size = len(language) + 1 + length
    while full[:size] in taken and size < len(full):
        size += 1
    taken.add(full[:size])
    return full[:size]


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise _Layout(what)


def _renumber_postings(pages: list, new_number: list[int]) -> list:
    """pages: [[delta page number, locs, meta locs], ...] in page order -> the same entries, renumbered
    and re-sorted (changed in place: they were just decoded). A malformed entry raises TypeError or
    IndexError, which canonicalize_bundle turns into the layout error."""
    absolute, number = [], 0
    for entry in pages:
        number += entry[0]
        if number < 0:
            raise IndexError(number)
        absolute.append((new_number[number], entry))
    absolute.sort(key=itemgetter(0))
    last = 0
    for number, entry in absolute:
        entry[0], last = number - last, number
    return [entry for _, entry in absolute]


def canonicalize_bundle(bundle: Path) -> None:
    """Rewrite one Pagefind bundle (one language) in place, in canonical order, in its own interpreter."""
    command = [sys.executable, "-m", "reti_adi.site.search_canonical", str(bundle)]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        message = proc.stderr.strip().splitlines()[-1:] or ["il processo è terminato con errore"]
        raise SiteBuildError(f"riscrittura dell'indice di ricerca {bundle.name}: {message[0]}")


def canonicalize_here(bundle: Path) -> None:
    """canonicalize_bundle in this process."""
    try:
        _canonicalize(bundle)
    except (TypeError, IndexError, KeyError, AttributeError) as exc:
        raise _Layout(f"valore inatteso: {type(exc).__name__}") from exc


def _canonicalize(bundle: Path) -> None:
    entry_path = bundle / "pagefind-entry.json"
    entry_text = entry_path.read_text(encoding="utf-8")
    entry = json.loads(entry_text)
    languages = entry.get("languages")
    _expect(isinstance(languages, dict) and len(languages) == 1, "pagefind-entry.json: una sola lingua attesa")
    language, described = next(iter(languages.items()))
    meta_path = bundle / f"pagefind.{described['hash']}.pf_meta"
    meta = _read(meta_path)
    _expect(isinstance(meta, list) and len(meta) == 6 and all(isinstance(part, list) for part in meta[1:]),
            "metadati: forma inattesa")
    pages, chunks, filters, sorts = meta[1], meta[2], meta[3], meta[4]
    _expect(all(isinstance(p, list) and len(p) >= 2 and isinstance(p[0], str) for p in pages), "metadati: pagine")

    order = sorted(range(len(pages)), key=lambda old: (pages[old][0], old))
    new_number = [0] * len(pages)
    for new, old in enumerate(order):
        new_number[old] = new
    meta[1] = [pages[old] for old in order]

    bodies = []
    for position, chunk in enumerate(chunks):  # all read before any is written: a new name may be an old one
        _expect(isinstance(chunk, list) and len(chunk) == 3, "metadati: blocchi dell'indice")
        path = bundle / "index" / f"{chunk[2]}.pf_index"
        words = _read(path, verify=position == 0)
        _expect(isinstance(words, list) and len(words) == 1 and isinstance(words[0], list), "indice: forma inattesa")
        for word in words[0]:
            _expect(isinstance(word, list) and len(word) == 3 and isinstance(word[1], list)
                    and isinstance(word[2], list), "indice: parola")
            word[1] = _renumber_postings(word[1], new_number)
            for variant in word[2]:
                _expect(isinstance(variant, list) and len(variant) == 2, "indice: variante")
                variant[1] = _renumber_postings(variant[1], new_number)
        bodies.append(_encode(words))
        path.unlink()
    taken: set[str] = set()
    for chunk, body in zip(chunks, bodies):
        chunk[2] = _short_hash(body, language, taken, 7)
        _write(bundle / "index" / f"{chunk[2]}.pf_index", body)

    taken = set()
    listed = []
    for name, digest in sorted(filters):
        path = bundle / "filter" / f"{digest}.pf_filter"
        content = _read(path)
        _expect(isinstance(content, list) and len(content) == 2 and content[0] == name, "filtro: forma inattesa")
        values = sorted([value, sorted(new_number[n] for n in numbers)] for value, numbers in content[1])
        body = _encode([name, values])
        path.unlink()
        listed.append((name, body))
    meta[3] = []
    for name, body in listed:
        digest = _short_hash(body, language, taken, 7)
        _write(bundle / "filter" / f"{digest}.pf_filter", body)
        meta[3].append([name, digest])

    if sorts:
        titles = _fragment_meta(bundle, pages)
        for sort in sorts:
            _expect(isinstance(sort, list) and len(sort) == 2 and sort[0] in SORT_KEYS,
                    f"ordinamento Pagefind sconosciuto: {sort[0] if isinstance(sort, list) and sort else sort}")
            sort[1] = _canonical_sort(sort[1], new_number, [t.get(SORT_KEYS[sort[0]]) for t in titles])

    body = _encode(meta)
    meta_hash = f"{language}_{hashlib.sha1(body).hexdigest()[:len(language) + 8]}"
    meta_path.unlink()
    _write(bundle / f"pagefind.{meta_hash}.pf_meta", body)
    old = f'"hash":"{described["hash"]}"'
    _expect(entry_text.count(old) == 1, "pagefind-entry.json: hash dei metadati")
    entry_path.write_text(entry_text.replace(old, f'"hash":"{meta_hash}"'), encoding="utf-8")


def _fragment_meta(bundle: Path, pages: list) -> list[dict]:
    """The meta fields of each page (by old page number), read from its fragment."""
    found = []
    for page in pages:
        raw = gzip.decompress((bundle / "fragment" / f"{page[0]}.pf_fragment").read_bytes())
        _expect(raw.startswith(SIGNATURE), "frammento senza firma")
        meta = json.loads(raw[len(SIGNATURE):]).get("meta")
        found.append(meta if isinstance(meta, dict) else {})
    return found


def _canonical_sort(sorted_pages: list, new_number: list[int], keys: list) -> list[int]:
    """Pagefind's order stays; only pages with the same sort value, which it leaves in page order,
    are put in the new page order."""
    result: list[int] = []
    run: list[int] = []
    for old in sorted_pages:
        if run and keys[old] != keys[run[0]]:
            result.extend(sorted(new_number[page] for page in run))
            run = []
        run.append(old)
    result.extend(sorted(new_number[page] for page in run))
    return result


def main(argv: list[str]) -> int:
    """The child of canonicalize_bundle: the bundle's path; the layout error, in Italian, on stderr."""
    if len(argv) != 1:
        print("uso: python -m reti_adi.site.search_canonical CARTELLA_DELL_INDICE", file=sys.stderr)
        return 2
    try:
        canonicalize_here(Path(argv[0]))
    except (SiteBuildError, OSError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
