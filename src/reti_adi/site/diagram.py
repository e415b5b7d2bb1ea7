"""A network diagram as inline SVG, drawn at build time.

mkdocs-material's Mermaid support loads mermaid.js from a CDN, which public-sector pages must
not do; a static SVG needs no script at all. The members table beside it is the text alternative.

The drawing is one column, as wide as a phone: on a 320 px screen it is shown at about its own
size, so its 15-unit text stays readable, and on a desktop the stylesheet caps its width instead
of shrinking a wide ring of boxes until the names are 4 px tall. Names wrap on two lines, never cut
to a fixed length (only a name longer than two lines ends in «…», and its box's tooltip holds it whole).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from reti_adi.publish import api_models as m

WIDTH = 340
BOX = 300
LINE = 19
CHARS_PER_LINE = 34  # about 300 units of 15-unit sans-serif text
ROLE_COLOURS = {"gestore": "#0b4f8a", "capofila": "#0f5b2c", "coordinatore": "#6b4500"}


def wrap(text: str, width: int = CHARS_PER_LINE, lines: int = 2) -> list[str]:
    """Greedy word wrap; a word longer than a line is split, the last line ends in «…» if text remains."""
    out: list[str] = []
    current = ""
    words = text.split()
    while words:
        word = words.pop(0)
        if len(word) > width:
            words.insert(0, word[width:])
            word = word[:width]
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width:
            current = candidate
            continue
        out.append(current)
        current = word
        if len(out) == lines:
            break
    if len(out) < lines and current:
        out.append(current)
        current = ""
    if current or words:
        last = out[-1]
        out[-1] = (last[: width - 1] if len(last) >= width else last) + "…"
    return out


def _box(x: float, y: float, lines: list[str], subtitle: str, stroke: str, fill: str, ink: str,
         full: str, width: float = BOX) -> tuple[str, float]:
    height = 16 + LINE * (len(lines) + 1)
    parts = [f'<g><title>{escape(full)}</title>',
             f'<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="6" fill="{fill}" stroke="{stroke}" '
             f'stroke-width="2"/>']
    for index, line in enumerate(lines):
        parts.append(f'<text x="{x + width / 2}" y="{y + 22 + LINE * index}" text-anchor="middle" font-size="15" '
                     f'font-weight="bold" fill="{ink}">{escape(line)}</text>')
    parts.append(f'<text x="{x + width / 2}" y="{y + 22 + LINE * len(lines)}" text-anchor="middle" font-size="14" '
                 f'fill="{ink if fill != "#fff" else stroke}">{escape(subtitle)}</text></g>')
    return "".join(parts), height


def network_svg(rete: m.ReteOut, parent_name: str | None) -> Markup:
    members = [x for x in rete.membri if x.ente.id != rete.gestore.id]
    x = (WIDTH - BOX) / 2
    spine = 22  # the vertical line every box hangs from
    body: list[str] = []
    y = 10.0
    if parent_name:
        box, height = _box(x, y, wrap(parent_name), "rete a cui risponde", "#6b6b6b", "#fff", "#1a1a1a",
                           f"Risponde a {parent_name}")
        body.append(box)
        y += height
        body.append(f'<line x1="{WIDTH / 2}" y1="{y}" x2="{WIDTH / 2}" y2="{y + 24}" stroke="#6b6b6b" '
                    f'stroke-dasharray="6 4"/>')
        y += 24
    box, height = _box(x, y, wrap(rete.gestore.denominazione), "gestore", "#0b4f8a", "#0b4f8a", "#fff",
                       f"{rete.gestore.denominazione} (gestore)")
    body.append(box)
    y += height
    top = y
    for member in members:
        y += 14
        colour = ROLE_COLOURS.get(member.ruolo, "#4a4a4a")
        box, height = _box(x + spine, y, wrap(member.ente.denominazione, CHARS_PER_LINE - 3), member.ruolo,
                           colour, "#fff", "#1a1a1a", f"{member.ente.denominazione} ({member.ruolo})", BOX - spine)
        body.append(f'<line x1="{x + spine / 2}" y1="{y + height / 2}" x2="{x + spine}" y2="{y + height / 2}" '
                    f'stroke="#9a9a9a" stroke-width="2"/>')
        body.append(box)
        last_middle = y + height / 2
        y += height
    if members:
        body.insert(0, f'<line x1="{x + spine / 2}" y1="{top}" x2="{x + spine / 2}" y2="{last_middle}" '
                       f'stroke="#9a9a9a" stroke-width="2"/>')
    height = y + 10
    parts = [f'<svg class="ra-diagramma" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
             f'aria-labelledby="diagramma-titolo diagramma-desc" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="diagramma-titolo">Schema della rete {escape(rete.denominazione)}</title>',
             f'<desc id="diagramma-desc">In alto il gestore {escape(rete.gestore.denominazione)}, collegato a '
             f'{len(members)} membri; l\'elenco completo è nella tabella dei membri.</desc>',
             *body, "</svg>"]
    return Markup("".join(parts))
