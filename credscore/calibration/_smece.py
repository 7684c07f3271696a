"""Smooth expected calibration error (smECE) of Błasiok & Nakkiran (2023).

Definition (paper, "Smooth ECE: Principled Reliability Diagrams via Kernel Smoothing"):
with a Gaussian kernel of width ``σ`` reflected at 0 and 1,

    smECE_σ = ∫_0^1 | (1/n) Σ_i K_σ(t, p_i) (y_i - p_i) | dt ,

and smECE is the value at the unique fixed point ``σ* = smECE_σ*`` (``smECE_σ`` decreases
with ``σ``), found by bisection on ``log σ``.

Implementation: the residuals are spread linearly onto a grid of ``grid_size + 1`` points of
[0, 1], mirrored about 0 and 1, and smoothed by FFT (periodic length ``4 * grid_size``, far
enough from [0, 1] for the wrap-around to be negligible for ``σ <= 0.5``). Because the grid
spreading is linear in the per-point weights, many replicates (null simulations, bootstrap
resamples) of the same scores are smoothed at once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

__all__ = ["smece", "smece_batch"]

_SIGMA_MAX = 0.5


def _spread_matrix(p: NDArray[np.float64], grid_size: int) -> sparse.csr_matrix:
    """Sparse (n, grid_size + 1) matrix spreading each point linearly onto its two grid nodes."""
    pos = np.clip(p, 0.0, 1.0) * grid_size
    left = np.minimum(np.floor(pos).astype(np.int64), grid_size - 1)
    frac = pos - left
    n = p.shape[0]
    rows = np.repeat(np.arange(n), 2)
    cols = np.column_stack([left, left + 1]).ravel()
    vals = np.column_stack([1.0 - frac, frac]).ravel()
    return sparse.csr_matrix((vals, (rows, cols)), shape=(n, grid_size + 1))


def smoother(
    p: NDArray[np.float64], w: NDArray[np.float64], grid_size: int
) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
    """Return ``sigma -> smECE_sigma`` for every replicate (one ``sigma`` per replicate)."""
    g = int(grid_size)
    h = 1.0 / g
    length = 4 * g
    mass = np.asarray((_spread_matrix(p, g).T @ w.T).T)  # (n_rep, g + 1)
    ext = np.zeros((w.shape[0], length))
    idx = np.arange(g + 1)
    # each index set below is duplicate-free, so fancy ``+=`` is exact
    ext[:, idx] += mass
    ext[:, (-idx) % length] += mass  # mirror about 0
    ext[:, 2 * g - idx] += mass  # mirror about 1
    spec = np.fft.rfft(ext, axis=1)
    freq2 = (np.arange(spec.shape[1]) / (length * h)) ** 2
    trap = np.full(g + 1, h)
    trap[[0, -1]] = 0.5 * h

    def value(sigma: NDArray[np.float64]) -> NDArray[np.float64]:
        # the Gaussian's transfer function is below 1e-13 beyond m_cut: skip those frequencies
        m_cut = min(spec.shape[1], int(np.ceil(5.0 * length * h / sigma.min())) + 1)
        kern = np.exp((-2.0 * np.pi**2 * sigma**2)[:, None] * freq2[None, :m_cut]) / h
        dens = np.fft.irfft(spec[:, :m_cut] * kern, n=length, axis=1)[:, : g + 1]
        return np.abs(dens) @ trap

    return value


def smece_batch(
    p: ArrayLike,
    weights: ArrayLike,
    *,
    grid_size: int = 512,
    n_iter: int = 14,
) -> NDArray[np.float64]:
    """smECE of many replicates that share the same scores ``p``.

    Parameters
    ----------
    p : array-like of shape (n,)
        Predicted probabilities.
    weights : array-like of shape (n_rep, n)
        Per-point residual weights of each replicate; for plain data this is
        ``(y - p) / n``, for a bootstrap resample ``counts * (y - p) / n``.
    grid_size : int, default=512
        Number of grid intervals on [0, 1].
    n_iter : int, default=14
        Bisection steps on ``log σ`` before a final secant step (relative error ~1e-6).

    Returns
    -------
    ndarray of shape (n_rep,)
        smECE of each replicate. When the fixed point lies below one grid step, the value of
        ``smECE_σ`` at one grid step is returned (it is then below ``1 / grid_size``).

    Examples
    --------
    >>> import numpy as np
    >>> p = np.full(4, 0.3); y = np.array([0, 1, 1, 0])
    >>> np.round(smece_batch(p, ((y - p) / 4)[None, :]), 3)
    array([0.2])
    """
    p = np.asarray(p, dtype=float).ravel()
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    h = 1.0 / int(grid_size)
    value = smoother(p, w, grid_size)

    # bisection on log σ for the root of smECE_σ - σ (decreasing), then one secant step
    n_rep = w.shape[0]
    lo = np.full(n_rep, np.log(h))
    hi = np.full(n_rep, np.log(_SIGMA_MAX))
    f_lo = value(np.exp(lo)) - np.exp(lo)
    f_hi = value(np.exp(hi)) - np.exp(hi)
    for _ in range(n_iter):
        mid = 0.5 * (lo + hi)
        f_mid = value(np.exp(mid)) - np.exp(mid)
        right = f_mid > 0  # fixed point lies to the right of mid
        lo, f_lo = np.where(right, mid, lo), np.where(right, f_mid, f_lo)
        hi, f_hi = np.where(right, hi, mid), np.where(right, f_hi, f_mid)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.clip(f_lo / (f_lo - f_hi), 0.0, 1.0)
    frac = np.where(np.isfinite(frac), frac, 0.5)
    out = np.exp(lo + frac * (hi - lo))
    # no fixed point inside [h, 0.5]: report smECE_σ at the nearest end
    out = np.where(f_lo <= 0, f_lo + np.exp(lo), out)  # only possible if lo stayed at log(h)
    out = np.where(f_hi > 0, f_hi + np.exp(hi), out)  # only possible if hi stayed at log(0.5)
    return out


def smece(y_true: ArrayLike, p: ArrayLike, *, grid_size: int = 512) -> float:
    """Smooth ECE (Błasiok & Nakkiran 2023) with a reflected Gaussian kernel.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Binary outcomes (1 = held up).
    p : array-like of shape (n,)
        Predicted probabilities of ``y = 1``.
    grid_size : int, default=512
        Resolution of the evaluation grid on [0, 1].

    Returns
    -------
    float
        smECE, the fixed point ``σ* = smECE_σ*``; 0 means perfectly calibrated.

    Examples
    --------
    >>> round(smece([0, 1, 1, 0], [0.3, 0.3, 0.3, 0.3]), 3)
    0.2
    """
    from credscore.calibration._metrics import check_y_p

    y, q = check_y_p(y_true, p)
    return float(smece_batch(q, ((y - q) / q.shape[0])[None, :], grid_size=grid_size)[0])
