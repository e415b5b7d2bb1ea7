"""Write records as YAML files people will edit: schema comment first, codes always quoted."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from reti_adi.catalogue.kinds import FileKind


class _Dumper(yaml.SafeDumper):
    pass


_NUMBER_LIKE = re.compile(r"^[-+]?[0-9][0-9_.:eE+-]*$")


def _str(dumper: yaml.SafeDumper, value: str):
    # codes made of digits are double-quoted even where YAML 1.1 would not misread them
    # ("037008"), because YAML 1.2 editors would; PyYAML itself quotes "00100", "15:30", "NO".
    if _NUMBER_LIKE.match(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    style = ">" if len(value) > 90 and "\n" not in value else ("|" if "\n" in value else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(dt.date, lambda d, v: d.represent_scalar("tag:yaml.org,2002:timestamp", v.isoformat()))


def schema_comment(kind: FileKind, path: Path, root: Path) -> str:
    depth = len(path.relative_to(root).parts) - 1
    return f"# yaml-language-server: $schema={'../' * depth}schemas/{kind.name}.schema.json\n"


def dump_record(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


def record_text(kind: FileKind, path: Path, root: Path, data: dict, trailer: str = "") -> str:
    return schema_comment(kind, path, root) + dump_record(data) + trailer
