"""Tests of credscore/calibration/_slope_mc.py: the small-window Monte-Carlo slope test."""

from __future__ import annotations

import numpy as np
import pytest

from credscore.calibration import calibration_test, fit_logistic
from credscore.calibration._slope_mc import _lr, slope_lr_pvalue


def test_likelihood_ratio_matches_two_separate_fits():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.05, 0.95, 80)
    y = (rng.random(80) < p).astype(float)
    x = np.log(p / (1 - p))
    c, _ = fit_logistic(x, y)
    c0, _ = fit_logistic(None, y, offset=x)

    def ll(eta):
        return np.sum(y * eta - np.logaddexp(0, eta))

    assert _lr(y[None, :], x)[0] == pytest.approx(2 * (ll(c[0] + c[1] * x) - ll(c0[0] + x)))


def test_keeps_its_level_on_small_calibrated_windows():
    """300 calibrated windows of 15-40 verdicts: about 5% rejected (the Wald/LR intervals,
    which fail under separation, are not used here)."""
    rng = np.random.default_rng(1)
    pv = []
    for _ in range(300):
        n = int(rng.integers(15, 41))
        p = rng.beta(1.5, 4, n)
        y = (rng.random(n) < p).astype(float)
        pv.append(slope_lr_pvalue(y, p, n_sim=200, rng=rng))
    assert 0.02 <= np.mean(np.array(pv) < 0.05) <= 0.09


def test_has_power_against_over_confidence():
    """Scores twice as extreme as the truth on 150 verdicts are rejected most of the time."""
    rng = np.random.default_rng(2)
    hits = 0
    for _ in range(20):
        z = rng.normal(0, 1.2, 150)
        y = (rng.random(150) < 1 / (1 + np.exp(-z))).astype(float)
        hits += slope_lr_pvalue(y, 1 / (1 + np.exp(-2 * z)), n_sim=200, rng=rng) < 0.05
    assert hits >= 15


def test_calibration_test_uses_it_below_small_n_only():
    rng = np.random.default_rng(3)
    p = rng.beta(2, 2, 500)
    y = (rng.random(500) < p).astype(float)
    big = calibration_test(y, p, n_sim=50)
    small = calibration_test(y[:60], p[:60], n_sim=50)
    assert big.slope_test == "wald" and big.slope_p is None
    assert small.slope_test == "monte carlo" and 0 < small.slope_p <= 1
