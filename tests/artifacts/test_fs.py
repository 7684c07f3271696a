"""Tests of the atomic file-system steps: no-replace rename, exchange, lock."""

from __future__ import annotations

import threading
import time

import pytest

from credscore.artifacts._fs import exchange, locked, rename_noreplace, stage_directory


def test_stage_and_rename_never_replace(tmp_path):
    staged = stage_directory(tmp_path, "m", {"a.txt": b"new"})
    assert staged.name.startswith(".m.staging-") and (staged / "a.txt").read_bytes() == b"new"
    target = tmp_path / "m"
    target.mkdir()
    (target / "a.txt").write_bytes(b"old")
    with pytest.raises(FileExistsError):
        rename_noreplace(staged, target)
    assert (target / "a.txt").read_bytes() == b"old"
    rename_noreplace(staged, tmp_path / "m2")
    assert (tmp_path / "m2" / "a.txt").read_bytes() == b"new" and not staged.exists()


def test_exchange_swaps_two_directories_in_one_step(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d, body in ((a, b"A"), (b, b"B")):
        d.mkdir()
        (d / "f").write_bytes(body)
    if not exchange(a, b):
        pytest.skip("no atomic directory exchange on this system")
    assert (a / "f").read_bytes() == b"B" and (b / "f").read_bytes() == b"A"


def test_lock_excludes_a_second_holder(tmp_path):
    order = []

    def second():
        with locked(tmp_path / ".lock"):
            order.append("second")

    with locked(tmp_path / ".lock"):
        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.2)
        order.append("first done")
    t.join(5)
    assert order == ["first done", "second"]
