"""Tests of credscore/ingest/_cli.py: the extract command's kind and tagger flags."""

from __future__ import annotations

import pytest

from credscore.cli import main


def _write(tmp_path):
    art = tmp_path / "a.txt"
    art.write_text(
        "Ann Lee said prices would fall. Tom Reed believes the plant will close.",
        encoding="utf-8",
    )
    return art


def test_kinds_flag(tmp_path):
    credscore = pytest.importorskip("credscore")
    art = _write(tmp_path)
    assert main(["extract", str(art), "--out", str(tmp_path / "d"), "--kinds", "all"]) == 0
    every = credscore.read_tables(tmp_path / "d").statements
    assert main(["extract", str(art), "--out", str(tmp_path / "e")]) == 0
    default = credscore.read_tables(tmp_path / "e").statements
    assert "belief" in set(every["kind"]) and "belief" not in set(default["kind"])
    assert main(["extract", str(art), "--out", str(tmp_path / "f"), "--tagger", "rules"]) == 0


def test_bad_kind_exits_2(tmp_path, capsys):
    art = _write(tmp_path)
    assert main(["extract", str(art), "--out", str(tmp_path / "d"), "--kinds", "gossip"]) == 2
    assert "kinds" in capsys.readouterr().err
