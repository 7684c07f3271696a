"""Tests of credscore/calibration/_drift.py (calibration_by_period): the test per period."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credscore.calibration import calibration_by_period, calibration_test


def _monthly(rng, months=12, per_month=200, shift_from=None, shift=-1.0):
    t = pd.date_range("2024-01-01", periods=months * per_month, freq=f"{30 * 24 // per_month}h",
                      tz="UTC")  # fmt: skip
    p = rng.beta(2, 2, t.size)
    z = np.log(p / (1 - p))
    if shift_from is not None:
        z = z + np.where(np.asarray(t >= shift_from), shift, 0.0)
    y = (rng.random(t.size) < 1 / (1 + np.exp(-z))).astype(float)
    return y, p, t


def test_flags_the_first_period_after_a_shift():
    """A base-rate shift from 2024-07: July is flagged, with a positive shift whose interval
    excludes 0; periods before it match calibration_test run on them alone."""
    rng = np.random.default_rng(0)
    y, p, t = _monthly(rng, shift_from="2024-07-01")
    mon = calibration_by_period(y, p, t, n_sim=200)
    by = {r["period"]: r for r in mon["periods"]}
    july = by["2024-07"]
    assert july["flag"] and july["shift"] > 0.1 and july["shift_ci"][0] > 0
    assert mon["first_flag"] == "2024-07" or mon["first_flag"] < "2024-07"  # a chance flag
    before = [r for r in mon["periods"] if r["period"] < "2024-07"]
    assert sum(r["flag"] for r in before) <= 2
    k = np.asarray(t.tz_convert(None).to_period("M") == pd.Period("2024-03", "M"))
    ref = calibration_test(y[k], p[k], n_sim=200, random_state=0, combine="bonferroni")
    assert by["2024-03"]["smece_p"] == pytest.approx(ref.smece.p_value)
    assert by["2024-03"]["flag"] == (not ref.consistent)
    json.dumps(mon)


def test_small_periods_are_listed_not_tested():
    rng = np.random.default_rng(1)
    y, p, t = _monthly(rng, months=3, per_month=20)
    mon = calibration_by_period(y, p, t, min_n=30, n_sim=50)
    assert mon["n_tested"] == 0 and mon["first_flag"] is None
    assert all(r["status"] == "fewer than 30" for r in mon["periods"])


def test_by_source_uses_the_source_null_and_wider_shift_intervals():
    rng = np.random.default_rng(2)
    y, p, t = _monthly(rng, months=2, per_month=300)
    src = rng.integers(0, 30, y.size)
    a = calibration_by_period(y, p, t, n_sim=50)
    b = calibration_by_period(y, p, t, n_sim=50, groups=src)
    assert {r["null"] for r in b["periods"]} == {"source"}
    assert {r["null"] for r in a["periods"]} == {"statement"}
    assert "by-source" in b["rule"]


def test_errors():
    with pytest.raises(ValueError, match="by must be one of"):
        calibration_by_period([0, 1], [0.2, 0.4], ["2024-01-01"] * 2, by="decade")
    with pytest.raises(ValueError, match="missing at rows"):
        calibration_by_period([0, 1], [0.2, 0.4], ["2024-01-01", None])


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["week", "month", "quarter", "year"]))
def test_periods_partition_the_verdicts(seed, by):
    """Invariant: the periods are in time order and their counts and outcome sums add up to
    the whole."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    t = pd.Timestamp("2023-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 900, n), "D")
    p = rng.uniform(0.05, 0.95, n)
    y = (rng.random(n) < p).astype(float)
    mon = calibration_by_period(y, p, t, by=by, n_sim=20, min_n=50)
    rows = mon["periods"]
    assert [r["period"] for r in rows] == sorted(r["period"] for r in rows)
    assert sum(r["n"] for r in rows) == n
    assert sum(r["n"] * r["base_rate"] for r in rows) == pytest.approx(y.sum())
