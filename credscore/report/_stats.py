"""Small statistics for the report: Wilson intervals, reliability bins, the (paired) bootstrap."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from credscore.calibration._metrics import equal_mass_bins
from credscore.calibration._report import bootstrap_weights

__all__ = [
    "BOOTSTRAP_UNITS",
    "bootstrap_plan",
    "check_bootstrap_by",
    "jsonable",
    "paired_difference",
    "prediction_axis",
    "prediction_histogram",
    "reliability_bins",
    "wilson_interval",
]

_Z95 = 1.959963984540054
#: What a bootstrap resample draws with replacement: whole sources, or single statements.
BOOTSTRAP_UNITS = ("source", "statement")
#: Below this many sources, by-source intervals get a warning (few clusters: too narrow).
MIN_SOURCES_FOR_CLUSTER_BOOTSTRAP = 30


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


def _grid_range(lo: float, hi: float, step: float) -> tuple[float, float]:
    low = max(0.0, (math.floor(lo / step + 1e-9) - 1) * step)
    high = min(1.0, (math.ceil(hi / step - 1e-9) + 1) * step)
    if high - low > 0.7 + 1e-9:
        return 0.0, 1.0
    return round(low, 10), round(high, 10)


def prediction_axis(
    p: ArrayLike, bins: list[dict[str, float]], step: float = 0.05
) -> dict[str, float]:
    """The ranges the reliability diagram shows: x where the predictions are, y what it must hold.

    x: the smallest interval on a ``step`` grid holding every prediction, padded by one step;
    y: the same for the x range and every bin's observed rate with its interval. Either is the
    whole of [0, 1] once it would cover more than 70% of it.

    Examples
    --------
    >>> prediction_axis([0.36, 0.71], [{"observed_low": 0.3, "observed_high": 0.8}])
    {'x_low': 0.3, 'x_high': 0.8, 'y_low': 0.25, 'y_high': 0.85}
    >>> prediction_axis([0.05, 0.95], [])
    {'x_low': 0.0, 'x_high': 1.0, 'y_low': 0.0, 'y_high': 1.0}
    """
    q = np.asarray(p, dtype=float).ravel()
    x_low, x_high = _grid_range(float(q.min()), float(q.max()), step)
    lo = min([x_low + step] + [b["observed_low"] for b in bins])
    hi = max([x_high - step] + [b["observed_high"] for b in bins])
    y_low, y_high = _grid_range(lo, hi, step)
    return {"x_low": x_low, "x_high": x_high, "y_low": y_low, "y_high": y_high}


def prediction_histogram(p: ArrayLike, low: float, high: float, n: int = 20) -> dict[str, Any]:
    """Counts of the predictions in ``n`` equal-width bins over ``[low, high]``, and a summary.

    Examples
    --------
    >>> h = prediction_histogram([0.1, 0.2, 0.2, 0.9], 0.0, 1.0, n=4)
    >>> h["counts"], h["edges"][:2], h["min"], h["max"]
    ([3, 0, 0, 1], [0.0, 0.25], 0.1, 0.9)
    """
    q = np.asarray(p, dtype=float).ravel()
    edges = np.linspace(low, high, n + 1)
    counts, _ = np.histogram(np.clip(q, low, high), bins=edges)
    q05, q50, q95 = np.percentile(q, [5, 50, 95])
    return {
        "edges": [round(float(e), 10) for e in edges],
        "counts": [int(c) for c in counts],
        "min": float(q.min()),
        "max": float(q.max()),
        "q05": float(q05),
        "median": float(q50),
        "q95": float(q95),
    }


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
    groups: ArrayLike | None = None,
) -> dict[str, dict[str, float]]:
    """Model minus baseline log loss and Brier score, with paired percentile-bootstrap 95% CIs.

    Both predictors are scored on the same resampled statements, so the interval is that of the
    *difference* (much narrower than comparing two separate intervals). Negative = the model is
    better. With ``groups`` (one label per statement, e.g. its source), whole groups are
    resampled (a cluster bootstrap, see :func:`credscore.calibration.metric_intervals`);
    None (default) resamples statements, with exactly the draws of earlier versions.

    Examples
    --------
    >>> rng = np.random.default_rng(0); p = rng.uniform(size=400); y = rng.random(400) < p
    >>> d = paired_difference(y, p, np.full(400, 0.5), n_boot=100)
    >>> d["log_loss"]["high"] < 0
    True
    >>> by_source = paired_difference(y, p, np.full(400, 0.5), n_boot=100,
    ...                               groups=np.arange(400) % 40)
    >>> by_source["log_loss"]["estimate"] == d["log_loss"]["estimate"]
    True
    """
    y = np.asarray(y, dtype=float).ravel()
    lm = pointwise_losses(y, np.asarray(p_model, dtype=float).ravel())
    lb = pointwise_losses(y, np.asarray(p_base, dtype=float).ravel())
    n = y.shape[0]
    rng = np.random.default_rng(random_state)
    counts, _ = bootstrap_weights(n, n_boot, rng, groups)
    total = counts.sum(axis=1)  # rows drawn per resample: n, or the drawn groups' sizes
    out = {}
    for name in ("log_loss", "brier_score"):
        diff = lm[name] - lb[name]
        boot = counts @ diff / total
        low, high = np.percentile(boot, [2.5, 97.5])
        out[name] = {"estimate": float(diff.mean()), "low": float(low), "high": float(high)}
    return out


def check_bootstrap_by(bootstrap_by: str) -> None:
    """Raises a ValueError naming the choices unless ``bootstrap_by`` is one of them."""
    if bootstrap_by not in BOOTSTRAP_UNITS:
        raise ValueError(
            f"bootstrap_by must be one of {BOOTSTRAP_UNITS}, got {bootstrap_by!r}. Fix: "
            "'source' resamples whole sources (their statements share the source's "
            "reliability), 'statement' resamples statements one by one."
        )


def bootstrap_plan(
    bootstrap_by: str, sources: np.ndarray, warnings: list[str]
) -> tuple[np.ndarray | None, dict[str, Any]]:
    """The groups to resample (None: statements) and the report's description of them.

    ``sources`` holds the source of each evaluated statement. A warning is appended when a
    single source forces the statement bootstrap, or when few sources make it rough.

    Examples
    --------
    >>> warnings = []
    >>> groups, info = bootstrap_plan("source", np.array(["a", "b", "a"]), warnings)
    >>> groups.tolist(), info["unit"], info["n_clusters"], warnings[0][:14]
    (['a', 'b', 'a'], 'source', 2, 'only 2 sources')
    """
    n_sources = int(pd.Series(sources).nunique())
    unit = bootstrap_by
    if unit == "source" and n_sources < 2:
        unit = "statement"
        warnings.append(
            f"only {n_sources} source among the evaluated statements: intervals resample "
            "statements, which ignores what a source's statements share (too narrow)."
        )
    elif unit == "source" and n_sources < MIN_SOURCES_FOR_CLUSTER_BOOTSTRAP:
        warnings.append(
            f"only {n_sources} sources: the by-source bootstrap rests on few clusters and its "
            "intervals may still be too narrow."
        )
    n_clusters = n_sources if unit == "source" else int(sources.shape[0])
    info = {
        "requested": bootstrap_by,
        "unit": unit,
        "n_clusters": n_clusters,
        "description": (
            f"percentile bootstrap over the {n_clusters} evaluated sources: each resample draws "
            "sources with replacement and keeps all their statements (a cluster bootstrap; a "
            "source's statements share its unmodelled reliability)"
            if unit == "source"
            else f"percentile bootstrap over the {n_clusters} evaluated statements, drawn one by "
            "one with replacement (treats statements of one source as independent)"
        ),
        "applies_to": "metric intervals, baseline intervals and model - baseline differences; "
        "not the calibration test or the slope's interval",
    }
    return (sources if unit == "source" else None), info


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
