"""`reti-adi serve`: serve build/ on localhost and rebuild when the catalogue or the site sources change."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable
from pathlib import Path

WATCHED = ("catalogo", "protocolli", "site_src", "mkdocs.yml")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def start_server(directory: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    # the directory is resolved per request by path, so an atomic swap of build/ is picked up at once
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def watch(root: Path, on_change: Callable[[], None], debounce: float = 0.5,
          stop: threading.Event | None = None) -> None:
    """Call on_change (in this thread) after sources stop changing for `debounce` seconds."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    changed = threading.Event()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if not event.is_directory or event.event_type in ("created", "deleted", "moved"):
                changed.set()

    observer = Observer()
    for name in WATCHED:
        target = root / name
        if target.is_dir():
            observer.schedule(Handler(), str(target), recursive=True)
    if (root / "mkdocs.yml").exists():
        class ConfigHandler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                if Path(event.src_path).name == "mkdocs.yml":
                    changed.set()
        observer.schedule(ConfigHandler(), str(root), recursive=False)
    observer.start()
    stop = stop or threading.Event()
    try:
        while not stop.is_set():
            if changed.wait(0.2):
                while changed.is_set():
                    changed.clear()
                    time.sleep(debounce)
                on_change()
    finally:
        observer.stop()
        observer.join()
