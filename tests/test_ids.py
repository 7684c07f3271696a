"""Tests of credscore._ids: the sort-based id kernels and when they decline."""

from __future__ import annotations

import numpy as np
import pandas as pd

from credscore import _ids
from credscore._ids import _id_words, event_positions_fast, group_rows, locate_rows


def test_fast_id_path_is_taken_for_the_usual_dtypes():
    ids = ["s1", "s2", "s3"]
    for st_dtype, ev_dtype in [("str", "str"), (object, "str"), ("category", "category")]:
        pos = event_positions_fast(
            pd.Series(ids, dtype=st_dtype), pd.Series(["s3", "zz"], dtype=ev_dtype)
        )
        assert pos is not None and pos.tolist() == [2, -1]
    ints = pd.Series([10, 20, 30], dtype="int64")
    pos = event_positions_fast(ints, pd.Series([30, 10], dtype="int32"))
    assert pos is not None and pos.tolist() == [2, 0]
    no_events = pd.Series([], dtype=object)
    assert event_positions_fast(pd.Series(ids), no_events).tolist() == []
    assert event_positions_fast(pd.Series(["s1", "s1"]), no_events) is None  # duplicates
    # Not taken: mixed kinds, missing ids, mixed objects, floats.
    assert event_positions_fast(ints, pd.Series(["10"])) is None
    assert event_positions_fast(pd.Series(ids), pd.Series(["s1", None])) is None
    assert event_positions_fast(pd.Series(["s1", 2], dtype=object), pd.Series(["s1"])) is None
    assert event_positions_fast(pd.Series([1.0, 2.0]), pd.Series([1.0])) is None


def test_empty_and_nul_padded_ids_stay_distinct():
    ids = pd.Series(["", "\0", "a", "a\0", "a\0\0"], dtype="str")
    pos = event_positions_fast(ids, ids.iloc[::-1])
    assert pos is not None and pos.tolist() == [4, 3, 2, 1, 0]


def test_fast_id_path_on_sliced_and_concatenated_columns():
    """Arrow-backed columns may be slices of a larger buffer or several chunks."""
    ids = pd.Series([f"s{i}" + "x" * (i % 3) for i in range(20)], dtype="str")
    sliced = ids.iloc[5:15]
    chunked = pd.concat([ids.iloc[:7], ids.iloc[7:]], ignore_index=True)
    assert _id_words(sliced) is not None and _id_words(chunked) is not None
    pos = event_positions_fast(sliced, pd.Series(["s7x", "s5xx", "s3"], dtype="str"))
    assert pos is not None and pos.tolist() == [2, 0, -1]
    pos = event_positions_fast(chunked, chunked.iloc[::-1])
    assert pos is not None and pos.tolist() == list(range(19, -1, -1))


def test_collisions_are_declined(monkeypatch):
    monkeypatch.setattr(_ids, "hash_rows", lambda words: np.zeros(len(words), dtype=np.uint64))
    rows = np.array([[1, 2], [1, 3]], dtype=np.uint64)
    assert _ids.locate_rows(rows, rows[:1]) is None
    assert _ids.group_rows(rows) is None


def test_locate_rows_and_group_rows_confirm_every_match():
    rng = np.random.default_rng(0)
    table = rng.integers(0, 4, (500, 3)).astype(np.uint64)
    table = np.unique(table, axis=0)  # distinct rows
    queries = rng.integers(0, 5, (300, 3)).astype(np.uint64)
    pos = locate_rows(table, queries)
    assert pos is not None
    for q, p in zip(queries, pos, strict=True):
        hits = np.flatnonzero((table == q).all(axis=1))
        assert p == (hits[0] if len(hits) else -1)
    codes, k = group_rows(queries)
    ref_codes, ref_uniques = pd.factorize(pd.Series([tuple(r) for r in queries.tolist()]))
    assert k == len(ref_uniques) and (codes == ref_codes).all()
