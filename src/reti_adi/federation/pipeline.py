"""`reti-adi raccogli` as a library call: harvest every source, aggregate, publish the portal."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from reti_adi import __version__, clock

from reti_adi.federation.aggregate import Aggregate, aggregate
from reti_adi.federation.harvest import HarvestReport, HarvestState, harvest
from reti_adi.federation.portal import PortalPublication, publish_portal
from reti_adi.federation.sources import load_sources
from reti_adi.federation.transport import Limits
from reti_adi.reporters.text import plural


class NothingToPublish(Exception):
    """No source has a valid copy: the portal's previous publication is left as it was."""


PUBLISHED_FILE = "portale-pubblicato.json"
"""In the harvest folder: the fingerprint of what the portal in `out` was published from."""


@dataclass(slots=True)
class FederationReport:
    harvest: HarvestReport
    aggregate: Aggregate | None
    portal: PortalPublication | None
    unchanged: bool = False
    """Nothing the portal is made of changed since its last publication: it was not rebuilt."""
    conflicts: list[str] = field(default_factory=list)
    """Every conflict of the portal as published, one Italian line each «source: message», also when it was
    not rebuilt (they are kept with its fingerprint)."""

    def published(self) -> str:
        """«Portale pubblicato in …: 1 servizio da 1 sorgente.», agreeing in number."""
        if self.portal is None:
            return ""
        return (f"Portale pubblicato in {self.portal.out}: {plural(self.portal.services, 'servizio', 'servizi')} da "
                f"{plural(len(self.harvest.state.sorgenti), 'sorgente', 'sorgenti')}.")


def inputs_fingerprint(sources_file: Path, state: HarvestState, today: dt.date) -> str:
    """Changes when the sources file, any copy held, the reti-adi version or the reference date changes: the
    calendar statuses the portal shows are those of the day it is built for."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(f"{today.isoformat()};".encode())
    digest.update(sources_file.read_bytes())
    for source_id, held in sorted(state.sorgenti.items()):
        digest.update(f"{source_id}:{held.sha256_index};".encode())
    return digest.hexdigest()


def _published_from(folder: Path) -> tuple[str | None, list[str]]:
    """The fingerprint and the conflicts of the last publication (our own file, still read defensively)."""
    try:
        raw = (folder / PUBLISHED_FILE).read_bytes()
        data = json.loads(raw) if len(raw) <= 50_000_000 else {}
        conflicts = data.get("conflitti", [])
        return data.get("impronta"), [c for c in conflicts if isinstance(c, str)] if isinstance(conflicts, list) else []
    except (OSError, ValueError, AttributeError):
        return None, []


def raccogli(sources_file: Path, folder: Path | None = None, out: Path | None = None, limits: Limits | None = None,
             workers: int = 8, publish: bool = True, steps=None, previous: str | None = None,
             force: bool = False, today: dt.date | None = None) -> FederationReport:
    """Harvest into folder (default: raccolta/ beside the sources file) and publish into out (default: build/).

    today is the reference date of the portal's calendar statuses (default clock.today()). When nothing
    changed since the portal in out was published (same sources file, same copies, same reti-adi, same
    reference date), the portal is not rebuilt unless force is set: an hourly schedule costs seconds."""
    today = today or clock.today()
    sources_file = Path(sources_file).resolve()
    sources = load_sources(sources_file)
    folder = Path(folder).resolve() if folder else sources_file.parent / "raccolta"
    out = Path(out).resolve() if out else sources_file.parent / "build"
    report = harvest(sources, sources_file, folder, limits, workers)
    copies = {s.id: (report.copy_of(s.id), s.url) for s in sources.sorgenti if report.copy_of(s.id) is not None}
    if not copies:
        raise NothingToPublish("nessuna sorgente ha una copia valida: il portale non è stato pubblicato")
    if not publish:
        return FederationReport(report, None, None)
    fingerprint = inputs_fingerprint(sources_file, report.state, today)
    published, conflicts = _published_from(folder)
    if not force and published == fingerprint and (out / "api" / "v1" / "index.json").is_file():
        return FederationReport(report, None, None, unchanged=True, conflicts=conflicts)
    combined = aggregate(sources, copies, sources_file.parent)
    portal = publish_portal(combined, out, steps, previous, today)
    conflicts = [c.describe() for c in combined.conflicts]
    (folder / PUBLISHED_FILE).write_text(json.dumps({"impronta": fingerprint, "conflitti": conflicts},
                                                    ensure_ascii=False), encoding="utf-8")
    return FederationReport(report, combined, portal, conflicts=conflicts)
