"""Unit tests of credscore.features.history: definitions, edge cases, bad input, and the
leave-one-out trap (why history must be point-in-time)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from credscore.exceptions import SchemaError
from credscore.features._history_kernels import KeySpace
from credscore.features.history import (
    FALLBACK_RATES,
    HISTORY_COLUMNS,
    check_history_inputs,
    describe_history,
    history_features,
    population_rates,
)

T0 = pd.Timestamp("2024-01-01", tz="UTC")
DAY = pd.Timedelta(days=1)
P = {"retraction_prior": 0.1, "false_prior": 0.5, "prior_strength": 2.0, "half_life_days": 10.0}


def st(rows, **extra) -> pd.DataFrame:
    """rows: (statement_id, source_id, day, label, label_day or None)."""
    return pd.DataFrame(
        {
            "statement_id": [r[0] for r in rows],
            "source_id": [r[1] for r in rows],
            "made_at": pd.DatetimeIndex(
                [T0 + r[2] * DAY for r in rows], dtype="datetime64[ns, UTC]"
            ),
            "label": np.array([r[3] for r in rows], dtype=float),
            "label_at": pd.DatetimeIndex(
                [pd.NaT if r[4] is None else T0 + r[4] * DAY for r in rows],
                dtype="datetime64[ns, UTC]",
            ),
        },
        **extra,
    )


def ev(rows) -> pd.DataFrame:
    """rows: (event_id, statement_id, kind, day)."""
    return pd.DataFrame(
        {
            "event_id": [r[0] for r in rows],
            "statement_id": [r[1] for r in rows],
            "kind": [r[2] for r in rows],
            "at": pd.DatetimeIndex([T0 + r[3] * DAY for r in rows], dtype="datetime64[ns, UTC]"),
        }
    )


NAN = math.nan


# ---------------------------------------------------------------- definitions
def test_worked_example_by_hand():
    statements = st(
        [
            ("a1", "A", 0, 0.0, None),  # verdict known at once
            ("a2", "A", 10, 1.0, 25),  # verdict only on day 25
            ("a3", "A", 20, NAN, None),
            ("a4", "A", 30, 0.0, None),
            ("b1", "B", 5, 1.0, None),
        ]
    )
    events = ev(
        [
            ("e1", "a1", "correction", 12),
            ("e2", "a1", "retraction", 28),  # second event, same statement: counted once
            ("e3", "a2", "confirmation", 15),
            ("e4", "a3", "clarification", 21),  # not retraction-type
        ]
    )
    f = history_features(statements, events, **P).set_index(statements.statement_id)
    a4 = f.loc["a4"]
    assert a4.hist_n_prior == 3
    assert a4.hist_n_retracted == 1 and a4.hist_n_confirmed == 1
    assert a4.hist_retraction_rate == (1 + 2 * 0.1) / (3 + 2)
    assert a4.hist_n_verdicts == 2 and a4.hist_n_false == 1  # a1 (day 0) and a2 (day 25)
    assert a4.hist_false_rate == (1 + 2 * 0.5) / (2 + 2)
    assert a4.hist_days_since_retraction == 2.0 and a4.hist_has_retraction == 1.0
    assert a4.hist_retracted_decayed == pytest.approx(2 ** (-2 / 10))  # latest event, day 28
    w1, w2 = 2 ** (-30 / 10), 2 ** (-5 / 10)  # verdict ages 30 and 5 days
    assert a4.hist_false_decayed == pytest.approx((w1 + 2 * 0.5) / (w1 + w2 + 2))
    a3 = f.loc["a3"]  # day 20: a1 corrected on day 12 (visible), a2's verdict not yet known
    assert (a3.hist_n_prior, a3.hist_n_retracted, a3.hist_n_verdicts) == (2, 1, 1)
    assert a3.hist_days_since_retraction == 8.0
    a2 = f.loc["a2"]  # day 10: the correction of a1 (day 12) is not visible yet
    assert (a2.hist_n_prior, a2.hist_n_retracted, a2.hist_has_retraction) == (1, 0, 0)
    assert math.isnan(a2.hist_days_since_retraction)
    b1 = f.loc["b1"]  # other source: nothing crosses sources
    assert b1.hist_n_prior == 0 and b1.hist_retraction_rate == 0.1 and b1.hist_false_rate == 0.5


def test_record_pools_verdicts_and_retractions():
    """The outcome of an earlier statement: its verdict once visible, else walked back."""
    statements = st(
        [
            ("a1", "A", 0, 1.0, 10),  # held up, verdict day 10, but corrected on day 5
            ("a2", "A", 1, 0.0, None),  # false at once, also retracted on day 3: counted once
            ("a3", "A", 2, NAN, None),  # no verdict ever, retracted on day 4
            ("a4", "A", 3, NAN, None),  # no verdict, no event: unknown outcome
            ("q6", "A", 6, NAN, None),  # day 6: a1 pending (corrected, verdict unseen)
            ("q12", "A", 12, NAN, None),  # day 12: a1's verdict (held up) now visible
        ]
    )
    events = ev(
        [
            ("e1", "a1", "correction", 5),
            ("e2", "a2", "retraction", 3),
            ("e3", "a3", "scope_narrowing", 4),
        ]
    )
    f = history_features(statements, events, **P).set_index(statements.statement_id)
    q6, q12 = f.loc["q6"], f.loc["q12"]
    # day 6: a1 failed (walked back, no verdict), a2 false, a3 walked back; a4 unknown
    assert (q6.hist_n_known, q6.hist_n_failed) == (3, 3)
    assert q6.hist_failed_rate == pytest.approx((3 + 2 * 0.5) / (3 + 2))
    assert (q6.hist_n_verdicts, q6.hist_n_false) == (1, 1)  # the verdict-only view
    # day 12: a1's verdict (held up) overrides its correction
    assert (q12.hist_n_known, q12.hist_n_failed) == (3, 2)
    assert q12.hist_failed_rate == pytest.approx((2 + 2 * 0.5) / (3 + 2))
    a2 = f.loc["a2"]  # day 1: a1 neither judged nor walked back yet
    assert (a2.hist_n_known, a2.hist_n_failed) == (0, 0) and a2.hist_failed_rate == 0.5


def test_record_equals_verdicts_without_events():
    statements = st([("a1", "A", 0, 0.0, None), ("a2", "A", 1, 1.0, 3), ("a3", "A", 5, 0.0, None)])
    f = history_features(statements, None, **P)
    assert f["hist_n_known"].tolist() == f["hist_n_verdicts"].tolist()
    assert f["hist_n_failed"].tolist() == f["hist_n_false"].tolist()
    assert f["hist_failed_rate"].tolist() == f["hist_false_rate"].tolist()


def test_ties_at_the_same_instant_are_not_before():
    statements = st(
        [("s1", "A", 1, 0.0, None), ("s2", "A", 1, 1.0, None), ("s3", "A", 2, 1.0, None)]
    )
    events = ev([("e1", "s1", "retraction", 2)])  # same instant as s3
    f = history_features(statements, events, **P)
    assert f.hist_n_prior.tolist() == [0, 0, 2]
    assert f.hist_n_verdicts.tolist() == [0, 0, 2]
    assert f.hist_n_retracted.tolist() == [0, 0, 0]


def test_no_history_gets_the_prior_not_zero_or_nan():
    f = history_features(st([("s1", "A", 0, 1.0, None)]), None, **P)
    row = f.iloc[0]
    assert row.hist_retraction_rate == 0.1 and row.hist_false_rate == 0.5
    assert row.hist_false_decayed == 0.5 and row.hist_retracted_decayed == 0.0
    assert math.isnan(row.hist_days_since_retraction) and row.hist_has_retraction == 0.0
    assert describe_history(row) == "no earlier statements on record"


def test_output_shape_index_and_dtypes():
    idx = pd.Index(["x", "x", "z"], name="row")  # arbitrary, even duplicated labels
    statements = st(
        [("s1", "A", 2, 1.0, None), ("s2", "A", 1, 0.0, None), ("s3", "B", 0, NAN, None)]
    )
    statements.index = idx
    f = history_features(statements, None, **P)
    assert list(f.columns) == list(HISTORY_COLUMNS)
    assert f.index.equals(idx)
    assert (f.dtypes == np.float64).all()
    assert f.hist_n_prior.tolist() == [1, 0, 0]  # follows input order


def test_optional_columns_and_empty_tables():
    bare = st([("s1", "A", 0, 1.0, None), ("s2", "A", 1, 1.0, None)]).drop(
        columns=["label", "label_at"]
    )
    f = history_features(bare, ev([]), **P)
    assert f.hist_n_prior.tolist() == [0, 1] and f.hist_n_verdicts.tolist() == [0, 0]
    empty = st([]).iloc[:0]
    out = history_features(empty, None, **P)
    assert out.shape == (0, len(HISTORY_COLUMNS))
    # The Tables default events: empty object columns.
    no_events = pd.DataFrame(
        {c: pd.Series(dtype=object) for c in ["event_id", "statement_id", "kind", "at"]}
    )
    assert history_features(bare, no_events, **P).hist_n_retracted.tolist() == [0, 0]


def test_label_at_delays_visibility_and_missing_label_at_means_made_at():
    statements = st(
        [
            ("s1", "A", 0, 0.0, 5),
            ("s2", "A", 1, 0.0, None),
            ("s3", "A", 3, 1.0, None),
            ("s4", "A", 6, 1.0, None),
        ]
    )
    f = history_features(statements, None, **P)
    assert f.hist_n_verdicts.tolist() == [0, 0, 1, 3]  # s1's verdict arrives on day 5


def test_timezones_and_resolutions_do_not_matter():
    statements = st([("s1", "A", 0, 0.0, None), ("s2", "A", 1, 1.0, 2), ("s3", "A", 3, 1.0, None)])
    events = ev([("e1", "s1", "retraction", 1)])
    base = history_features(statements, events, **P)
    other = statements.copy()
    other["made_at"] = other.made_at.dt.tz_convert("Asia/Kolkata").astype(
        "datetime64[us, Asia/Kolkata]"
    )
    other["label_at"] = other.label_at.dt.tz_convert("America/New_York")
    ev2 = events.copy()
    ev2["at"] = ev2["at"].dt.tz_convert("Europe/Berlin").astype("datetime64[s, Europe/Berlin]")
    pd.testing.assert_frame_equal(history_features(other, ev2, **P), base)


def test_categorical_source_ids_are_fine():
    statements = st(
        [("s1", "A", 0, 0.0, None), ("s2", "B", 1, 1.0, None), ("s3", "A", 3, 1.0, None)]
    )
    cat = statements.assign(source_id=statements.source_id.astype("category"))
    pd.testing.assert_frame_equal(
        history_features(cat, None, **P), history_features(statements, None, **P)
    )


def test_decay_over_centuries_with_tiny_half_life_stays_finite():
    statements = st(
        [("s1", "A", 0, 0.0, None), ("s2", "A", 36_500, 1.0, None), ("s3", "A", 36_501, 1.0, None)]
    )
    events = ev([("e1", "s1", "retraction", 0), ("e2", "s2", "retraction", 36_500)])
    f = history_features(statements, events, **{**P, "half_life_days": 0.01})
    assert np.isfinite(f.drop(columns="hist_days_since_retraction").to_numpy()).all()
    assert f.hist_retracted_decayed.iloc[2] == pytest.approx(2.0**-100)  # s2's, 1 day old


def test_keyspace_falls_back_to_ranks_when_keys_would_overflow():
    rng = np.random.default_rng(0)
    times = rng.integers(-(2**62), 2**62, 1000)  # nanosecond offsets over ~290 years
    ks = KeySpace([times], n_sources=10)
    assert ks._ranks is not None
    codes = ks.time_code(times)
    assert (np.argsort(codes, kind="stable") == np.argsort(times, kind="stable")).all()
    keys = ks.key(np.zeros(1000, "i8") + 9, times)
    assert keys.max() < np.iinfo(np.int64).max and (np.diff(np.sort(keys)) >= 0).all()


def test_nanosecond_times_over_centuries_still_agree_with_the_reference():
    """1700 to 1990 at nanosecond resolution: the (source, time) keys need the dense-rank
    fallback, and everything still matches the reference loop."""
    from test_history_properties import reference_history

    made = pd.DatetimeIndex(
        ["1700-01-01", "1700-01-01 00:00:00.000000001", "1990-01-01"] * 2, tz="UTC"
    ).as_unit("ns")
    statements = pd.DataFrame(
        {
            "statement_id": [f"s{i}" for i in range(6)],
            "source_id": list("AAABBB"),
            "made_at": made,
            "label": [0.0, 1.0, 0.0, 1.0, 0.0, 1.0],
        }
    )
    events = pd.DataFrame(
        {"event_id": ["e1"], "statement_id": ["s0"], "kind": ["retraction"], "at": made[[1]]}
    )
    got = history_features(statements, events, **{**P, "half_life_days": 3650.0})
    want = reference_history(statements, events, **{**P, "half_life_days": 3650.0})
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9)


def test_spans_longer_than_int64_nanoseconds_do_not_overflow():
    """1677 to 2262 (the whole pandas range, more than 2**63 ns apart): ages are exact."""
    made = pd.DatetimeIndex(["1678-01-01", "2261-01-01"], tz="UTC").as_unit("ns")
    statements = pd.DataFrame(
        {
            "statement_id": ["s0", "s1"],
            "source_id": ["A", "A"],
            "made_at": made,
            "label": [0.0, 1.0],
        }
    )
    events = pd.DataFrame(
        {"event_id": ["e"], "statement_id": ["s0"], "kind": ["retraction"], "at": made[[0]]}
    )
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        f = history_features(statements, events, **{**P, "half_life_days": 36500.0})
    days = (made[1].to_pydatetime() - made[0].to_pydatetime()).days
    assert f.hist_days_since_retraction.iloc[1] == days
    assert f.hist_n_verdicts.tolist() == [0, 1] and f.hist_n_retracted.tolist() == [0, 1]
    assert f.hist_retracted_decayed.iloc[1] == pytest.approx(2 ** (-days / 36500))


# ---------------------------------------------------------------- bad input
# The history functions run the one validator (credscore.schema) on the statements and
# events: the same checks, codes and message style as validate_tables.
def _bad_cases():
    good = st([("s1", "A", 0, 0.0, None), ("s2", "A", 1, 1.0, None)])
    good_ev = ev([("e1", "s1", "retraction", 1)])
    cases = {}
    cases["unknown_statement"] = (good, ev([("e1", "nope", "retraction", 1)]), "events", "'e1'")
    cases["event_before_statement"] = (good, ev([("e9", "s2", "correction", 0)]), "events", "e9")
    nat = good.copy()
    nat.loc[1, "made_at"] = pd.NaT
    cases["missing_value"] = (nat, good_ev, "statements", "'s2'")
    ev_nat = good_ev.copy()
    ev_nat.loc[0, "at"] = pd.NaT
    cases["missing_value "] = (good, ev_nat, "events", "'e1'")
    mixed = good.assign(made_at=pd.Series([T0, pd.Timestamp("2024-01-02")], dtype=object))
    cases["mixed_timezones"] = (mixed, good_ev, "statements", "'s2'")
    dup = good.assign(statement_id=["s1", "s1"])
    cases["duplicate_id"] = (dup, good_ev, "statements", "'s1'")
    cases["duplicate_id "] = (good, pd.concat([good_ev, good_ev]), "events", "'e1', 'e1'")
    cases["unknown_kind"] = (good, ev([("e7", "s1", "debunking", 1)]), "events", "'e7'")
    cases["label_domain"] = (good.assign(label=[0.0, 3.0]), good_ev, "statements", "'s2'")
    early_label = good.assign(
        label_at=pd.DatetimeIndex([T0 - DAY, pd.NaT], dtype="datetime64[ns, UTC]")
    )
    cases["label_before_statement"] = (early_label, good_ev, "statements", "'s1'")
    strings = good.assign(made_at=["2024-01-01", "yesterday"])
    cases["not_timestamp"] = (strings, good_ev, "statements", "'s2'")
    epoch = good.assign(made_at=[1704067200, 1704153600])
    cases["epoch_without_unit"] = (epoch, good_ev, "statements", "time_unit='s'")
    cases["missing_column"] = (good.drop(columns="source_id"), good_ev, "statements", "source_id")
    cases["missing_id"] = (good.assign(source_id=["A", None]), good_ev, "statements", "'s2'")
    return cases


@pytest.mark.parametrize("check", list(_bad_cases()))
def test_bad_input_is_a_clear_schema_error(check):
    statements, events, table, must_mention = _bad_cases()[check]
    with pytest.raises(SchemaError) as info:
        history_features(statements, events, **P)
    err = info.value
    assert isinstance(err, ValueError)
    assert any(p["check"] == check.strip() and p["table"] == table for p in err.problems), (
        err.problems
    )
    assert must_mention in str(err) and "Fix:" in str(err) and f"table '{table}'" in str(err)
    with pytest.raises(SchemaError) as again:  # the public checker says the same
        check_history_inputs(statements, events)
    assert str(again.value) == str(err)


def test_naive_times_and_iso_strings_are_read_as_utc():
    """The validator's rules: naive timestamps are UTC, ISO strings are parsed."""
    statements = st([("s1", "A", 0, 0.0, None), ("s2", "A", 1, 1.0, 2)])
    events = ev([("e1", "s1", "retraction", 1)])
    base = history_features(statements, events, **P)
    naive = statements.assign(
        made_at=statements.made_at.dt.tz_localize(None),
        label_at=statements.label_at.dt.tz_localize(None),
    )
    naive_ev = events.assign(at=events["at"].dt.tz_localize(None))
    pd.testing.assert_frame_equal(history_features(naive, naive_ev, **P), base)
    text = statements.assign(made_at=["2024-01-01T00:00:00Z", "2024-01-02T00:00:00+00:00"])
    pd.testing.assert_frame_equal(history_features(text, events, **P), base)


