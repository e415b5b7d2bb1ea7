"""`reti-adi serve`: serve build/ on localhost and rebuild when the catalogue or the site sources change."""

from __future__ import annotations

import errno
import functools
import http.server
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

WATCHED = ("catalogo", "protocolli", "site_src", "mkdocs.yml")
CHANGES = frozenset({"created", "deleted", "moved", "modified", "closed"})
"""Events that mean a file's content may have changed. Reading a file (the build itself does)
gives `opened` and `closed_no_write`: reacting to those made every rebuild trigger the next."""


class PortBusy(Exception):
    def __init__(self, port: int, free: int | None):
        self.port, self.free = port, free
        hint = f": prova con --porta {free}" if free else ": scegline un'altra con --porta"
        super().__init__(f"la porta {port} è già in uso (forse c'è già un «reti-adi serve» aperto){hint}")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _free_port(host: str, start: int) -> int | None:
    for candidate in range(start + 1, min(start + 20, 65535) + 1):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return candidate
    return None


def bind_server(directory: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    """Bind first (before any build), so a busy port is said at once, in Italian, with a free one to try."""
    # the directory is resolved per request by path, so an atomic swap of build/ is picked up at once
    handler = functools.partial(_QuietHandler, directory=str(directory))
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortBusy(port, _free_port(host, port)) from exc
        raise


def serve_in_background(server: http.server.ThreadingHTTPServer) -> None:
    threading.Thread(target=server.serve_forever, daemon=True).start()


def start_server(directory: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    server = bind_server(directory, host, port)
    serve_in_background(server)
    return server


def _is_change(event) -> bool:
    if event.event_type not in CHANGES:
        return False
    if event.is_directory:  # a directory "modified" is a side effect of its files' events
        return event.event_type in ("created", "deleted", "moved")
    name = Path(event.src_path).name
    return not (name.startswith(".#") or name.endswith(("~", ".swp", ".swx", ".tmp")))  # editors' scratch files


def watch(root: Path, on_change: Callable[[], None], debounce: float = 0.5,
          stop: threading.Event | None = None) -> None:
    """Call on_change (in this thread) once sources stop changing for `debounce` seconds."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    changed = threading.Event()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if _is_change(event):
                changed.set()

    observer = Observer()
    for name in WATCHED:
        target = root / name
        if target.is_dir():
            observer.schedule(Handler(), str(target), recursive=True)
    if (root / "mkdocs.yml").exists():
        class ConfigHandler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                if Path(event.src_path).name == "mkdocs.yml" and _is_change(event):
                    changed.set()
        observer.schedule(ConfigHandler(), str(root), recursive=False)
    observer.daemon = True
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
        observer.join(2)
