"""Scoring and calibration metrics, all with the signature ``(y_true, p)``.

``y_true`` holds binary outcomes (1 = the statement held up) and ``p`` the predicted
probabilities of ``y = 1``. Every function validates its input and returns plain floats
(or dicts of floats) so that results serialise to JSON.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import norm, rankdata

from credscore.calibration._logistic import (
    fit_logistic,
    logit,
    profile_slope_interval,
    separated,
)

__all__ = [
    "accuracy",
    "brier_decomposition",
    "brier_score",
    "calibration_in_the_large",
    "calibration_slope_intercept",
    "ece",
    "equal_mass_bins",
    "log_loss",
    "roc_auc",
]

_EPS = 1e-15


def check_y_p(y_true: ArrayLike, p: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate and return ``(y, p)`` as 1-D float arrays."""
    y = np.asarray(y_true, dtype=float).ravel()
    q = np.asarray(p, dtype=float).ravel()
    if y.shape != q.shape:
        raise ValueError(
            f"y_true and p have different lengths ({y.shape[0]} and {q.shape[0]}); "
            "pass one probability per outcome."
        )
    if y.shape[0] == 0:
        raise ValueError("y_true and p are empty; metrics need at least one labelled statement.")
    if not np.all((y == 0) | (y == 1)):
        bad = np.flatnonzero((y != 0) & (y != 1))[:10].tolist()
        raise ValueError(f"y_true must be 0/1; positions {bad} are not. Map labels to 0/1 first.")
    if not np.all(np.isfinite(q)) or q.min() < 0.0 or q.max() > 1.0:
        bad = np.flatnonzero(~np.isfinite(q) | (q < 0) | (q > 1))[:10].tolist()
        raise ValueError(
            f"p must be probabilities in [0, 1]; positions {bad} are not. "
            "Pass predict_proba output, not decision values."
        )
    return y, q


def equal_mass_bins(p: ArrayLike, n_bins: int = 15) -> NDArray[np.int64]:
    """Bin index of each prediction, with bins of (nearly) equal size in the order of ``p``.

    Bins are consecutive runs of the stably sorted predictions, sizes differing by at most one;
    tied predictions may fall on both sides of a bin edge. ``min(n_bins, n)`` bins are used.

    Examples
    --------
    >>> equal_mass_bins([0.9, 0.1, 0.5, 0.3], n_bins=2).tolist()
    [1, 0, 1, 0]
    """
    q = np.asarray(p, dtype=float).ravel()
    n = q.shape[0]
    k = max(1, min(int(n_bins), n))
    order = np.argsort(q, kind="stable")
    bins = np.empty(n, dtype=np.int64)
    bins[order] = (np.arange(n) * k) // n
    return bins


def log_loss(y_true: ArrayLike, p: ArrayLike) -> float:
    """Mean negative log-likelihood (natural log), ``p`` clipped to ``[1e-15, 1 - 1e-15]``.

    Examples
    --------
    >>> round(log_loss([1, 0], [0.8, 0.4]), 4)
    0.367
    """
    y, q = check_y_p(y_true, p)
    q = np.clip(q, _EPS, 1.0 - _EPS)
    return float(-np.mean(y * np.log(q) + (1.0 - y) * np.log1p(-q)))


def brier_score(y_true: ArrayLike, p: ArrayLike) -> float:
    """Mean squared difference between ``p`` and the outcome.

    Examples
    --------
    >>> brier_score([1, 0], [0.8, 0.4])
    0.1
    """
    y, q = check_y_p(y_true, p)
    return float(np.mean((q - y) ** 2))


def brier_decomposition(y_true: ArrayLike, p: ArrayLike, *, n_bins: int = 15) -> dict[str, float]:
    """Murphy decomposition of the Brier score over equal-mass bins of ``p``.

    ``reliability = Σ_k (n_k/n) (p̄_k - ȳ_k)²``, ``resolution = Σ_k (n_k/n) (ȳ_k - ȳ)²`` and
    ``uncertainty = ȳ (1 - ȳ)``. With binned forecasts the identity
    ``brier = reliability - resolution + uncertainty + within_bin`` holds exactly, where
    ``within_bin`` collects the within-bin variance of ``p`` and its covariance with ``y``
    (small when bins are narrow); it is returned so the parts add up.

    Returns
    -------
    dict
        ``brier``, ``reliability``, ``resolution``, ``uncertainty``, ``within_bin``.

    Examples
    --------
    >>> d = brier_decomposition([0, 1, 1, 0], [0.2, 0.8, 0.6, 0.4], n_bins=2)
    >>> round(d["reliability"] - d["resolution"] + d["uncertainty"] + d["within_bin"], 6)
    0.1
    """
    y, q = check_y_p(y_true, p)
    bins = equal_mass_bins(q, n_bins)
    counts = np.bincount(bins).astype(float)
    frac = counts / y.shape[0]
    p_bar = np.bincount(bins, weights=q) / counts
    y_bar = np.bincount(bins, weights=y) / counts
    base = y.mean()
    rel = float(np.sum(frac * (p_bar - y_bar) ** 2))
    res = float(np.sum(frac * (y_bar - base) ** 2))
    unc = float(base * (1.0 - base))
    brier = float(np.mean((q - y) ** 2))
    return {
        "brier": brier,
        "reliability": rel,
        "resolution": res,
        "uncertainty": unc,
        "within_bin": brier - (rel - res + unc),
    }


