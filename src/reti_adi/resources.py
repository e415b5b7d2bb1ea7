"""Files reti-adi ships beside its code: the source checkout's, or the copies inside the wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parents[1]
_WHEEL = _PACKAGE / "_risorse"


def resource(name: str) -> Path:
    """`name` relative to the repository root: «site_src», «mkdocs.yml», «templates», «catalogo»."""
    wheel = _WHEEL / {"catalogo": "esempio/catalogo"}.get(name, name)
    checkout = _CHECKOUT / name
    in_checkout = (_CHECKOUT / "pyproject.toml").is_file() and checkout.exists()
    for candidate in ((checkout, wheel) if in_checkout else (wheel,)):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"risorsa di reti-adi mancante: {name}")


def catalogue_or_default(root: Path, name: str) -> Path:
    """The catalogue repository's own file (mkdocs.yml, site_src) if it has one, else the shipped one."""
    own = Path(root) / name
    return own if own.exists() else resource(name)
