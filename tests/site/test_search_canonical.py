"""The canonical rewrite of Pagefind's index changes numbers and names, never what a search finds."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import sys
from pathlib import Path

import cbor2
import pytest

from reti_adi.site import search_index
from reti_adi.site.errors import SiteBuildError
from reti_adi.site.search_canonical import SIGNATURE, canonicalize_bundle


def _decode(path: Path):
    raw = gzip.decompress(path.read_bytes())
    assert raw.startswith(SIGNATURE)
    return cbor2.loads(raw[len(SIGNATURE):])


def _postings(pages: list, fragment_of: list[str]) -> list:
    found, number = [], 0
    for delta, *rest in pages:
        number += delta
        found.append((fragment_of[number], json.dumps(rest)))
    return sorted(found)


def searchable(bundle: Path) -> dict:
    """What a search can find in a bundle, with pages named by their fragment (content) hash."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    (described,) = entry["languages"].values()
    meta = _decode(bundle / f"pagefind.{described['hash']}.pf_meta")
    fragment_of = [page[0] for page in meta[1]]
    words = {}
    for chunk in meta[2]:
        for word, pages, variants in _decode(bundle / "index" / f"{chunk[2]}.pf_index")[0]:
            words[word] = (_postings(pages, fragment_of),
                           sorted((json.dumps(v[0]) if len(v) > 2 else "", json.dumps(_postings(v[-1], fragment_of)))
                                  for v in variants))
    filters = {}
    for name, digest in meta[3]:
        content = _decode(bundle / "filter" / f"{digest}.pf_filter")
        filters[name] = {value: sorted(fragment_of[n] for n in numbers) for value, numbers in content[1]}
    sorts = {name: [fragment_of[n] for n in order] for name, order in meta[4]}
    return {"pagine": sorted(fragment_of), "parole": words, "filtri": filters, "ordinamenti": sorts}


@pytest.fixture(scope="module")
def bundles(built_site, tmp_path_factory):
    work = tmp_path_factory.mktemp("indice")
    staging = work / "pagine"
    pages = sorted(built_site.glob("servizi/*/index.html"))
    assert len(pages) > 20
    for page in pages:
        target = staging / "servizi" / page.parent.name / "index.html"
        target.parent.mkdir(parents=True)
        shutil.copyfile(page, target)
    raw, canonical = work / "grezzo", work / "canonico"
    search_index.run_pagefind(staging, raw, canonical=False)
    shutil.copytree(raw, canonical)
    canonicalize_bundle(canonical)
    return raw, canonical


def test_every_word_filter_and_page_is_found_as_pagefind_wrote_it(bundles):
    raw, canonical = bundles
    before, after = searchable(raw), searchable(canonical)
    assert len(before["pagine"]) > 20 and len(before["parole"]) > 100 and before["filtri"]
    assert after["pagine"] == before["pagine"]
    assert after["parole"] == before["parole"]
    assert after["filtri"] == before["filtri"]
    assert after["ordinamenti"].keys() == before["ordinamenti"].keys()
    for name, order in before["ordinamenti"].items():  # ties may move, the set of pages never
        assert sorted(after["ordinamenti"][name]) == sorted(order)


def test_each_rewritten_file_is_named_by_the_hash_of_its_content(bundles):
    _, canonical = bundles
    for folder, suffix in (("index", ".pf_index"), ("filter", ".pf_filter")):
        files = sorted((canonical / folder).glob(f"*{suffix}"))
        assert files
        for path in files:
            body = gzip.decompress(path.read_bytes())[len(SIGNATURE):]
            language, short = path.stem.split("_", 1)
            assert hashlib.sha1(body).hexdigest().startswith(short), path.name


def test_a_chunk_out_of_shape_stops_the_build_with_an_italian_message(bundles, tmp_path):
    raw, _ = bundles
    broken = tmp_path / "rotto"
    shutil.copytree(raw, broken)
    chunk = sorted((broken / "index").glob("*.pf_index"))[-1]
    chunk.write_bytes(gzip.compress(SIGNATURE + cbor2.dumps([[["parola", [["non un numero"]], []]]])))
    with pytest.raises(SiteBuildError, match="non ha la forma attesa"):
        canonicalize_bundle(broken)


def test_the_pagefind_run_is_the_binary_of_the_installed_pagefind_package():
    """The build runs the binary directly (no `python -m` start-up per bundle): it must be the one the
    pagefind package itself would run, of the version the bundle keys record."""
    import importlib.metadata
    import subprocess

    from reti_adi.site.search_index import pagefind_command

    command = pagefind_command()
    assert command[0] != sys.executable
    printed = subprocess.run([*command, "--version"], capture_output=True, text=True, check=True).stdout
    assert printed.split() == ["pagefind", importlib.metadata.version("pagefind")]
