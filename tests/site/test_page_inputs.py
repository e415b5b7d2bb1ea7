"""A page's input digest decides whether a rebuild renders it: equal digests must mean equal pages.

The digester is checked on values of every shape it accepts, and on the real pages of the example
catalogue: every detail page has a key, and across edits (a service's text, an ente's phone that only
the list pages' cards show, the reference date) each page whose digest stayed the same renders the same
text, while each page whose text changed has a new digest.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from markupsafe import Markup
from pydantic import BaseModel

from reti_adi.catalogue.discovery import discover
from reti_adi.check import load_and_check
from reti_adi.publish.api import build_api
from reti_adi.publish.context import make_context
from reti_adi.site.mkdocs_site import is_detail_page
from reti_adi.site.pages.catalogue import PageWriter
from reti_adi.site.pages.inputs import InputDigester, Unkeyable

from ..conftest import REFERENCE_DATE


class Model(BaseModel):
    id: str
    n: int = 0


@dataclasses.dataclass
class Box:
    a: object
    b: object = None


def _digest(value, **options) -> str:
    return InputDigester(**options).digest("t.html.j2", {"v": value})


@pytest.mark.parametrize("first, second", [
    ("<b>", Markup("<b>")), ([1, 2], (1, 2)), (1, True), (1, 1.0), (None, "None"), ("a", ["a"]),
    (date(2026, 1, 2), "2026-01-02"), ({"a": 1}, {"a": 2}), (["a", "b"], ["ab"]), (Box(1), Box(1, 2)),
    (Model(id="x"), Model(id="x", n=1)), (Model(id="x"), {"id": "x", "n": 0}), ("", None), ([], ()),
])
def test_different_values_have_different_digests(first, second):
    assert _digest(first) != _digest(second)


def test_equal_values_have_equal_digests_whatever_the_dict_order():
    assert _digest({"a": [1, Model(id="x")], "b": Box("y")}) == _digest({"b": Box("y"), "a": [1, Model(id="x")]})
    assert InputDigester().digest("a.j2", {"v": 1}) != InputDigester().digest("b.j2", {"v": 1})


def test_an_unknown_type_or_a_too_deep_value_has_no_digest():
    with pytest.raises(Unkeyable):
        _digest([object()])
    with pytest.raises(Unkeyable):
        _digest(lambda: 1)
    deep: list = []
    for _ in range(100):
        deep = [deep]
    with pytest.raises(Unkeyable):
        _digest(deep)


def test_what_the_writer_attaches_to_a_model_is_part_of_its_digest():
    model = Model(id="x")
    assert _digest(model, extra=lambda m: {"telefono": "1"}) != _digest(model, extra=lambda m: {"telefono": "2"})
    assert _digest(object(), constants=(object,)) == _digest(object(), constants=(object,))


def _pages(root: Path, today: date) -> dict[str, tuple[str | None, str]]:
    """Every detail page of the catalogue: path -> (input digest, rendered text)."""
    catalogue, result = load_and_check(root, today)
    assert result.ok, [p.message for p in result.errors]
    ctx = make_context(catalogue, [p for _, p in discover(root)], reference_date=result.today)
    pub = build_api(catalogue, ctx, None)
    writer = PageWriter(catalogue, pub.details, ctx, pub.protocols, defer=is_detail_page)
    writer.write_all()
    digests = {path: writer.input_digest(path) for path in writer.deferred}
    return {path: (digests[path], writer.render_deferred(path)) for path in list(writer.deferred)}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} non è in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def before(catalogue_copy):
    return _pages(catalogue_copy, REFERENCE_DATE)


def test_every_detail_page_of_the_example_has_a_key(before):
    assert len(before) > 40
    assert [path for path, (digest, _) in before.items() if digest is None] == []


EDITS = {
    "servizio": lambda root: _edit(root / "catalogo/servizi/emporio-solidale.yaml", "Market a punti",
                                   "Emporio a punti"),
    # the card of each service without contacts of its own shows its ente's phone: list pages only
    "telefono-ente": lambda root: _edit(root / "catalogo/enti/caf-pianura.yaml", '"051 700600"', '"051 700601"'),
}


# two dates the example tells apart whatever the suite's reference date: between them its services'
# verifications become overdue and its protocols expire
EARLY, LATE = date(2026, 11, 22), date(2028, 12, 1)


@pytest.mark.parametrize("edit", list(EDITS) + ["data"], ids=list(EDITS) + ["data"])
def test_a_page_whose_inputs_did_not_change_renders_the_same_and_a_changed_page_has_a_new_key(
        catalogue_copy, before, edit):
    today = REFERENCE_DATE
    if edit == "data":
        before, today = _pages(catalogue_copy, EARLY), LATE
    else:
        EDITS[edit](catalogue_copy)
    after = _pages(catalogue_copy, today)
    assert after.keys() == before.keys()
    changed = [path for path in after if after[path][1] != before[path][1]]
    assert changed, "la modifica non cambia alcuna pagina: il test non proverebbe nulla"
    assert [path for path in changed if after[path][0] == before[path][0]] == []
    assert len(changed) < len(after) or edit == "data"


def test_a_deferred_page_renders_as_it_would_have_at_once(catalogue_copy, before):
    """Deferring keeps the values until the end of write_all: none of them may change in between."""
    catalogue, result = load_and_check(catalogue_copy, REFERENCE_DATE)
    ctx = make_context(catalogue, [p for _, p in discover(catalogue_copy)], reference_date=result.today)
    pub = build_api(catalogue, ctx, None)
    at_once = PageWriter(catalogue, pub.details, ctx, pub.protocols).write_all()
    assert {path: text for path, (_, text) in before.items()} == {p: at_once[p] for p in before}


def test_a_lazy_value_is_keyed_by_its_function_and_arguments_and_made_once():
    from reti_adi.site.pages.inputs import Lazy

    calls = []

    def _made(x):  # a closure: no key
        calls.append(x)
        return Markup("<b>{}</b>").format(x)

    assert _digest(Lazy(data_lazy, "a")) == _digest(Lazy(data_lazy, "a")) != _digest(Lazy(data_lazy, "b"))
    with pytest.raises(Unkeyable):
        _digest(Lazy(_made, "a"))
    with pytest.raises(Unkeyable):
        _digest(Lazy(lambda: "x"))
    value = Lazy(_made, "<x>")
    assert str(value) == "<b>&lt;x&gt;</b>" and value.__html__() == str(value) and bool(value) and calls == ["<x>"]


def data_lazy(x):
    return Markup("<i>{}</i>").format(x)
