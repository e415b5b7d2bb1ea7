from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The example data is dated; checks that depend on "today" use this fixed date.
REFERENCE_DATE = dt.date(2026, 11, 22)


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    """A writable copy of the example catalogue (and protocols) to break on purpose."""
    root = tmp_path / "repo"
    for folder in ("catalogo", "protocolli"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    return root
