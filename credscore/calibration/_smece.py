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


def smece_batch(
    p: ArrayLike,
    weights: ArrayLike,
    *,
    grid_size: int = 512,
    n_iter: int = 24,
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
    n_iter : int, default=24
        Bisection steps on ``log σ`` (24 steps give a relative precision below 1e-6).

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
    trap = np.ones(g + 1)
    trap[[0, -1]] = 0.5

    def value(sigma: NDArray[np.float64]) -> NDArray[np.float64]:
        kern = np.exp(-2.0 * np.pi**2 * sigma[:, None] ** 2 * freq2[None, :]) / h
        dens = np.fft.irfft(spec * kern, n=length, axis=1)[:, : g + 1]
        return np.abs(dens) @ trap * h

    n_rep = w.shape[0]
    lo = np.full(n_rep, np.log(h))
    hi = np.full(n_rep, np.log(_SIGMA_MAX))
    for _ in range(n_iter):
        mid = 0.5 * (lo + hi)
        above = value(np.exp(mid)) > np.exp(mid)  # fixed point lies to the right
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    sigma = np.exp(0.5 * (lo + hi))
    at_floor = value(np.full(n_rep, h)) <= h
    out = sigma.copy()
    if at_floor.any():
        out[at_floor] = value(np.full(int(at_floor.sum()), h))
    at_ceiling = value(np.full(n_rep, _SIGMA_MAX)) > _SIGMA_MAX
    if at_ceiling.any():
        out[at_ceiling] = value(np.full(int(at_ceiling.sum()), _SIGMA_MAX))
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
    from credscore.calibration._metrics import _check_y_p

    y, q = _check_y_p(y_true, p)
    return float(smece_batch(q, ((y - q) / q.shape[0])[None, :], grid_size=grid_size)[0])
