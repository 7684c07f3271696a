"""Tests of reading and writing tables."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from credscore import read_tables, write_tables
from credscore._io import atomic_write_bytes
from credscore.exceptions import SchemaError


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_round_trip(tmp_path, small_tables, fmt):
    pytest.importorskip("pyarrow") if fmt == "parquet" else None
    write_tables(small_tables, tmp_path, fmt=fmt)
    back = read_tables(tmp_path)
    st = back.statements
    assert st["statement_id"].tolist() == ["s1", "s2", "s3", "s4", "s5"]
    assert st["made_at"].iloc[1] == pd.Timestamp("2025-01-05", tz="UTC")
    assert back.events["kind"].tolist() == ["retraction"]
    assert st["label"].isna().sum() == 2


def test_example_reads(example_dir):
    t = read_tables(example_dir)
    assert len(t.statements) == 10 and len(t.sources) == 7
    assert t.events["kind"].tolist() == ["scope_narrowing"]


def test_missing_statements_file(tmp_path):
    (tmp_path / "sources.csv").write_text("source_id\na\n")
    with pytest.raises(SchemaError, match="no 'statements' table"):
        read_tables(tmp_path)


def test_not_a_directory(tmp_path):
    with pytest.raises(SchemaError, match="not a directory"):
        read_tables(tmp_path / "nope")


def test_two_files_for_one_table(tmp_path, small_tables):
    write_tables(small_tables, tmp_path, fmt="csv")
    write_tables(small_tables, tmp_path, fmt="jsonl")
    with pytest.raises(SchemaError, match="more than once"):
        read_tables(tmp_path)


def test_atomic_write_leaves_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "f.txt"
    atomic_write_bytes(target, b"old")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]  # no temp file left behind
