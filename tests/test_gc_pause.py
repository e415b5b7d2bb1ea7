"""The collector is paused for a stretch that only allocates, then restored; what it kept is frozen only on success."""

from __future__ import annotations

import gc

import pytest

from reti_adi.gc_pause import paused_gc


@pytest.fixture(autouse=True)
def _thawed():
    yield
    gc.unfreeze()  # the suite's own objects back in the collector's reach


def test_the_collector_is_off_inside_and_back_as_it_was_after():
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with paused_gc():
        assert not gc.isenabled()
        kept = [[i] for i in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(kept)
    gc.disable()
    try:
        with paused_gc(freeze=False):
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def test_a_failing_stretch_freezes_nothing_and_restores_the_collector():
    frozen = gc.get_freeze_count()
    with pytest.raises(ValueError), paused_gc():
        _ = [[i] for i in range(1000)]
        raise ValueError("no")
    assert gc.isenabled() and gc.get_freeze_count() == frozen
