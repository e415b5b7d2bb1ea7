"""mkdocs hook: put pre-rendered HTML fragments into pages, render the nav once per case, time the phases.

Generated pages reach mkdocs as a title plus a marker; their body, already rendered and
escaped by reti-adi, is inserted here. Python-Markdown never re-parses it: that parsing
was most of the per-page cost at national scale. No catalogue logic lives here.

The nav: Material renders its whole nav partial for every page. For a page that is not in the
nav, the nav differs from another such page's only by the relative URLs, so pages in the same
folder get the same bytes: the theme's `partials/nav.html` (site/theme/) renders Material's own
partial once per folder and reuses the string (`reti_adi_nav_key` names the case; none: render).
Only documented hook events and template context are used, so another engine with Material's
templates can drop this file and the override and still build the same pages.

Outputs: run_mkdocs may put a dict in config.extra["reti_adi_uscite"]; each page's output path and
sitemap URL are recorded there (the manifest of site/reuse.py needs them).

Timings: mkdocs gives no per-phase times, so the hook laps the stopwatch (reti_adi.stopwatch) that
site/mkdocs_site.py run_mkdocs puts in config.extra["reti_adi_cronometro"] as each event arrives.
"""

from __future__ import annotations

from pathlib import Path

MARKER = "<!--reti-adi:frammento-->"
BASE_TEMPLATES = "tema-base"
"""Prefix under which the theme's own templates stay reachable once site/theme/ overrides one of them."""

_nav_urls: set[str] = set()


def _lap(config, phase: str | None) -> None:
    """The phase that starts now, up to the next event (named after what mkdocs does in between)."""
    stopwatch = config.extra.get("reti_adi_cronometro")
    if stopwatch is not None:
        stopwatch.lap(phase)


def on_pre_build(config):
    _lap(config, "mkdocs.file")  # files found, the theme's environment made and the nav built


def on_nav(nav, config, files):
    _nav_urls.clear()
    _nav_urls.update(page.url for page in nav.pages)
    _lap(config, "mkdocs.lettura")  # every page read and converted (and its fragment inserted)
    return nav


def on_page_content(html: str, page, config, files):
    if MARKER not in html:
        return html
    fragments = Path(config.extra["reti_adi_frammenti"])
    fragment = (fragments / page.file.src_uri).with_suffix(".html").read_text(encoding="utf-8")
    return html.replace(MARKER, fragment, 1)


def on_env(env, config, files):
    import jinja2

    base = [folder for folder in config.theme.dirs if Path(folder).resolve() != _own_theme()]
    env.loader = jinja2.ChoiceLoader([env.loader, jinja2.PrefixLoader({BASE_TEMPLATES: jinja2.FileSystemLoader(base)})])
    navs: dict[str, str] = {}

    def keep(key, html):
        navs[key] = html
        return html

    env.globals["reti_adi_navs"] = navs
    env.globals["reti_adi_nav_keep"] = keep
    _lap(config, "mkdocs.statici")  # theme and static files copied, 404 and sitemap written
    return env


def nav_key(url: str, nav_urls: set[str]) -> str | None:
    """The case of the nav for a page at `url`: its parent folder when the page is not in the nav and no
    nav page lies below it (then every URL in the nav is the same relative link from any such page)."""
    if url in nav_urls:
        return None
    folder = url if url.endswith("/") or not url else url.rsplit("/", 1)[0] + "/"
    if folder and any(other.startswith(folder) for other in nav_urls):
        return None
    parent = folder.rstrip("/").rsplit("/", 1)[0] if "/" in folder.rstrip("/") else ""
    return f"{parent}/|{folder.count('/')}"


def on_page_context(context, page, config, nav):
    _lap(config, "mkdocs.impaginazione")  # the template rendered with the page
    context["reti_adi_nav_key"] = nav_key(page.url, _nav_urls)
    return context


def on_post_page(output: str, page, config):
    _lap(config, "mkdocs.scrittura")  # the page written, the next page's context made
    written = config.extra.get("reti_adi_uscite")
    if written is not None:  # where each page goes and its sitemap URL, for the manifest (site/reuse.py)
        written[page.file.src_uri] = (page.file.dest_uri, page.canonical_url or page.abs_url)
    return output


def on_post_build(config):
    _lap(config, "mkdocs.verifica")  # mkdocs counts its warnings (strict)


def _own_theme() -> Path:
    return (Path(__file__).resolve().parent / "theme").resolve()
