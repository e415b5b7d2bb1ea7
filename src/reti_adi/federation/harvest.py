"""Harvest every source into its own folder, incrementally, keeping the last good copy of each.

For each source: read `stato.json` (a few hundred bytes); if the manifest it names is the one
harvested last time, the source is unchanged and nothing else is read. Otherwise read the
manifest, fetch only the files whose sha256 differs from the copy already held, check each
against its size, digest and published schema, check that the services' references resolve,
and only then swap the new copy in. A source that is unreachable or invalid keeps its last
good copy and is reported; it never fails the others. Sources are harvested concurrently
within a bound; each file is bounded in size and depth (see transport.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reti_adi.federation.sources import Sorgente, Sorgenti, source_location
from reti_adi.federation.transport import Counter, FetchError, Limits, Transport, parse_json, transport_for
from reti_adi.federation.validate import LISTS, NETWORKS, PROTOCOL_DIR, harvested_path, schema_errors, schema_name
from reti_adi.reporters.text import plural

STATE_FILE = "stato-raccolta.json"
COPIES_DIR = "sorgenti"
STATE_VERSION = 1


class SourceState(BaseModel):
    """What the portal holds of one source: the manifest harvested and the digest of each file kept."""

    model_config = ConfigDict(extra="forbid")
    sha256_index: str = Field(pattern=r"^[0-9a-f]{64}$")
    generato_il: str = Field(max_length=40)
    file: dict[str, str] = Field(default_factory=dict)
    """percorso -> sha256 of the copy held."""
    validatore_stato: dict[Literal["etag", "last_modified", "stat"], Annotated[str, Field(max_length=200)]] = Field(
        default_factory=dict)
    """How stato.json looked when last read (ETag, Last-Modified, or a folder's stat): the next harvest asks
    «changed since?» and reads nothing when it did not."""


class HarvestState(BaseModel):
    """The harvest's memory between runs: plain JSON, read back as untrusted data."""

    model_config = ConfigDict(extra="forbid")
    versione: int = STATE_VERSION
    sorgenti: dict[str, SourceState] = Field(default_factory=dict)


Outcome = Literal["aggiornata", "invariata", "errore"]


@dataclass(slots=True)
class SourceReport:
    id: str
    esito: Outcome
    messaggio: str = ""
    file_letti: int = 0
    """Requests made to the source in this harvest (a «not modified» answer counts, with no bytes)."""
    byte_letti: int = 0
    copia: str | None = None
    """generato_il of the copy the portal uses, None when it holds none (the source is left out)."""

    def describe(self) -> str:
        """One Italian line for the person running the harvest."""
        if self.esito == "invariata":
            return f"{self.id}: invariata (pubblicazione del {self.copia})"
        if self.esito == "aggiornata":
            return (f"{self.id}: aggiornata, {plural(self.file_letti, 'file letto', 'file letti')} "
                    f"(pubblicazione del {self.copia})")
        kept = (f"resta in uso l'ultima copia valida (pubblicazione del {self.copia})" if self.copia
                else "nessuna copia valida: la sorgente è esclusa dal portale")
        return f"{self.id}: ERRORE – {self.messaggio}; {kept}"


@dataclass(slots=True)
class HarvestReport:
    folder: Path
    sources: list[SourceReport]
    counter: Counter
    state: HarvestState = field(default_factory=HarvestState)

    @property
    def failed(self) -> list[SourceReport]:
        return [s for s in self.sources if s.esito == "errore"]

    def summary(self) -> str:
        """«Raccolta: 5 sorgenti, 2 con errori; 9 richieste, 14230 byte letti.», agreeing in number."""
        return (f"Raccolta: {plural(len(self.sources), 'sorgente', 'sorgenti')}, {len(self.failed)} con errori; "
                f"{plural(self.counter.requests, 'richiesta', 'richieste')}, "
                f"{plural(self.counter.bytes, 'byte letto', 'byte letti')}.")

    def copy_of(self, source_id: str) -> Path | None:
        return self.folder / COPIES_DIR / source_id if source_id in self.state.sorgenti else None


class SourceInvalid(Exception):
    pass


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def read_state(folder: Path) -> HarvestState:
    """The previous harvest's state; a missing or unreadable one means starting afresh."""
    path = folder / STATE_FILE
    try:
        raw = path.read_bytes()
        if len(raw) > 200_000_000:
            return HarvestState()
        return HarvestState.model_validate_json(raw)
    except (OSError, ValidationError, ValueError):
        return HarvestState()


def write_state(folder: Path, state: HarvestState) -> None:
    target = folder / STATE_FILE
    fd, temporary = tempfile.mkstemp(prefix=".stato-", dir=folder)
    with os.fdopen(fd, "wb") as handle:
        handle.write(state.model_dump_json(indent=1).encode("utf-8"))
    os.replace(temporary, target)


def _checked(transport: Transport, percorso: str, expected_sha: str | None = None,
             expected_bytes: int | None = None) -> tuple[bytes, object]:
    content, data = transport.read_json(percorso)
    return content, _valid(content, data, percorso, expected_sha, expected_bytes)


def _valid(content: bytes, data: object, percorso: str, expected_sha: str | None = None,
           expected_bytes: int | None = None) -> object:
    """data, once its size, digest (when the manifest gives them) and published schema are checked."""
    if expected_bytes is not None and len(content) != expected_bytes:
        raise SourceInvalid(f"{percorso}: {len(content)} byte invece dei {expected_bytes} dichiarati nel manifest")
    if expected_sha is not None and _sha256(content) != expected_sha:
        raise SourceInvalid(f"{percorso}: il contenuto non corrisponde allo sha256 del manifest")
    errors = schema_errors(schema_name(percorso, data), data)
    if errors:
        raise SourceInvalid(f"{percorso} non rispetta lo schema pubblicato: {'; '.join(errors)}")
    return data


def _references(copy: Path) -> None:
    """Every service of the copy names an ente, ambito and fonti the same source publishes."""
    ids = {}
    for name in LISTS:
        data = json.loads((copy / name).read_bytes())
        ids[name] = {item["id"] for item in data[name.removesuffix(".json")]}
    services = copy / "servizi"
    for path in sorted(services.iterdir()) if services.is_dir() else []:
        s = json.loads(path.read_bytes())
        if s.get("id") != path.stem:
            raise SourceInvalid(f"servizi/{path.name}: l'id «{s.get('id')}» non corrisponde al nome del file")
        if s.get("rimosso"):
            continue
        missing = [("ente", s["ente_erogatore"]["id"], "enti.json"), ("ambito", s["territorio"]["ambito"]["id"],
                                                                      "ambiti.json")]
        missing += [("ente", e["id"], "enti.json") for e in s.get("enti_coinvolti", [])]
        missing += [("fonte", f["id"], "fonti.json") for f in s.get("fonti_finanziamento", [])]
        for kind, ref, where in missing:
            if ref not in ids[where]:
                raise SourceInvalid(f"servizi/{path.name}: {kind} «{ref}» non pubblicato in {where}")
    _network_references(copy, ids, {p.stem for p in services.iterdir()} if services.is_dir() else set())


def _network_references(copy: Path, ids: dict[str, set[str]], services: set[str]) -> None:
    """Reti and protocolli name enti, ambiti, reti and servizi the same source publishes."""
    reti = json.loads((copy / NETWORKS).read_bytes())["reti"] if (copy / NETWORKS).is_file() else []
    ids["reti.json"] = {r["id"] for r in reti}
    ids["servizi/"] = services
    for r in reti:
        refs = [("ente", r["gestore"]["id"], "enti.json"), *[("ente", m["ente"]["id"], "enti.json") for m in r["membri"]],
                *[("servizio", x, "servizi/") for x in r.get("servizi", [])]]
        refs += [("ambito", r["ambito"], "ambiti.json")] if r.get("ambito") else []
        refs += [("rete", r["risponde_a"], "reti.json")] if r.get("risponde_a") else []
        _resolved(f"{NETWORKS} («{r['id']}»)", refs, ids)
    folder = copy / PROTOCOL_DIR
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        p = json.loads(path.read_bytes())
        if p.get("id") != path.stem:
            raise SourceInvalid(f"{PROTOCOL_DIR}/{path.name}: l'id «{p.get('id')}» non corrisponde al nome del file")
        refs = [("rete", p["rete"], "reti.json"), *[("ente", x["ente"]["id"], "enti.json") for x in p["parti_firmatarie"]],
                *[("ente", i["ente"], "enti.json") for i in p.get("impegni", [])],
                *[("servizio", x, "servizi/") for i in p.get("impegni", []) for x in i.get("servizi", [])],
                *[("ente", c["ente"], "enti.json") for o in p.get("governance", []) for c in o["composizione"]],
                *[("ente", a["ente"], "enti.json") for a in p.get("adesioni", []) if "ente" in a]]
        _resolved(f"{PROTOCOL_DIR}/{path.name}", refs, ids)


def _resolved(where: str, refs: list[tuple[str, str, str]], ids: dict[str, set[str]]) -> None:
    for kind, ref, listed in refs:
        if ref not in ids[listed]:
            raise SourceInvalid(f"{where}: {kind} «{ref}» non pubblicato in {listed}")


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def replace_folder(staging: Path, copy: Path) -> None:
    """Put staging where copy is; the old copy is removed only once the new one is in place."""
    old = None
    if copy.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{copy.name}.vecchia-", dir=copy.parent))
        os.rename(copy, old / "copia")
    os.rename(staging, copy)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def harvest_source(source: Sorgente, location: str, held: SourceState | None, copies: Path,
                   limits: Limits, counter: Counter) -> tuple[SourceReport, SourceState | None]:
    """Harvest one source; on any failure the copy held stays exactly as it was."""
    mine = Counter()
    report, state = _harvest_source(source, location, held, copies, limits, mine)
    report.file_letti, report.byte_letti = mine.requests, mine.bytes
    counter.merge(mine)
    return report, state


def _harvest_source(source: Sorgente, location: str, held: SourceState | None, copies: Path,
                    limits: Limits, counter: Counter) -> tuple[SourceReport, SourceState | None]:
    copy = copies / source.id  # source.id matched the id pattern when the sources file was read
    if held is not None and not (copy / "index.json").is_file():
        held = None
    transport = transport_for(location, limits, counter)
    try:
        content, validator = transport.read_if_changed("stato.json", held.validatore_stato if held else None)
        if content is None:  # «not modified»: one request, no bytes
            return SourceReport(source.id, "invariata", copia=held.generato_il), held
        stato = _valid(content, parse_json(content, "stato.json", limits), "stato.json")
        if held is not None and stato["sha256_index"] == held.sha256_index:
            return (SourceReport(source.id, "invariata", copia=held.generato_il),
                    held.model_copy(update={"validatore_stato": validator}))
        index_bytes, index = _checked(transport, "index.json")
        if _sha256(index_bytes) != stato["sha256_index"]:
            raise SourceInvalid("index.json non corrisponde a stato.json (pubblicazione in corso? riprova più tardi)")
        listed = {f["percorso"]: f for f in index["file"] if harvested_path(f["percorso"])}
        absent = [name for name in LISTS if name not in listed]
        if absent:
            raise SourceInvalid(f"il manifest non elenca {', '.join(absent)}")
        staging = Path(tempfile.mkdtemp(prefix=f".{source.id}.nuova-", dir=copies))
        try:
            kept = held.file if held is not None else {}
            files = {}
            for percorso, info in sorted(listed.items()):
                target = staging / percorso
                if kept.get(percorso) == info["sha256"] and (copy / percorso).is_file():
                    _link_or_copy(copy / percorso, target)
                else:
                    content, _ = _checked(transport, percorso, info["sha256"], info["byte"])
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(content)
                files[percorso] = info["sha256"]
            (staging / "index.json").write_bytes(index_bytes)
            _references(staging)
            replace_folder(staging, copy)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        state = SourceState(sha256_index=stato["sha256_index"], generato_il=index["generato_il"][:40], file=files,
                            validatore_stato=validator)
        return SourceReport(source.id, "aggiornata", copia=state.generato_il), state
    except (FetchError, SourceInvalid, OSError) as exc:
        return SourceReport(source.id, "errore", messaggio=str(exc),
                            copia=held.generato_il if held else None), held


def harvest(sources: Sorgenti, sources_file: Path, folder: Path, limits: Limits | None = None,
            workers: int = 8) -> HarvestReport:
    """Harvest every listed source into folder/sorgenti/<id>/ and record the state in folder."""
    limits = limits or Limits()
    folder.mkdir(parents=True, exist_ok=True)
    copies = folder / COPIES_DIR
    copies.mkdir(exist_ok=True)
    for leftover in copies.glob(".*"):  # staging of a harvest that was interrupted
        shutil.rmtree(leftover, ignore_errors=True)
    previous = read_state(folder)
    counter = Counter()
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="raccolta") as pool:
        futures = [pool.submit(harvest_source, s, source_location(s, sources_file), previous.sorgenti.get(s.id),
                               copies, limits, counter) for s in sources.sorgenti]
        outcomes = [f.result() for f in futures]
    state = HarvestState(sorgenti={report.id: held for report, held in outcomes if held is not None})
    write_state(folder, state)
    for copy in copies.iterdir():  # sources no longer listed leave the portal
        if copy.name not in state.sorgenti and not copy.name.startswith("."):
            shutil.rmtree(copy, ignore_errors=True)
    return HarvestReport(folder, [report for report, _ in outcomes], counter, state)
