"""Recalibration maps for drift: fitted on recent verdicts, applied to every later prediction.

A map is a JSON-ready dict with a ``form``:

* ``"none"`` — the identity (chosen when no recalibration helps);
* ``"intercept"`` — ``p' = expit(a + logit p)``, one logit shift (the base rate moved);
* ``"logistic"`` — ``p' = expit(a + b · logit p)`` with ``b > 0`` (the spread moved too);
* ``"isotonic"`` — a non-decreasing step function of ``p`` (stored as its breakpoints).

Every form is non-decreasing, so rankings and the domain monotonicity are kept. Maps written
before forms existed hold only ``intercept`` and ``slope``; they read as ``"logistic"``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression

from credscore.calibration import fit_logistic
from credscore.exceptions import SchemaError

__all__ = [
    "FORMS",
    "MIN_RECALIBRATION_ROWS",
    "MIN_ROWS",
    "apply_recalibration",
    "fit_recalibration",
]

#: Recalibration forms, simplest first.
FORMS: tuple[str, ...] = ("none", "intercept", "logistic", "isotonic")
#: Fewest labelled statements :func:`fit_recalibration` accepts.
MIN_RECALIBRATION_ROWS = 20
#: Fewest labelled statements each form is fitted on (below it, rolling-origin evaluation
#: treats the form as the identity at that origin).
MIN_ROWS: dict[str, int] = {"none": 0, "intercept": 20, "logistic": 50, "isotonic": 200}
_CLIP = 1e-6


def _logit(p: np.ndarray, eps: float = _CLIP) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return np.log(q) - np.log1p(-q)


def _check_rows(y: np.ndarray, form: str) -> None:
    need = max(MIN_RECALIBRATION_ROWS, MIN_ROWS.get(form, 0))
    if len(y) < need or len(np.unique(y)) < 2:
        raise SchemaError(
            f"table 'statements', column 'label': a {form!r} recalibration needs at least "
            f"{need} labelled statements with both outcomes; got {len(y)}"
            f"{'' if len(np.unique(y)) > 1 else ' of one outcome only'}. Fix: pass a longer "
            "window of recent verdicts, or a simpler form (form='intercept').",
            table="statements",
        )


def fit_recalibration(
    p: np.ndarray, y: np.ndarray, *, since: Any = None, form: str = "logistic"
) -> dict[str, Any]:
    """Fits a map of ``form`` from probabilities ``p`` to verdicts ``y``.

    ``"logistic"`` refuses a non-increasing fit (the model no longer ranks these statements).

    Returns the JSON-ready map ``{"form", "intercept", "slope", "n", "since", "base_rate"}``
    (plus ``"isotonic": {"x", "y"}`` for the isotonic form).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.2, 0.8, 500); y = (rng.random(500) < p * 0.5).astype(float)
    >>> m = fit_recalibration(p, y)
    >>> m["form"], m["intercept"] < 0 < m["slope"], m["n"]
    ('logistic', True, 500)
    >>> fit_recalibration(p, y, form="intercept")["slope"]
    1.0
    """
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}, got {form!r}.")
    y = np.asarray(y, dtype=float)
    if form != "none":
        _check_rows(y, form)
    out: dict[str, Any] = {"form": form, "intercept": 0.0, "slope": 1.0}
    z = _logit(p)
    if form == "intercept":
        coef, _ = fit_logistic(None, y, offset=z, ridge=1e-6)
        out["intercept"] = float(coef[0])
    elif form == "logistic":
        coef, _ = fit_logistic(z, y, ridge=1e-6)
        a, b = float(coef[0]), float(coef[1])
        if not b > 0:
            raise ValueError(
                f"the recent verdicts give a non-increasing recalibration (slope {b:.3f}): the "
                "model no longer ranks these statements. Retrain it instead of recalibrating."
            )
        out["intercept"], out["slope"] = a, b
    elif form == "isotonic":
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
        iso.fit(np.asarray(p, dtype=float), y)
        out["isotonic"] = {
            "x": [float(v) for v in iso.X_thresholds_],
            "y": [float(v) for v in iso.y_thresholds_],
        }
    out["n"] = len(y)
    out["since"] = None if since is None else str(since)
    out["base_rate"] = float(y.mean()) if len(y) else None
    return out


def apply_recalibration(p: np.ndarray, recalibration: dict[str, Any]) -> np.ndarray:
    """Applies a map from :func:`fit_recalibration` to probabilities.

    Examples
    --------
    >>> m = {"form": "intercept", "intercept": -1.0, "slope": 1.0}
    >>> apply_recalibration(np.array([0.5]), m).round(3).tolist()
    [0.269]
    >>> apply_recalibration(np.array([0.5]), {"intercept": 0.0, "slope": 2.0}).tolist()
    [0.5]
    """
    form = recalibration.get("form", "logistic")
    q = np.asarray(p, dtype=float)
    if form == "none":
        return q.copy()
    if form == "isotonic":
        iso = recalibration["isotonic"]
        out = np.interp(q, np.asarray(iso["x"], float), np.asarray(iso["y"], float))
        return np.clip(out, _CLIP, 1 - _CLIP)
    a, b = recalibration["intercept"], recalibration["slope"]
    return 1.0 / (1.0 + np.exp(-(a + b * _logit(q, 1e-9))))