def test_all_problems_are_reported_together_with_at_most_ten_ids():
    statements = st([(f"s{i}", "A", 5, 0.0, None) for i in range(15)])
    events = ev(
        [(f"e{i}", f"s{i}", "retraction", 1) for i in range(15)] + [("x", "ghost", "retraction", 9)]
    )
    with pytest.raises(SchemaError) as info:
        check_history_inputs(statements, events)
    checks = {p["check"] for p in info.value.problems}
    assert {"unknown_statement"} <= checks
    before = statements.assign(made_at=statements.made_at)  # events precede statements
    with pytest.raises(SchemaError) as info:
        check_history_inputs(before, events.iloc[:15])
    (p,) = info.value.problems
    assert p["n_rows"] == 15 and len(p["rows"]) == 10 and "and 5 more" in str(info.value)


@pytest.mark.parametrize(
    "bad",
    [
        {"retraction_prior": 1.5},
        {"false_prior": -0.1},
        {"prior_strength": 0.0},
        {"half_life_days": float("inf")},
    ],
)
def test_parameters_are_checked(bad):
    with pytest.raises(ValueError):
        history_features(st([("s1", "A", 0, 0.0, None)]), None, **{**P, **bad})


# ---------------------------------------------------------------- rates and reasons
def test_population_rates_and_fallback():
    statements = st(
        [
            ("s1", "A", 0, 0.0, None),
            ("s2", "A", 1, 1.0, None),
            ("s3", "B", 1, NAN, None),
            ("s4", "B", 2, 0.0, None),
        ]
    )
    events = ev(
        [
            ("e1", "s1", "retraction", 1),
            ("e2", "s1", "correction", 2),
            ("e3", "s2", "confirmation", 3),
            ("e4", "s3", "clarification", 3),
        ]
    )
    assert population_rates(statements, events) == {"retraction_rate": 0.25, "false_rate": 2 / 3}
    empty = population_rates(st([]).iloc[:0], None)
    assert empty == FALLBACK_RATES
    unlabelled = statements.drop(columns=["label"])
    assert population_rates(unlabelled, events)["false_rate"] == FALLBACK_RATES["false_rate"]


