"""`reti-adi raccogli` as a library call: harvest every source, aggregate, publish the portal."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reti_adi.federation.aggregate import Aggregate, aggregate
from reti_adi.federation.harvest import HarvestReport, harvest
from reti_adi.federation.portal import PortalPublication, publish_portal
from reti_adi.federation.sources import load_sources
from reti_adi.federation.transport import Limits


class NothingToPublish(Exception):
    """No source has a valid copy: the portal's previous publication is left as it was."""


@dataclass(slots=True)
class FederationReport:
    harvest: HarvestReport
    aggregate: Aggregate | None
    portal: PortalPublication | None


def raccogli(sources_file: Path, folder: Path | None = None, out: Path | None = None, limits: Limits | None = None,
             workers: int = 8, publish: bool = True, steps=None, previous: str | None = None) -> FederationReport:
    """Harvest into folder (default: raccolta/ beside the sources file) and publish into out (default: build/)."""
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
    combined = aggregate(sources, copies, sources_file.parent)
    return FederationReport(report, combined, publish_portal(combined, out, steps, previous))
