"""Tests of credscore/calibration/_by_source.py: the by-source null, cluster-robust slope and
Spiegelhalter's z, through :func:`calibration_test`."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credscore.calibration import calibration_test
from credscore.calibration._by_source import cluster_codes, spiegelhalter


def clustered_calibrated(rng, n_sources=60, per_source=40, sd=1.2):
    """Calibrated but clustered: p = E[q | what the model sees], q = expit(lin + u_source)."""
    lin = rng.normal(0.0, 1.0, n_sources * per_source)
    src = np.repeat(np.arange(n_sources), per_source)
    u = rng.normal(0.0, sd, n_sources)[src]
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    p = (1 / (1 + np.exp(-(lin[:, None] + sd * nodes[None, :])))) @ weights / weights.sum()
    y = (rng.random(lin.size) < 1 / (1 + np.exp(-(lin + u)))).astype(float)
    return y, p, src


def test_source_null_keeps_its_level_where_the_statement_null_does_not():
    """Clustered outcomes of a calibrated model: the statement null rejects far more often than
    5%; the by-source null stays near its level (12 data sets, measured rates 0.75 vs 0.08)."""
    rng = np.random.default_rng(0)
    flags = {"statement": 0, "source": 0}
    for _ in range(12):
        y, p, src = clustered_calibrated(rng)
        for null in flags:
            res = calibration_test(y, p, n_sim=200, groups=src, null=null, random_state=rng)
            flags[null] += res.smece.p_value < 0.05
    assert flags["statement"] >= 6
    assert flags["source"] <= 3


def test_source_null_still_rejects_a_shared_miscalibration():
    """Every source over-predicted the same way: the by-source test still rejects."""
    rng = np.random.default_rng(1)
    y, p, src = clustered_calibrated(rng, n_sources=200, per_source=10)
    res = calibration_test(y, p**0.5, n_sim=200, groups=src)
    assert res.null == "source" and res.n_groups == 200
    assert res.smece.p_value < 0.01 and not res.consistent


def test_one_statement_per_source_behaves_like_the_statement_null():
    """Singleton sources: the by-source test agrees with the Bernoulli null on a calibrated and
    on a miscalibrated model."""
    rng = np.random.default_rng(2)
    p = rng.beta(2, 2, 3000)
    y = (rng.random(p.size) < p).astype(float)
    ids = np.arange(p.size)
    for q, want in ((p, True), (p**2, False)):
        a = calibration_test(y, q, n_sim=300)
        b = calibration_test(y, q, n_sim=300, groups=ids)
        assert a.consistent is want and b.consistent is want
        assert b.slope == pytest.approx(a.slope)
        width_a = a.slope_ci[1] - a.slope_ci[0]
        assert b.slope_ci[1] - b.slope_ci[0] == pytest.approx(width_a, rel=0.15)


def test_cluster_robust_intervals_widen_with_the_source_effect():
    """A source effect shared by 40 statements: the calibration intercept's interval widens
    several times (the mean moves with the sources); the slope's, driven by the variation
    inside sources, hardly."""
    rng = np.random.default_rng(3)
    y, p, src = clustered_calibrated(rng)
    a = calibration_test(y, p, n_sim=50)
    b = calibration_test(y, p, n_sim=50, groups=src)
    width = {k: (r.intercept_ci[1] - r.intercept_ci[0]) for k, r in (("a", a), ("b", b))}
    assert width["b"] > 2.0 * width["a"]
    assert b.slope_ci[1] - b.slope_ci[0] >= 0.9 * (a.slope_ci[1] - a.slope_ci[0])


def test_null_argument_is_checked():
    p = np.full(10, 0.5)
    y = np.r_[np.zeros(5), np.ones(5)]
    with pytest.raises(ValueError, match="pass groups"):
        calibration_test(y, p, null="source")
    with pytest.raises(ValueError, match="null must be"):
        calibration_test(y, p, null="bogus", groups=np.arange(10))
    with pytest.raises(ValueError, match="combine must be"):
        calibration_test(y, p, combine="either")
    with pytest.raises(ValueError, match="missing at rows"):
        cluster_codes(np.array(["a", None, "b"], dtype=object), 3)


def test_one_outcome_class_is_judged_by_smece_alone():
    """A small window where nothing held up: no slope exists, and a calibrated model whose
    probabilities are low is not failed for it (it used to be)."""
    rng = np.random.default_rng(4)
    p = rng.uniform(0.02, 0.15, 12)
    res = calibration_test(np.zeros(12), p, n_sim=300)
    assert np.isnan(res.slope)
    assert res.consistent == (res.smece.p_value >= res.alpha / 2)  # Bonferroni: 0.025
    assert res.consistent
    assert not calibration_test(np.zeros(12), np.full(12, 0.6), n_sim=300).consistent


def test_bonferroni_rule_is_stricter_on_each_part():
    """combine='bonferroni' (the default) passes exactly when smECE p >= alpha/2 and |slope - 1|
    is within the 1 - alpha/2 interval; it never fails where 'both' passes."""
    rng = np.random.default_rng(5)
    for _ in range(10):
        p = rng.beta(2, 2, 400)
        y = (rng.random(p.size) < 1 / (1 + np.exp(-1.15 * np.log(p / (1 - p))))).astype(float)
        a = calibration_test(y, p, n_sim=100, random_state=1, combine="both")
        b = calibration_test(y, p, n_sim=100, random_state=1)  # the default
        assert b.combine == "bonferroni" and a.combine == "both"
        assert b.smece.p_value == a.smece.p_value
        assert (not a.consistent) or b.consistent


def test_spiegelhalter_z_is_standard_normal_under_calibration():
    """Over 300 calibrated data sets z has mean ~0 and sd ~1; p**3 gives a huge |z|."""
    rng = np.random.default_rng(6)
    zs = []
    for _ in range(300):
        p = rng.uniform(0.05, 0.95, 500)
        y = (rng.random(p.size) < p).astype(float)
        zs.append(spiegelhalter(y, p)["z"])
    assert abs(np.mean(zs)) < 0.2 and 0.85 < np.std(zs) < 1.15
    res = calibration_test(y, p**3, n_sim=50)
    assert res.spiegelhalter_p < 1e-6


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 60))
def test_by_source_result_is_deterministic_and_complete(seed, n_sources):
    """Invariant: same seed, same result; every field is finite or NaN, p-values in (0, 1]."""
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n_sources, 200)
    p = rng.uniform(0.05, 0.95, 200)
    y = (rng.random(200) < p).astype(float)
    a = calibration_test(y, p, n_sim=30, groups=src, random_state=seed)
    b = calibration_test(y, p, n_sim=30, groups=src, random_state=seed)
    assert a == b
    assert 0 < a.smece.p_value <= 1 and 0 < a.ece.p_value <= 1
    assert a.n_groups == len(np.unique(src))
