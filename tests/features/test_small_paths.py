"""The small-call paths of the feature families give exactly what their vectorised paths give.

A few rows (one statement scored by a service) go through Python loops instead of pandas'
vectorised calls, whose fixed cost dominates there. Each test forces the vectorised path by
setting the module's row threshold to 0 and compares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import credscore.features._rank_family as rank_family
import credscore.features.context as context
from credscore import validate_tables
from credscore.features.context import context_features, context_type

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

_CONTEXT_WORDS = ["a speech", "A TV ad.", "an interview on CNN", "a tweet", "Denver", "", "  "]
contexts = st.lists(
    st.one_of(
        st.sampled_from(_CONTEXT_WORDS),
        st.text(max_size=12),
        st.none(),
        st.just(np.nan),
        st.integers(-3, 3),
    ),
    min_size=0,
    max_size=8,
)


@SETTINGS
@given(values=contexts)
def test_context_small_path_is_the_vectorised_one(values, monkeypatch):
    s = pd.Series(values, dtype=object, index=[f"r{i}" for i in range(len(values))])
    small = context_features(s)
    small_type = context_type(s)
    with monkeypatch.context() as m:
        m.setattr(context, "_SMALL", 0)
        pd.testing.assert_frame_equal(small, context_features(s))
        pd.testing.assert_series_equal(small_type, context_type(s))


def test_context_small_path_reads_missing_as_unknown():
    X = context_features(pd.Series(["a speech", None, np.nan, ""], dtype=object))
    assert X["ctx_speech"].tolist() == [1, 0, 0, 0]
    assert X["ctx_unknown"].tolist() == [0, 1, 1, 1]


ids = st.sampled_from(["a", "b", "c", "d", "7"])


@SETTINGS
@given(
    statement_sources=st.lists(ids, min_size=1, max_size=6),
    known=st.lists(ids, min_size=0, max_size=5, unique=True),
)
def test_source_positions_small_path_is_the_index_lookup(statement_sources, known, monkeypatch):
    n = len(statement_sources)
    st_ = pd.DataFrame(
        {
            "statement_id": [f"s{i}" for i in range(n)],
            "source_id": statement_sources,
            "text": [""] * n,
            "made_at": ["2024-01-01"] * n,
        }
    )
    sources = pd.DataFrame({"source_id": sorted(set(known) | set(statement_sources))[::-1]})
    tables = validate_tables(st_, sources)
    rows = np.arange(n)[::-1].copy()
    small = rank_family._source_positions(tables, rows)
    with monkeypatch.context() as m:
        m.setattr(rank_family, "_SMALL", 0)
        wide = rank_family._source_positions(tables, rows)
    assert small.dtype == wide.dtype
    np.testing.assert_array_equal(small, wide)
    got = tables.sources["source_id"].to_numpy(dtype=object)[small]
    assert got.tolist() == [statement_sources[i] for i in rows]


@pytest.mark.parametrize("n_sources", [1, 100])
def test_source_positions_either_side_of_the_threshold(n_sources):
    """A large sources table (history) goes the vectorised way even for one statement."""
    st_ = pd.DataFrame(
        {"statement_id": ["s"], "source_id": ["x0"], "text": [""], "made_at": ["2024-01-01"]}
    )
    sources = pd.DataFrame({"source_id": [f"x{i}" for i in range(n_sources)][::-1]})
    tables = validate_tables(st_, sources)
    pos = rank_family._source_positions(tables, np.array([0]))
    assert pos.tolist() == [n_sources - 1]
