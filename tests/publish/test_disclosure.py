"""Disclosure control: primary and secondary suppression, audited by brute force on random tables."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest

from reti_adi.publish.demand import figures
from reti_adi.publish.disclosure import protect


def test_a_small_cell_recoverable_from_its_total_gets_a_secondary_suppression():
    values = {"totale": 15, "a": 2, "b": 5, "c": 8}
    protected = protect(values, [("totale", ["a", "b", "c"])])
    assert protected.primary == {"a"}
    # totale - b - c would give a back: the smallest other figure (b) is suppressed too
    assert protected.suppressed == {"a", "b"}
    assert protected.published("a") is None and protected.published("b") is None
    assert protected.published("c") == 8 and protected.published("totale") == 15


def test_secondary_suppression_spreads_to_a_fixpoint_over_rows_and_columns():
    base = {("x", "a", None): 1, ("x", "b", None): 6, ("y", "a", None): 7, ("y", "b", None): 9}
    values, relations = figures(base, ["x", "y"], ["a", "b"], {"a": [None], "b": [None]})
    protected = protect(values, relations)
    assert protected.primary == {("cella", "x", "a")}
    hidden = protected.suppressed
    assert ("cella", "x", "a") in hidden
    # row x, column a, and their partners: a 2 × 2 rectangle of cells, never a lonely one
    assert {("cella", "x", "b"), ("cella", "y", "a"), ("cella", "y", "b")} <= hidden
    for total, parts in relations:
        assert sum(1 for k in [total, *parts] if k in hidden) != 1


def test_threshold_can_only_be_raised():
    with pytest.raises(ValueError):
        protect({"t": 1}, [], threshold=2)
    protected = protect({"t": 9, "a": 4, "b": 5}, [("t", ["a", "b"])], threshold=5)
    assert protected.suppressed == {"a", "b"}


def test_a_cell_pinned_by_several_relations_together_is_protected_too():
    """Seed 136 of the random audit, found while writing it: every relation had two hidden figures, yet row c0
    (other cells 0) ties its total to its one hidden cell, and with column t1 and the grand total the hidden
    cell (c2, t0) = 5 was solved. The null-space audit catches it and hides one more figure."""
    base = {("c0", "t1", "t1s1"): 9, ("c1", "t0", "t0s0"): 1, ("c1", "t0", "t0s1"): 1, ("c1", "t1", "t1s0"): 9,
            ("c1", "t1", "t1s1"): 1, ("c1", "t2", "t2s0"): 9, ("c2", "t0", "t0s0"): 2, ("c2", "t0", "t0s1"): 3,
            ("c2", "t1", "t1s0"): 4}
    voci = {"t0": ["t0s0", "t0s1"], "t1": ["t1s0", "t1s1"], "t2": ["t2s0"]}
    values, relations = figures(base, ["c0", "c1", "c2"], ["t0", "t1", "t2"], voci)
    from reti_adi.publish.disclosure import lonely_to_fixpoint, determined_figures

    order = {k: i for i, k in enumerate(values)}
    lonely_only = {k for k, v in values.items() if 0 < v < 3}
    lonely_to_fixpoint(relations, lonely_only, lambda c: min(c, key=lambda k: (values[k] == 0, values[k], order[k])))
    assert ("cella", "c2", "t0") in determined_figures(relations, lonely_only, order)
    protected = protect(values, relations)
    assert determined_figures(relations, set(protected.suppressed), order) == []
    assert len(protected.suppressed) > len(lonely_only)


def test_zeros_are_published_as_zero_and_never_hide_a_small_cell():
    protected = protect({"t": 5, "a": 0, "b": 2, "c": 3}, [("t", ["a", "b", "c"])])
    assert protected.published("a") == 0
    assert protected.suppressed == {"b", "c"}


# --- brute-force audit --------------------------------------------------------------------------------


def feasible_values(values: dict, relations, suppressed: set, cap: int, enough=None) -> dict:
    """The values each suppressed figure can take, over the non-negative integer assignments (≤ cap) of the
    suppressed figures consistent with the published ones: what an attacker with all outputs can infer.
    enough(seen) -> True stops the enumeration early, once the witnesses needed are found."""
    unknowns = sorted(suppressed, key=repr)
    index = {k: i for i, k in enumerate(unknowns)}
    rows = []
    for total, parts in relations:
        coeffs = [Fraction(0)] * len(unknowns)
        rhs = Fraction(0)
        for key, sign in [(total, 1)] + [(p, -1) for p in parts]:
            if key in index:
                coeffs[index[key]] += sign
            else:
                rhs -= sign * values[key]
        if any(coeffs):
            rows.append(coeffs + [rhs])
    # reduced row echelon form
    pivots = []
    r = 0
    for col in range(len(unknowns)):
        pivot = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [v / rows[r][col] for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][col] != 0:
                factor = rows[i][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r])]
        pivots.append(col)
        r += 1
    free = [c for c in range(len(unknowns)) if c not in pivots]
    assert all(any(row[:-1]) or row[-1] == 0 for row in rows), "published figures inconsistent"
    seen = {k: set() for k in unknowns}
    for assignment in itertools.product(range(cap + 1), repeat=len(free)):
        x = [None] * len(unknowns)
        for c, v in zip(free, assignment):
            x[c] = Fraction(v)
        ok = True
        for i, col in enumerate(pivots):
            value = rows[i][-1] - sum(rows[i][c] * x[c] for c in free)
            if value < 0 or value.denominator != 1:
                ok = False
                break
            x[col] = value
        if ok:
            for k in unknowns:
                seen[k].add(int(x[index[k]]))
            if enough is not None and enough(seen):
                break
    return seen


def random_table(rng: random.Random):
    comuni = [f"c{i}" for i in range(rng.randint(2, 3))] + ([None] if rng.random() < 0.3 else [])
    tipologie = [f"t{i}" for i in range(rng.randint(2, 3))]
    voci = {t: [f"{t}s{j}" for j in range(rng.randint(1, 2))] + ([None] if rng.random() < 0.3 else [])
            for t in tipologie}
    base = {}
    for c in comuni:
        for t in tipologie:
            for k in voci[t]:
                value = rng.choice([0, 0, 0, 1, 1, 2, 3, 4, 6, 9])
                if value:
                    base[(c, t, k)] = value
    return base, comuni, tipologie, voci


@pytest.mark.parametrize("seed", range(120))
def test_brute_force_no_suppressed_figure_is_derivable(seed):
    rng = random.Random(seed)
    base, comuni, tipologie, voci = random_table(rng)
    values, relations = figures(base, comuni, tipologie, voci)
    protected = protect(values, relations)
    published = {k: v for k, v in values.items() if k not in protected.suppressed}
    assert all(v == 0 or v >= 3 for v in published.values())
    if not protected.suppressed:
        return
    def safe(key, options) -> bool:
        """Two values at least; for a small cell also one outside 1–2: no one can tell a small group is there."""
        return len(options) > 1 and (key not in protected.primary or min(options) == 0 or max(options) >= 3)

    def enough(seen) -> bool:
        return all(safe(key, options) for key, options in seen.items())

    cap = values[("totale",)] + 3
    feasible = feasible_values(published, relations, set(protected.suppressed), cap, enough)
    for key in protected.suppressed:
        assert safe(key, feasible[key]), (seed, key, values[key], feasible[key])
