"""Bootstrap intervals for metrics and the one-call calibration report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from credscore.calibration._metrics import (
    _check_y_p,
    accuracy,
    brier_decomposition,
    brier_score,
    calibration_in_the_large,
    ece,
    log_loss,
    roc_auc,
)
from credscore.calibration._smece import smece_batch
from credscore.calibration._test import calibration_test

__all__ = ["calibration_report", "metric_intervals"]

_INTERVAL_METRICS = ("log_loss", "brier_score", "roc_auc", "smece")


def _weighted_auc(y: np.ndarray, order: np.ndarray, tie_start: np.ndarray, w: np.ndarray) -> float:
    """AUC of a resample given as per-point counts ``w`` (ties count one half)."""
    wy, wn = w * y, w * (1.0 - y)
    pos, neg = wy.sum(), wn.sum()
    if pos == 0 or neg == 0:
        return float("nan")
    # negatives strictly below each point, and tied negatives, in sorted order
    wn_sorted = wn[order]
    cum = np.concatenate([[0.0], np.cumsum(wn_sorted)])
    groups = np.searchsorted(tie_start, np.arange(order.shape[0]), side="right") - 1
    start = tie_start[groups]
    stop = np.append(tie_start[1:], order.shape[0])[groups]
    below = cum[start]
    tied = cum[stop] - cum[start]
    return float(np.sum(wy[order] * (below + 0.5 * tied)) / (pos * neg))


def metric_intervals(
    y_true: ArrayLike,
    p: ArrayLike,
    *,
    metrics: Sequence[str] = _INTERVAL_METRICS,
    n_boot: int = 500,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = 0,
) -> dict[str, dict[str, float]]:
    """Point estimates and percentile-bootstrap intervals of scoring metrics.

    Statements are resampled with replacement ``n_boot`` times (as multinomial counts, so every
    metric is computed as a weighted, vectorised sum). smECE, like every calibration error, is
    biased upwards by noise, and its bootstrap distribution more so, so its interval tends to sit
    above the estimate; judge calibration with :func:`calibration_test`, not with this interval.

    Parameters
    ----------
    y_true, p : array-like of shape (n,)
        Outcomes and predicted probabilities.
    metrics : sequence of str, default=("log_loss", "brier_score", "roc_auc", "smece")
    n_boot : int, default=500
    confidence : float, default=0.95
    random_state : int, Generator or None, default=0

    Returns
    -------
    dict
        ``{metric: {"estimate", "low", "high"}}``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0); p = rng.uniform(size=500); y = rng.random(500) < p
    >>> iv = metric_intervals(y, p, n_boot=100)
    >>> iv["brier_score"]["low"] < iv["brier_score"]["estimate"] < iv["brier_score"]["high"]
    True
    """
    y, q = _check_y_p(y_true, p)
    unknown = sorted(set(metrics) - set(_INTERVAL_METRICS))
    if unknown:
        raise ValueError(f"no bootstrap interval for {unknown}; choose from {_INTERVAL_METRICS}.")
    n = y.shape[0]
    rng = np.random.default_rng(random_state)
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    qc = np.clip(q, 1e-15, 1.0 - 1e-15)
    point_losses = {
        "log_loss": -(y * np.log(qc) + (1.0 - y) * np.log1p(-qc)),
        "brier_score": (q - y) ** 2,
    }
    estimates = {
        "log_loss": log_loss(y, q),
        "brier_score": brier_score(y, q),
        "roc_auc": roc_auc(y, q),
    }
    boots: dict[str, np.ndarray] = {}
    for name in metrics:
        if name in point_losses:
            boots[name] = counts @ point_losses[name] / n
        elif name == "roc_auc":
            order = np.argsort(q, kind="stable")
            sq = q[order]
            tie_start = np.flatnonzero(np.r_[True, sq[1:] != sq[:-1]])
            boots[name] = np.array([_weighted_auc(y, order, tie_start, c) for c in counts])
        else:  # smece
            boots[name] = smece_batch(q, counts * (y - q)[None, :] / n)
            estimates[name] = float(smece_batch(q, ((y - q) / n)[None, :])[0])
    tail = 50.0 * (1.0 - confidence)
    out = {}
    for name in metrics:
        b = boots[name][np.isfinite(boots[name])]
        low, high = np.percentile(b, [tail, 100.0 - tail]) if b.size else (np.nan, np.nan)
        out[name] = {"estimate": estimates[name], "low": float(low), "high": float(high)}
    return out


def calibration_report(
    y_true: ArrayLike,
    p: ArrayLike,
    *,
    n_bins: int = 15,
    n_sim: int = 1000,
    n_boot: int = 500,
    random_state: int = 0,
) -> dict[str, Any]:
    """Every calibration and scoring figure for one set of predictions, JSON-serialisable.

    Returns
    -------
    dict
        ``n``, ``base_rate``, ``metrics`` (log_loss, brier_score, roc_auc, accuracy,
        calibration_in_the_large, ece, smece), ``intervals`` (see :func:`metric_intervals`),
        ``brier_decomposition`` and ``test`` (:meth:`CalibrationTestResult.to_dict`, which holds
        the calibration slope and intercept with their intervals and the verdict ``consistent``).

    Examples
    --------
    >>> import json, numpy as np
    >>> rng = np.random.default_rng(0); p = rng.uniform(size=300); y = rng.random(300) < p
    >>> rep = calibration_report(y, p, n_sim=100, n_boot=50)
    >>> sorted(rep) == ["base_rate", "brier_decomposition", "intervals", "metrics", "n", "test"]
    True
    >>> _ = json.dumps(rep)
    """
    y, q = _check_y_p(y_true, p)
    test = calibration_test(y, q, n_sim=n_sim, n_bins=n_bins, random_state=random_state)
    intervals = metric_intervals(y, q, n_boot=n_boot, random_state=random_state)
    return {
        "n": int(y.shape[0]),
        "base_rate": float(y.mean()),
        "metrics": {
            "log_loss": log_loss(y, q),
            "brier_score": brier_score(y, q),
            "roc_auc": roc_auc(y, q),
            "accuracy": accuracy(y, q),
            "calibration_in_the_large": calibration_in_the_large(y, q),
            "ece": ece(y, q, n_bins=n_bins),
            "smece": intervals["smece"]["estimate"],
        },
        "intervals": intervals,
        "brier_decomposition": brier_decomposition(y, q, n_bins=n_bins),
        "test": test.to_dict(),
    }
