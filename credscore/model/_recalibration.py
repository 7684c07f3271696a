"""Recalibration for drift: an increasing logistic map fitted on recent verdicts."""

from __future__ import annotations

from typing import Any

import numpy as np

from credscore.calibration import fit_logistic
from credscore.exceptions import SchemaError

__all__ = ["MIN_RECALIBRATION_ROWS", "apply_recalibration", "fit_recalibration"]

#: Fewest labelled statements :func:`fit_recalibration` accepts.
MIN_RECALIBRATION_ROWS = 20


def fit_recalibration(p: np.ndarray, y: np.ndarray, *, since: Any = None) -> dict[str, Any]:
    """Fits ``p' = expit(a + b * logit(p))`` to verdicts ``y``; refuses a non-increasing map.

    Returns the JSON-ready map ``{"intercept", "slope", "n", "since"}``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.2, 0.8, 500); y = (rng.random(500) < p * 0.5).astype(float)
    >>> m = fit_recalibration(p, y)
    >>> m["intercept"] < 0 < m["slope"], m["n"]
    (True, 500)
    """
    y = np.asarray(y, dtype=float)
    if len(y) < MIN_RECALIBRATION_ROWS or len(np.unique(y)) < 2:
        raise SchemaError(
            f"table 'statements', column 'label': recalibration needs at least "
            f"{MIN_RECALIBRATION_ROWS} labelled statements with both outcomes; got {len(y)}. "
            "Fix: pass a longer window of recent verdicts.",
            table="statements",
        )
    q = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    coef, _ = fit_logistic(np.log(q) - np.log1p(-q), y, ridge=1e-6)
    a, b = float(coef[0]), float(coef[1])
    if not b > 0:
        raise ValueError(
            f"the recent verdicts give a non-increasing recalibration (slope {b:.3f}): the "
            "model no longer ranks these statements. Retrain it instead of recalibrating."
        )
    return {"intercept": a, "slope": b, "n": len(y), "since": None if since is None else str(since)}


def apply_recalibration(p: np.ndarray, recalibration: dict[str, Any]) -> np.ndarray:
    """Applies a map from :func:`fit_recalibration` to probabilities."""
    a, b = recalibration["intercept"], recalibration["slope"]
    q = np.clip(np.asarray(p, dtype=float), 1e-9, 1 - 1e-9)
    return 1.0 / (1.0 + np.exp(-(a + b * (np.log(q) - np.log1p(-q)))))
