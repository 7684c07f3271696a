"""Calibration statistics that respect sources: a by-source null, cluster-robust slope, and
Spiegelhalter's z.

Statements of one source share a reliability the model has not pinned down, so their outcomes
are dependent given ``p``. The Bernoulli null of :func:`~credscore.calibration.null_distribution`
treats them as independent and then flags a calibrated model too often. Here the null resamples
*sources*: every source's vector of residuals ``y - p`` gets one random sign (a wild cluster
bootstrap, Rademacher weights), so its statements enter or flip together and the null keeps the
dependence inside a source. Under calibration a source's residuals have mean zero, so flipping
their sign leaves their distribution about unchanged; a miscalibration shared by many sources
adds up in the observed residuals but cancels in the flipped ones, which keeps the power. With
one statement per source it is the statement-level wild bootstrap.

Spiegelhalter's z (1986) tests ``E[(y - p)(1 - 2p)] = 0``, the Brier-score form of calibration:
``z = Σ (y - p)(1 - 2p) / sqrt(Σ (1 - 2p)² p (1 - p))``, standard normal under calibration.
With ``groups`` the variance is the cluster-robust ``Σ_g (Σ_{i in g} (y_i - p_i)(1 - 2p_i))²``.
It is blind where ``p`` is near 0.5 and to errors that cancel in the Brier score; read it beside
smECE, not instead of it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.stats import norm

from credscore.calibration._logistic import (
    expit,
    fit_logistic,
    logit,
    profile_slope_interval,
    separated,
)
from credscore.calibration._smece import smece_batch

__all__ = ["cluster_codes", "cluster_slope_intercept", "source_null", "spiegelhalter"]

_CHUNK_CELLS = 4_000_000


def cluster_codes(groups: ArrayLike, n: int) -> tuple[NDArray[np.intp], int]:
    """Integer code of each row's group and the number of groups (missing labels refused)."""
    labels = np.asarray(groups, dtype=object)
    if labels.ndim != 1 or labels.shape[0] != n:
        raise ValueError(
            f"groups must hold one label per row ({n} rows), got shape {labels.shape}. Fix: pass "
            "e.g. the statements' source_id, aligned with y_true and p."
        )
    codes, uniques = pd.factorize(labels)
    if np.any(codes < 0):
        bad = np.flatnonzero(codes < 0)[:10].tolist()
        raise ValueError(
            f"groups is missing at rows {bad}; every row needs a group. Fix: fill them (a row "
            "with its own unique label is its own source)."
        )
    return codes.astype(np.intp), len(uniques)


def source_null(
    y: NDArray[np.float64],
    p: NDArray[np.float64],
    codes: NDArray[np.intp],
    n_groups: int,
    *,
    n_sim: int,
    bins: NDArray[np.int64],
    rng: np.random.Generator,
) -> dict[str, NDArray[np.float64]]:
    """ECE and smECE of ``n_sim`` sign-flipped residual vectors (one sign per source).

    ``bins`` are the equal-mass ECE bins of ``p``. Returns ``{"ece", "smece"}`` arrays.
    """
    n = p.shape[0]
    r = (y - p) / n
    k = int(bins.max()) + 1
    onehot = np.zeros((n, k))
    onehot[np.arange(n), bins] = 1.0
    chunk = max(1, _CHUNK_CELLS // max(n, 1))
    eces, smeces = [], []
    for start in range(0, n_sim, chunk):
        m = min(chunk, n_sim - start)
        signs = rng.choice(np.array([-1.0, 1.0]), size=(m, n_groups))
        w = signs[:, codes] * r[None, :]
        eces.append(np.abs(w @ onehot).sum(axis=1))
        smeces.append(smece_batch(p, w))
    return {"ece": np.concatenate(eces), "smece": np.concatenate(smeces)}


def _sandwich(
    design: NDArray[np.float64],
    y: NDArray[np.float64],
    prob: NDArray[np.float64],
    codes: NDArray[np.intp],
    n_groups: int,
) -> NDArray[np.float64]:
    """Cluster-robust covariance ``B^-1 M B^-1`` of a logistic fit, with ``G / (G - 1)``."""
    bread = (design * (prob * (1.0 - prob))[:, None]).T @ design
    score = design * (y - prob)[:, None]
    per_group = np.zeros((n_groups, design.shape[1]))
    np.add.at(per_group, codes, score)
    meat = per_group.T @ per_group * (n_groups / max(n_groups - 1, 1))
    try:
        inv = np.linalg.inv(bread)
    except np.linalg.LinAlgError:
        return np.full(bread.shape, np.nan)
    return inv @ meat @ inv


def cluster_slope_intercept(
    y: NDArray[np.float64],
    p: NDArray[np.float64],
    codes: NDArray[np.intp],
    n_groups: int,
    *,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Calibration slope and intercept as :func:`calibration_slope_intercept`, with
    cluster-robust (sandwich) intervals: statements of one source count as one cluster."""
    z = norm.ppf(0.5 + confidence / 2.0)
    nan = float("nan")
    out: dict[str, Any] = {
        "slope": nan,
        "slope_ci": (nan, nan),
        "intercept": nan,
        "intercept_ci": (nan, nan),
    }
    if y.min() == y.max():
        return out
    lp = logit(p)
    coef0, _ = fit_logistic(None, y, offset=lp)
    ones = np.ones((y.shape[0], 1))
    cov0 = _sandwich(ones, y, expit(coef0[0] + lp), codes, n_groups)
    icpt, se0 = float(coef0[0]), float(np.sqrt(cov0[0, 0]))
    out["intercept"], out["intercept_ci"] = icpt, (icpt - z * se0, icpt + z * se0)
    if np.ptp(lp) < 1e-9:
        return out
    sep = separated(lp, y)
    if sep:  # unbounded slope: the likelihood-ratio interval (not cluster-robust)
        out["slope"], out["slope_ci"] = sep * float("inf"), profile_slope_interval(lp, y, z=z)
        return out
    coef, _ = fit_logistic(lp, y)
    design = np.column_stack([np.ones_like(lp), lp])
    cov = _sandwich(design, y, expit(design @ coef), codes, n_groups)
    slope, se1 = float(coef[1]), float(np.sqrt(cov[1, 1]))
    out["slope"], out["slope_ci"] = slope, (slope - z * se1, slope + z * se1)
    return out


def spiegelhalter(
    y: NDArray[np.float64], p: NDArray[np.float64], codes: NDArray[np.intp] | None = None
) -> dict[str, float]:
    """Spiegelhalter's z and its two-sided p-value (cluster-robust variance with ``codes``).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0); p = rng.uniform(0.05, 0.95, 5000)
    >>> y = (rng.random(5000) < p).astype(float)
    >>> abs(spiegelhalter(y, p)["z"]) < 3, spiegelhalter(y, p ** 3)["p_value"] < 1e-6
    (True, True)
    """
    c = 1.0 - 2.0 * p
    u = (y - p) * c
    if codes is None:
        var = float(np.sum(c**2 * p * (1.0 - p)))
    else:
        var = float(np.sum(np.bincount(codes, weights=u) ** 2))
    if not var > 0:
        return {"z": float("nan"), "p_value": float("nan")}
    z = float(u.sum() / np.sqrt(var))
    return {"z": z, "p_value": float(2.0 * norm.sf(abs(z)))}
