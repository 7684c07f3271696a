"""The validator's value-by-value paths for small tables give what its vectorised paths give.

Tables of up to ``credscore._schema_values._SMALL_ROWS`` rows are checked value by value
(``credscore/_schema_check.py``, ``_schema_values.py``, ``_schema_times.py``); setting that
threshold to 0 sends every column down the vectorised path. The property: on any small
table, both paths return the same frames (values, dtypes, column order, index) and the same
cached arrays, or both raise the same error with the same message.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credscore import _schema_values, validate_tables
from credscore._schema_check import cache_holds
from credscore._tables import EVENT_KINDS
from credscore.exceptions import SchemaError

_NAN = float("nan")
_IDS = ["s1", "s2", "a ", "07", 7, 7.0, 7.5, True, float("inf"), None, "", _NAN, "x\ud800"]
_SOURCE_IDS = ["a", "b", 3, 3.0, None, "", _NAN]
_TEXTS = ["It rained.", "", None, _NAN, pd.NA, 5, 2.5, "bad \ud800"]
_OPTIONAL = ["", None, _NAN, "Colonel", "senator ", 3, Decimal("NaN"), dt.date(2024, 1, 1), pd.NA]
_AWARE = [
    "2024-05-01T10:00:00+02:00",
    "2024-05-01 10:00Z",
    "2024-05-01T10:00:00.5 UTC",
    pd.Timestamp("2024-05-02 08:00", tz="UTC"),
    pd.Timestamp("2024-05-02 08:00", tz="Europe/Paris"),
]
_NAIVE = [
    "2024-05-01",
    "2024-05-01T10:00:00.123456789",
    "2024",
    "May 1, 2024",
    pd.Timestamp("2024-05-03 09:30"),
    dt.date(2024, 5, 4),
]
_BAD_TIMES = ["", "  ", "NaT", "nan", "1714521600", " 1714521600.5 ", "not a date"]
_BAD_TIMES += ["3000-01-01", "1500-01-01", pd.NaT, None, _NAN, 1714521600, True]
_LABELS = [0, 1, 1.0, 0.0, True, False, "true", " TRUE ", "0.0", "", " ", None, _NAN, pd.NA]
_LABELS += [np.int64(1), np.float32(0.0), b"1"]
_BAD_LABELS = ["yes", 2, -1.0, "fa\u0130se", "nan"]
_KINDS = [*EVENT_KINDS[:3], "rumour", "", None, _NAN, 3]
#: How a column may be stored besides what pandas infers from its values.
_DTYPES = [None, None, object, "string", "category"]


def _series(values: list, dtype: object) -> pd.Series:
    """``values`` as pandas infers them, or stored as ``dtype`` where it can hold them."""
    try:
        inferred = pd.Series(values)
    except UnicodeEncodeError:  # lone surrogates: no str column can hold them
        inferred = pd.Series(values, dtype=object)
    try:
        return inferred if dtype is None else inferred.astype(dtype)
    except (TypeError, ValueError, UnicodeEncodeError):
        return inferred


def _frame(draw, columns: dict[str, list]) -> pd.DataFrame:
    df = pd.DataFrame(
        {name: _series(v, draw(st.sampled_from(_DTYPES))) for name, v in columns.items()}
    )
    if draw(st.booleans()):
        df.index = pd.Index(draw(st.permutations(range(10, 10 + len(df)))), name="row")
    return df


def _column(draw, values: list, n: int, *, unique: bool = False) -> list:
    return draw(st.lists(st.sampled_from(values), min_size=n, max_size=n, unique=unique))


@st.composite
def small_tables(draw) -> tuple:
    """Statements (1-6 rows), sources (or None) and events (or None), and a time unit: half
    of them valid (unique ids, one kind of timestamps), half with any kind of value."""
    clean = draw(st.booleans())
    n = draw(st.integers(1, 6))
    times = draw(st.sampled_from([_AWARE, _NAIVE])) if clean else _AWARE + _NAIVE + _BAD_TIMES
    later = [times[0].replace("2024", "2031")] * 3 if clean else []  # after every statement
    ids = ["s1", "s2", "s3", "a ", "07", 8, 9.0, True] if clean else _IDS
    statement_ids = _column(draw, ids, n, unique=clean)
    cols = {
        "statement_id": statement_ids,
        "source_id": _column(draw, _SOURCE_IDS[:4] if clean else _SOURCE_IDS, n),
        "text": _column(draw, _TEXTS[:5] if clean else _TEXTS, n),
        "made_at": _column(draw, times, n),
    }
    if draw(st.booleans()):
        cols["label"] = _column(draw, _LABELS if clean else _LABELS + _BAD_LABELS, n)
    if draw(st.booleans()):
        cols["label_at"] = _column(draw, [*times, None, _NAN, pd.NaT], n)
    for name in ("topic", "context", "extra"):
        if draw(st.booleans()):
            cols[name] = _column(draw, _OPTIONAL, n)
    statements = _frame(draw, cols)
    sources = None
    if draw(st.booleans()):
        k = draw(st.integers(1, 4))
        src = {"source_id": ["a", "b", 3, "c"][:k] if clean else _column(draw, _SOURCE_IDS, k)}
        for name in ("name", "title", "organization", "source_type"):
            if draw(st.booleans()):
                src[name] = _column(draw, _OPTIONAL, k)
        sources = _frame(draw, src)
    events = None
    if draw(st.booleans()):
        m = draw(st.integers(0, 3))
        events = _frame(
            draw,
            {
                "event_id": _column(
                    draw, ["e1", "e2", 1] if clean else ["e1", 1, None], m, unique=clean
                ),
                "statement_id": _column(draw, statement_ids if clean else _IDS, m),
                "kind": _column(draw, _KINDS[:3] if clean else _KINDS, m),
                "at": _column(draw, later + times, m),
            },
        )
    time_unit = draw(st.sampled_from([None, None, None, "s"]))
    return statements, sources, events, time_unit


def _outcome(tables: tuple):
    statements, sources, events, time_unit = tables
    try:
        return validate_tables(statements, sources, events, time_unit=time_unit)
    except Exception as err:  # the same failure, whatever it is, on both paths
        return err


def _assert_same_known(small: dict, vectorised: dict) -> None:
    assert small.keys() == vectorised.keys()
    a, b = small["event_statement"], vectorised["event_statement"]
    assert a.dtype == b.dtype and np.array_equal(a, b)
    if "source_codes" in vectorised:
        (codes_a, k_a), (codes_b, k_b) = small["source_codes"], vectorised["source_codes"]
        assert codes_a.dtype == codes_b.dtype and np.array_equal(codes_a, codes_b)
        assert type(k_a) is type(k_b) and k_a == k_b
    for a, b in zip(small["arrays"], vectorised["arrays"], strict=True):
        pd.testing.assert_extension_array_equal(a, b)


def _assert_same_outcome(tables: tuple) -> object:
    """Both paths return equal tables, or raise the same error (returned)."""
    small = _outcome(tables)
    with mock.patch.object(_schema_values, "_SMALL_ROWS", 0):
        vectorised = _outcome(tables)
    if isinstance(vectorised, Exception):
        assert type(small) is type(vectorised)
        assert str(small) == str(vectorised)
        if isinstance(vectorised, SchemaError):
            assert small.problems == vectorised.problems
        return vectorised
    assert not isinstance(small, Exception), small
    for name in ("statements", "sources", "events"):
        pd.testing.assert_frame_equal(
            getattr(small, name),
            getattr(vectorised, name),
            check_dtype=True,
            check_exact=True,
            check_index_type=True,
            check_column_type=True,
        )
    _assert_same_known(small._known, vectorised._known)
    assert cache_holds(small) and cache_holds(vectorised)
    return vectorised


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(small_tables())
def test_small_tables_validate_as_the_vectorised_path_does(tables):
    """For any small table, the value-by-value paths and the vectorised ones (threshold 0)
    return equal frames (dtypes, column order and index included) and equal cached arrays
    that describe their frames, or raise the same error with the same message."""
    _assert_same_outcome(tables)


def test_one_row_takes_the_small_paths_and_zero_turns_them_off():
    """The threshold the property test sets to 0 is the one the validator reads."""
    assert _schema_values.is_small(1)
    with mock.patch.object(_schema_values, "_SMALL_ROWS", 0):
        assert not _schema_values.is_small(1)
    assert not _schema_values.is_small(0)


def test_tables_without_events_do_not_share_a_mutable_events_frame():
    """The empty events table is built once; what one result does to its frame (a column
    set or deleted) is not seen by another result."""
    st_ = pd.DataFrame(
        {"statement_id": ["s1"], "source_id": ["a"], "text": ["x"], "made_at": ["2024-01-01"]}
    )
    first, second = validate_tables(st_), validate_tables(st_)
    first.events["note"] = "changed"
    del first.events["kind"]
    assert list(second.events.columns) == ["event_id", "statement_id", "kind", "at"]
    assert list(validate_tables(st_).events.columns) == list(second.events.columns)
    assert cache_holds(second)


@pytest.mark.parametrize("extra", [-1, 0, 1])
@pytest.mark.parametrize("valid", [True, False])
def test_either_side_of_the_threshold_gives_the_same_table(extra, valid):
    """Around the threshold the result does not depend on which path ran."""
    n = _schema_values._SMALL_ROWS + extra
    rows = range(n)
    statements = pd.DataFrame(
        {
            "statement_id": [f"s{i}" if i % 3 else i for i in rows],
            "source_id": ["a" if i % 2 else 7 for i in rows],
            "text": [None if i % 4 else "It rained." for i in rows],
            "made_at": [f"2024-01-{1 + i % 28:02d}T10:00+01:00" for i in rows],
            "label": [["true", 0, None, " 1.0 "][i % 4] for i in rows],
            "topic": [["", None, "war"][i % 3] for i in rows],
        }
    )
    if not valid:
        statements.loc[n - 1, "made_at"] = "not a date"
        statements.loc[0, "label"] = "maybe"
    sources = pd.DataFrame({"source_id": ["a", "7"], "title": ["Colonel", ""]})
    events = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in rows],
            "statement_id": statements["statement_id"],
            "kind": [EVENT_KINDS[i % len(EVENT_KINDS)] for i in rows],
            "at": ["2024-03-01T00:00Z"] * n,
        }
    )
    for tables in ((statements, sources, events, None), (statements, None, None, None)):
        outcome = _assert_same_outcome(tables)
        assert isinstance(outcome, SchemaError) != valid, outcome
