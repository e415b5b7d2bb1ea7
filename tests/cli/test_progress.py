"""Progress is shown on a terminal and never on a pipe (CI, scripts, files)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from ..conftest import REPO, run_cli


def test_check_shows_progress_on_a_terminal_only():
    main, secondary = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-c", "from reti_adi.cli import main; main()", "check", str(REPO)],
                              stdout=subprocess.PIPE, stderr=secondary, text=True, timeout=120)
        os.close(secondary)
        seen = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(main)
    assert proc.returncode == 0
    assert "Controllo del catalogo" in seen.decode("utf-8", "replace")
    piped = run_cli("check", str(REPO))
    assert piped.returncode == 0 and piped.stderr == ""
    assert piped.stdout == proc.stdout  # the report itself is the same either way
