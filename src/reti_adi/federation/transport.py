"""Read a publication's files over HTTP or from a folder, never more than a bounded number of bytes.

Everything a source serves is untrusted: a file larger than the limit is cut off while it
streams (the rest is never read), a slow server meets a timeout, a transient failure is
retried a few times with a pause, and a local path may only name a file inside the source's folder.

`read_if_changed` is the cheap poll of a file read before: over HTTP a conditional request
(If-None-Match / If-Modified-Since) that a server answers «304» with no body; in a folder a
stat compared with the one seen last time. Either way an unchanged file costs no bytes.
"""

from __future__ import annotations

import email.utils
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


MAX_VALIDATOR = 200
"""An ETag or a date longer than this is not kept: it would only make the harvest state grow."""


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

    def merge(self, other: "Counter") -> None:
        with self._lock:
            self.requests += other.requests
            self.bytes += other.bytes


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

    def read_if_changed(self, path: str, validator: dict[str, str] | None) -> tuple[bytes | None, dict[str, str]]:
        """(None, validator) when the file is the one `validator` was taken from, else (content, new validator)."""
        return self.read(path), {}


class HttpTransport(Transport):
    def __init__(self, location: str, limits: Limits, counter: Counter):
        super().__init__(location, limits, counter)
        self.base = location.rstrip("/") + "/" + API_PREFIX

    def read(self, path: str) -> bytes:
        content, _ = self._retrying(path, {})
        assert content is not None  # no validator sent, so no 304
        return content

    def read_if_changed(self, path: str, validator: dict[str, str] | None) -> tuple[bytes | None, dict[str, str]]:
        headers = {}
        if validator and validator.get("etag"):
            headers["If-None-Match"] = validator["etag"]
        if validator and validator.get("last_modified"):
            headers["If-Modified-Since"] = validator["last_modified"]
        content, fresh = self._retrying(path, headers)
        return content, (validator or {}) if content is None else fresh

    def _retrying(self, path: str, headers: dict[str, str]) -> tuple[bytes | None, dict[str, str]]:
        url = self.base + urllib.parse.quote(path)
        attempt = 0
        while True:
            try:
                return self._get(url, path, headers)
            except (TooLarge, NotFound):
                raise
            except FetchError:
                if attempt >= self.limits.retries:
                    raise
                attempt += 1
                time.sleep(self.limits.retry_pause * attempt)

    @staticmethod
    def _validator(response) -> dict[str, str]:
        """What to send next time: the ETag, and Last-Modified only if the response is dated a later second.

        Last-Modified counts whole seconds: a file rewritten within the second it was served in would look
        unchanged, so a date is kept only when the server's Date is past it (the «racy» case of git's index)."""
        out = {}
        etag = response.headers.get("ETag")
        if etag and len(etag) <= MAX_VALIDATOR:
            out["etag"] = etag
        modified, served = response.headers.get("Last-Modified"), response.headers.get("Date")
        try:
            if modified and served and len(modified) <= MAX_VALIDATOR and \
                    email.utils.parsedate_to_datetime(served) > email.utils.parsedate_to_datetime(modified):
                out["last_modified"] = modified
        except (TypeError, ValueError):
            pass
        return out

    def _get(self, url: str, path: str, headers: dict[str, str]) -> tuple[bytes | None, dict[str, str]]:
        request = urllib.request.Request(url, headers={"User-Agent": "reti-adi-raccogli",
                                                       "Accept": "application/json", **headers})
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
                return b"".join(chunks), self._validator(response)
        except urllib.error.HTTPError as exc:
            if exc.code == 304 and headers:
                return None, {}
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

    def _target(self, path: str) -> Path:
        target = (self.base / path).resolve()
        if not target.is_relative_to(self.base):
            raise FetchError(f"{path}: il file è fuori dalla cartella della sorgente")
        return target

    def read_if_changed(self, path: str, validator: dict[str, str] | None) -> tuple[bytes | None, dict[str, str]]:
        """A folder's «conditional request» is a stat: size, modification and change times, inode.

        A publication is written anew (reti-adi stages it and swaps it in), so a changed file has a new
        inode and new times; the change time cannot be set back by copying tools."""
        try:
            info = self._target(path).stat()
        except FileNotFoundError as exc:
            self.counter.add(0)
            raise NotFound(f"{path}: non trovato nella cartella") from exc
        except OSError as exc:
            self.counter.add(0)
            raise FetchError(f"{path}: impossibile leggere il file ({exc.strerror})") from exc
        seen = {"stat": f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"}
        if validator and validator.get("stat") == seen["stat"]:
            self.counter.add(0)
            return None, validator
        return self.read(path), seen

    def read(self, path: str) -> bytes:
        target = self._target(path)
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
