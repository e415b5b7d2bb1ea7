"""`reti-adi init DIR`: a new catalogue repository that checks and builds from the first minute."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from reti_adi.catalogue.schema_export import write_schemas
from reti_adi.resources import resource

EXAMPLE_FILES = (
    "catalogo/ambiti/pianura-est.yaml",
    "catalogo/enti/unione-reno-galliera.yaml",
    "catalogo/enti/comune-budrio.yaml",
    "catalogo/enti/asp-pianura-est.yaml",
    "catalogo/fonti/fondi-comunali.yaml",
    "catalogo/servizi/sportello-sociale-budrio.yaml",
    "catalogo/servizi/housing-first.yaml",
)
TEMPLATE_FILES = {
    "ci/github-actions.yml": ".github/workflows/catalogo.yml",
    "ci/gitlab-ci.yml": ".gitlab-ci.yml",
    "repo/.vscode/settings.json": ".vscode/settings.json",
    "repo/pre-commit-config.yaml": ".pre-commit-config.yaml",
    "repo/gitignore": ".gitignore",
    "repo/README.md": "README.md",
}


class InitError(Exception):
    pass


DEFAULT_PACKAGE = "reti-adi @ git+https://github.com/reti-adi/reti-adi@v0.1.0"
PACKAGE_SPEC = re.compile(r"[A-Za-z0-9 @:/._+=<>!~,\-\[\]#%]{1,300}")
"""What pip accepts as a requirement or a path, and nothing that could end a YAML or shell string."""


def _pin_package(text: str, spec: str) -> str:
    """The one place the templates say where reti-adi comes from: RETI_ADI_PACCHETTO, and the README's pip line."""
    text = re.sub(r'^(\s*RETI_ADI_PACCHETTO: ).*$', lambda m: m.group(1) + json.dumps(spec), text, flags=re.M)
    return text.replace(f'pip install "{DEFAULT_PACKAGE}"', f'pip install "{spec}"')


def init_repository(target: Path, title: str | None = None, package: str | None = None) -> list[Path]:
    """package: the pip specification the CI templates install (default: the project's repository at a tag)."""
    target = Path(target)
    if package is not None and not PACKAGE_SPEC.fullmatch(package):
        raise InitError(f"--pacchetto {package[:80]!r} non è una specifica pip valida: una riga sola, senza "
                        "virgolette né $ (es. «reti-adi==0.1.0» o «reti-adi @ git+https://…@v0.1.0»)")
    if (target / "catalogo").exists() or (target / "mkdocs.yml").exists():
        raise InitError(f"{target} contiene già un catalogo: init non sovrascrive nulla")
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    example = resource("catalogo").parent
    for relative in EXAMPLE_FILES:
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(example / relative, destination)
        written.append(destination)
    meta = target / "catalogo" / "catalogo.yaml"
    meta.write_text(
        "# yaml-language-server: $schema=../schemas/catalogo.schema.json\n"
        "# Sostituisci i dati di esempio con quelli del tuo ambito, poi metti dati_dimostrativi: false.\n"
        "# Per pubblicare aggiungi url_sito (l'indirizzo del sito): la build vi legge la pubblicazione precedente.\n"
        + yaml.safe_dump({"titolo": title or "Catalogo dei sostegni (esempio da sostituire)",
                          "versione": "0.1.0", "editore": "unione-reno-galliera", "licenza": "CC-BY-4.0",
                          "dati_dimostrativi": True}, allow_unicode=True, sort_keys=False),
        encoding="utf-8")
    written.append(meta)
    for folder in ("protocolli/reti", "protocolli/protocolli"):
        (target / folder).mkdir(parents=True, exist_ok=True)
        (target / folder / ".gitkeep").touch()
        written.append(target / folder / ".gitkeep")
    shutil.copytree(resource("site_src"), target / "site_src")
    written += sorted(path for path in (target / "site_src").rglob("*") if path.is_file())
    config = resource("mkdocs.yml").read_text(encoding="utf-8")
    name = title or "Catalogo dei sostegni (esempio da sostituire)"
    config = re.sub(r"^site_name: .*$", f"site_name: {json.dumps(name, ensure_ascii=False)}", config, count=1,
                    flags=re.M)
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")
    written.append(target / "mkdocs.yml")
    templates = resource("templates")
    for source, destination in TEMPLATE_FILES.items():
        path = target / destination
        path.parent.mkdir(parents=True, exist_ok=True)
        text = (templates / source).read_text(encoding="utf-8")
        path.write_text(_pin_package(text, package) if package else text, encoding="utf-8")
        written.append(path)
    written += write_schemas(target / "schemas")
    if shutil.which("git") and not (target / ".git").exists():
        subprocess.run(["git", "init", "-q", str(target)], check=False)
    return written