def test_describe_history():
    """One wording of a record: the reasons' phrases, joined (plus the walk-back's age)."""
    row = {
        "hist_n_prior": 6,
        "hist_n_retracted": 2,
        "hist_n_verdicts": 10,
        "hist_n_false": 3,
        "hist_n_confirmed": 0,
        "hist_days_since_retraction": 45.2,
    }
    assert describe_history(row) == (
        "walked back 2 of its 6 earlier statements; 3 of 10 earlier verdicts found it false; "
        "latest walk-back 45 days earlier"
    )
    one = {
        "hist_n_prior": 1,
        "hist_n_retracted": 0,
        "hist_n_verdicts": 0,
        "hist_n_false": 0,
        "hist_days_since_retraction": float("nan"),
    }
    assert describe_history(one) == (
        "walked back 0 of its 1 earlier statement; no earlier verdicts on record"
    )
    assert describe_history(pd.Series({"hist_n_prior": 0.0})) == "no earlier statements on record"
    pending = {**row, "hist_n_known": 11, "hist_n_failed": 4}  # one walk-back without verdict
    assert describe_history(pending).endswith(
        "4 of 11 earlier statements with a known outcome did not hold up (found false or "
        "walked back); latest walk-back 45 days earlier"
    )


def test_runs_on_the_validated_example_corpus():
    schema = pytest.importorskip("credscore.schema")
    from credscore._io import read_tables

    root = (
        Path(__file__).resolve().parents[2] / "datasets" / "examples" / "kursk_withdrawal_reports"
    )
    if not root.exists():
        pytest.skip("example corpus not present")
    tables = schema.validate_tables(read_tables(root))
    rates = population_rates(tables.statements, tables.events)
    f = history_features(
        tables.statements,
        tables.events,
        retraction_prior=rates["retraction_rate"],
        false_prior=rates["false_rate"],
    )
    assert len(f) == len(tables.statements) and f.index.equals(tables.statements.index)


