"""The bytes of a published JSON file: compact and key-order-stable, so the same input gives the same bytes."""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel


def dump(document: BaseModel | dict) -> bytes:
    data = document.model_dump(mode="json", exclude_none=True) if isinstance(document, BaseModel) else document
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def fingerprint(content: bytes) -> str:
    """16 hex digits of sha256: changes if and only if the published content changes."""
    return hashlib.sha256(content).hexdigest()[:16]
