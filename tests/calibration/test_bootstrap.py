"""Tests of the bootstrap in credscore/calibration/_report.py: by rows, and by groups (sources).

* ``groups=None`` draws exactly what it drew before groups existed (frozen figures);
* every row its own group draws exactly the row bootstrap;
* each resample's weighted metric is the metric of the rows the drawn groups hold;
* with a strong shared per-source effect, by-source intervals are wider and cover the truth
  at close to their nominal 95%, per-statement ones do not;
* bad ``groups`` raise a ValueError that names the argument, the rows and the fix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credscore.calibration import (
    brier_score,
    calibration_in_the_large,
    calibration_report,
    log_loss,
    metric_intervals,
    roc_auc,
    smece,
)
from credscore.calibration._logistic import expit
from credscore.calibration._report import bootstrap_weights, check_groups

ALL_METRICS = ("log_loss", "brier_score", "roc_auc", "smece", "calibration_in_the_large")

#: metric_intervals(y, p, n_boot=100, random_state=7) on ``frozen_data`` before ``groups``
#: existed (credscore at c7ffcce).
FROZEN = {
    "log_loss": (0.5767280497074913, 0.544400779460856, 0.613012865084179),
    "brier_score": (0.19742925200000003, 0.18368066689999998, 0.21266259324999998),
    "roc_auc": (0.763848886328725, 0.7232011961871911, 0.7984837873508057),
    "smece": (0.03411871414497011, 0.03429362178480211, 0.058317069006557955),
}


@pytest.fixture(scope="module")
def frozen_data():
    rng = np.random.default_rng(11)
    p = np.round(rng.beta(2, 2, 500), 3)
    y = (rng.random(500) < p).astype(int)
    return y, p


def test_groups_none_unchanged(frozen_data):
    y, p = frozen_data
    iv = metric_intervals(y, p, n_boot=100, random_state=7)
    assert list(iv) == list(FROZEN)
    for name, (est, low, high) in FROZEN.items():
        got = (iv[name]["estimate"], iv[name]["low"], iv[name]["high"])
        assert got == pytest.approx((est, low, high), rel=1e-12, abs=1e-15), name
    # the draws themselves: the same multinomial stream as before
    w, n_units = bootstrap_weights(500, 100, np.random.default_rng(7))
    expected = np.random.default_rng(7).multinomial(500, np.full(500, 1 / 500), size=100)
    assert n_units == 500
    np.testing.assert_array_equal(w, expected)
    rep = calibration_report(y, p, n_sim=20, n_boot=100, random_state=7)
    assert rep["intervals"] == iv
    assert rep["bootstrap"] == {"unit": "row", "n_clusters": 500, "n_boot": 100}


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 60),
    seed=st.integers(0, 2**32 - 1),
    kind=st.sampled_from(["int", "str", "shuffled", "mixed"]),
)
def test_every_row_its_own_group_is_the_row_bootstrap(n, seed, kind):
    """With one row per group, whatever the labels and their order, the cluster bootstrap
    draws exactly the row bootstrap's weights, so every interval is the same."""
    rng = np.random.default_rng(seed)
    labels: list = list(range(n))
    if kind == "str":
        labels = [f"s{i}" for i in range(n)]
    elif kind == "shuffled":
        labels = rng.permutation(n).tolist()
    elif kind == "mixed":
        labels = [i if i % 2 else f"s{i}" for i in range(n)]
    p = rng.uniform(0.01, 0.99, n)
    y = (rng.random(n) < p).astype(int)
    w_rows, n_rows = bootstrap_weights(n, 30, np.random.default_rng(seed))
    w_groups, n_groups = bootstrap_weights(n, 30, np.random.default_rng(seed), groups=labels)
    assert n_rows == n_groups == n
    np.testing.assert_array_equal(w_rows, w_groups)
    a = metric_intervals(y, p, metrics=ALL_METRICS, n_boot=30, random_state=seed)
    b = metric_intervals(y, p, metrics=ALL_METRICS, n_boot=30, random_state=seed, groups=labels)
    np.testing.assert_equal(a, b)  # exactly equal (NaN where a resample has one class)


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 12), min_size=2, max_size=12),
    seed=st.integers(0, 2**32 - 1),
)
def test_weights_draw_whole_groups(sizes, seed):
    """A group's rows always carry the same weight; the group counts of a resample sum to the
    number of groups; a resample's weights sum to the sizes of the groups it drew."""
    rng = np.random.default_rng(seed)
    groups = rng.permutation(np.repeat(np.arange(len(sizes)), sizes))
    w, n_groups = bootstrap_weights(groups.size, 40, np.random.default_rng(seed), groups=groups)
    assert n_groups == len(sizes)
    for g in range(len(sizes)):
        block = w[:, groups == g]
        assert np.all(block == block[:, :1])
    counts = np.stack([w[:, np.flatnonzero(groups == g)[0]] for g in range(len(sizes))], axis=1)
    assert np.all(counts.sum(axis=1) == len(sizes))
    np.testing.assert_array_equal(w.sum(axis=1), counts @ np.asarray(sizes, dtype=float))


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 15), min_size=2, max_size=10),
    seed=st.integers(0, 2**32 - 1),
)
def test_one_resample_equals_the_metric_of_the_rows_drawn(sizes, seed):
    """With one resample, the interval's ends are that resample's metric, and it equals the
    metric computed on the drawn rows written out (each as often as its group was drawn)."""
    rng = np.random.default_rng(seed)
    groups = np.repeat([f"src{i}" for i in range(len(sizes))], sizes)
    n = groups.size
    p = np.round(rng.uniform(0.02, 0.98, n), 2)
    y = (rng.random(n) < p).astype(int)
    w, _ = bootstrap_weights(n, 1, np.random.default_rng(seed), groups=groups)
    rows = np.repeat(np.arange(n), w[0].astype(int))
    yr, pr = y[rows], p[rows]
    iv = metric_intervals(y, p, metrics=ALL_METRICS, n_boot=1, random_state=seed, groups=groups)
    direct = {
        "log_loss": log_loss(yr, pr),
        "brier_score": brier_score(yr, pr),
        "calibration_in_the_large": calibration_in_the_large(yr, pr),
        "smece": smece(yr, pr),
    }
    if 0 < yr.sum() < yr.size:
        direct["roc_auc"] = roc_auc(yr, pr)
    else:
        assert np.isnan(iv["roc_auc"]["low"])
    for name, value in direct.items():
        assert iv[name]["low"] == pytest.approx(value, rel=1e-9, abs=1e-12), name
        assert iv[name]["high"] == iv[name]["low"], name


