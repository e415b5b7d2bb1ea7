"""Change some fields of a YAML file people edit by hand, keeping everything else as they wrote it.

ruamel.yaml's round trip keeps comments, key order, quoting and the schema line; only the
changed fields are replaced. Their new text is written by yaml_writer (PyYAML, which quotes
what YAML 1.1 would misread: "037008", "15:30", "NO") and read back with quotes preserved,
so the file stays safe for the YAML 1.1 parser the check uses.
"""

from __future__ import annotations

import io

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from reti_adi.maintain.yaml_writer import dump_record


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _merge(old, new):
    """`new` where it differs from `old`, descending into maps and same-length lists so that the
    comments and styles of the untouched parts (a sede whose CAP alone changed) survive."""
    if isinstance(old, CommentedMap) and isinstance(new, CommentedMap):
        for key in [k for k in old if k not in new]:
            del old[key]
        for position, key in enumerate(new):
            if key in old:
                old[key] = _merge(old[key], new[key])
            else:
                old.insert(min(position, len(old)), key, new[key])
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, CommentedSeq) and len(old) == len(new):
        for index, item in enumerate(new):
            old[index] = _merge(old[index], item)
        return old
    if not isinstance(old, (CommentedMap, CommentedSeq)) and not isinstance(new, (CommentedMap, CommentedSeq)) \
            and type(old) is type(new) and old == new:
        return old
    return new


def update_fields(text: str, changes: dict[str, object], removed: set[str], order: list[str]) -> str:
    """`text` with each key of `changes` set to its value and each key in `removed` deleted.

    order: the model's field order, so a new key goes after the field that precedes it."""
    yaml = _yaml()
    document = yaml.load(text)
    for key in removed:
        if key in document:
            del document[key]
    if changes:
        fresh = yaml.load(dump_record(changes))
        for key in changes:
            if key in document:
                document[key] = _merge(document[key], fresh[key])
                continue
            before = [k for k in order[: order.index(key)] if k in document] if key in order else list(document)
            position = list(document).index(before[-1]) + 1 if before else 0
            document.insert(position, key, fresh[key])
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()
