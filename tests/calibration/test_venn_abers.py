"""Tests of credscore/calibration/_venn_abers.py and VennAbersCalibrator."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.isotonic import IsotonicRegression

from credscore.calibration import VennAbersCalibrator, merge_venn_abers
from credscore.calibration._venn_abers import venn_abers_table


def brute_force(scores, y, test_score):
    """Refit isotonic regression with the test point added as label 0 and as label 1."""
    out = []
    for label in (0, 1):
        iso = IsotonicRegression(out_of_bounds="clip")
        iso.fit(np.r_[scores, test_score], np.r_[y, label])
        out.append(float(iso.predict([test_score])[0]))
    return out


@pytest.mark.parametrize("seed", range(60))
def test_agrees_with_brute_force_refit(seed):
    """For test scores not tied with calibration scores, p0 and p1 equal exact refits."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 25))
    # even seeds: many ties in the calibration scores; odd seeds: continuous scores
    scores = rng.integers(0, 6, n) / 5.0 if seed % 2 == 0 else rng.random(n)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]  # both classes
    cal = VennAbersCalibrator().fit(scores, y)
    tests = np.r_[rng.random(4) * 1.4 - 0.2, np.unique(scores) + 1e-3, np.unique(scores) - 1e-3]
    tests = tests[~np.isin(tests, scores)]
    p0, p1 = cal.predict_interval(tests)
    for t, a0, a1 in zip(tests, p0, p1, strict=True):
        b0, b1 = brute_force(scores, y, t)
        assert a0 == pytest.approx(b0, abs=1e-12)
        assert a1 == pytest.approx(b1, abs=1e-12)