# ---------------------------------------------------------------- ids: the fast path
# Ids of the usual kinds (strings of any storage, categoricals, integers) become strings in
# the validator and are joined by hashing and sorting them with numpy (credscore._ids);
# anything else, or any problem, takes the exact path. The two must agree on every id,
# error and message. (The kernels themselves are tested in tests/test_ids.py.)
def _reference_path(monkeypatch):
    from credscore import _ids

    monkeypatch.setattr(_ids, "_id_words", lambda col: None)


def _arrays(statements, events):
    from credscore import validate_tables
    from credscore.features.history import history_arrays

    return history_arrays(validate_tables(statements.assign(text=""), events=events))


def _ids_table(st_ids, src_ids, ev_ids) -> tuple[pd.DataFrame, pd.DataFrame]:
    n, m = len(st_ids), len(ev_ids)
    statements = pd.DataFrame(
        {
            "statement_id": st_ids,
            "source_id": src_ids,
            "made_at": T0 + DAY * np.arange(n),
            "label": np.arange(n) % 3 / 2 // 1,  # 0, 0, 1, 0, 0, 1, ...
        }
    )
    pos = {v: i for i, v in enumerate(pd.Series(st_ids).tolist())}
    at = [T0 + DAY * (pos.get(v, 0) + 1) for v in pd.Series(ev_ids).tolist()]
    events = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(m)],
            "statement_id": ev_ids,
            "kind": ["retraction", "confirmation"] * (m // 2) + ["correction"] * (m % 2),
            "at": pd.DatetimeIndex(at, dtype="datetime64[ns, UTC]"),
        }
    )
    return statements, events


