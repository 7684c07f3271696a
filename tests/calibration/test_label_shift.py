"""Tests of credscore/calibration/_label_shift.py: EM and BBSE prior estimation, the Bayes
adjustment and the guard."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credscore.calibration import (
    adjust_prior,
    calibration_test,
    estimate_prior,
    label_shift,
    log_loss,
)


def shifted(rng, n, prior, sep=1.0):
    """Exact label shift: x | y ~ Normal(±sep, 1) fixed; P(y = 1) = prior. ``p`` is the
    posterior at base rate 0.5 (calibrated at 0.5), ``truth`` the posterior at ``prior``."""
    y = (rng.random(n) < prior).astype(float)
    x = rng.normal(np.where(y == 1, sep, -sep), 1.0)
    p = 1 / (1 + np.exp(-2 * sep * x))
    truth = 1 / (1 + np.exp(-(2 * sep * x + np.log(prior / (1 - prior)))))
    return y, p, truth


def saerens_em(p, pi0, iters=20_000):
    pi = pi0
    for _ in range(iters):
        a, b = pi / pi0 * p, (1 - pi) / (1 - pi0) * (1 - p)
        pi = float(np.mean(a / (a + b)))
    return pi


@pytest.mark.parametrize("prior", [0.1, 0.25, 0.5, 0.8])
def test_em_is_the_fixed_point_of_saerens_iterations(prior):
    rng = np.random.default_rng(0)
    _, p, _ = shifted(rng, 2000, prior)
    assert estimate_prior(p, 0.5).prior == pytest.approx(saerens_em(p, 0.5), abs=1e-5)


def test_em_and_bbse_recover_the_prior_and_their_errors_are_honest():
    """Over 200 batches of 400 with base rate 0.2 the estimates centre on 0.2 and the
    estimate +- 1.96 s.e. covers it about 95% of the time (both estimators)."""
    rng = np.random.default_rng(1)
    y_ref, p_ref, _ = shifted(rng, 3000, 0.5)
    hits = {"em": [], "bbse": []}
    est = {"em": [], "bbse": []}
    for _ in range(200):
        _, p, _ = shifted(rng, 400, 0.2)
        for m in hits:
            e = estimate_prior(p, 0.5, method=m, reference=(p_ref, y_ref))
            est[m].append(e.prior)
            hits[m].append(abs(e.prior - 0.2) <= 1.96 * e.se)
    for m in hits:  # BBSE shares one finite reference across batches: a little more slack
        assert abs(np.mean(est[m]) - 0.2) < (0.01 if m == "em" else 0.02), m
        assert 0.89 <= np.mean(hits[m]) <= 0.99, m


def test_adjusted_probabilities_are_calibrated_on_the_shifted_batch():
    """The adjustment recovers the true posterior: mean |p - truth| falls from ~0.2 to < 0.02,
    log loss drops, and over 10 batches the calibration test passes on at least 8 adapted
    ones and on none of the unadapted ones."""
    rng = np.random.default_rng(2)
    passed = {"p": 0, "q": 0}
    for _ in range(10):
        y, p, truth = shifted(rng, 3000, 0.15)
        q, res = label_shift(p, 0.5)
        assert res.applied and res.reason == "applied"
        assert np.mean(np.abs(p - truth)) > 0.15
        assert np.mean(np.abs(q - truth)) < 0.02
        assert log_loss(y, q) < log_loss(y, p) - 0.05
        passed["p"] += calibration_test(y, p, n_sim=100).consistent
        passed["q"] += calibration_test(y, q, n_sim=100).consistent
    assert passed["p"] == 0 and passed["q"] >= 8


def test_guard_refuses_small_batches_and_records_why():
    rng = np.random.default_rng(3)
    _, p, _ = shifted(rng, 30, 0.2)
    q, res = label_shift(p, 0.5)
    assert not res.applied and "below min_batch=50" in res.reason
    np.testing.assert_array_equal(q, np.clip(p, 1e-9, 1 - 1e-9))


def test_guard_refuses_a_shift_that_is_not_label_shift():
    """Scores moved below anything a change of base rate gives (covariate shift): the EM
    estimate sits at 0 and the guard refuses."""
    rng = np.random.default_rng(4)
    p = np.where(rng.random(500) < 0.7, 0.001, 0.7)  # calibrated at 0.5, yet mostly near 0
    _, res = label_shift(p, 0.5)
    assert res.prior == 0.0 and not res.applied
    assert "does not explain" in res.reason


def test_guard_refuses_scores_that_barely_separate_the_outcomes():
    """A weak model (scores 0.47-0.55) whose batch mean moved by 0.015: EM would read a large
    base-rate change into it; the separation floor refuses."""
    rng = np.random.default_rng(8)
    p = rng.uniform(0.47, 0.55, 2000)
    _, res = label_shift(p, 0.525)
    assert not res.applied and "separate the outcomes too little" in res.reason
    assert abs(res.prior - 0.525) > 0.2  # what would have been applied


def test_guard_refuses_without_evidence_of_a_shift():
    rng = np.random.default_rng(5)
    _, p, _ = shifted(rng, 200, 0.5)
    _, res = label_shift(p, 0.5)
    assert not res.applied and res.reason.startswith("no evidence of a shift")


def test_both_requires_agreement():
    """method='both': EM and BBSE agree on a label-shifted batch (applied); a reference from
    another population makes BBSE disagree, and nothing is applied."""
    rng = np.random.default_rng(6)
    y_ref, p_ref, _ = shifted(rng, 3000, 0.5)
    _, p, _ = shifted(rng, 1500, 0.2)
    _, ok = label_shift(p, 0.5, method="both", reference=(p_ref, y_ref))
    assert ok.applied and len(ok.estimates) == 2
    _, bad = label_shift(p, 0.5, method="both", reference=(p_ref**3, y_ref))
    assert not bad.applied and "disagree" in bad.reason


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="needs reference"):
        estimate_prior([0.2, 0.4], 0.5, method="bbse")
    with pytest.raises(ValueError, match="strictly between"):
        adjust_prior([0.2], 1.0, 0.5)
    with pytest.raises(ValueError, match="method must be"):
        label_shift([0.2], 0.5, method="magic")
    with pytest.raises(ValueError, match="probabilities"):
        estimate_prior([1.5], 0.5)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.001, 0.999), min_size=1, max_size=80),
    st.floats(0.05, 0.95),
    st.floats(0.05, 0.95),
)
def test_adjustment_keeps_the_ranking_and_inverts(p, pi0, pi1):
    """Invariant: the Bayes adjustment is increasing (ranking kept) and adjusting to a new base
    rate and back returns the probabilities."""
    q = np.asarray(p)
    a = adjust_prior(q, pi0, pi1)
    order = np.argsort(q, kind="stable")
    assert np.all(np.diff(a[order]) >= -1e-12)
    np.testing.assert_allclose(adjust_prior(a, pi1, pi0), q, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=0, max_size=120), st.floats(0.05, 0.95))
def test_label_shift_never_breaks(p, pi0):
    """Invariant: any batch gives probabilities in [0, 1] and a record; unapplied means
    unchanged (up to clipping away exact 0 and 1)."""
    q, res = label_shift(p, pi0)
    assert q.shape == (len(p),) and np.all((q >= 0) & (q <= 1))
    if not res.applied:
        np.testing.assert_allclose(q, np.clip(p, 1e-9, 1 - 1e-9))
    assert isinstance(res.to_dict()["estimates"], list)
