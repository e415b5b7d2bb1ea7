"""From the checked demand rows to the protected tables every output shares (API, data package, pages, DOCX).

For each ambito, quarter and measure (households activated, households needing a sostegno not present)
the rows are summed into one set of figures: comune × tipologia cells, each comune's total, each
tipologia's total, the ambito total, and each tipologia's total by service («voce»: a catalogue service,
or the needs of that tipologia no record describes). disclosure.protect() suppresses them once; every
output reads the same Protected figures, so no two outputs can be combined to undo a suppression.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from reti_adi.catalogue.demand import DemandRow, period_key
from reti_adi.catalogue.records import Catalogue
from reti_adi.catalogue.vocabularies import vocabulary
from reti_adi.publish.disclosure import DEFAULT_THRESHOLD, Protected, Relation, protect

MEASURES: dict[str, str] = {
    "nuclei_non_presenti": "Nuclei per cui il sostegno serviva ma non era presente",
    "nuclei_attivati": "Nuclei per cui il sostegno è stato attivato",
}
NON_INDICATO = None
"""Row of the households whose comune the platform did not export."""

Base = dict[tuple[str | None, str, str | None], int]
"""(comune or None, tipologia, servizio id or None) -> households."""


def threshold(catalogue: Catalogue) -> int:
    meta = catalogue.meta.model if catalogue.meta else None
    return max(DEFAULT_THRESHOLD, getattr(meta, "soglia_riservatezza", DEFAULT_THRESHOLD) or DEFAULT_THRESHOLD)


def figures(base: Base, comuni: list[str | None], tipologie: list[str],
            voci: dict[str, list[str | None]]) -> tuple[dict, list[Relation]]:
    """Every figure published for one measure, and the relations among them."""
    values: dict = {("totale",): 0}
    for c in comuni:
        values[("comune", c)] = 0
    for t in tipologie:
        values[("tipologia", t)] = 0
        for k in voci.get(t, []):
            values[("voce", t, k)] = 0
    for c in comuni:
        for t in tipologie:
            values[("cella", c, t)] = 0
    for (c, t, k), n in base.items():
        values[("cella", c, t)] += n
        values[("voce", t, k)] += n
        values[("comune", c)] += n
        values[("tipologia", t)] += n
        values[("totale",)] += n
    relations: list[Relation] = []
    relations += [(("comune", c), [("cella", c, t) for t in tipologie]) for c in comuni]
    relations += [(("tipologia", t), [("cella", c, t) for c in comuni]) for t in tipologie]
    relations.append((("totale",), [("comune", c) for c in comuni]))
    relations.append((("totale",), [("tipologia", t) for t in tipologie]))
    relations += [(("tipologia", t), [("voce", t, k) for k in voci[t]]) for t in tipologie if voci.get(t)]
    return values, relations


@dataclass(slots=True)
class QuarterDemand:
    ambito: str
    periodo: str
    comuni: list[str | None]
    tipologie: list[str]
    voci: dict[str, list[str | None]]
    measures: dict[str, Protected] = field(default_factory=dict)

    def value(self, measure: str, key) -> int | None:
        return self.measures[measure].published(key)


@dataclass(slots=True)
class DemandPublication:
    threshold: int
    quarters: dict[str, dict[str, QuarterDemand]] = field(default_factory=dict)
    """ambito -> periodo (in time order) -> protected figures."""

    def periods(self, ambito: str) -> list[str]:
        return list(self.quarters.get(ambito, {}))


_LAST: list = []
"""The last (catalogue, publication): API, data package, pages and DOCX of one build share one computation."""


def build_demand(catalogue: Catalogue) -> DemandPublication:
    """Aggregate and protect, once per catalogue. Rows are checked already (the build refuses errors)."""
    if _LAST and _LAST[0] is catalogue:
        return _LAST[1]
    pub = _build_demand(catalogue)
    _LAST[:] = [catalogue, pub]
    return pub


def _build_demand(catalogue: Catalogue) -> DemandPublication:
    limit = threshold(catalogue)
    pub = DemandPublication(limit)
    servizi = catalogue.of("servizio")
    grouped: dict[tuple[str, str], list[DemandRow]] = defaultdict(list)
    for row in catalogue.demand:
        grouped[(row.ambito, row.periodo)].append(row)
    tipologie = list(vocabulary("tipologie_art7").codes)
    for (ambito_id, periodo) in sorted(grouped, key=lambda k: (k[0], period_key(k[1]))):
        ambito = catalogue.get("ambito", ambito_id)
        rows = grouped[(ambito_id, periodo)]
        bases: dict[str, Base] = {m: defaultdict(int) for m in MEASURES}
        voci: dict[str, set] = defaultdict(set)
        for row in rows:
            t = servizi[row.servizio].model.tipologia if row.servizio else row.tipologia
            voci[t].add(row.servizio)
            for measure in MEASURES:
                bases[measure][(row.comune, t, row.servizio)] += getattr(row, measure)
        comuni: list[str | None] = list(ambito.comuni)
        if any(row.comune is None for row in rows):
            comuni.append(NON_INDICATO)
        ordered_voci = {t: sorted(ks, key=lambda k: (k is None, k or "")) for t, ks in voci.items()}
        quarter = QuarterDemand(ambito_id, periodo, comuni, tipologie, ordered_voci)
        for measure in MEASURES:
            values, relations = figures(dict(bases[measure]), comuni, tipologie, ordered_voci)
            quarter.measures[measure] = protect(values, relations, limit)
        pub.quarters.setdefault(ambito_id, {})[periodo] = quarter
    return pub


def comune_label(code: str | None) -> str:
    from reti_adi.catalogue.vocabularies import comuni

    return "Comune non indicato" if code is None else comuni()[code].denominazione


def voce_label(catalogue: Catalogue, tipologia: str, servizio: str | None) -> str:
    if servizio is None:
        return f"Altri bisogni: {vocabulary('tipologie_art7').label(tipologia)}"
    return catalogue.get("servizio", servizio).denominazione


def demand_document(catalogue: Catalogue, pub: DemandPublication, ambito_id: str, header: dict):
    """api/v1/ambiti/{id}/domanda.json: every figure as published (suppressed ones null and riservato)."""
    from reti_adi.publish import api_models as m

    def count(protected: Protected, key) -> m.Conteggio:
        value = protected.published(key)
        return m.Conteggio(valore=value, riservato=value is None)

    def table(q: QuarterDemand, measure: str) -> m.TabellaDomanda:
        p = q.measures[measure]
        voci = []
        for t in q.tipologie:
            for k in q.voci.get(t, []):
                s = catalogue.get("servizio", k) if k else None
                voci.append(m.VoceDomanda(tipologia=t, servizio=k, denominazione=voce_label(catalogue, t, k),
                                          stato=s.stato if s else None,
                                          posti_disponibili=s.posti_disponibili if s else None,
                                          nuclei=count(p, ("voce", t, k))))
        return m.TabellaDomanda(
            totale=count(p, ("totale",)), tipologie={t: count(p, ("tipologia", t)) for t in q.tipologie},
            comuni=[m.ComuneDomanda(comune_istat=c, denominazione=comune_label(c), totale=count(p, ("comune", c)),
                                    tipologie={t: count(p, ("cella", c, t)) for t in q.tipologie}) for c in q.comuni],
            voci=voci)

    return m.DomandaDoc(**header, ambito=ambito_id, soglia_riservatezza=pub.threshold, periodi=[
        m.PeriodoDomanda(periodo=q.periodo, nuclei_non_presenti=table(q, "nuclei_non_presenti"),
                         nuclei_attivati=table(q, "nuclei_attivati"))
        for q in pub.quarters.get(ambito_id, {}).values()])


def demand_rows(catalogue: Catalogue, pub: DemandPublication) -> dict[str, list[list]]:
    """Rows of the data package's three demand tables, from the same protected figures."""
    cells, totals, voci = [], [], []
    for ambito_id, quarters in pub.quarters.items():
        for q in quarters.values():
            for measure, p in q.measures.items():
                def out(key):
                    value = p.published(key)
                    return [value, value is None]
                head = [q.periodo, ambito_id, measure]
                for c in q.comuni:
                    for t in q.tipologie:
                        cells.append(head + [c or "non_indicato", t] + out(("cella", c, t)))
                totals.append(head + ["ambito", ambito_id] + out(("totale",)))
                totals.extend(head + ["comune", c or "non_indicato"] + out(("comune", c)) for c in q.comuni)
                totals.extend(head + ["tipologia", t] + out(("tipologia", t)) for t in q.tipologie)
                for t in q.tipologie:
                    for k in q.voci.get(t, []):
                        s = catalogue.get("servizio", k) if k else None
                        voci.append(head + [t, k] + out(("voce", t, k)) + [s.posti_disponibili if s else None])
    return {"domanda_celle": cells, "domanda_totali": totals, "domanda_servizi": voci}
