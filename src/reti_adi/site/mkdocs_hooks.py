"""mkdocs hook: put pre-rendered HTML fragments into pages.

Generated pages reach mkdocs as a title plus a marker; their body, already rendered and
escaped by reti-adi, is inserted here. Python-Markdown never re-parses it: that parsing
was most of the per-page cost at national scale. No catalogue logic lives here.
"""

from __future__ import annotations

from pathlib import Path

MARKER = "<!--reti-adi:frammento-->"


def on_page_content(html: str, page, config, files):
    if MARKER not in html:
        return html
    fragments = Path(config.extra["reti_adi_frammenti"])
    fragment = (fragments / page.file.src_uri).with_suffix(".html").read_text(encoding="utf-8")
    return html.replace(MARKER, fragment, 1)
