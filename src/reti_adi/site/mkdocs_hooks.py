"""mkdocs hook: put pre-rendered HTML fragments into pages, and time mkdocs's phases.

Generated pages reach mkdocs as a title plus a marker; their body, already rendered and
escaped by reti-adi, is inserted here. Python-Markdown never re-parses it: that parsing
was most of the per-page cost at national scale. No catalogue logic lives here.

Timings: mkdocs gives no per-phase times, so the hook laps the stopwatch (reti_adi.stopwatch) that
site/mkdocs_site.py run_mkdocs puts in config.extra["reti_adi_cronometro"] as each event arrives.
"""

from __future__ import annotations

from pathlib import Path

MARKER = "<!--reti-adi:frammento-->"


def _lap(config, phase: str | None) -> None:
    """The phase that starts now, up to the next event (named after what mkdocs does in between)."""
    stopwatch = config.extra.get("reti_adi_cronometro")
    if stopwatch is not None:
        stopwatch.lap(phase)


def on_pre_build(config):
    _lap(config, "mkdocs.file")  # files found, the theme's environment made and the nav built


def on_nav(nav, config, files):
    _lap(config, "mkdocs.lettura")  # every page read and converted (and its fragment inserted)
    return nav


def on_page_content(html: str, page, config, files):
    if MARKER not in html:
        return html
    fragments = Path(config.extra["reti_adi_frammenti"])
    fragment = (fragments / page.file.src_uri).with_suffix(".html").read_text(encoding="utf-8")
    return html.replace(MARKER, fragment, 1)


def on_env(env, config, files):
    _lap(config, "mkdocs.statici")  # theme and static files copied, 404 and sitemap written
    return env


def on_page_context(context, page, config, nav):
    _lap(config, "mkdocs.impaginazione")  # the template rendered with the page
    return context


def on_post_page(output: str, page, config):
    _lap(config, "mkdocs.scrittura")  # the page written, the next page's context made
    return output


def on_post_build(config):
    _lap(config, "mkdocs.verifica")  # mkdocs counts its warnings (strict)