# Ids that differ only by a trailing NUL or space, by length, non-ASCII, longer than a word,
# and longer than the fast path takes (> 64 bytes). They are kept byte for byte.
_TRICKY = ["a", "a\0", "a ", " a", "aa", "é", "e", "a" * 9, "a" * 8 + "\0", "ü" * 40, "7"]
_ID_DTYPES = {
    "str": "str",
    "object": object,
    "python string": pd.StringDtype("python"),
    "category": "category",
}


@pytest.mark.parametrize("dtype", list(_ID_DTYPES))
@pytest.mark.parametrize("long_ids", [False, True])
def test_fast_id_path_agrees_with_the_exact_path(dtype, long_ids, monkeypatch):
    ids = _TRICKY if long_ids else _TRICKY[:-2]
    st_ids = pd.Series(ids, dtype=_ID_DTYPES[dtype])
    src_ids = pd.Series([ids[k % 4] for k in range(len(ids))], dtype=_ID_DTYPES[dtype])
    ev_ids = pd.Series(ids[::-1] + ids[:3], dtype=_ID_DTYPES[dtype])
    statements, events = _ids_table(st_ids, src_ids, ev_ids)
    fast = history_features(statements, events, **P)
    arr = _arrays(statements, events)
    assert (arr.ev_stmt == [ids.index(v) for v in ev_ids]).all()
    assert arr.n_sources == 4
    _reference_path(monkeypatch)
    pd.testing.assert_frame_equal(fast, history_features(statements, events, **P))
    assert (_arrays(statements, events).ev_stmt == arr.ev_stmt).all()


