"""Small statistics for the report: Wilson intervals, reliability bins, paired bootstrap."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from credscore.calibration._metrics import equal_mass_bins

__all__ = ["jsonable", "paired_difference", "reliability_bins", "wilson_interval"]

_Z95 = 1.959963984540054


def wilson_interval(k: ArrayLike, n: ArrayLike, z: float = _Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial proportion ``k / n`` (95% by default).

    Examples
    --------
    >>> lo, hi = wilson_interval([5], [10])
    >>> round(float(lo[0]), 3), round(float(hi[0]), 3)
    (0.237, 0.763)
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        phat = k / n
        denom = 1.0 + z * z / n
        centre = (phat + z * z / (2.0 * n)) / denom
        half = z * np.sqrt(phat * (1.0 - phat) / n + z * z / (4.0 * n * n)) / denom
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def reliability_bins(y: ArrayLike, p: ArrayLike, n_bins: int = 10) -> list[dict[str, float]]:
    """Equal-mass reliability-diagram bins with the Wilson 95% interval of each observed rate.

    Bins are those of :func:`credscore.calibration.ece` (consecutive runs of the sorted
    predictions, sizes differing by at most one), so the diagram and the ECE agree.

    Returns
    -------
    list of dict
        One per bin, in increasing ``mean_p``: ``bin``, ``count``, ``p_min``, ``p_max``,
        ``mean_p``, ``observed`` (share that held up), ``observed_low``, ``observed_high``.

    Examples
    --------
    >>> bins = reliability_bins([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)
    >>> [(b["count"], b["observed"]) for b in bins]
    [(2, 0.0), (2, 1.0)]
    """
    y = np.asarray(y, dtype=float).ravel()
    q = np.asarray(p, dtype=float).ravel()
    b = equal_mass_bins(q, n_bins)
    k = int(b.max()) + 1 if b.size else 0
    count = np.bincount(b, minlength=k).astype(float)
    pos = np.bincount(b, weights=y, minlength=k)
    sum_p = np.bincount(b, weights=q, minlength=k)
    lo, hi = wilson_interval(pos, count)
    out = []
    for i in range(k):
        in_bin = q[b == i]
        out.append(
            {
                "bin": i,
                "count": int(count[i]),
                "p_min": float(in_bin.min()),
                "p_max": float(in_bin.max()),
                "mean_p": float(sum_p[i] / count[i]),
                "observed": float(pos[i] / count[i]),
                "observed_low": float(lo[i]),
                "observed_high": float(hi[i]),
            }
        )
    return out


def pointwise_losses(y: np.ndarray, p: np.ndarray) -> dict[str, np.ndarray]:
    """Per-statement log loss and Brier loss (``p`` clipped like :func:`log_loss`)."""
    qc = np.clip(p, 1e-15, 1.0 - 1e-15)
    return {
        "log_loss": -(y * np.log(qc) + (1.0 - y) * np.log1p(-qc)),
        "brier_score": (p - y) ** 2,
    }


def paired_difference(
    y: ArrayLike,
    p_model: ArrayLike,
    p_base: ArrayLike,
    *,
    n_boot: int = 500,
    random_state: int = 0,
) -> dict[str, dict[str, float]]:
    """Model minus baseline log loss and Brier score, with paired percentile-bootstrap 95% CIs.

    Both predictors are scored on the same resampled statements, so the interval is that of the
    *difference* (much narrower than comparing two separate intervals). Negative = the model is
    better.

    Examples
    --------
    >>> rng = np.random.default_rng(0); p = rng.uniform(size=400); y = rng.random(400) < p
    >>> d = paired_difference(y, p, np.full(400, 0.5), n_boot=100)
    >>> d["log_loss"]["high"] < 0
    True
    """
    y = np.asarray(y, dtype=float).ravel()
    lm = pointwise_losses(y, np.asarray(p_model, dtype=float).ravel())
    lb = pointwise_losses(y, np.asarray(p_base, dtype=float).ravel())
    n = y.shape[0]
    rng = np.random.default_rng(random_state)
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    out = {}
    for name in ("log_loss", "brier_score"):
        diff = lm[name] - lb[name]
        boot = counts @ diff / n
        low, high = np.percentile(boot, [2.5, 97.5])
        out[name] = {"estimate": float(diff.mean()), "low": float(low), "high": float(high)}
    return out


def jsonable(obj: Any) -> Any:
    """Plain JSON types throughout: numpy scalars to Python, tuples to lists, NaN/inf to None.

    Examples
    --------
    >>> jsonable({"a": np.float64("nan"), "b": (np.int64(1), 2.5)})
    {'a': None, 'b': [1, 2.5]}
    """
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | np.ndarray):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.bool_ | bool):
        return bool(obj)
    if isinstance(obj, np.integer | int):
        return int(obj)
    if isinstance(obj, np.floating | float):
        f = float(obj)
        return f if math.isfinite(f) else None
    if obj is None or isinstance(obj, str):
        return obj
    return str(obj)
