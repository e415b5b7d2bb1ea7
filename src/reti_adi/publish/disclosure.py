"""Disclosure control for published counts of households: no published figure may let anyone tell a
small group of households apart, directly or by arithmetic on other published figures.

The algorithm, chosen because it is simple to state, to check and to audit:

1. **Primary suppression.** Every published figure with 0 < value < threshold is suppressed. The
   threshold is 3 by default (Sistan rules on statistical confidentiality, GU 14 Jan 2019, All. 1
   art. 5) and may only be raised (catalogo.yaml, `soglia_riservatezza`). Zeros are published: an
   empty cell identifies no one.
2. **Secondary suppression over every relation.** Everything published about one ambito, quarter and
   measure is a set of linear *relations* «total = sum of parts» over the same figures: each comune's
   row, each tipologia's column, the grand total both ways, and each tipologia's total broken down by
   service. A relation with exactly one suppressed figure gives that figure away (total minus the
   others), so in every such relation one more figure is suppressed: the smallest non-zero one not yet
   suppressed (ties in a fixed order, so the result is reproducible), repeated to a fixpoint.
3. **Audit, then repair.** «No relation with a single suppressed figure» is not enough: several
   relations together can still pin a figure down (a row whose other cells are all 0 ties its total to
   its one hidden cell; chained with a column and the grand total, a hidden cell is solved). So the
   relations are solved as a linear system in the suppressed figures: a figure is *determined* when
   every solution of the system gives it the same value, i.e. when its coordinate is zero in every
   vector of the null space (computed with numpy's SVD; the matrix has entries 0/±1, so the tolerance is
   safe). For the first determined figure, the smallest non-zero figure it shares a relation with is
   suppressed too, and steps 2–3 repeat until no figure is determined. Each round suppresses one more
   figure, so it ends. All suppressed figures are then non-zero and free to move by ±1 along the
   system's integer null vectors, so each one can be one more or one less than it is: a small cell can
   be 0 or at least the threshold, for all anyone can tell.
4. **Nothing else is published.** Totals are the true totals (or suppressed); no table is published
   that is not one of these relations, and different quarters and measures share no figure, so the
   relations above are all the arithmetic an attacker has. tests/publish/test_disclosure.py audits
   random tables by brute force: for every suppressed figure it enumerates the non-negative integer
   values consistent with everything published and checks that more than one remains, and that a small
   cell could also be 0 or at least the threshold.

Primary and secondary suppressions are published alike (value null, `riservato: true`): marking them
apart would tell an attacker that a secondary one is at least the threshold, and with that bound a
small figure could be pinned down again.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 3

Key = Hashable
Relation = tuple[Key, Sequence[Key]]
"""(total, parts): values[total] == sum(values[part] for part in parts)."""


@dataclass(frozen=True, slots=True)
class Protected:
    values: dict[Key, int]
    suppressed: frozenset[Key]
    primary: frozenset[Key]
    threshold: int

    def published(self, key: Key) -> int | None:
        """The value to publish, or None for a suppressed figure (never 0)."""
        return None if key in self.suppressed else self.values[key]


def check_relations(values: dict[Key, int], relations: Sequence[Relation]) -> None:
    for total, parts in relations:
        if values[total] != sum(values[p] for p in parts):
            raise ValueError(f"relazione incoerente: {total!r} ≠ somma di {list(parts)!r}")


def protect(values: dict[Key, int], relations: Sequence[Relation], threshold: int = DEFAULT_THRESHOLD) -> Protected:
    """Primary then secondary suppression to a fixpoint. `values` must satisfy every relation."""
    if threshold < DEFAULT_THRESHOLD:
        raise ValueError(f"soglia {threshold} sotto il minimo di {DEFAULT_THRESHOLD}")
    check_relations(values, relations)
    order = {key: index for index, key in enumerate(values)}

    def smallest(candidates):
        # non-zero first: a hidden zero protects nothing once it is guessed
        return min(candidates, key=lambda key: (values[key] == 0, values[key], order[key]))

    primary = {key for key, value in values.items() if 0 < value < threshold}
    suppressed = set(primary)
    while True:
        lonely_to_fixpoint(relations, suppressed, smallest)
        determined = determined_figures(relations, suppressed, order)
        if not determined:
            break
        target = determined[0]
        candidates = {key for total, parts in relations if target in (total, *parts)
                      for key in (total, *parts) if key not in suppressed}
        if not candidates:  # every neighbour hidden already: nothing more can be done for it
            raise RuntimeError(f"figura {target!r} non proteggibile")
        suppressed.add(smallest(candidates))
    return Protected(dict(values), frozenset(suppressed), frozenset(primary), threshold)


def lonely_to_fixpoint(relations: Sequence[Relation], suppressed: set, smallest) -> None:
    """In every relation with exactly one suppressed figure, suppress one more; repeat until none is left."""
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            members = (total, *parts)
            if sum(1 for key in members if key in suppressed) == 1:
                suppressed.add(smallest([key for key in members if key not in suppressed]))
                changed = True


def determined_figures(relations: Sequence[Relation], suppressed: set, order: dict) -> list[Key]:
    """Suppressed figures that the relations and the published figures fix to one value, in `order`."""
    import numpy as np

    unknowns = sorted(suppressed, key=order.__getitem__)
    if not unknowns:
        return []
    column = {key: i for i, key in enumerate(unknowns)}
    rows = []
    for total, parts in relations:
        row = np.zeros(len(unknowns))
        for key, sign in ((total, 1.0), *((part, -1.0) for part in parts)):
            if key in column:
                row[column[key]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]
    if null_space.shape[0] == 0:
        return unknowns
    free = np.abs(null_space).max(axis=0) > 1e-9
    return [key for key, moves in zip(unknowns, free) if not moves]