def test_categoricals_with_different_categories_join_by_value():
    st_ids = pd.Series(["s1", "s2", "s3"], dtype="category")
    ev_ids = pd.Series(pd.Categorical(["s3", "s1"], categories=["s3", "s1", "unused"]))
    statements, events = _ids_table(st_ids, ["A", "A", "A"], ev_ids)
    assert _arrays(statements, events).ev_stmt.tolist() == [2, 0]


@pytest.mark.parametrize(
    "st_ids, ev_ids, joins",
    [
        ([7, 8, 9], ["7"], True),  # an integer id and its digits are one id (the schema's rule)
        (["7", "8", "9"], [7.0], True),  # 7.0: an integer column that met a missing value
        (["7", "8", "9"], ["07"], False),  # numeric-looking strings are compared as strings
        (["a", "b", "c"], ["a "], False),  # ids are kept byte for byte
    ],
)
def test_ids_that_look_numeric_or_carry_spaces(st_ids, ev_ids, joins):
    statements, events = _ids_table(pd.Series(st_ids), ["A"] * 3, pd.Series(ev_ids))
    if joins:
        assert _arrays(statements, events).ev_stmt.tolist() == [0]
        return
    with pytest.raises(SchemaError) as info:
        history_features(statements, events, **P)
    assert [p["check"] for p in info.value.problems] == ["unknown_statement"]


