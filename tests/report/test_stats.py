"""Tests of credscore/report/_stats.py: the paired bootstrap, by statements and by sources."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credscore.calibration._logistic import expit
from credscore.report._stats import paired_difference

#: paired_difference(y, p, constant, n_boot=100, random_state=7) before ``groups`` existed
#: (credscore at c7ffcce).
FROZEN = {
    "log_loss": (-0.11638713051111205, -0.14827039128538363, -0.08040479494192146),
    "brier_score": (-0.052554748000000005, -0.06608133310000001, -0.03735124770000003),
}


def _frozen_data():
    rng = np.random.default_rng(11)
    p = np.round(rng.beta(2, 2, 500), 3)
    y = (rng.random(500) < p).astype(int)
    return y, p, np.full(500, y.mean())


def test_groups_none_unchanged():
    y, p, base = _frozen_data()
    d = paired_difference(y, p, base, n_boot=100, random_state=7)
    for name, expected in FROZEN.items():
        got = (d[name]["estimate"], d[name]["low"], d[name]["high"])
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-15), name


@settings(max_examples=20, deadline=None)
@given(n=st.integers(2, 80), seed=st.integers(0, 2**32 - 1), shuffle=st.booleans())
def test_every_statement_its_own_source_is_the_statement_bootstrap(n, seed, shuffle):
    """One statement per source, in any order of labels: exactly the statement bootstrap."""
    rng = np.random.default_rng(seed)
    p, base = rng.uniform(0.01, 0.99, (2, n))
    y = (rng.random(n) < p).astype(int)
    labels = rng.permutation(n) if shuffle else np.arange(n)
    by_row = paired_difference(y, p, base, n_boot=40, random_state=seed)
    by_group = paired_difference(y, p, base, n_boot=40, random_state=seed, groups=labels)
    assert by_row == by_group


def test_shared_source_effect_widens_the_difference_interval():
    """Two predictors that differ by source (one knows half of each source's effect): the
    by-source interval of their difference is clearly wider than the per-statement one."""
    rng = np.random.default_rng(3)
    n_sources, per_source = 40, 30
    u = np.repeat(rng.normal(0.0, 1.5, n_sources), per_source)
    x = rng.normal(0.0, 1.0, n_sources * per_source)
    y = (rng.random(x.size) < expit(u + x)).astype(int)
    groups = np.repeat([f"src{i}" for i in range(n_sources)], per_source)
    p_model, p_base = expit(x + 0.5 * u), expit(x)
    a = paired_difference(y, p_model, p_base, random_state=0)
    b = paired_difference(y, p_model, p_base, random_state=0, groups=groups)
    for name in ("log_loss", "brier_score"):
        assert a[name]["estimate"] == b[name]["estimate"]
        ratio = (b[name]["high"] - b[name]["low"]) / (a[name]["high"] - a[name]["low"])
        assert ratio > 1.5, (name, ratio)


def test_bad_groups():
    y, p, base = np.array([0, 1, 1, 0]), np.full(4, 0.6), np.full(4, 0.5)
    with pytest.raises(ValueError, match=r"groups has 3 labels but there are 4 rows"):
        paired_difference(y, p, base, groups=["a", "b", "a"])
    with pytest.raises(ValueError, match=r"groups is missing at rows \[2\]"):
        paired_difference(y, p, base, groups=["a", "b", None, "a"])
    with pytest.raises(ValueError, match="single group"):
        paired_difference(y, p, base, groups=["a"] * 4)
