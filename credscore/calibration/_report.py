"""Bootstrap intervals for metrics and the one-call calibration report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from credscore.calibration._metrics import (
    accuracy,
    brier_decomposition,
    brier_score,
    calibration_in_the_large,
    check_y_p,
    ece,
    log_loss,
    roc_auc,
)
from credscore.calibration._smece import smece_batch
from credscore.calibration._test import calibration_test

__all__ = ["bootstrap_weights", "calibration_report", "check_groups", "metric_intervals"]

_INTERVAL_METRICS = ("log_loss", "brier_score", "roc_auc", "smece")
#: Metrics with an interval on request (not in the default set, so default figures keep their
#: RNG stream and values).
_EXTRA_METRICS = ("calibration_in_the_large",)


def check_groups(groups: ArrayLike, n: int) -> tuple[NDArray[np.intp], int]:
    """Validate cluster labels, one per row; return each row's cluster code and the count.

    Codes number the clusters in order of first appearance, so rows that are each their own
    cluster get codes ``0, 1, ..., n - 1`` in row order.

    Raises
    ------
    ValueError
        If ``groups`` is not 1-D, its length is not ``n``, a label is missing (None, NaN, NA),
        or there is a single cluster (a cluster bootstrap would redraw the same rows every
        time, so it has no interval to give).

    Examples
    --------
    >>> codes, n_groups = check_groups(["b", "a", "b"], 3)
    >>> codes.tolist(), n_groups
    ([0, 1, 0], 2)
    """
    labels = np.asarray(groups, dtype=object)
    if labels.ndim != 1:
        raise ValueError(
            f"groups must hold one hashable label per row (1-D), got shape {labels.shape}. "
            "Fix: pass e.g. the source_id column."
        )
    if labels.shape[0] != n:
        raise ValueError(
            f"groups has {labels.shape[0]} labels but there are {n} rows (y_true, p). Fix: pass "
            "one group label per row, aligned by position (e.g. the rows' source_id)."
        )
    codes, uniques = pd.factorize(labels)
    missing = np.flatnonzero(codes < 0)
    if missing.size:
        raise ValueError(
            f"groups is missing at rows {missing[:10].tolist()} ({missing.size} of {n}); every "
            "row needs a group. Fix: fill them (a row with its own unique label is its own "
            "cluster), drop those rows, or pass groups=None to resample rows."
        )
    if len(uniques) < 2:
        raise ValueError(
            f"groups has a single group ({uniques[0]!r}) for all {n} rows: resampling groups "
            "would redraw the same rows every time, so no interval is possible. Fix: pass "
            "groups=None to resample rows, or evaluate on rows from more groups."
        )
    return codes.astype(np.intp, copy=False), len(uniques)


def bootstrap_weights(
    n: int,
    n_boot: int,
    rng: np.random.Generator,
    groups: ArrayLike | None = None,
) -> tuple[NDArray[np.float64], int]:
    """Per-row weights of ``n_boot`` bootstrap resamples, shape ``(n_boot, n)``.

    Without ``groups``, rows are drawn with replacement: multinomial counts over the ``n``
    rows. With ``groups`` (a cluster bootstrap), the ``G`` distinct groups are drawn with
    replacement (multinomial counts over the groups) and each row gets its group's count, so
    a group's rows enter or leave a resample together and the weights of a resample sum to
    the rows drawn (not always ``n``). Every row its own group gives exactly the row
    bootstrap, draw for draw.

    Returns
    -------
    weights : ndarray of shape (n_boot, n)
    n_clusters : int
        What was resampled: ``n`` rows, or ``G`` groups.

    Examples
    --------
    >>> w, g = bootstrap_weights(4, 3, np.random.default_rng(0), groups=["a", "a", "b", "b"])
    >>> g, bool(np.all(w[:, 0] == w[:, 1])), w.sum(axis=1).tolist()
    (2, True, [4.0, 4.0, 4.0])
    """
    if groups is None:
        return rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float), n
    codes, n_groups = check_groups(groups, n)
    counts = rng.multinomial(n_groups, np.full(n_groups, 1.0 / n_groups), size=n_boot)
    # C order like the row draws: BLAS sums a product in an order that depends on the layout
    return np.ascontiguousarray(counts.astype(float)[:, codes]), n_groups


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
    groups: ArrayLike | None = None,
) -> dict[str, dict[str, float]]:
    """Point estimates and percentile-bootstrap intervals of scoring metrics.

    Statements are resampled with replacement ``n_boot`` times (as multinomial counts, so every
    metric is computed as a weighted, vectorised sum). smECE, like every calibration error, is
    biased upwards by noise, and its bootstrap distribution more so, so its interval tends to sit
    above the estimate; judge calibration with :func:`calibration_test`, not with this interval.

    With ``groups`` (e.g. each statement's source), whole groups are resampled instead (a
    cluster bootstrap, see :func:`bootstrap_weights`): statements of one source share its
    unmodelled reliability, and resampling them one by one gives intervals that are too narrow.
    Each resample's metric is then that of the rows drawn (a weighted mean over however many
    rows the drawn groups hold).

    Parameters
    ----------
    y_true, p : array-like of shape (n,)
        Outcomes and predicted probabilities.
    metrics : sequence of str, default=("log_loss", "brier_score", "roc_auc", "smece")
        Also available: ``"calibration_in_the_large"`` (mean ``p`` minus mean ``y``).
    n_boot : int, default=500
    confidence : float, default=0.95
    random_state : int, Generator or None, default=0
    groups : array-like of shape (n,), optional
        Cluster label of each row (any hashable values, aligned by position). None (default):
        rows are resampled, with exactly the draws of earlier versions. At least two distinct
        groups and no missing label, else ``ValueError``.

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

    Ten sources of 50 statements each, resampled by source:

    >>> by_source = metric_intervals(y, p, n_boot=100, groups=np.repeat(np.arange(10), 50))
    >>> by_source["log_loss"]["estimate"] == iv["log_loss"]["estimate"]
    True
    """
    y, q = check_y_p(y_true, p)
    known = _INTERVAL_METRICS + _EXTRA_METRICS
    unknown = sorted(set(metrics) - set(known))
    if unknown:
        raise ValueError(f"no bootstrap interval for {unknown}; choose from {known}.")
    n = y.shape[0]
    rng = np.random.default_rng(random_state)
    counts, _ = bootstrap_weights(n, n_boot, rng, groups)
    total = counts.sum(axis=1)  # rows drawn per resample: n, or the drawn groups' sizes
    qc = np.clip(q, 1e-15, 1.0 - 1e-15)
    point_losses = {
        "log_loss": -(y * np.log(qc) + (1.0 - y) * np.log1p(-qc)),
        "brier_score": (q - y) ** 2,
        "calibration_in_the_large": q - y,
    }
    estimates = {
        "log_loss": log_loss(y, q),
        "brier_score": brier_score(y, q),
        "roc_auc": roc_auc(y, q),
        "calibration_in_the_large": calibration_in_the_large(y, q),
    }
    boots: dict[str, np.ndarray] = {}
    for name in metrics:
        if name in point_losses:
            boots[name] = counts @ point_losses[name] / total
        elif name == "roc_auc":
            order = np.argsort(q, kind="stable")
            sq = q[order]
            tie_start = np.flatnonzero(np.r_[True, sq[1:] != sq[:-1]])
            boots[name] = np.array([_weighted_auc(y, order, tie_start, c) for c in counts])
        else:  # smece
            boots[name] = smece_batch(q, counts * (y - q)[None, :] / total[:, None])
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
    groups: ArrayLike | None = None,
) -> dict[str, Any]:
    """Every calibration and scoring figure for one set of predictions, JSON-serialisable.

    ``groups`` (one label per row, e.g. the source) makes the metric intervals resample whole
    groups (see :func:`metric_intervals`) and adds ``test_by_source``: the calibration test
    with the by-source null and cluster-robust slope interval. ``test`` stays the test that
    treats rows as independent.

    Returns
    -------
    dict
        ``n``, ``base_rate``, ``metrics`` (log_loss, brier_score, roc_auc, accuracy,
        calibration_in_the_large, ece, smece), ``intervals`` (see :func:`metric_intervals`),
        ``bootstrap`` (``unit``: ``"row"`` or ``"group"``, ``n_clusters`` resampled, ``n_boot``),
        ``brier_decomposition`` and ``test`` (:meth:`CalibrationTestResult.to_dict`, which holds
        the calibration slope and intercept with their intervals and the verdict ``consistent``);
        with ``groups`` also ``test_by_source``.

    Examples
    --------
    >>> import json, numpy as np
    >>> rng = np.random.default_rng(0); p = rng.uniform(size=300); y = rng.random(300) < p
    >>> rep = calibration_report(y, p, n_sim=100, n_boot=50)
    >>> sorted(rep)
    ['base_rate', 'bootstrap', 'brier_decomposition', 'intervals', 'metrics', 'n', 'test']
    >>> rep["bootstrap"]
    {'unit': 'row', 'n_clusters': 300, 'n_boot': 50}
    >>> _ = json.dumps(rep)
    """
    y, q = check_y_p(y_true, p)
    n_clusters = y.shape[0] if groups is None else check_groups(groups, y.shape[0])[1]
    test = calibration_test(y, q, n_sim=n_sim, n_bins=n_bins, random_state=random_state)
    intervals = metric_intervals(y, q, n_boot=n_boot, random_state=random_state, groups=groups)
    out: dict[str, Any] = {
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
        "bootstrap": {
            "unit": "row" if groups is None else "group",
            "n_clusters": int(n_clusters),
            "n_boot": int(n_boot),
        },
        "brier_decomposition": brier_decomposition(y, q, n_bins=n_bins),
        "test": test.to_dict(),
    }
    if groups is not None:
        by_source = calibration_test(
            y, q, n_sim=n_sim, n_bins=n_bins, random_state=random_state, groups=groups
        )
        out["test_by_source"] = by_source.to_dict()
    return out