# --- a shared per-source effect: 40 sources x 30 statements, source random intercept --------

N_SOURCES, PER_SOURCE, SD_SOURCE, INTERCEPT = 40, 30, 1.5, 0.3
SIM_METRICS = ("log_loss", "calibration_in_the_large")


def _simulate(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outcomes from logit P = a + u_source + x; predictions a + x miss the source's u."""
    u = rng.normal(0.0, SD_SOURCE, N_SOURCES)
    x = rng.normal(0.0, 1.0, (N_SOURCES, PER_SOURCE))
    p_true = expit(INTERCEPT + u[:, None] + x)
    y = (rng.random(p_true.shape) < p_true).astype(float)
    groups = np.repeat(np.arange(N_SOURCES), PER_SOURCE)
    return y.ravel(), expit(INTERCEPT + x).ravel(), groups


def _truth(m: int = 400_000) -> dict[str, float]:
    """Population log loss and calibration-in-the-large of the predictions (new sources)."""
    rng = np.random.default_rng(1)
    u, x = rng.normal(0.0, SD_SOURCE, m), rng.normal(0.0, 1.0, m)
    p_true, p_hat = expit(INTERCEPT + u + x), expit(INTERCEPT + x)
    loss = -(p_true * np.log(p_hat) + (1.0 - p_true) * np.log1p(-p_hat))
    return {
        "log_loss": float(loss.mean()),
        "calibration_in_the_large": float(np.mean(p_hat - p_true)),
    }


def test_shared_source_effect_widens_intervals_and_restores_coverage():
    """Statements of a source share its reliability: by-source intervals are wider (median
    width ratio > 1.5 for calibration-in-the-large, > 1.2 for log loss) and their coverage of
    the population value over 100 simulated corpora is closer to 95% than per-statement."""
    truth = _truth()
    rng = np.random.default_rng(2)
    n_rep = 100
    covered = {(unit, m): 0 for unit in ("statement", "source") for m in SIM_METRICS}
    ratios = []
    for r in range(n_rep):
        y, p, groups = _simulate(rng)
        ivs = {
            "statement": metric_intervals(y, p, metrics=SIM_METRICS, n_boot=200, random_state=r),
            "source": metric_intervals(
                y, p, metrics=SIM_METRICS, n_boot=200, random_state=r, groups=groups
            ),
        }
        for unit, iv in ivs.items():
            for m in SIM_METRICS:
                covered[unit, m] += iv[m]["low"] <= truth[m] <= iv[m]["high"]
        ratios.append(
            [
                (ivs["source"][m]["high"] - ivs["source"][m]["low"])
                / (ivs["statement"][m]["high"] - ivs["statement"][m]["low"])
                for m in SIM_METRICS
            ]
        )
    ratio = dict(zip(SIM_METRICS, np.median(ratios, axis=0), strict=True))
    assert ratio["calibration_in_the_large"] > 1.5
    assert ratio["log_loss"] > 1.2
    cover = {k: v / n_rep for k, v in covered.items()}
    for m in SIM_METRICS:
        assert abs(cover["source", m] - 0.95) < abs(cover["statement", m] - 0.95), m
        assert cover["source", m] >= 0.85, m
    assert cover["statement", "calibration_in_the_large"] < 0.75  # far too narrow


def test_one_corpus_by_source_clearly_wider():
    y, p, groups = _simulate(np.random.default_rng(5))
    a = metric_intervals(y, p, metrics=SIM_METRICS, random_state=0)
    b = metric_intervals(y, p, metrics=SIM_METRICS, random_state=0, groups=groups)
    width = {
        k: (iv["calibration_in_the_large"]["high"] - iv["calibration_in_the_large"]["low"])
        for k, iv in (("statement", a), ("source", b))
    }
    assert width["source"] > 1.5 * width["statement"]
    assert a["log_loss"]["estimate"] == b["log_loss"]["estimate"]
    rep = calibration_report(y, p, n_sim=20, n_boot=100, groups=groups)
    assert rep["bootstrap"] == {"unit": "group", "n_clusters": N_SOURCES, "n_boot": 100}


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("groups", "match"),
    [
        (["a"] * 9, r"groups has 9 labels but there are 10 rows.*Fix"),
        ([["a", "b"]] * 10, r"groups must hold one hashable label per row \(1-D\)"),
        (["a", None, "b", "b", "a", "a", "b", "a", "b", "a"], r"groups is missing at rows \[1\]"),
        (np.r_[np.nan, np.ones(9)], r"groups is missing at rows \[0\] \(1 of 10\).*Fix"),
        (pd.Series(["a"] * 8 + [pd.NA, pd.NA], dtype="string"), r"missing at rows \[8, 9\]"),
        (["only"] * 10, r"single group \('only'\).*no interval is possible.*groups=None"),
    ],
)
def test_bad_groups(groups, match):
    y = np.array([0, 1] * 5)
    p = np.full(10, 0.5)
    with pytest.raises(ValueError, match=match):
        metric_intervals(y, p, n_boot=10, groups=groups)
    with pytest.raises(ValueError, match=match):
        calibration_report(y, p, n_sim=10, n_boot=10, groups=groups)
    with pytest.raises(ValueError, match=match):
        check_groups(groups, 10)


def test_unknown_interval_metric():
    with pytest.raises(ValueError, match="calibration_in_the_large"):
        metric_intervals([0, 1], [0.5, 0.5], metrics=["ece"])
