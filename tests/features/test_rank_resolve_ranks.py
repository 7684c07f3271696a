"""Tests of credscore.features.rank.resolve_ranks and rank_features with hints."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credscore.features.rank import (
    RANK_COLUMNS,
    UNKNOWN_LEVEL_FILL,
    rank_features,
    rank_frame,
    resolve_rank,
    resolve_ranks,
)

TITLES = ["Captain", "Navy Captain", "Sergeant", "Major General", "U.S. Senator", "CNN host",
          "Commander", None, "", "E-7", "Air Vice Marshall", float("nan"), 12]  # fmt: skip
HINTS = ["U.S. Navy", "Royal Air Force", "Russian Ministry of Defence", "a speech", None, "",
         float("nan"), "British Army, press conference"]  # fmt: skip


def test_codes_index_the_distinct_ranks() -> None:
    titles = ["Captain", "Captain", None, "Captain", "Senator"]
    hints = ["U.S. Navy", None, "U.S. Navy", "a speech", "U.S. Navy"]
    codes, ranks = resolve_ranks(titles, hints=hints)
    assert codes.dtype.kind == "i" and len(codes) == 5
    assert [ranks[c].code for c in codes] == ["OF-5", "OF-2", None, "OF-2", "LEG-U"]
    assert codes[1] == codes[3]  # the same reading is one Rank object
    assert not ranks[0].known
    codes2, _ = resolve_ranks(pd.Series(titles, index=[9, 8, 7, 6, 5]))
    assert len(codes2) == 5


def test_hints_must_align() -> None:
    with pytest.raises(ValueError, match="2 hints for 3 titles"):
        resolve_ranks(["a", "b", "c"], hints=["x", "y"])


def test_rank_features_with_hints() -> None:
    s = pd.Series(["Captain", "Captain", None], index=[3, 4, 5])
    df = rank_features(s, hints=pd.Series(["U.S. Navy", None, "U.S. Navy"], index=[0, 1, 2]))
    assert tuple(df.columns) == RANK_COLUMNS and df.index.equals(s.index)
    assert df["rank_level"].tolist() == [0.7, 0.55, UNKNOWN_LEVEL_FILL]
    assert rank_features(pd.Series(["Captain"], dtype="category")).shape == (1, len(RANK_COLUMNS))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(TITLES), st.sampled_from(HINTS)), max_size=30))
def test_property_resolve_ranks_agrees_with_resolve_rank(rows: list[tuple]) -> None:
    """For every input row, the Rank that resolve_ranks hands back is the one resolve_rank
    gives for the same title and hint, and rank_features is built from it (level filled only
    when unknown); every code is a valid index into the list."""
    titles = [t for t, _ in rows]
    hints = [h for _, h in rows]
    codes, ranks = resolve_ranks(titles, hints=hints)
    assert len(codes) == len(rows) and (codes >= 0).all() and (codes < len(ranks)).all()
    df = rank_features(titles, hints=hints)
    for i, (t, h) in enumerate(rows):
        hint = h if isinstance(h, str) else None
        expected = resolve_rank(t, hint=hint)
        assert ranks[codes[i]] == expected
        lvl = UNKNOWN_LEVEL_FILL if math.isnan(expected.level) else expected.level
        assert df["rank_level"].iloc[i] == lvl
        assert df["rank_family"].iloc[i] == expected.family


def test_large_input_is_factorised() -> None:
    titles = np.array(["Colonel", "Navy Captain", "Senator", None] * 25_000, dtype=object)
    codes, ranks = resolve_ranks(titles, hints=["U.S. Navy", None] * 50_000)
    assert len(ranks) <= 6 and len(codes) == 100_000


def test_rank_frame_is_rank_features() -> None:
    titles = pd.Series(["Captain", None, "CNN host", "Captain"], index=[4, 3, 2, 1])
    hints = ["U.S. Navy", None, None, None]
    codes, ranks = resolve_ranks(titles, hints=hints)
    expected = rank_features(titles, hints=hints)
    pd.testing.assert_frame_equal(rank_frame(codes, ranks, index=titles.index), expected)


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Army pilot Staff Sergeant", "OR-6"),
        ("Sergeant Pilot", "OR-5"),
        ("Army Air Corps pilot Staff Sergeant", "OR-6"),
        ("Navy mechanic Petty Officer Second Class", "OR-5"),
    ],
)
def test_a_graded_rank_wins_over_an_occupation_of_the_same_level(title, code):
    r = resolve_rank(title)
    assert (r.family, r.code) == ("military", code)


def test_an_occupation_alone_stays_an_occupation():
    assert resolve_rank("airline pilot").family == "organization"
    assert resolve_rank("General Motors executive").family == "organization"