def test_integer_ids_of_different_widths_join():
    statements, events = _ids_table(
        pd.Series([5, 6, 2**40], dtype="int64"), [1, 1, 2], pd.Series([2**40, 5], dtype="int64")
    )
    events32 = events.assign(statement_id=pd.Series([6, 5], dtype="int32"))
    assert _arrays(statements, events).ev_stmt.tolist() == [2, 0]
    assert _arrays(statements, events32).ev_stmt.tolist() == [1, 0]
    assert _arrays(statements, events).n_sources == 2


@pytest.mark.parametrize("dtype", ["str", "object", "category", "int"])
def test_duplicate_and_missing_ids_give_the_same_error_on_both_paths(dtype, monkeypatch):
    ids = [3, 1, 3, 2] if dtype == "int" else ["s3", "s1", "s3", "s2"]
    as_dtype = {"str": "str", "object": object, "category": "category", "int": "int64"}[dtype]
    statements, events = _ids_table(
        pd.Series(ids, dtype=as_dtype), ["A"] * 4, pd.Series(ids[:2], dtype=as_dtype)
    )
    missing = statements.assign(
        statement_id=pd.Series(["s1", None, "s2", "s4"], dtype=None if dtype == "int" else as_dtype)
    )
    errors = []
    for reference in (False, True):
        if reference:
            _reference_path(monkeypatch)
        for st_table, ev_table in ((statements, events), (missing, events), (statements, None)):
            with pytest.raises(SchemaError) as info:
                history_features(st_table, ev_table, **P)
            errors.append((str(info.value), info.value.problems))
    assert errors[:3] == errors[3:]
    (dup_text, dup_problems), (missing_text, missing_problems), no_events = errors[:3]
    assert no_events == (dup_text, dup_problems)
    assert dup_problems[0]["check"] == "duplicate_id" and "has duplicate ids" in dup_text
    assert "Fix: give every row its own id" in dup_text
    first = "3" if dtype == "int" else "s3"
    assert f"rows ['{first}', '{first}']" in dup_text
    assert missing_problems[0]["check"] == "missing_id"
    assert "has missing ids" in missing_text and "rows [#1]" in missing_text


