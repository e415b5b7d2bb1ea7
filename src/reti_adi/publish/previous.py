"""Read the previous publication (a build directory or a published URL) to compute what changed."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


class PreviousUnavailable(Exception):
    pass


@dataclass(slots=True)
class PreviousPublication:
    manifest: dict
    changes: dict
    _fetch: object = field(repr=False, default=None)

    def fingerprints(self, kind: str) -> dict[str, str]:
        return self.manifest.get("impronte", {}).get(kind, {})

    def tombstones(self) -> list[dict]:
        return list(self.changes.get("ritirati", []))

    def service(self, service_id: str) -> dict | None:
        try:
            return self._fetch(f"servizi/{service_id}.json")
        except PreviousUnavailable:
            return None


def _reader(base: str):
    """A function that returns the parsed JSON at a path under api/v1/ of a directory or URL."""
    if base.startswith(("http://", "https://")):
        root = base.rstrip("/") + "/api/v1/"

        def fetch(path: str) -> dict:
            try:
                with urllib.request.urlopen(root + path, timeout=30) as response:  # noqa: S310
                    return json.loads(response.read().decode("utf-8"))
            except (urllib.error.URLError, ValueError, OSError) as exc:
                raise PreviousUnavailable(f"{root + path}: {exc}") from exc
        return fetch

    directory = Path(base) / "api" / "v1"

    def read(path: str) -> dict:
        try:
            return json.loads((directory / path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise PreviousUnavailable(f"{directory / path}: {exc}") from exc
    return read


def load_previous(base: str | Path) -> PreviousPublication | None:
    """None when there is no previous publication there (the first build)."""
    fetch = _reader(str(base))
    try:
        manifest = fetch("index.json")
    except PreviousUnavailable:
        return None
    try:
        changes = fetch("changes.json")
    except PreviousUnavailable:
        changes = {}
    return PreviousPublication(manifest, changes, fetch)
