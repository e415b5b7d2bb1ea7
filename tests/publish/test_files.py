"""The small writers of publish/files.py: what they write, byte for byte, and what a failure leaves behind."""

from __future__ import annotations

import pytest

from reti_adi.publish.files import write_json_atomically


def test_a_json_file_is_compact_utf8_in_a_new_folder(tmp_path):
    path = tmp_path / "cache" / "manifesto.json"
    write_json_atomically(path, {"formato": 1, "pagine": {"comuni/città": ["è", 2, None]}})
    assert path.read_bytes() == '{"formato":1,"pagine":{"comuni/città":["è",2,null]}}'.encode("utf-8")
    write_json_atomically(path, [])
    assert path.read_bytes() == b"[]" and [p.name for p in path.parent.iterdir()] == ["manifesto.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    path = tmp_path / "manifesto.json"
    path.mkdir()  # the rename over a folder fails
    (path / "dentro").write_bytes(b"vecchio")
    with pytest.raises(OSError):
        write_json_atomically(path, {"a": 1})
    assert [p.name for p in tmp_path.iterdir()] == ["manifesto.json"]
    assert (path / "dentro").read_bytes() == b"vecchio"