def test_hash_collisions_fall_back_to_the_exact_path(monkeypatch):
    """Every id hashing to the same value (the worst collision) changes nothing."""
    from credscore import _ids

    statements, events = _ids_table(
        pd.Series(["s1", "s2", "s3", "s4"]), ["A", "B", "A", "B"], pd.Series(["s4", "s1"])
    )
    expected = history_features(statements, events, **P)
    monkeypatch.setattr(_ids, "hash_rows", lambda words: np.zeros(len(words), dtype=np.uint64))
    pd.testing.assert_frame_equal(history_features(statements, events, **P), expected)
    dup = statements.assign(statement_id=["s1", "s2", "s1", "s4"])
    with pytest.raises(SchemaError, match="has duplicate ids"):
        history_features(dup, events, **P)


# ---------------------------------------------------------------- the leave-one-out trap
def test_leave_one_out_trap():
    """Leave-one-out "history" (the source's tallies minus the row's own label) is
    leave-one-out target encoding. Labels below carry *no* signal at all, yet a flexible
    model on leave-one-out tallies beats the base rate in cross-validation on the training
    rows (the leak survives CV: every row's feature was computed from all rows) and then
    loses to the base rate on fresh statements of the same sources. The point-in-time
    features of ``history_features`` (over a seeded pseudo-order) show no such mirage."""
    from sklearn.metrics import log_loss
    from sklearn.model_selection import KFold, cross_val_predict
    from sklearn.neighbors import KNeighborsClassifier

    rng = np.random.default_rng(0)
    n_src = 200
    src = np.repeat(np.arange(n_src), rng.integers(4, 16, n_src))
    n = len(src)
    y = (rng.random(n) < 0.5).astype(float)  # no signal at all
    n_false = np.bincount(src, weights=1 - y, minlength=n_src)
    n_all = np.bincount(src, minlength=n_src)
    loo = np.column_stack([n_false[src] - (1 - y), (n_all - n_false)[src] - y])

    made = T0 + pd.to_timedelta(rng.permutation(n), unit="h")  # seeded pseudo-order
    statements = pd.DataFrame(
        {
            "statement_id": [f"s{i}" for i in range(n)],
            "source_id": [f"a{k}" for k in src],
            "made_at": made,
            "label": y,
        }
    )
    h = history_features(statements, None, retraction_prior=0.1, false_prior=0.5)
    pit = np.column_stack([h.hist_n_false, h.hist_n_verdicts - h.hist_n_false])

    fresh_src = np.repeat(np.arange(n_src), 6)
    fresh_y = (rng.random(len(fresh_src)) < 0.5).astype(float)
    fresh_x = np.column_stack([n_false[fresh_src], (n_all - n_false)[fresh_src]])  # all verdicts

    def scores(x):
        model = KNeighborsClassifier(25)
        cv = KFold(5, shuffle=True, random_state=0)
        p_cv = cross_val_predict(model, x, y, cv=cv, method="predict_proba")[:, 1]
        p_fresh = model.fit(x, y).predict_proba(fresh_x)[:, 1]
        clip = lambda p: np.clip(p, 0.01, 0.99)  # noqa: E731
        return log_loss(y, clip(p_cv)), log_loss(fresh_y, clip(p_fresh))

    base_cv = log_loss(y, np.full(n, y.mean()))
    base_fresh = log_loss(fresh_y, np.full(len(fresh_y), y.mean()))
    loo_cv, loo_fresh = scores(loo)
    pit_cv, pit_fresh = scores(pit)
    assert loo_cv < base_cv - 0.02, "leave-one-out looks better than chance in CV..."
    assert loo_fresh > base_fresh + 0.05, "...and is worse than chance on fresh data"
    assert pit_cv > base_cv - 0.005, "point-in-time features show no fake gain"
    assert pit_fresh < loo_fresh
