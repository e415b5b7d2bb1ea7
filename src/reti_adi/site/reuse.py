"""Reuse of the previous build's rendered pages and Pagefind bundles: content-addressed, then verified.

The rule (ARCHITETTURA.md says the same in Italian):

- The **site key** digests everything that reaches every page besides its own inputs: this package's
  files (all of reti_adi: the models, vocabularies and templates pages are rendered from, the hooks and
  the theme), the versions of reti-adi, Python, pydantic, markdown-it-py, mkdocs, mkdocs-material,
  Markdown, pymdown-extensions, Jinja2 and MarkupSafe, every file of site_src/, the mkdocs configuration
  as reti-adi writes it minus the per-run paths (docs_dir, site_dir, fragments), the Markdown staged for
  every page in the nav (its title and front matter are in every page's nav) and mkdocs's build date
  (SOURCE_DATE_EPOCH; it is each page's sitemap lastmod).
- A **page key** digests the site key, the page's path and its inputs: the template and every value
  PageWriter.render hands it, digested by type and content (site/pages/inputs.py; a value of a type it
  does not know leaves the page without a key, rendered every time). The page's text is a pure function
  of those, so an unchanged page is found without rendering it: only the misses are rendered.
- A detail page (not in the nav, not an index: mkdocs_site.is_detail_page) whose key is in the
  manifest, and whose file in the previous build still has the recorded digest, is not staged for
  mkdocs: that file is hard-linked (or copied) into the new site and digested again there. A missing,
  changed or replaced file is a miss, and the page is rendered. When the build before the previous
  one is kept as the spare (publish/output_dir.py SPARE), the page's folder is moved from the spare
  instead, if it holds only that page and the page has the recorded digest (under load a rename cost a
  tenth of making a directory); the previous build, the one in place, is never touched. The sections
  whose pages are all «section/name/index.html» (MOVED_WHOLE) are moved from the spare whole, one
  rename each, before the site processes start: each page is checked where it lies (a real folder
  holding only the page, with the recorded digest), else removed and linked or rendered; whatever no
  page of this build claims is removed before the site is assembled, and the build stops if it cannot be.
- A regione's Pagefind **bundle key** digests the Pagefind version, search_index.py and
  search_canonical.py, the regione and the sorted (path, digest) of its service pages; the previous
  bundle is reused only if every one of its recorded files still has its digest.
- Reuse is off when the configuration could make one page depend on another one's text: no explicit
  nav, a detail page in the nav, any mkdocs plugin, a hook besides reti-adi's own, a theme other
  than Material. Each page then goes through mkdocs, as it always does with `--completa`.

The **manifest** of the last successful build (page key -> output path, digest, sitemap entry; regione
-> bundle key and files) is JSON in the user's cache directory (catalogue/cache.py cache_home), one
file per build folder, named by a digest of its resolved path; it is written only once the new build
has been swapped in. Nothing read back can run code: it is size-bounded JSON, each entry checked, a
bad entry (or a bad file) a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from reti_adi import __version__
from reti_adi.publish.files import MAX_PATH_CHARS, is_safe_relative, write_json_atomically
from reti_adi.site.errors import SiteBuildError

FORMAT = 3
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
"""A manifest larger than this is not read (100,000 pages take about 30 MB)."""
DIGEST_CHARS = 32
DIGEST = re.compile(rf"[0-9a-f]{{{DIGEST_CHARS}}}")
PACKAGE_DIR = Path(__file__).resolve().parent
CODE_DIR = PACKAGE_DIR.parent
"""The whole reti_adi package: pages are rendered from its models, vocabularies and templates."""
VERSIONED = ("pydantic", "pydantic-core", "markdown-it-py", "mkdocs", "mkdocs-material", "Markdown",
             "pymdown-extensions", "Jinja2", "MarkupSafe")
PAGEFIND = ("pagefind", "pagefind_bin", "pagefind_bin_extended", "cbor2")
"""Pagefind and what search_canonical.py re-encodes its bundle with."""
PAGE_FILE = "index.html"
"""The one file of a detail page's folder (mkdocs's use_directory_urls)."""
MOVED_WHOLE = ("servizi", "comuni", "enti")
"""Sections of the site whose pages are all «section/name/index.html» and nothing else: moved from the spare
build in one rename each (move_sections), their pages then checked where they lie."""
PER_RUN_KEYS = ("docs_dir", "site_dir")
PER_RUN_EXTRA = ("reti_adi_frammenti",)


@dataclass(frozen=True, slots=True)
class PageRecord:
    path: str
    """Output file, relative to the build folder («servizi/x/index.html»)."""
    digest: str
    sitemap: str
    """The page's <url> block of sitemap.xml, as mkdocs wrote it ("" if it has none)."""


