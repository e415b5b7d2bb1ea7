"""Safe rendering: every text from YAML is escaped; descriptions are plain text with paragraphs and lists.

Generated pages are Markdown files whose bodies are HTML blocks built here, so the site
generator only lays them out and never interprets catalogue text.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def md_inline(text: str) -> str:
    """Text safe inside a Markdown heading or paragraph: HTML-escaped and Markdown-escaped."""
    escaped = html.escape(" ".join(text.split()), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", escaped).replace("\\&", "&")


@cache
def _plain_text() -> MarkdownIt:
    # Catalogue texts are written by people who do not know Markdown: only blank-line paragraphs and
    # «- » / «1. » lists are structure; «*», «_», «#», «[..](..)» and raw HTML stay as the words typed.
    return MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False}).enable(["list"])


def text_html(text: str | None) -> Markup:
    """A description as escaped HTML paragraphs and lists, nothing else."""
    if not text:
        return Markup("")
    return Markup(_plain_text().render(text))


def up_to_root(page: str) -> str:
    """From a page's directory URL back to the site root: every link of a page depends on it alone."""
    source = page.strip("/")
    return "../" * (source.count("/") + 1) if source else ""


def relative_url(from_page: str, to_page: str) -> str:
    """Link between two site paths with directory URLs: «servizi/x/» -> «enti/y/» is «../../enti/y/».

    Every page URL is a directory, so going up once per segment of the source always works;
    this runs for every link of every page, hence no os.path.relpath.
    """
    up = up_to_root(from_page)
    target = to_page.lstrip("/")
    if not target:
        return up or "./"
    if not target.endswith(("/", ".json", ".zip", ".html", ".docx", ".csv", ".js", ".css")):
        target += "/"
    return up + target


@cache
def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["testo"] = text_html
    return env
