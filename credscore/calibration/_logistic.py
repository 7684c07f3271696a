"""Two-parameter logistic regression by Newton's method (shared by metrics and calibrators)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["expit", "fit_logistic", "logit", "profile_slope_interval", "separated"]

_LOGIT_EPS = 1e-12


def logit(p: NDArray[np.floating], eps: float = _LOGIT_EPS) -> NDArray[np.float64]:
    """Log-odds of ``p``, clipped to ``[eps, 1 - eps]`` so that the result is finite."""
    p = np.clip(np.asarray(p, dtype=float), eps, 1.0 - eps)
    return np.log(p) - np.log1p(-p)


def expit(z: NDArray[np.floating]) -> NDArray[np.float64]:
    """Logistic function, numerically stable for large ``|z|``."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def fit_logistic(
    x: NDArray[np.floating] | None,
    y: NDArray[np.floating],
    *,
    offset: NDArray[np.floating] | None = None,
    ridge: float = 0.0,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Maximum-likelihood fit of ``P(y=1) = expit(a + b * x + offset)``.

    Parameters
    ----------
    x : ndarray of shape (n,) or None
        Covariate. ``None`` fits the intercept ``a`` only.
    y : ndarray of shape (n,)
        Binary outcomes.
    offset : ndarray of shape (n,), optional
        Fixed term added to the linear predictor (coefficient 1).
    ridge : float, default=0
        L2 penalty on the coefficients (keeps the fit finite under separation).
    max_iter, tol : int, float
        Newton iterations and convergence tolerance on the parameter step.

    Returns
    -------
    coef : ndarray of shape (1,) or (2,)
        ``[a]`` or ``[a, b]``.
    cov : ndarray of shape (k, k)
        Inverse observed Fisher information (Wald covariance) at the optimum.
    """
    y = np.asarray(y, dtype=float)
    n = y.shape[0]
    cols = [np.ones(n)] if x is None else [np.ones(n), np.asarray(x, dtype=float)]
    design = np.column_stack(cols)
    off = np.zeros(n) if offset is None else np.asarray(offset, dtype=float)
    k = design.shape[1]
    coef = np.zeros(k)
    penalty = ridge * np.eye(k)
    hess = penalty.copy()
    for _ in range(max_iter):
        prob = expit(design @ coef + off)
        grad = design.T @ (y - prob) - penalty @ coef
        wgt = prob * (1.0 - prob)
        hess = (design * wgt[:, None]).T @ design + penalty
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        # damp huge steps (separation, extreme offsets)
        norm = np.max(np.abs(step))
        if norm > 5.0:
            step *= 5.0 / norm
        coef = coef + step
        if norm < tol:
            break
    prob = expit(design @ coef + off)
    hess = (design * (prob * (1.0 - prob))[:, None]).T @ design + penalty
    try:
        cov = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        cov = np.full((k, k), np.nan)
    return coef, cov


def separated(x: NDArray[np.floating], y: NDArray[np.floating]) -> int:
    """+1 (or -1) when ``x`` separates the outcomes, ties allowed (every 1 at or above every 0,
    or below): the logistic slope's maximum-likelihood estimate is then infinite. 0 otherwise."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if y.min() == y.max():
        return 0
    lo1, hi1, lo0, hi0 = x[y == 1].min(), x[y == 1].max(), x[y == 0].min(), x[y == 0].max()
    return 1 if hi0 <= lo1 else (-1 if hi1 <= lo0 else 0)


def _profile(x: NDArray[np.float64], y: NDArray[np.float64], b: float) -> float:
    """Log-likelihood of ``expit(a + b x)`` at slope ``b`` with the intercept maximised."""
    coef, _ = fit_logistic(None, y, offset=b * x)
    eta = coef[0] + b * x
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)))


def profile_slope_interval(
    x: NDArray[np.floating], y: NDArray[np.floating], *, z: float = 1.96, b_max: float = 60.0
) -> tuple[float, float]:
    """Likelihood-ratio interval of the slope ``b`` of ``expit(a + b x)`` (``a`` profiled out).

    Unlike the Wald interval it exists under separation, where the estimate is infinite: the
    interval is then ``(lower, inf)`` (or ``(-inf, upper)``). Slopes are searched in
    ``[-b_max, b_max]``.

    Examples
    --------
    >>> lo, hi = profile_slope_interval(np.array([-1.0, -0.5, 0.5, 1.0]), np.array([0, 0, 1, 1.0]))
    >>> bool(lo < 1.0), hi
    (True, inf)
    """
    from scipy.optimize import brentq, minimize_scalar

    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    sep = separated(xs, ys)
    if sep:
        peak_b, top = sep * b_max, _profile(xs, ys, sep * b_max)
    else:
        res = minimize_scalar(
            lambda b: -_profile(xs, ys, b), bounds=(-b_max, b_max), method="bounded"
        )
        peak_b, top = float(res.x), -float(res.fun)
    cut = top - z**2 / 2.0

    def gap(b: float) -> float:
        return _profile(xs, ys, b) - cut

    lo = -np.inf if gap(-b_max) >= 0 else float(brentq(gap, -b_max, peak_b))
    hi = np.inf if gap(b_max) >= 0 else float(brentq(gap, peak_b, b_max))
    return float(lo), float(hi)
