"""Charts drawn at build time as static, accessible SVG with matplotlib (no JavaScript, nothing fetched).

matplotlib's SVG backend writes text as <text> in the system sans-serif (svg.fonttype «none»: no font
is embedded or requested), ids are salted with a fixed string and the date is left out, so the same
data always gives the same bytes. Each SVG gets role="img", a <title> and a <desc> that says what the
chart shows in words; the page puts the same figures in a table beside it. Suppressed figures are not
drawn (a gap in the line, no bar) and the description says so.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "reti-adi",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "sans-serif"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
# Okabe–Ito colours (distinguishable with colour-blindness), each line also has its own marker and label
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8a3a00", "#555555")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h")


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=72, layout="constrained")


def _svg(fig, title: str, description: str, chart_id: str) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return accessible(buffer.getvalue(), title, description, chart_id)


def accessible(svg_text: str, title: str, description: str, chart_id: str) -> str:
    """Inline-ready SVG: ids prefixed (several charts share a page), role img, <title> and <desc> first."""
    svg_text = re.sub(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>", "", svg_text).strip()
    svg_text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{chart_id}-{m.group(1)}"', svg_text)
    svg_text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{chart_id}-{m.group(1)})", svg_text)
    svg_text = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{chart_id}-{m.group(1)}"', svg_text)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(svg_text)
    for child in [c for c in root if c.tag == f"{{{SVG_NS}}}metadata"]:
        root.remove(child)
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-titolo {chart_id}-descrizione")
    root.set("focusable", "false")
    title_el = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{chart_id}-titolo"})
    title_el.text = title
    desc_el = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{chart_id}-descrizione"})
    desc_el.text = description
    root.insert(0, desc_el)
    root.insert(0, title_el)
    return ET.tostring(root, encoding="unicode")


def trend_chart(periods: list[str], series: dict[str, list[int | None]], title: str, description: str,
                chart_id: str) -> str:
    """Lines over quarters, one per series, labelled at their end; None (suppressed) leaves a gap."""
    import matplotlib

    with matplotlib.rc_context(RC):
        fig = _figure(7.5, 3.6 + 0.25 * ((len(series) + 1) // 2))
        ax = fig.add_subplot()
        positions = list(range(len(periods)))
        for index, (label, values) in enumerate(series.items()):
            ys = [float("nan") if v is None else v for v in values]
            ax.plot(positions, ys, color=COLOURS[index % len(COLOURS)], marker=MARKERS[index % len(MARKERS)],
                    linewidth=2, label=label)
        ax.set_xticks(positions, periods)
        ax.set_ylabel("nuclei")
        ax.set_ylim(bottom=0)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y", color="#dddddd")
        if series:
            fig.legend(loc="outside lower center", ncols=2, frameon=False)
        return _svg(fig, title, description, chart_id)


def bar_chart(labels: list[str], values: list[float | None], title: str, description: str, chart_id: str,
              unit: str = "%", limit: float | None = 100.0) -> str:
    """Horizontal bars with their value written beside each; None (suppressed) is written «riservato»."""
    import matplotlib

    with matplotlib.rc_context(RC):
        fig = _figure(7.5, 0.45 * max(len(labels), 1) + 1.0)
        ax = fig.add_subplot()
        positions = list(range(len(labels)))
        shown = [0 if v is None else v for v in values]
        ax.barh(positions, shown, color=COLOURS[0])
        top = max([limit or 0] + shown) or 1
        for y, value in zip(positions, values):
            text = "riservato" if value is None else f"{value:.0f}{unit}"
            ax.text((value or 0) + top * 0.01, y, text, va="center", fontsize=9)
        if limit is not None:
            ax.axvline(limit, color="#8a1c1c", linewidth=1, linestyle="--")
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.2)
        ax.set_xlabel(f"nuclei attivati nel trimestre su posti disponibili ({unit})")
        return _svg(fig, title, description, chart_id)
