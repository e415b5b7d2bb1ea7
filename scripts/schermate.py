#!/usr/bin/env python3
"""Schermate del portale per chi rivede le modifiche: home, Cerca con risultati, un servizio, un comune, una
tipologia, la mappa delle sedi, la programmazione e la lista per la famiglia stampata, a 390 e 1366 px, in Chromium (quello di Debian, /usr/bin/chromium).

    python scripts/schermate.py [--sito build/] [--uscita schermate/]

Senza --sito costruisce il catalogo di esempio in una cartella temporanea. La cartella di uscita è
esclusa da git (.gitignore): le schermate non si committano.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WIDTHS = (390, 1366)
PAGES = {
    "home": "",
    "cerca": "cerca/?comune=Budrio",
    "servizio": "servizi/sportello-sociale-budrio/",
    "comune": "comuni/037008/",
    "tipologia": "tipologie/d/",
    "sedi": "ambiti/pianura-est/#sedi",
    "programmazione": "programmazione/pianura-est/",
}
# long pages: the first screen is what a phone shows, the rest is in the tests
FIRST_SCREEN = {"comune", "tipologia", "sedi", "programmazione"}
FAMILY_LIST = ("emporio-solidale", "sportello-sociale-budrio", "orientamento-lavoro-cpi")


def serve(directory: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def build_example(work: Path) -> Path:
    from reti_adi.build import build

    root = work / "repo"
    for name in ("catalogo", "protocolli", "site_src"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    build(root, root / "build")
    return root / "build"


def take(site: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    base, server = serve(site)
    made: list[Path] = []
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--headless"])
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900}, locale="it-IT")
                # nothing but the site: a request elsewhere is refused, as in the tests
                context.route(lambda url: not url.startswith(base), lambda route: route.abort())
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(f"{base}/{path}")
                    page.wait_for_load_state("networkidle")
                    if name == "cerca":
                        page.locator("#ra-risultati li").first.wait_for()
                    target = out / f"{name}-{width}.png"
                    page.screenshot(path=target, full_page=name not in FIRST_SCREEN)
                    made.append(target)
                page.goto(f"{base}/lista/?s={','.join(FAMILY_LIST)}")
                page.locator("#ra-lista[data-pronta='si']").wait_for(state="attached")
                page.emulate_media(media="print")
                target = out / f"lista-stampata-{width}.png"
                page.screenshot(path=target, full_page=True)
                made.append(target)
                if width == WIDTHS[-1]:
                    pdf = out / "lista-stampata.pdf"
                    pdf.write_bytes(page.pdf(format="A4"))
                    made.append(pdf)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sito", type=Path, help="sito già costruito (predefinito: costruisce l'esempio)")
    parser.add_argument("--uscita", type=Path, default=REPO / "schermate", help="cartella delle schermate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="schermate-") as work:
        site = args.sito or build_example(Path(work))
        for path in take(site, args.uscita):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
