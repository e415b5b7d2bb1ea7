"""The change log (api/v1/modifiche/): an append-only sequence of change sets, never a one-step diff.

Each build compares the content fingerprints of every record with the previous publication.
If anything was added, modified or removed, one new change set is appended with the next
sequence number; the change sets already published are carried forward byte for byte. A build
of unchanged input appends nothing, so a client at sequence n fetches n+1, n+2, … and misses
nothing however many builds it skipped. Sequence 1 lists the whole catalogue as added, so a new
client can start from 0. The same comparison gives each record's `modificato_il`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from reti_adi.publish import api_models as m
from reti_adi.publish.jsonbytes import dump
from reti_adi.publish.previous import PreviousPublication

FEED_DIR = "modifiche"


def variations(current: dict[str, dict[str, str]], previous: PreviousPublication | None) -> dict[str, m.Variazioni]:
    """Per kind: ids added, modified (fingerprint changed) and removed since the previous publication."""
    out = {}
    for kind, now in current.items():
        before = previous.fingerprints(kind) if previous else {}
        out[kind] = m.Variazioni(
            aggiunti=sorted(set(now) - set(before)),
            modificati=sorted(i for i in set(now) & set(before) if now[i] != before[i]),
            rimossi=sorted(set(before) - set(now)))
    return out


def modified_dates(current: dict[str, dict[str, str]], previous: PreviousPublication | None,
                   today: dt.date) -> dict[str, dict[str, dt.date]]:
    """A record keeps the date of the previous publication while its fingerprint is unchanged."""
    out: dict[str, dict[str, dt.date]] = {}
    for kind, now in current.items():
        before = previous.fingerprints(kind) if previous else {}
        dates = previous.modified(kind) if previous else {}
        out[kind] = {i: dates[i] if before.get(i) == fp and i in dates else today for i, fp in now.items()}
    return out


@dataclass(slots=True)
class Feed:
    files: dict[str, bytes] = field(default_factory=dict)
    """Path under api/v1/ -> content: every change set and the index."""
    added: m.InsiemeModifiche | None = None
    """The change set this build appended; None when nothing changed."""
    latest: m.InsiemeModifiche | None = None
    sequence: int = 0
    started: dt.date | None = None
    """The date of change set 1: when the catalogue was first published (DCAT's dct:issued)."""


def _any(variazioni: dict[str, m.Variazioni]) -> bool:
    return any(v.aggiunti or v.modificati or v.rimossi for v in variazioni.values())


def build_feed(current: dict[str, dict[str, str]], previous: PreviousPublication | None, *, date: dt.date,
               generated_at: str, catalogue_version: str, namespace: str | None) -> Feed:
    feed = Feed()
    entries: list[m.VoceModifiche] = []
    if previous is not None and previous.feed is not None:
        entries = list(previous.feed.insiemi)
        for sequence, content in previous.change_sets.items():
            feed.files[f"{FEED_DIR}/{sequence}.json"] = content
        variazioni = variations(current, previous)
    else:  # the feed starts here: everything is new to a client at sequence 0
        removed = variations(current, previous)
        variazioni = {kind: m.Variazioni(aggiunti=sorted(ids), rimossi=removed[kind].rimossi)
                      for kind, ids in current.items()}
    if not entries or _any(variazioni):
        precedente = None
        if previous is not None:
            precedente = m.Testata(versione_api=previous.manifest.versione_api,
                                   versione_catalogo=previous.manifest.versione_catalogo,
                                   generato_il=previous.manifest.generato_il)
        feed.added = m.InsiemeModifiche(sequenza=len(entries) + 1, data=date, generato_il=generated_at,
                                        versione_catalogo=catalogue_version, id_catalogo=namespace,
                                        precedente=precedente, variazioni=variazioni)
        content = dump(feed.added)
        relative = f"{FEED_DIR}/{feed.added.sequenza}.json"
        feed.files[relative] = content
        entries.append(m.VoceModifiche(sequenza=feed.added.sequenza, data=date, percorso=relative,
                                       sha256=hashlib.sha256(content).hexdigest()))
    feed.sequence = len(entries)
    feed.started = entries[0].data
    feed.latest = feed.added or m.InsiemeModifiche.model_validate_json(feed.files[f"{FEED_DIR}/{feed.sequence}.json"])
    index_namespace = previous.feed.id_catalogo if feed.added is None and previous and previous.feed else namespace
    feed.files[f"{FEED_DIR}/index.json"] = dump(m.IndiceModifiche(
        id_catalogo=index_namespace, ultima_sequenza=feed.sequence, insiemi=entries))
    return feed


def compatibility_changes(feed: Feed, tombstones: list[m.Tombstone]) -> m.ChangesDoc:
    """changes.json as platforms read it before the feed: the latest change set, all tombstones.

    Stamped with the publication that introduced those changes, so rebuilding unchanged input
    leaves it byte-identical instead of emptying it."""
    latest = feed.latest
    return m.ChangesDoc(versione_catalogo=latest.versione_catalogo, generato_il=latest.generato_il,
                        precedente=latest.precedente, variazioni=latest.variazioni, ritirati=tombstones,
                        sequenza=latest.sequenza)