def roc_auc(y_true: ArrayLike, p: ArrayLike) -> float:
    """Area under the ROC curve (Mann-Whitney, ties count one half); NaN if one class only.

    Examples
    --------
    >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y, q = check_y_p(y_true, p)
    n_pos = y.sum()
    n_neg = y.shape[0] - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(q)
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def accuracy(y_true: ArrayLike, p: ArrayLike) -> float:
    """Share of outcomes predicted right when predicting 1 for ``p >= 0.5``.

    Examples
    --------
    >>> accuracy([1, 0, 1], [0.9, 0.5, 0.2])
    0.3333333333333333
    """
    y, q = check_y_p(y_true, p)
    return float(np.mean((q >= 0.5) == (y == 1)))


def calibration_in_the_large(y_true: ArrayLike, p: ArrayLike) -> float:
    """Mean prediction minus mean outcome (positive = over-confident that statements hold up).

    Examples
    --------
    >>> round(calibration_in_the_large([1, 0, 0, 0], [0.5, 0.5, 0.5, 0.5]), 3)
    0.25
    """
    y, q = check_y_p(y_true, p)
    return float(q.mean() - y.mean())


def calibration_slope_intercept(
    y_true: ArrayLike, p: ArrayLike, *, confidence: float = 0.95
) -> dict[str, float | tuple[float, float]]:
    """Logistic recalibration of ``y`` on ``logit(p)`` with Wald confidence intervals.

    * ``slope`` (and ``slope_ci``): ``b`` in ``logit P(y=1) = a + b·logit(p)``; 1 is ideal,
      below 1 means over-confident (too extreme) predictions.
    * ``intercept`` (and ``intercept_ci``): the *calibration intercept* ``a`` of the model with
      the slope fixed at 1, ``logit P(y=1) = a + logit(p)`` (``logit(p)`` as offset). This is the
      usual "calibration-in-the-large" intercept; 0 is ideal, positive means ``p`` is too low.
    * ``intercept_joint``: ``a`` of the two-parameter fit, reported for completeness.

    Intervals use the inverse observed Fisher information at the maximum-likelihood fit. When
    ``logit(p)`` separates the outcomes (every statement that held up scored at or above every
    one that did not, common in small windows), the slope's estimate is infinite (``inf``) and
    its interval is the likelihood-ratio one, ``(lower, inf)``.
    ``logit(p)`` is taken with ``p`` clipped to ``[1e-12, 1 - 1e-12]``. NaNs are returned when
    ``y`` has a single class.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0); p = rng.uniform(0.05, 0.95, 4000)
    >>> y = rng.random(4000) < p
    >>> r = calibration_slope_intercept(y, p)
    >>> r["slope_ci"][0] < 1 < r["slope_ci"][1]
    True
    """
    y, q = check_y_p(y_true, p)
    z = norm.ppf(0.5 + confidence / 2.0)
    nan = float("nan")
    if y.min() == y.max():
        return {
            "slope": nan,
            "slope_ci": (nan, nan),
            "intercept": nan,
            "intercept_ci": (nan, nan),
            "intercept_joint": nan,
        }
    lp = logit(q)
    coef0, cov0 = fit_logistic(None, y, offset=lp)
    icpt, se_icpt = float(coef0[0]), float(np.sqrt(cov0[0, 0]))
    if np.ptp(lp) < 1e-9:  # constant predictions: no slope to fit, only the intercept
        return {
            "slope": nan,
            "slope_ci": (nan, nan),
            "intercept": icpt,
            "intercept_ci": (float(icpt - z * se_icpt), float(icpt + z * se_icpt)),
            "intercept_joint": nan,
        }
    coef, cov = fit_logistic(lp, y)
    sep = separated(lp, y)
    if sep:  # no finite estimate: the slope is unbounded, its interval from the likelihood
        slope, slope_ci = sep * float("inf"), profile_slope_interval(lp, y, z=z)
    else:
        slope, se_slope = float(coef[1]), float(np.sqrt(cov[1, 1]))
        slope_ci = (float(slope - z * se_slope), float(slope + z * se_slope))
    return {
        "slope": slope,
        "slope_ci": slope_ci,
        "intercept": icpt,
        "intercept_ci": (float(icpt - z * se_icpt), float(icpt + z * se_icpt)),
        "intercept_joint": float(coef[0]),
    }


def ece(y_true: ArrayLike, p: ArrayLike, *, n_bins: int = 15) -> float:
    """Expected calibration error with equal-mass bins: ``Σ_k (n_k/n) |ȳ_k - p̄_k|``.

    Binned ECE is biased upwards by sampling noise (about 0.04 for a perfectly calibrated model
    on ~1,300 statements with 15 bins); read it next to :func:`calibration_test`.

    Examples
    --------
    >>> ece([0, 1, 1, 1], [0.5, 0.5, 0.5, 0.5], n_bins=1)
    0.25
    """
    y, q = check_y_p(y_true, p)
    bins = equal_mass_bins(q, n_bins)
    gap = np.bincount(bins, weights=y - q)
    return float(np.abs(gap).sum() / y.shape[0])
