"""Read a publication's files over HTTP or from a folder, never more than a bounded number of bytes.

Everything a source serves is untrusted: a file larger than the limit is cut off while it
streams (the rest is never read), a slow server meets a timeout, a transient failure is
retried a few times with a pause, and a local path may only name a file inside the source's folder.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

API_PREFIX = "api/v1/"
CHUNK = 64 * 1024


class FetchError(Exception):
    """The file could not be read: the message is Italian and names the file."""


class TooLarge(FetchError):
    """Over the size limit: retrying would read the same bytes again."""


class NotFound(FetchError):
    """The source does not publish that file (HTTP 404/410, or absent from the folder)."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 20_000_000
    """Per file: a service file is a few kB, the largest list of a big ambito a few MB."""
    max_depth: int = 40
    """Nesting of JSON arrays and objects: published documents need fewer than 10 levels."""
    timeout: float = 20.0
    retries: int = 2
    retry_pause: float = 0.5


@dataclass(slots=True)
class Counter:
    """Requests made and bytes read, shared by the threads of one harvest."""

    requests: int = 0
    bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, read: int) -> None:
        with self._lock:
            self.requests += 1
            self.bytes += read


def _depth_ok(value: object, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return False
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return True


def parse_json(content: bytes, name: str, limits: Limits) -> object:
    """Parsed JSON within the depth bound (the size bound was applied while reading)."""
    try:
        data = json.loads(content.decode("utf-8"))
    except RecursionError as exc:
        raise FetchError(f"{name}: JSON annidato oltre ogni limite") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise FetchError(f"{name}: non è JSON valido in UTF-8 ({exc})") from exc
    if not _depth_ok(data, limits.max_depth):
        raise FetchError(f"{name}: JSON annidato oltre {limits.max_depth} livelli")
    return data


class Transport:
    """Reads `api/v1/<path>` of one source; `path` has already been checked by the caller."""

    def __init__(self, location: str, limits: Limits, counter: Counter):
        self.location = location
        self.limits = limits
        self.counter = counter

    def read(self, path: str) -> bytes:
        raise NotImplementedError

    def read_json(self, path: str) -> tuple[bytes, object]:
        content = self.read(path)
        return content, parse_json(content, path, self.limits)


class HttpTransport(Transport):
    def __init__(self, location: str, limits: Limits, counter: Counter):
        super().__init__(location, limits, counter)
        self.base = location.rstrip("/") + "/" + API_PREFIX

    def read(self, path: str) -> bytes:
        url = self.base + urllib.parse.quote(path)
        attempt = 0
        while True:
            try:
                return self._get(url, path)
            except (TooLarge, NotFound):
                raise
            except FetchError:
                if attempt >= self.limits.retries:
                    raise
                attempt += 1
                time.sleep(self.limits.retry_pause * attempt)

    def _get(self, url: str, path: str) -> bytes:
        request = urllib.request.Request(url, headers={"User-Agent": "reti-adi-raccogli",
                                                       "Accept": "application/json"})
        read = 0
        try:
            with urllib.request.urlopen(request, timeout=self.limits.timeout) as response:  # noqa: S310 - http(s) only
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > self.limits.max_bytes:
                    raise TooLarge(f"{path}: {declared} byte dichiarati, oltre il limite di "
                                   f"{self.limits.max_bytes} byte")
                chunks = []
                while True:
                    chunk = response.read(min(CHUNK, self.limits.max_bytes + 1 - read))
                    if not chunk:
                        break
                    read += len(chunk)
                    chunks.append(chunk)
                    if read > self.limits.max_bytes:
                        raise TooLarge(f"{path}: oltre il limite di {self.limits.max_bytes} byte, lettura interrotta")
                return b"".join(chunks)
        except urllib.error.HTTPError as exc:
            if exc.code in (404, 410):
                raise NotFound(f"{path}: non trovato (HTTP {exc.code})") from exc
            raise FetchError(f"{path}: il server ha risposto HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"{path}: sorgente non raggiungibile ({reason})") from exc
        finally:
            self.counter.add(read)


class FolderTransport(Transport):
    def __init__(self, location: str, limits: Limits, counter: Counter):
        super().__init__(location, limits, counter)
        self.base = (Path(location) / API_PREFIX).resolve()

    def read(self, path: str) -> bytes:
        target = (self.base / path).resolve()
        if not target.is_relative_to(self.base):
            raise FetchError(f"{path}: il file è fuori dalla cartella della sorgente")
        read = 0
        try:
            with target.open("rb") as handle:
                content = handle.read(self.limits.max_bytes + 1)
                read = len(content)
        except FileNotFoundError as exc:
            raise NotFound(f"{path}: non trovato nella cartella") from exc
        except OSError as exc:
            raise FetchError(f"{path}: impossibile leggere il file ({exc.strerror})") from exc
        finally:
            self.counter.add(read)
        if read > self.limits.max_bytes:
            raise TooLarge(f"{path}: oltre il limite di {self.limits.max_bytes} byte")
        return content


def transport_for(location: str, limits: Limits, counter: Counter) -> Transport:
    if location.startswith(("http://", "https://")):
        return HttpTransport(location, limits, counter)
    return FolderTransport(location, limits, counter)