@dataclass(frozen=True, slots=True)
class BundleRecord:
    key: str
    files: dict[str, str]
    """File relative to the regione's bundle folder -> digest."""


class CheckedPages(Mapping):
    """A manifest's pages as read back: each entry checked (_page) when it is looked up, not all at load.
    The load is on the build's one-core stretch before the site processes start, and checking 23,000
    entries there cost 0.2 s; looked up, they are checked in those processes, on both cores. Iterating
    (tests, equality) checks every entry and skips the bad ones, as the lookup does."""

    __slots__ = ("_raw",)

    def __init__(self, raw: dict):
        self._raw = raw

    def __getitem__(self, key: str) -> PageRecord:
        value = self._raw.get(key) if isinstance(key, str) and DIGEST.fullmatch(key) else None
        record = _page(value) if value is not None else None
        if record is None:
            raise KeyError(key)
        return record

    def __iter__(self):
        return (key for key in self._raw if key in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass(slots=True)
class Manifest:
    pages: Mapping[str, PageRecord] = field(default_factory=dict)
    bundles: dict[str, BundleRecord] = field(default_factory=dict)


@dataclass(slots=True)
class Counts:
    pages_reused: int = 0
    pages_rendered: int = 0
    bundles_reused: int = 0
    bundles_indexed: int = 0


@dataclass(slots=True)
class SiteReuse:
    """What a site build may reuse, and (filled in by it) the manifest of what it built."""

    previous: Path | None
    """The build folder being replaced (still on disk until the swap); None: nothing to reuse."""
    manifest: Manifest = field(default_factory=Manifest)
    enabled: bool = True
    """False (`--completa`): render everything, but still record the manifest."""
    record: Manifest | None = None
    counts: Counts = field(default_factory=Counts)
    spare: Path | None = None
    """The build before the previous one, kept in the work area (OutputDir.spare): its page folders are
    moved into the new site, verified, instead of being made and linked; None: none."""
    in_place: frozenset[str] = frozenset()
    """The sections (MOVED_WHOLE) build_site moved from the spare into the site's reuse folder before the
    site processes start: their pages are checked there (VerifiedLinker.take)."""

    def usable(self) -> bool:
        return self.enabled and self.previous is not None


def digest_bytes(data: bytes) -> str:
    """128 bits of sha256: what a published file is checked against. sha256, not blake2b: x86 and ARM
    processors hash it in hardware (SHA-NI: 1.5 GB/s against blake2b's 0.6 on the benchmark machine),
    and a rebuild at 10,000 services reads back some 700 MB of pages it reuses."""
    return hashlib.sha256(data).hexdigest()[:DIGEST_CHARS]


def file_digest(path: Path | str) -> str | None:
    """Digest of a regular file's bytes, read without following a symlink; None if it is not one."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        digest = hashlib.sha256()
        while chunk := os.read(descriptor, 1 << 20):
            digest.update(chunk)
        return digest.hexdigest()[:DIGEST_CHARS]
    except OSError:
        return None
    finally:
        os.close(descriptor)


def versions(names: tuple[str, ...]) -> str:
    """«name=version,…» of installed distributions («assente» for a missing one): part of a cache key."""
    from importlib import metadata

    found = []
    for name in names:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=assente")
    return ",".join(found)


def _tree_digest(digest, folder: Path, skip=("__pycache__",)) -> None:
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part in skip for part in relative.parts) or not path.is_file():
            continue
        digest.update(f"{relative.as_posix()}\0{path.stat().st_size}\0".encode("utf-8", "surrogateescape"))
        digest.update(path.read_bytes())


@cache
def _code_key() -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT}|{__version__}|{sys.version}|{versions(VERSIONED)}\0".encode())
    _tree_digest(digest, CODE_DIR)
    return digest.digest()


def base_key(site_src: Path) -> bytes:
    """The part of the site key known before any page is written: code, versions, site_src/, build date."""
    from mkdocs.utils import get_build_date

    digest = hashlib.blake2b(_code_key(), digest_size=16)
    # mkdocs's own build date (SOURCE_DATE_EPOCH, else its clock): the lastmod of every sitemap entry
    digest.update(f"|{os.environ.get('SOURCE_DATE_EPOCH', '')}|{get_build_date()}\0".encode())
    if site_src.is_dir():
        _tree_digest(digest, site_src, skip=())
    return digest.digest()


def nav_files(nav) -> list[str] | None:
    """Every Markdown path the nav lists; None when the nav is not an explicit list."""
    if not isinstance(nav, list):
        return None
    found: list[str] = []
    stack = list(nav)
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            return None
    return sorted(value for value in found if "://" not in value)


def site_key(base: bytes, config: dict, own_hook: str, staged: dict[str, str], is_detail) -> bytes | None:
    """The site key (see the module docstring), or None when this configuration rules reuse out.

    config: the mkdocs configuration as written; staged: nav page path -> the Markdown mkdocs reads."""
    import yaml

    theme = config.get("theme")
    theme_name = theme.get("name") if isinstance(theme, dict) else theme
    navigated = nav_files(config.get("nav"))
    if ("plugins" not in config or config.get("plugins") or config.get("hooks") != [own_hook]
            or theme_name != "material" or navigated is None or any(is_detail(p) for p in navigated)):
        return None
    kept = {k: v for k, v in config.items() if k not in PER_RUN_KEYS}
    if isinstance(kept.get("extra"), dict):
        kept["extra"] = {k: v for k, v in kept["extra"].items() if k not in PER_RUN_EXTRA}
    digest = hashlib.blake2b(base, digest_size=16)
    digest.update(yaml.safe_dump(kept, allow_unicode=True, sort_keys=True).encode("utf-8"))
    for path in navigated:
        text = staged.get(path)
        digest.update(f"\0{path}\0{'' if text is None else len(text)}\0{text or ''}".encode("utf-8"))
    return digest.digest()


def page_key(key: bytes, relative: str, inputs: str) -> str:
    """inputs: the digest of the page's template and values (site/pages/inputs.py)."""
    digest = hashlib.blake2b(key, digest_size=16)
    digest.update(f"\0{relative}\0{inputs}".encode("utf-8"))
    return digest.hexdigest()


def bundle_key(region_id: str, pages: list[tuple[str, str]]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT}|{versions(PAGEFIND)}|{region_id}\0".encode())
    for name in ("search_index.py", "search_canonical.py"):
        digest.update((PACKAGE_DIR / name).read_bytes())
    for path, page_digest in sorted(pages):
        digest.update(f"\0{path}\0{page_digest}".encode("utf-8"))
    return digest.hexdigest()


class VerifiedLinker:
    """Links files of the previous build into a new folder, each only if it is a plain file below plain
    directories of the previous build and the linked bytes have the recorded digest.

    Thousands of pages share a few directories: each directory of the previous build is checked (lstat:
    a real directory, not a symlink) once, and each directory of the target made once. Paths are plain
    strings here: pathlib's objects cost more than the system calls, 10,000 times over."""

    def __init__(self, previous: Path, target: Path, spare: Path | None = None, in_place: frozenset[str] = frozenset()):
        """spare: the build before the previous one (OutputDir.spare), whose page folders may be moved
        instead of made (see take); in_place: the sections of the spare move_sections has moved into target."""
        self.previous = os.fspath(Path(previous))
        self.target = os.fspath(Path(target))
        self.spare = os.fspath(Path(spare)) if spare is not None else None
        self.in_place = in_place
        self._plain: dict[str, set[str]] = {self.previous: {""}}
        if self.spare is not None:
            self._plain[self.spare] = {""}
        self._made: set[str] = set()

    def _plain_dir(self, relative: str, base: str | None = None) -> bool:
        """relative (a folder under base, default the previous build) and each folder above it are real
        directories, not symlinks."""
        base = self.previous if base is None else base
        known = self._plain[base]
        if relative in known:
            return True
        up = relative.rpartition("/")[0]
        if not self._plain_dir(up, base):
            return False
        try:
            mode = os.lstat(f"{base}/{relative}").st_mode
        except OSError:
            return False
        if not stat.S_ISDIR(mode):
            return False
        known.add(relative)
        return True

    def _make_dir(self, relative: str) -> None:
        if relative not in self._made:
            os.makedirs(f"{self.target}/{relative}" if relative else self.target, exist_ok=True)
            self._made.add(relative)

    def _move_from_spare(self, folder: str, digest: str) -> bool:
        """A page's folder moved whole from the spare build, if it holds just that page with the recorded
        digest. On the benchmark machine, under load, making a directory cost ten renames (526 against
        42 µs of CPU), and a rebuild needs one per page."""
        parent = folder.rpartition("/")[0]
        source, destination = f"{self.spare}/{folder}", f"{self.target}/{folder}"
        try:
            if not (self._plain_dir(folder, self.spare) and os.listdir(source) == [PAGE_FILE]):
                return False
            self._make_dir(parent)
            os.rename(source, destination)
        except OSError:
            return False
        self._plain[self.spare].discard(folder)
        try:
            if stat.S_ISDIR(os.lstat(destination).st_mode) and file_digest(f"{destination}/{PAGE_FILE}") == digest:
                return True
        except OSError:
            pass
        shutil.rmtree(destination, ignore_errors=True)  # ours: it was just moved in (rmtree follows no link)
        return False

    def _check_in_place(self, folder: str, digest: str) -> bool | None:
        """A page folder of a section moved from the spare: True if it holds just the page, with the recorded
        digest; otherwise it is removed, and None if it could not be (nothing may then be put there)."""
        path = f"{self.target}/{folder}"
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return False
        except OSError:
            return None
        if stat.S_ISDIR(mode):
            try:
                if os.listdir(path) == [PAGE_FILE] and file_digest(f"{path}/{PAGE_FILE}") == digest:
                    return True
            except OSError:
                pass
        return False if _removed(path, stat.S_ISDIR(mode)) else None

    def take(self, relative: str, digest: str) -> bool:
        """Link (or copy) previous/relative to target/relative (for a page, first try its folder where a
        moved section put it, then in the spare build); leave nothing there and say False unless it checks out."""
        if not is_safe_relative(relative):
            return False
        parent = relative.rpartition("/")[0]
        moved = relative.partition("/")[0] in self.in_place
        if moved:
            if relative.count("/") != 2 or not relative.endswith(f"/{PAGE_FILE}"):
                return False  # not a page of the layout MOVED_WHOLE promises: rendered, never put among the moved
            found = self._check_in_place(parent, digest)
            if found is not False:
                return bool(found)
        if (self.spare is not None and not moved and parent and relative.endswith(f"/{PAGE_FILE}")
                and self._move_from_spare(parent, digest)):
            return True
        if not self._plain_dir(parent):
            return False
        source, destination = f"{self.previous}/{relative}", f"{self.target}/{relative}"
        try:
            self._make_dir(parent)
            try:
                os.link(source, destination, follow_symlinks=False)  # a symlink is linked as itself...
            except OSError:
                shutil.copyfile(source, destination, follow_symlinks=False)
        except OSError:
            return False
        if file_digest(destination) == digest:  # ...and never read through: file_digest does not follow it
            return True
        try:
            os.unlink(destination)
        except FileNotFoundError:
            pass
        return False


def take_verified(previous: Path, relative: str, digest: str, target: Path) -> bool:
    """One file: VerifiedLinker(previous, target).take(relative, digest)."""
    return VerifiedLinker(previous, target).take(relative, digest)


def _removed(path: str, is_dir: bool) -> bool:
    """Remove an entry of this build's work area without following a link; True once nothing is there."""
    if is_dir:
        shutil.rmtree(path, ignore_errors=True)  # rmtree follows no link
    else:
        try:
            os.unlink(path)
        except OSError:
            pass
    return not os.path.lexists(path)


class UnclaimedLeft(SiteBuildError):
    """Something of the spare that no page claims could not be removed: the build must not publish it."""


def move_sections(spare: Path, target: Path, sections: tuple[str, ...] = MOVED_WHOLE) -> frozenset[str]:
    """Each section of the spare build that is a real directory, moved into target (a folder of this build's
    work area) in one rename: a rebuild then checks each of its pages where it lies (VerifiedLinker.take)
    instead of renaming 20,000 page folders one by one (40 µs of system time each here). What no page of
    this build claims is removed by discard_unclaimed before the site is assembled. Returns those moved."""
    moved = []
    os.makedirs(target, exist_ok=True)
    for section in sections:
        source, destination = f"{spare}/{section}", f"{target}/{section}"
        try:
            if not stat.S_ISDIR(os.lstat(source).st_mode) or os.path.lexists(destination):
                continue
            os.rename(source, destination)
        except OSError:
            continue
        try:
            if stat.S_ISDIR(os.lstat(destination).st_mode):
                moved.append(section)
                continue
        except OSError:
            continue
        try:  # something else than the directory just looked at: never used, never published
            os.unlink(destination)
        except OSError as error:
            raise UnclaimedLeft(f"non riesco a rimuovere «{destination}» dalla build di riserva") from error
    return frozenset(moved)


def discard_unclaimed(target: Path, sections: frozenset[str], claimed: set[str]) -> None:
    """Remove from the moved sections of target every entry that is not a claimed page's folder
    («section/name» for a claimed «section/name/index.html»): stale pages, a page this build renders again,
    anything else the spare held. Raises UnclaimedLeft if one cannot be removed, or if a claimed folder is
    not listed under its own name (a filesystem that ignores case: «Foo» would pass for «foo»)."""
    for section in sorted(sections):
        folder = f"{target}/{section}"
        prefix = f"{section}/"
        wanted = {path[len(prefix):].rpartition("/")[0] for path in claimed if path.startswith(prefix)}
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as error:
            raise UnclaimedLeft(f"non riesco a leggere «{folder}» della build di riserva: {error}") from error
        names = {entry.name for entry in entries}
        if not wanted <= names:
            raise UnclaimedLeft(f"in «{folder}» le cartelle delle pagine riusate non hanno il loro nome esatto")
        for entry in entries:
            if entry.name in wanted and not entry.is_dir(follow_symlinks=False):
                raise UnclaimedLeft(f"«{entry.path}», la cartella di una pagina riusata, non è più una cartella")
        for entry in entries:
            if entry.name in wanted:
                continue
            if not _removed(entry.path, entry.is_dir(follow_symlinks=False)):
                raise UnclaimedLeft(f"non riesco a rimuovere «{entry.path}» dalla build di riserva")


def manifest_path(out: Path) -> Path:
    from reti_adi.catalogue.cache import cache_home

    key = hashlib.blake2b(str(Path(out).resolve()).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
    return cache_home() / f"sito-{key}.json"


def _page(value) -> PageRecord | None:
    if (isinstance(value, list) and len(value) == 3 and is_safe_relative(value[0]) and isinstance(value[1], str)
            and DIGEST.fullmatch(value[1]) and isinstance(value[2], str) and len(value[2]) <= 4 * MAX_PATH_CHARS):
        return PageRecord(*value)
    return None


def _bundle(value) -> BundleRecord | None:
    if not (isinstance(value, dict) and isinstance(value.get("chiave"), str) and DIGEST.fullmatch(value["chiave"])
            and isinstance(value.get("file"), dict)):
        return None
    files = value["file"]
    if not all(is_safe_relative(k) and isinstance(v, str) and DIGEST.fullmatch(v) for k, v in files.items()):
        return None
    return BundleRecord(value["chiave"], dict(files))


def load_manifest(out: Path) -> Manifest:
    """The manifest of out's last build; empty when absent, unreadable, oversized or of another format."""
    path = manifest_path(out)
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            return Manifest()
        document = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return Manifest()
    if not isinstance(document, dict) or document.get("formato") != FORMAT:
        return Manifest()
    pages, bundles = document.get("pagine"), document.get("indici")
    manifest = Manifest()
    if isinstance(pages, dict):
        manifest.pages = CheckedPages(pages)
    if isinstance(bundles, dict):
        for region, value in bundles.items():
            record = _bundle(value) if is_safe_relative(region) and "/" not in region else None
            if record is not None:
                manifest.bundles[region] = record
    return manifest


def save_manifest(out: Path, manifest: Manifest) -> None:
    """Write it beside the others in one rename; a cache that cannot be written is no error."""
    path = manifest_path(out)
    document = {"formato": FORMAT,
                "pagine": {k: [r.path, r.digest, r.sitemap] for k, r in sorted(manifest.pages.items())},
                "indici": {k: {"chiave": r.key, "file": dict(sorted(r.files.items()))}
                           for k, r in sorted(manifest.bundles.items())}}
    try:
        write_json_atomically(path, document)
    except OSError:
        pass
