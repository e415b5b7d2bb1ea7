"""`reti-adi raccogli` as a library call: harvest every source, aggregate, publish the portal."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from reti_adi import __version__

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

    def published(self) -> str:
        """«Portale pubblicato in …: 1 servizio da 1 sorgente.», agreeing in number."""
        if self.portal is None:
            return ""
        return (f"Portale pubblicato in {self.portal.out}: {plural(self.portal.services, 'servizio', 'servizi')} da "
                f"{plural(len(self.harvest.state.sorgenti), 'sorgente', 'sorgenti')}.")


def inputs_fingerprint(sources_file: Path, state: HarvestState) -> str:
    """Changes when the sources file, any copy held, or the reti-adi version changes."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(sources_file.read_bytes())
    for source_id, held in sorted(state.sorgenti.items()):
        digest.update(f"{source_id}:{held.sha256_index};".encode())
    return digest.hexdigest()


def _published_from(folder: Path) -> str | None:
    try:
        return json.loads((folder / PUBLISHED_FILE).read_bytes()).get("impronta")
    except (OSError, ValueError, AttributeError):
        return None


def raccogli(sources_file: Path, folder: Path | None = None, out: Path | None = None, limits: Limits | None = None,
             workers: int = 8, publish: bool = True, steps=None, previous: str | None = None,
             force: bool = False) -> FederationReport:
    """Harvest into folder (default: raccolta/ beside the sources file) and publish into out (default: build/).

    When nothing changed since the portal in out was published (same sources file, same copies, same
    reti-adi), the portal is not rebuilt unless force is set: an hourly schedule costs seconds."""
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
    fingerprint = inputs_fingerprint(sources_file, report.state)
    if not force and _published_from(folder) == fingerprint and (out / "api" / "v1" / "index.json").is_file():
        return FederationReport(report, None, None, unchanged=True)
    combined = aggregate(sources, copies, sources_file.parent)
    portal = publish_portal(combined, out, steps, previous)
    (folder / PUBLISHED_FILE).write_text(json.dumps({"impronta": fingerprint}), encoding="utf-8")
    return FederationReport(report, combined, portal)
