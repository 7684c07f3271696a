"""Score-to-probability calibrators with a scikit-learn interface.

Every calibrator maps a 1-D array of scores to ``P(y = 1)``: ``fit(scores, y)`` returns ``self``
and ``predict_proba(scores)`` returns a **1-D** array of shape ``(n,)`` (a calibrator is a map
from one score to one probability, not a classifier; ``P(y = 0)`` is ``1 - p``).
``__init__`` only stores parameters and fitted state ends in ``_``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.utils.validation import check_is_fitted

from credscore.calibration._logistic import expit, fit_logistic, logit
from credscore.calibration._venn_abers import merge_venn_abers, venn_abers_table

__all__ = [
    "IsotonicCalibrator",
    "SigmoidCalibrator",
    "TemperatureCalibrator",
    "VennAbersCalibrator",
    "make_calibrator",
]


def _check_scores(scores: ArrayLike, name: str = "scores") -> NDArray[np.float64]:
    s = np.asarray(scores, dtype=float)
    if s.ndim == 2 and s.shape[1] == 1:
        s = s[:, 0]
    if s.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one score per statement), got shape {s.shape}.")
    if not np.all(np.isfinite(s)):
        raise ValueError(
            f"{name} contains NaN or infinite values at positions "
            f"{np.flatnonzero(~np.isfinite(s))[:10].tolist()}; impute or drop them first."
        )
    return s


def _check_fit_input(
    scores: ArrayLike, y: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    s = _check_scores(scores)
    t = np.asarray(y, dtype=float).ravel()
    if t.shape != s.shape:
        raise ValueError(f"scores and y have different lengths ({s.shape[0]} and {t.shape[0]}).")
    if not np.all((t == 0) | (t == 1)):
        raise ValueError("y must be binary 0/1 (1 = the statement held up).")
    if t.min() == t.max():
        raise ValueError("y has a single class; a calibrator needs both outcomes to fit.")
    return s, t


def _to_logit(s: NDArray[np.float64], input: str) -> NDArray[np.float64]:
    """The log-odds scale both score-based calibrators work on."""
    if input == "probability":
        return logit(s, eps=1e-7)
    if input == "decision":
        return s
    raise ValueError(f"input must be 'probability' or 'decision', got {input!r}.")


class _BaseCalibrator(BaseEstimator):
    """Template: ``fit`` validates and calls ``_fit``; ``predict_proba`` calls ``_predict``."""

    def fit(self, scores: ArrayLike, y: ArrayLike) -> _BaseCalibrator:
        """Fit the map from scores to probabilities on a calibration set.

        Parameters
        ----------
        scores : array-like of shape (n,)
            Uncalibrated scores.
        y : array-like of shape (n,)
            Binary outcomes.

        Returns
        -------
        self
        """
        s, t = _check_fit_input(scores, y)
        self._fit(s, t)
        self.n_samples_fit_ = s.shape[0]
        return self

    def predict_proba(self, scores: ArrayLike) -> NDArray[np.float64]:
        """Calibrated ``P(y = 1)`` for each score, as a 1-D array of shape ``(n,)``."""
        check_is_fitted(self, "n_samples_fit_")
        return self._predict(_check_scores(scores))

    def _fit(self, s: NDArray[np.float64], y: NDArray[np.float64]) -> None:  # pragma: no cover
        raise NotImplementedError

    def _predict(self, s: NDArray[np.float64]) -> NDArray[np.float64]:  # pragma: no cover
        raise NotImplementedError


class SigmoidCalibrator(_BaseCalibrator):
    """Platt scaling: ``p = expit(a + b·x)`` fitted by maximum likelihood.

    Parameters
    ----------
    input : {"probability", "decision"}, default="probability"
        ``"probability"``: scores are probabilities and ``x = logit(score)``;
        ``"decision"``: scores are raw decision values and ``x = score``.

    Attributes
    ----------
    intercept_, slope_ : float
        Fitted ``a`` and ``b``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0); p = rng.uniform(0.05, 0.95, 2000)
    >>> y = rng.random(2000) < p
    >>> cal = SigmoidCalibrator().fit(p ** 2, y)
    >>> round(float(np.mean(np.abs(cal.predict_proba(p ** 2) - p))), 2) <= 0.05
    True
    """

    def __init__(self, input: str = "probability") -> None:
        self.input = input

    def _x(self, s: NDArray[np.float64]) -> NDArray[np.float64]:
        return _to_logit(s, self.input)

    def _fit(self, s: NDArray[np.float64], y: NDArray[np.float64]) -> None:
        coef, _ = fit_logistic(self._x(s), y, ridge=1e-8)
        self.intercept_, self.slope_ = float(coef[0]), float(coef[1])

    def _predict(self, s: NDArray[np.float64]) -> NDArray[np.float64]:
        return expit(self.intercept_ + self.slope_ * self._x(s))


class IsotonicCalibrator(_BaseCalibrator):
    """Isotonic regression of the outcome on the score (scikit-learn's ``IsotonicRegression``).

    Scores outside the calibration range are clipped to it, and probabilities are clipped to
    ``[eps, 1 - eps]`` so that log loss stays finite.

    Parameters
    ----------
    eps : float, default=1e-6

    Attributes
    ----------
    isotonic_ : IsotonicRegression

    Examples
    --------
    >>> cal = IsotonicCalibrator().fit([0.1, 0.2, 0.3, 0.4], [0, 1, 0, 1])
    >>> cal.predict_proba([0.0, 0.25, 1.0]).round(3).tolist()
    [0.0, 0.5, 1.0]
    """

    def __init__(self, eps: float = 1e-6) -> None:
        self.eps = eps

    def _fit(self, s: NDArray[np.float64], y: NDArray[np.float64]) -> None:
        self.isotonic_ = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(s, y)

    def _predict(self, s: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.clip(self.isotonic_.predict(s), self.eps, 1.0 - self.eps)


class TemperatureCalibrator(_BaseCalibrator):
    """Temperature scaling: ``p = expit(logit(score) / T)`` with one temperature ``T > 0``.

    ``T`` minimises the log loss on the calibration set (bounded search on ``log T``). Unlike
    Platt scaling there is no intercept, so the ranking and the 0.5 threshold are unchanged
    (scikit-learn >= 1.8 offers the same map as ``CalibratedClassifierCV(method="temperature")``).

    Parameters
    ----------
    input : {"probability", "decision"}, default="probability"
        Whether scores are probabilities (logit taken) or logits already.

    Attributes
    ----------
    temperature_ : float

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0); z = rng.normal(0, 2, 4000)
    >>> y = rng.random(4000) < 1 / (1 + np.exp(-z))
    >>> cal = TemperatureCalibrator(input="decision").fit(3 * z, y)
    >>> round(cal.temperature_, 1)
    3.0
    """

    def __init__(self, input: str = "probability") -> None:
        self.input = input

    def _z(self, s: NDArray[np.float64]) -> NDArray[np.float64]:
        return _to_logit(s, self.input)

    def _fit(self, s: NDArray[np.float64], y: NDArray[np.float64]) -> None:
        z = self._z(s)
        sign = 2.0 * y - 1.0

        def loss(log_t: float) -> float:
            return float(np.mean(np.logaddexp(0.0, -sign * z * np.exp(-log_t))))

        res = minimize_scalar(loss, bounds=(np.log(1e-2), np.log(1e2)), method="bounded")
        self.temperature_ = float(np.exp(res.x))

    def _predict(self, s: NDArray[np.float64]) -> NDArray[np.float64]:
        return expit(self._z(s) / self.temperature_)


class VennAbersCalibrator(_BaseCalibrator):
    """Inductive Venn-Abers predictor (Vovk, Petej & Fedorova 2015).

    ``predict_interval`` gives the multiprobability ``(p0, p1)`` with ``p0 <= p1``: the isotonic
    fits at the test score with the test point added as label 0 and as label 1 (a test score
    equal to calibration scores is pooled into their block). ``predict_proba`` returns the
    merged ``p1 / (1 - p0 + p1)``. Fitting is O(n log n), queries O(log n) each.

    Attributes
    ----------
    unique_scores_ : ndarray of shape (k,)
    f0_, f1_ : ndarray of shape (k + 1,)
        Precomputed ``p0`` and ``p1`` per gap between distinct calibration scores.

    Examples
    --------
    >>> cal = VennAbersCalibrator().fit([0.1, 0.4, 0.6, 0.8], [0, 1, 0, 1])
    >>> p0, p1 = cal.predict_interval([0.5])
    >>> round(float(p0[0]), 3), round(float(p1[0]), 3)
    (0.333, 0.667)
    >>> cal.predict_proba([0.5]).round(3).tolist()
    [0.5]
    """

    def __init__(self) -> None:
        pass

    def _fit(self, s: NDArray[np.float64], y: NDArray[np.float64]) -> None:
        self.unique_scores_, self.f0_, self.f1_ = venn_abers_table(s, y)

    def predict_interval(
        self, scores: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Lower and upper probabilities ``(p0, p1)``, each of shape ``(n,)``, ``p0 <= p1``."""
        check_is_fitted(self, "n_samples_fit_")
        s = _check_scores(scores)
        # a tied score pools into its block: p0 from the gap above it, p1 from the gap below
        # (see credscore.calibration._venn_abers); untied scores: both sides give one gap
        p0 = self.f0_[np.searchsorted(self.unique_scores_, s, side="right")]
        p1 = self.f1_[np.searchsorted(self.unique_scores_, s, side="left")]
        return p0, p1

    def _predict(self, s: NDArray[np.float64]) -> NDArray[np.float64]:
        p0, p1 = self.predict_interval(s)
        return merge_venn_abers(p0, p1)


_CALIBRATORS: dict[str, type[_BaseCalibrator]] = {
    "sigmoid": SigmoidCalibrator,
    "isotonic": IsotonicCalibrator,
    "temperature": TemperatureCalibrator,
    "venn_abers": VennAbersCalibrator,
}


def make_calibrator(name: str, **params: Any) -> _BaseCalibrator:
    """Build a calibrator by name.

    Names: ``"sigmoid"``, ``"isotonic"``, ``"temperature"``, ``"venn_abers"``; ``params`` go
    to the constructor.

    Examples
    --------
    >>> make_calibrator("isotonic", eps=1e-4)
    IsotonicCalibrator(eps=0.0001)
    """
    try:
        cls = _CALIBRATORS[name]
    except KeyError:
        raise ValueError(
            f"unknown calibrator {name!r}; choose one of {sorted(_CALIBRATORS)}."
        ) from None
    return cls(**params)
