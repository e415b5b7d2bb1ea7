"""Published JSON: pydantic's writer gives the bytes of the standard library's, on every published document."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from reti_adi.catalogue.discovery import discover
from reti_adi.check import load_and_check
from reti_adi.publish import api, feed
from reti_adi.publish.context import make_context
from reti_adi.publish.jsonbytes import dump, dump_python


class Awkward(BaseModel):
    testo: str
    numeri: list[float]
    vuoto: str | None = None
    annidato: dict[str, list[int]] = {}


def test_awkward_text_and_numbers_give_the_same_bytes():
    doc = Awkward(testo='virgolette " barra \\ a capo\n tab\t nul\x00 \x1f \x7f è € 𝄞 \u2028 \u2029 </script>',
                  numeri=[0.0, -1.5, 44.4949, 11.3426, 1e16, 123456789.125], annidato={"a": [1, 2], "": []})
    assert dump(doc) == dump_python(doc)
    assert b'"vuoto"' not in dump(doc)  # exclude_none, as before


def test_every_file_of_the_api_is_the_same_with_either_writer(demand_copy, monkeypatch):
    catalogue, result = load_and_check(demand_copy, date(2026, 6, 1))
    ctx = make_context(catalogue, [p for _, p in discover(demand_copy)], reference_date=result.today)
    fast = api.build_api(catalogue, ctx, None).files
    monkeypatch.setattr(api, "dump", dump_python)
    monkeypatch.setattr(feed, "dump", dump_python)
    reference = api.build_api(catalogue, ctx, None).files
    assert len(fast) > 20 and fast.keys() == reference.keys()
    assert [name for name in reference if fast[name] != reference[name]] == []
