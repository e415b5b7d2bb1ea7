"""A network diagram as inline SVG, drawn at build time.

mkdocs-material's Mermaid support loads mermaid.js from a CDN, which public-sector pages must
not do; a static SVG needs no script at all. The members table beside it is the text alternative.
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

from reti_adi.publish import api_models as m

WIDTH = 900
ROLE_COLOURS = {"gestore": "#0b4f8a", "capofila": "#0f5b2c", "coordinatore": "#6b4500"}


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def network_svg(rete: m.ReteOut, parent_name: str | None) -> Markup:
    members = [x for x in rete.membri if x.ente.id != rete.gestore.id]
    rx, ry = 330, 200 if len(members) > 8 else 170
    top = 90 if parent_name else 30
    cx, cy = WIDTH / 2, top + ry + 30
    height = cy + ry + 50
    gap = math.radians(40) if parent_name else 0.0  # keep the top free for the parent network's link
    span = 2 * math.pi - 2 * gap
    parts = [f'<svg class="ra-diagramma" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
             f'aria-labelledby="diagramma-titolo diagramma-desc" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="diagramma-titolo">Schema della rete {escape(rete.denominazione)}</title>',
             f'<desc id="diagramma-desc">Al centro il gestore {escape(rete.gestore.denominazione)}, collegato a '
             f'{len(members)} membri; l\'elenco completo è nella tabella dei membri.</desc>']
    if parent_name:
        parts.append(f'<line x1="{cx}" y1="58" x2="{cx}" y2="{cy - 26}" stroke="#6b6b6b" stroke-dasharray="6 4"/>')
        parts.append(f'<rect x="{cx - 190}" y="14" width="380" height="44" rx="6" fill="#fff" stroke="#6b6b6b"/>')
        parts.append(f'<text x="{cx}" y="34" text-anchor="middle" font-size="12" fill="#1a1a1a">Risponde a</text>')
        parts.append(f'<text x="{cx}" y="50" text-anchor="middle" font-size="13" font-weight="bold" '
                     f'fill="#1a1a1a">{escape(_short(parent_name, 52))}</text>')
    for index, member in enumerate(members):
        steps = len(members) if not parent_name else max(len(members) - 1, 1)
        angle = -math.pi / 2 + gap + span * index / steps
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        colour = ROLE_COLOURS.get(member.ruolo, "#4a4a4a")
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#9a9a9a"/>')
        parts.append(f'<g><title>{escape(member.ente.denominazione)} ({escape(member.ruolo)})</title>'
                     f'<rect x="{x - 105:.1f}" y="{y - 22:.1f}" width="210" height="44" rx="6" fill="#fff" '
                     f'stroke="{colour}" stroke-width="2"/>'
                     f'<text x="{x:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="12" fill="#1a1a1a">'
                     f'{escape(_short(member.ente.denominazione))}</text>'
                     f'<text x="{x:.1f}" y="{y + 13:.1f}" text-anchor="middle" font-size="11" fill="{colour}">'
                     f'{escape(member.ruolo)}</text></g>')
    parts.append(f'<rect x="{cx - 130}" y="{cy - 26}" width="260" height="52" rx="8" fill="#0b4f8a"/>'
                 f'<text x="{cx}" y="{cy - 6}" text-anchor="middle" font-size="13" font-weight="bold" fill="#fff">'
                 f'{escape(_short(rete.gestore.denominazione, 36))}</text>'
                 f'<text x="{cx}" y="{cy + 12}" text-anchor="middle" font-size="11" fill="#fff">gestore</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