@pytest.mark.parametrize("seed", range(60))
def test_tied_test_scores_equal_pooled_refits(seed):
    """A test score equal to calibration scores is pooled into their block: p0 and p1 equal
    brute-force isotonic refits with the test point added at that very score."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 40))
    scores = rng.integers(0, int(rng.integers(1, 7)), n).astype(float)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    cal = VennAbersCalibrator().fit(scores, y)
    ties = np.unique(scores)
    p0, p1 = cal.predict_interval(ties)
    for t, a0, a1 in zip(ties, p0, p1, strict=True):
        b0, b1 = brute_force(scores, y, t)
        assert a0 == pytest.approx(b0, abs=1e-12)
        assert a1 == pytest.approx(b1, abs=1e-12)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 8), st.integers(0, 1)), min_size=2, max_size=50),
    st.lists(st.integers(-1, 9), min_size=1, max_size=10),
)
def test_every_test_score_equals_a_refit_ties_included(cal_points, tests):
    """Invariant: for any calibration set with ties and any test score, tied or not, the
    Venn-Abers pair is exactly the isotonic refit with the test point added as 0 and as 1."""
    scores = np.array([s for s, _ in cal_points], dtype=float)
    y = np.array([lab for _, lab in cal_points])
    y[:2] = [0, 1]
    cal = VennAbersCalibrator().fit(scores, y)
    t = np.asarray(tests, dtype=float)
    p0, p1 = cal.predict_interval(t)
    for ti, a0, a1 in zip(t, p0, p1, strict=True):
        b0, b1 = brute_force(scores, y, ti)
        assert abs(a0 - b0) < 1e-12 and abs(a1 - b1) < 1e-12


def test_pooling_ties_narrows_the_interval_on_heavily_tied_scores():
    """Scores with few distinct values (a tree's leaves): the pooled pair is as narrow as one
    more point in a large block allows (width about 1 / block size), not the gap-to-gap width."""
    rng = np.random.default_rng(5)
    s = rng.integers(0, 20, 20_000) / 20.0
    y = rng.random(s.size) < s
    cal = VennAbersCalibrator().fit(s, y)
    p0, p1 = cal.predict_interval(np.unique(s))
    assert np.max(p1 - p0) < 5.0 / 1000  # each block holds about 1,000 points


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-5, 5), st.integers(0, 1)), min_size=2, max_size=60),
    st.lists(st.floats(-6, 6), min_size=1, max_size=20),
)
def test_interval_is_ordered_and_merged_probability_inside(cal_points, tests):
    """Always 0 <= p0 <= p1 <= 1, and the merged probability lies in [p0, p1]."""
    scores = np.array([s for s, _ in cal_points])
    y = np.array([lab for _, lab in cal_points])
    y[:2] = [0, 1]  # both classes
    cal = VennAbersCalibrator().fit(scores, y)
    p0, p1 = cal.predict_interval(tests)
    p = cal.predict_proba(tests)
    assert np.all(p0 >= 0) and np.all(p1 <= 1) and np.all(p0 <= p1)
    assert np.all((p0 - 1e-12 <= p) & (p <= p1 + 1e-12))
    assert np.all((p > 0) & (p < 1))


def test_table_is_monotone_in_score():
    """p0 and p1 are non-decreasing in the test score (isotonic by construction)."""
    rng = np.random.default_rng(3)
    p = rng.random(500)
    y = rng.random(500) < p
    _, f0, f1 = venn_abers_table(p, y)
    assert np.all(np.diff(f0) >= -1e-12) and np.all(np.diff(f1) >= -1e-12)
    assert f0[0] == 0.0 and f1[-1] == 1.0


def test_validity_the_bound_for_the_true_label_is_calibrated():
    """Venn-Abers validity: p_Y (p1 if y = 1 else p0) is calibrated, overall and per bin."""
    rng = np.random.default_rng(0)
    n_cal, n_test, reps = 300, 2000, 30
    gaps, bins_gap = [], []
    for _ in range(reps):
        p = rng.beta(2, 2, n_cal + n_test)
        y = (rng.random(p.size) < p).astype(float)
        s = p**3  # a distorted but monotone score
        cal = VennAbersCalibrator().fit(s[:n_cal], y[:n_cal])
        p0, p1 = cal.predict_interval(s[n_cal:])
        yt = y[n_cal:]
        p_y = np.where(yt == 1, p1, p0)
        gaps.append(p_y.mean() - yt.mean())
        hi = p_y > 0.5
        bins_gap.append(p_y[hi].mean() - yt[hi].mean())
    # exact in expectation: the mean gap over 30 * 2000 test points is within ~3 s.e.
    assert abs(np.mean(gaps)) < 3 * np.std(gaps) / np.sqrt(reps) + 1e-3
    assert abs(np.mean(bins_gap)) < 3 * np.std(bins_gap) / np.sqrt(reps) + 2e-3


def test_merged_probability_approaches_true_probability():
    """With 5,000 calibration points the merged probability is within 0.03 of the truth."""
    rng = np.random.default_rng(1)
    p = rng.beta(2, 2, 10_000)
    y = rng.random(p.size) < p
    cal = VennAbersCalibrator().fit(p[:5000] ** 2, y[:5000])
    assert np.mean(np.abs(cal.predict_proba(p[5000:] ** 2) - p[5000:])) < 0.03


def test_coverage_of_true_probability_shrinks_with_calibration_size():
    """[p0, p1] is not a confidence interval: its width, and so its coverage of the true p,
    shrink as the calibration set grows (measured: ~0.33 at 200 points, ~0.12 at 5,000)."""
    rng = np.random.default_rng(2)
    cover, width = [], []
    for n_cal in (200, 5000):
        p = rng.beta(2, 2, n_cal + 5000)
        y = rng.random(p.size) < p
        cal = VennAbersCalibrator().fit(p[:n_cal] ** 3, y[:n_cal])
        p0, p1 = cal.predict_interval(p[n_cal:] ** 3)
        cover.append(np.mean((p0 <= p[n_cal:]) & (p[n_cal:] <= p1)))
        width.append(np.mean(p1 - p0))
    assert 0.2 < cover[0] < 0.5 and 0.05 < cover[1] < 0.25
    assert width[1] < width[0] / 4


def test_merge_cross_folds():
    """One fold reduces to p1 / (1 - p0 + p1); identical folds give the same as one fold."""
    p0 = np.array([0.1, 0.4, 0.7])
    p1 = np.array([0.2, 0.6, 0.9])
    one = merge_venn_abers(p0, p1)
    np.testing.assert_allclose(one, p1 / (1 - p0 + p1))
    np.testing.assert_allclose(merge_venn_abers(np.vstack([p0, p0]), np.vstack([p1, p1])), one)
    with pytest.raises(ValueError, match="same shape"):
        merge_venn_abers(np.zeros((2, 3)), np.zeros((3, 3)))


def test_fit_is_fast_enough_to_be_n_log_n():
    """100k calibration points fit with a single sweep (no timing asserted; just runs)."""
    rng = np.random.default_rng(0)
    s = rng.random(100_000)
    cal = VennAbersCalibrator().fit(s, rng.random(s.size) < s)
    assert cal.f0_.shape == (cal.unique_scores_.shape[0] + 1,)
