"""The reference date of every calendar-dependent finding: the one place that reads the wall clock.

RETI_ADI_DATA_RIFERIMENTO=AAAA-MM-GG moves it for a whole process and its children, so that the
test suite (and anyone reproducing yesterday's check) never depends on the day it runs.
"""

from __future__ import annotations

import datetime as dt
import os

ENV_VAR = "RETI_ADI_DATA_RIFERIMENTO"


class ClockError(ValueError):
    """The environment names a date that is not one."""


def today() -> dt.date:
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ClockError(f"la variabile {ENV_VAR}=«{value[:40]}» non è una data AAAA-MM-GG") from None
