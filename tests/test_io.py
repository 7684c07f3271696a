"""Tests of reading and writing tables."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credscore import Tables, read_tables, validate_tables, write_tables
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


# ---------------------------------------------------------------- what is written reads back
_AWKWARD = st.sampled_from(["\r", "\n", '"', "'", "\ufeff", "\0", ",", " ", ";", "\t"])
_TEXT = st.text(st.characters(codec="utf-8") | _AWKWARD, max_size=12)
_ID = st.text(st.characters(codec="utf-8") | _AWKWARD, min_size=1, max_size=6)


@st.composite
def _tables(draw):
    n = draw(st.integers(1, 6))
    ids = draw(st.lists(_ID, min_size=n, max_size=n, unique=True))
    src = draw(st.lists(_ID, min_size=1, max_size=3, unique=True))
    made = draw(st.lists(st.integers(0, 10**12), min_size=n, max_size=n))
    statements = pd.DataFrame(
        {
            "statement_id": ids,
            "source_id": [src[i % len(src)] for i in range(n)],
            "text": draw(st.lists(st.one_of(st.none(), _TEXT), min_size=n, max_size=n)),
            "made_at": pd.to_datetime(made, unit="ms", utc=True) + pd.Timedelta(1, "ns"),
            "label": draw(st.lists(st.sampled_from([0, 1, None]), min_size=n, max_size=n)),
            "topic": draw(st.lists(st.one_of(st.none(), _TEXT), min_size=n, max_size=n)),
        }
    )
    sources = pd.DataFrame(
        {
            "source_id": src,
            "title": draw(
                st.lists(st.one_of(st.none(), _TEXT), min_size=len(src), max_size=len(src))
            ),
        }
    )
    events = pd.DataFrame(
        {
            "event_id": [f"{i},\r{i}" for i in range(n)],
            "statement_id": ids,
            "kind": ["correction"] * n,
            "at": statements["made_at"] + pd.Timedelta(days=1),
        }
    ).iloc[: draw(st.integers(0, n))]
    return Tables(statements=statements, sources=sources, events=events)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tables=_tables())
def test_written_tables_read_back_identically(tmp_path, fmt, tables):
    """Whatever text the cells hold (carriage returns, newlines, quotes, a byte-order mark,
    NUL, commas, leading spaces), validated tables written by write_tables are read back by
    read_tables identically, column for column, value for value, dtype for dtype, in every
    format."""
    pytest.importorskip("pyarrow") if fmt == "parquet" else None
    folder = tmp_path / f"{fmt}-{abs(hash(repr(tables.statements.values.tolist())))}"
    want = validate_tables(tables)
    write_tables(want, folder, fmt=fmt)
    back = read_tables(folder)
    for name in ("statements", "sources", "events"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(want, name), check_exact=True)


def test_a_lone_carriage_return_stays_in_its_cell(tmp_path, small_tables):
    st_ = small_tables.statements.assign(text=["a\rb", "c\r", "\rd", "e\r\nf", "g"])
    write_tables(Tables(st_, small_tables.sources, small_tables.events), tmp_path)
    back = read_tables(tmp_path)
    assert back.statements["text"].tolist() == ["a\rb", "c\r", "\rd", "e\r\nf", "g"]
    assert back.statements["statement_id"].tolist() == ["s1", "s2", "s3", "s4", "s5"]


# ---------------------------------------------------------------- files that are not read as is
def _write_minimal(folder, statements_name="statements.csv"):
    folder.mkdir(exist_ok=True)
    (folder / "sources.csv").write_text("source_id\na\n")
    (folder / statements_name).write_text(
        "statement_id,source_id,text,made_at\ns1,a,hello,2024-01-01\n"
    )


@pytest.mark.parametrize(
    "name", ["Statements.CSV", "statement.csv", "statements.tsv", "statments.csv", "STATEMENTS.csv"]
)
def test_near_miss_table_names_are_pointed_to(tmp_path, name):
    _write_minimal(tmp_path, name)
    with pytest.raises(SchemaError) as info:
        read_tables(tmp_path)
    msg = str(info.value)
    assert f"'{name}'" in msg and "no 'statements' table" in msg and "rename" in msg
    assert info.value.table == "statements"


def test_near_miss_of_the_optional_events_table_is_not_skipped(tmp_path):
    _write_minimal(tmp_path)
    (tmp_path / "Events.csv").write_text("event_id,statement_id,kind,at\n")
    with pytest.raises(SchemaError, match=r"'Events\.csv' looks like one"):
        read_tables(tmp_path)
    (tmp_path / "Events.csv").unlink()
    assert len(read_tables(tmp_path).events) == 0  # no events file at all: no events


def test_duplicate_csv_header_is_refused(tmp_path):
    _write_minimal(tmp_path)
    (tmp_path / "statements.csv").write_text(
        "statement_id,source_id,text,made_at,text\ns1,a,hello,2024-01-01,bye\n"
    )
    with pytest.raises(SchemaError) as info:
        read_tables(tmp_path)
    (p,) = info.value.problems
    assert (p["table"], p["column"], p["check"]) == ("statements", "text", "duplicate_column")
    assert "appears 2 times in statements.csv" in str(info.value) and "Fix:" in str(info.value)


def test_duplicate_jsonl_key_is_refused(tmp_path):
    _write_minimal(tmp_path)
    (tmp_path / "statements.csv").unlink()
    (tmp_path / "statements.jsonl").write_text(
        '{"statement_id": "s1", "source_id": "a", "text": "x", "text": "y", '
        '"made_at": "2024-01-01"}\n'
    )
    with pytest.raises(SchemaError, match="column 'text': appears 2 times"):
        read_tables(tmp_path)


def test_byte_order_mark_at_the_start_of_a_file_is_dropped(tmp_path):
    _write_minimal(tmp_path)
    data = (tmp_path / "statements.csv").read_bytes()
    (tmp_path / "statements.csv").write_bytes(b"\xef\xbb\xbf" + data)
    assert read_tables(tmp_path).statements["statement_id"].tolist() == ["s1"]


def test_jsonl_numbers_in_time_columns_need_their_unit(tmp_path):
    _write_minimal(tmp_path)
    (tmp_path / "statements.csv").unlink()
    (tmp_path / "statements.jsonl").write_text(
        '{"statement_id": "s1", "source_id": "a", "text": "x", "made_at": 1714521600}\n'
    )
    with pytest.raises(SchemaError, match="time_unit='s'"):
        read_tables(tmp_path)
    made = read_tables(tmp_path, time_unit="s").statements["made_at"].iloc[0]
    assert made == pd.Timestamp("2024-05-01", tz="UTC")


def test_empty_jsonl_events_file_means_no_events(tmp_path, small_tables):
    write_tables(Tables(small_tables.statements, small_tables.sources), tmp_path, fmt="jsonl")
    assert (tmp_path / "events.jsonl").read_bytes().strip() == b""
    assert len(read_tables(tmp_path).events) == 0
