"""Tests of credscore/calibration/_metrics.py, _smece.py and _report.py."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from credscore.calibration import (
    accuracy,
    brier_decomposition,
    brier_score,
    calibration_in_the_large,
    calibration_report,
    calibration_slope_intercept,
    ece,
    log_loss,
    metric_intervals,
    roc_auc,
    smece,
)
from credscore.calibration._logistic import expit, logit
from credscore.calibration._smece import smoother


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    p = np.round(rng.beta(2, 2, 3000), 3)  # rounded: ties exercise the rank code
    y = (rng.random(p.size) < p).astype(int)
    return y, p


def test_against_sklearn(data):
    y, p = data
    assert log_loss(y, p) == pytest.approx(skm.log_loss(y, p))
    assert brier_score(y, p) == pytest.approx(skm.brier_score_loss(y, p))
    assert roc_auc(y, p) == pytest.approx(skm.roc_auc_score(y, p))
    assert accuracy(y, p) == pytest.approx(skm.accuracy_score(y, p >= 0.5))


def test_brier_decomposition_adds_up(data):
    y, p = data
    d = brier_decomposition(y, p)
    total = d["reliability"] - d["resolution"] + d["uncertainty"] + d["within_bin"]
    assert total == pytest.approx(d["brier"])
    assert abs(d["within_bin"]) < 0.01 * d["brier"]
    assert d["uncertainty"] == pytest.approx(y.mean() * (1 - y.mean()))


def test_ece_by_hand():
    y = np.array([0, 0, 1, 1, 1, 0])
    p = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.8])
    # bins {0.1, 0.2, 0.3} and {0.6, 0.7, 0.8}: |1/3 - 0.2| and |2/3 - 0.7|, each weight 1/2
    assert ece(y, p, n_bins=2) == pytest.approx(0.5 * (2 / 15) + 0.5 * (1 / 30))
    assert calibration_in_the_large(y, p) == pytest.approx(p.mean() - 0.5)


def test_slope_and_intercept_recover_known_miscalibration():
    """p = expit(0.5·logit(true) - 0.4): recalibration slope 2, intercept of the offset model
    positive; a calibrated p gives slope ~1 and intercept ~0 inside their intervals."""
    rng = np.random.default_rng(1)
    true = rng.beta(2, 2, 20_000)
    y = rng.random(true.size) < true
    r = calibration_slope_intercept(y, expit(0.5 * logit(true) - 0.4))
    assert r["slope"] == pytest.approx(2.0, rel=0.06)
    assert r["slope_ci"][0] < r["slope"] < r["slope_ci"][1]
    assert r["intercept"] > 0.2
    ok = calibration_slope_intercept(y, true)
    assert ok["slope_ci"][0] < 1 < ok["slope_ci"][1]
    assert ok["intercept_ci"][0] < 0 < ok["intercept_ci"][1]
    one_class = calibration_slope_intercept([1, 1], [0.2, 0.3])
    assert np.isnan(one_class["slope"])


def _smece_sigma_direct(y, p, sigma, n_grid=20_001):
    """smECE_σ straight from the definition: reflected Gaussian kernel, fine quadrature."""
    t = np.linspace(0, 1, n_grid)[:, None]
    phi = lambda d: np.exp(-0.5 * (d / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))  # noqa: E731
    k = phi(t - p) + phi(t + p) + phi(t - (2 - p))
    g = np.abs(k @ (y - p)) / p.shape[0]
    return np.trapezoid(g, t[:, 0])


@pytest.mark.parametrize("sigma", [0.01, 0.05, 0.2])
def test_smece_sigma_matches_definition(sigma):
    rng = np.random.default_rng(2)
    p = rng.random(200)
    y = (rng.random(200) < p**1.5).astype(float)
    fast = smoother(p, ((y - p) / 200)[None, :], 512)(np.array([sigma]))[0]
    assert fast == pytest.approx(_smece_sigma_direct(y, p, sigma), rel=0.02, abs=2e-4)


def test_smece_is_the_fixed_point():
    rng = np.random.default_rng(3)
    p = rng.random(300)
    y = (rng.random(300) < p**2).astype(float)
    s = smece(y, p)
    assert _smece_sigma_direct(y, p, s) == pytest.approx(s, rel=0.02)


def test_smece_known_cases():
    """Constant forecasts: smECE is |bias|. Calibrated large samples: close to 0."""
    rng = np.random.default_rng(4)
    y = rng.random(4000) < 0.5
    assert smece(y, np.full(4000, 0.3)) == pytest.approx(abs(0.3 - y.mean()), abs=1e-3)
    p = rng.random(50_000)
    assert smece(rng.random(p.size) < p, p) < 0.01
    assert smece(rng.random(p.size) < p, p**2) > 0.1


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.floats(0, 1, allow_nan=False)), min_size=2, max_size=80
    )
)
def test_metrics_are_finite_and_in_range(pairs):
    """On any labelled probabilities every metric is finite (AUC NaN only with one class) and
    the bounded ones stay in their ranges."""
    y = np.array([a for a, _ in pairs])
    p = np.array([b for _, b in pairs])
    assert np.isfinite(log_loss(y, p)) and log_loss(y, p) >= 0
    assert 0 <= brier_score(y, p) <= 1
    assert 0 <= ece(y, p) <= 1 and 0 <= smece(y, p) <= 1
    assert 0 <= accuracy(y, p) <= 1
    auc = roc_auc(y, p)
    assert np.isnan(auc) == (y.min() == y.max())
    d = brier_decomposition(y, p)
    assert all(np.isfinite(v) for v in d.values())


def test_input_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match="different lengths"):
        log_loss([0, 1], [0.5])
    with pytest.raises(ValueError, match="must be 0/1"):
        brier_score([0, 2], [0.5, 0.5])
    with pytest.raises(ValueError, match="probabilities in"):
        ece([0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match="empty"):
        roc_auc([], [])


def test_metric_intervals(data):
    y, p = data
    iv = metric_intervals(y, p, n_boot=200)
    for name in ("log_loss", "brier_score", "roc_auc"):
        assert iv[name]["low"] < iv[name]["estimate"] < iv[name]["high"]
    assert iv["roc_auc"]["high"] - iv["roc_auc"]["low"] < 0.1
    assert iv["smece"]["low"] <= iv["smece"]["high"]
    with pytest.raises(ValueError, match="no bootstrap interval"):
        metric_intervals(y, p, metrics=["ece"])


def test_calibration_report_is_json(data):
    y, p = data
    rep = calibration_report(y, p, n_sim=100, n_boot=50)
    back = json.loads(json.dumps(rep))
    assert back["metrics"]["log_loss"] == pytest.approx(log_loss(y, p))
    assert back["test"]["consistent"] in (True, False)
    assert set(back["test"]) >= {"ece", "smece", "slope", "slope_ci", "consistent"}
