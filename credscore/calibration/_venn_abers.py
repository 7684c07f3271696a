"""Inductive Venn-Abers predictor: the O(n log n) algorithm of Vovk, Petej & Fedorova (2015).

For a test score ``s`` the predictor fits isotonic regression to the calibration set plus
``(s, 0)`` and plus ``(s, 1)``; the fitted values at ``s`` are ``p0 <= p1``. Rather than refitting
per query, all answers are precomputed once: with the calibration scores sorted into ``k``
distinct values, the test point can only sit in one of ``k + 1`` gaps, and the isotonic value at
the test point is the slope of the greatest convex minorant (GCM) of the cumulative sum diagram
(CSD) over the test point's segment. One left-to-right sweep of a stack of GCM corners gives the
value with label 1 in every gap (Vovk et al. 2015, Algorithms 1-2); the label-0 values follow by
symmetry (reverse the score order and flip the labels). Fitting is O(n log n) for the sort plus
O(k) for the sweep; each query is a binary search.

Ties between a test score and calibration scores are pooled into the tied block, the usual
definition (Vovk et al. 2015; the ``venn-abers`` package, MAPIE): the isotonic fit then forces
the test point and the calibration points of its score to one value. No extra sweep is needed:
a label-0 point placed just *above* the tied block always pools with it (a block that started at
a label-0 point would have mean 0, below every block to its left), so its value is the gap value
just above; symmetrically a label-1 tie takes the gap value just *below*. So ``p0`` is read in
the gap above the tied score and ``p1`` in the gap below, and both equal exact refits with the
test point pooled into the tie. (Before version 0.3 ties were resolved the other way round,
which could only widen the interval.)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["merge_venn_abers", "venn_abers_table"]


def _cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _f1_per_gap(weights: NDArray[np.float64], sums: NDArray[np.float64]) -> NDArray[np.float64]:
    """Isotonic value of a test point with label 1 in each of the ``k + 1`` gaps.

    ``weights[j]`` and ``sums[j]`` are the count and the label sum of the j-th distinct score.
    Gap ``g`` has ``g`` distinct calibration scores below the test point.
    """
    k = weights.shape[0]
    cx = np.concatenate([[0.0], np.cumsum(weights)])
    cy = np.concatenate([[0.0], np.cumsum(sums)])
    pts = list(zip(cx.tolist(), cy.tolist(), strict=True))
    # Algorithm 1: GCM corners of {P_{-1} = (-1, -1), P_0, ..., P_k} (a lower convex hull).
    stack: list[tuple[float, float]] = [(-1.0, -1.0), pts[0]]
    for q in pts[1:]:
        while len(stack) > 1 and _cross(stack[-2], stack[-1], q) <= 0:
            stack.pop()
        stack.append(q)
    # Algorithm 2: sweep the test point rightwards; the stack is reversed so that its top is the
    # left end of the segment that carries the test point.
    stack.reverse()
    f1 = np.empty(k + 1)
    prev_shifted = (-1.0, -1.0)  # P_{i-1} - (1, 1)
    for i in range(1, k + 1):
        top, nxt = stack[-1], stack[-2]
        f1[i - 1] = (nxt[1] - top[1]) / (nxt[0] - top[0])
        # new left point P_i - (1, 1) = P_{i-1} - (1, 1) + (P_i - P_{i-1})
        new = (prev_shifted[0] + weights[i - 1], prev_shifted[1] + sums[i - 1])
        prev_shifted = new
        if _cross(top, nxt, new) >= 0:  # new point is not below the current segment
            continue
        stack.pop()
        while len(stack) > 1 and _cross(new, stack[-1], stack[-2]) <= 0:
            stack.pop()
        stack.append(new)
    f1[k] = 1.0  # test point above every calibration score: nothing can pool it down
    return f1


def venn_abers_table(
    scores: ArrayLike, y: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Precompute the Venn-Abers answers for every gap between calibration scores.

    Parameters
    ----------
    scores : array-like of shape (n,)
        Calibration scores (any monotone score: probability, logit, decision value).
    y : array-like of shape (n,)
        Binary calibration labels.

    Returns
    -------
    unique_scores : ndarray of shape (k,)
        Sorted distinct calibration scores.
    f0, f1 : ndarray of shape (k + 1,)
        Isotonic value at a test point with label 0 (``f0``) or 1 (``f1``) placed in gap ``g``
        (``g`` distinct calibration scores below it).

    Examples
    --------
    >>> u, f0, f1 = venn_abers_table([0.1, 0.4, 0.8], [0, 1, 1])
    >>> f0.round(3).tolist(), f1.round(3).tolist()
    ([0.0, 0.0, 0.5, 0.667], [0.5, 1.0, 1.0, 1.0])
    """
    s = np.asarray(scores, dtype=float).ravel()
    t = np.asarray(y, dtype=float).ravel()
    unique, inverse = np.unique(s, return_inverse=True)
    weights = np.bincount(inverse).astype(float)
    sums = np.bincount(inverse, weights=t).astype(float)
    f1 = _f1_per_gap(weights, sums)
    # label 0 by symmetry: reverse the order and flip labels, then map back
    f0 = 1.0 - _f1_per_gap(weights[::-1], weights[::-1] - sums[::-1])[::-1]
    return unique, f0, f1


def merge_venn_abers(p0s: ArrayLike, p1s: ArrayLike) -> NDArray[np.float64]:
    """Merge (cross) Venn-Abers pairs into one probability per statement.

    With ``F`` folds, ``p = GM(p1) / (GM(1 - p0) + GM(p1))`` (geometric means over folds, Vovk
    et al. 2015); with one fold this is ``p1 / (1 - p0 + p1)``.

    Parameters
    ----------
    p0s, p1s : array-like of shape (n_folds, n) or (n,)
        Lower and upper Venn-Abers probabilities of each fold's calibrator.

    Returns
    -------
    ndarray of shape (n,)

    Examples
    --------
    >>> merge_venn_abers([0.2, 0.5], [0.4, 0.5]).round(3).tolist()
    [0.333, 0.5]
    >>> merge_venn_abers([[0.2], [0.3]], [[0.4], [0.5]]).round(3).tolist()
    [0.374]
    """
    p0 = np.atleast_2d(np.asarray(p0s, dtype=float))
    p1 = np.atleast_2d(np.asarray(p1s, dtype=float))
    if p0.shape != p1.shape:
        raise ValueError(f"p0s and p1s must have the same shape, got {p0.shape} and {p1.shape}.")
    with np.errstate(divide="ignore"):
        gm1 = np.exp(np.mean(np.log(p1), axis=0))
        gm0 = np.exp(np.mean(np.log1p(-p0), axis=0))
    return gm1 / (gm0 + gm1)
