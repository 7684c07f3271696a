"""Vectorised kernels behind :mod:`credscore.features.history`.

Everything here works on plain numpy arrays: integer source codes, int64 UTC nanoseconds.
The central idea is a *composite key* ``source_code * stride + time_code`` (one int64 per
row) so that "how many things of source ``S`` are dated strictly before ``t``" becomes two
``np.searchsorted`` calls on a sorted key array, in O(n log n) overall and with exact
integer comparisons (ties at the same instant are "not before").
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

NS_PER_DAY = 86_400 * 10**9

__all__ = [
    "NS_PER_DAY",
    "KeySpace",
    "count_before",
    "decayed_before",
    "latest_before",
]

_INT64_MAX = np.iinfo(np.int64).max


class KeySpace:
    """Order-preserving int64 encoding of ``(source_code, time)`` pairs.

    Times are first mapped to small non-negative integer codes that preserve order and
    equality exactly: ``(t - t_min) // g`` where ``g`` is the greatest common divisor of all
    offsets (whole seconds or whole days give a large ``g``). When even that does not fit
    next to the source code in 63 bits, the dense rank of the time among all times is used.

    Parameters
    ----------
    times : list of ndarray of int64
        Every time (nanoseconds) that will be encoded.
    n_sources : int
        Number of distinct source codes (codes are ``0 .. n_sources - 1``).
    """

    def __init__(self, times: list[NDArray[np.int64]], n_sources: int) -> None:
        allt = np.concatenate([np.asarray(t, dtype=np.int64) for t in times] or [np.zeros(0, "i8")])
        self._ranks: NDArray[np.int64] | None = None
        if allt.size == 0:
            self.t_min, self.g, self.stride = 0, 1, 1
            return
        self.t_min = int(allt.min())
        offsets = allt - self.t_min
        g = int(np.gcd.reduce(offsets)) if offsets.size else 1
        self.g = max(g, 1)
        max_code = int(offsets.max()) // self.g
        self.stride = max_code + 1
        if n_sources > 0 and self.stride > _INT64_MAX // max(n_sources, 1) - 1:
            # Fall back to dense ranks: always fits (at most len(allt) distinct values).
            self._ranks = np.unique(allt)
            self.stride = len(self._ranks) + 1

    def time_code(self, t: NDArray[np.int64]) -> NDArray[np.int64]:
        """Integer code of each time, preserving order and equality."""
        t = np.asarray(t, dtype=np.int64)
        if self._ranks is not None:
            return np.searchsorted(self._ranks, t).astype(np.int64)
        return (t - self.t_min) // self.g

    def key(self, src: NDArray[np.int64], t: NDArray[np.int64]) -> NDArray[np.int64]:
        """Composite key ``src * stride + time_code(t)`` (sorts by source, then time)."""
        return np.asarray(src, dtype=np.int64) * self.stride + self.time_code(t)

    def source_start(self, src: NDArray[np.int64]) -> NDArray[np.int64]:
        """Smallest key of each source (a key below every time of that source)."""
        return np.asarray(src, dtype=np.int64) * self.stride


def count_before(
    sorted_item_keys: NDArray[np.int64],
    query_keys: NDArray[np.int64],
    query_starts: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Number of items of the query's source with a time strictly before the query's time.

    Examples
    --------
    >>> import numpy as np
    >>> items = np.array([10, 12, 12, 20, 21])  # source 1 (stride 10): times 0, 2, 2; source 2...
    >>> count_before(items, np.array([12, 13, 25]), np.array([10, 10, 20]))
    array([1, 3, 2])
    """
    hi = np.searchsorted(sorted_item_keys, query_keys, side="left")
    lo = np.searchsorted(sorted_item_keys, query_starts, side="left")
    return (hi - lo).astype(np.int64)


def latest_before(
    sorted_item_keys: NDArray[np.int64],
    sorted_item_times: NDArray[np.int64],
    query_keys: NDArray[np.int64],
    query_starts: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Latest item time of the query's source strictly before the query's time.

    Returns ``(time, found)``; ``time`` is meaningless where ``found`` is False.
    """
    hi = np.searchsorted(sorted_item_keys, query_keys, side="left")
    lo = np.searchsorted(sorted_item_keys, query_starts, side="left")
    found = hi > lo
    idx = np.where(found, hi - 1, 0)
    if sorted_item_times.size == 0:
        return np.zeros(len(query_keys), dtype=np.int64), found
    return sorted_item_times[idx], found


def _segmented_decay_scan(decay: NDArray[np.float64], inc: NDArray[np.float64]) -> np.ndarray:
    """Solve ``d[k] = decay[k] * d[k-1] + inc[k]`` (``decay[k] = 0`` starts a segment).

    A log-depth (Hillis-Steele) scan: ``ceil(log2(longest segment))`` vector passes. Every
    factor is in ``[0, 1]``, so nothing overflows however long the time span is (a naive
    ``exp(-λt)·cumsum(exp(λτ))`` overflows after ~1000 half-lives). Stops early once every
    position has reached the start of its segment.
    """
    a = decay.astype(np.float64, copy=True)
    b = inc.astype(np.float64, copy=True)
    n = len(a)
    shift = 1
    while shift < n and a.any():
        fac = a[shift:] if b.ndim == 1 else a[shift:, None]
        b[shift:] = b[shift:] + fac * b[:-shift]
        a[shift:] = a[shift:] * a[:-shift]
        a[: 2 * shift] = 0.0  # these prefixes now reach back to position 0: complete
        shift *= 2
    return b


def decayed_before(
    item_keys: NDArray[np.int64],
    item_alpha: NDArray[np.int64],
    item_beta: NDArray[np.int64] | None,
    item_x: NDArray[np.float64],
    query_keys: NDArray[np.int64],
    query_starts: NDArray[np.int64],
    query_t: NDArray[np.int64],
    half_life_ns: float,
    stride: int,
    *,
    presorted: bool = False,
) -> NDArray[np.float64]:
    """Decayed sum ``Σ x_i · 2^(-(t - β_i) / h)`` over the source's items with ``α_i < t``.

    Each item becomes visible at its *activation* time ``α`` and decays from its *anchor*
    time ``β <= α`` (``item_beta=None`` means ``β = α``; then give integer-valued ``x`` so
    tie sums are exact in any order). ``item_keys`` encode ``(source, α)`` with the given
    ``stride``; items need not be sorted unless ``presorted``. Ties at one ``(source, α)``
    are summed after sorting by ``(β, x)``, so the result does not depend on the input row
    order, bit for bit. ``item_x`` may be 2-D (one column per quantity sharing the items);
    the result then has one column per quantity. Queries are fastest sorted by key.

    Examples
    --------
    >>> import numpy as np
    >>> day = 86_400 * 10**9
    >>> t = np.array([0, 2 * day])  # one source, items at day 0 and day 2, half-life 2 days
    >>> out = decayed_before(t, t, None, np.ones(2), np.array([4 * day]), np.array([0]),
    ...     np.array([4 * day]), 2.0 * day, stride=10 * day)
    >>> float(out[0])  # 2^-2 + 2^-1
    0.75
    """
    nq = len(query_keys)
    if len(item_keys) == 0:
        return np.zeros((nq, *np.shape(item_x)[1:]), dtype=np.float64)
    if presorted:
        order = slice(None)
    elif item_beta is None:
        order = np.argsort(item_keys)
    else:
        if np.ndim(item_x) != 1:
            raise ValueError("2-D item_x needs item_beta=None")
        order = np.lexsort((item_x, item_beta, item_keys))
    keys = item_keys[order]
    alpha = item_alpha[order]
    w = np.asarray(item_x[order], dtype=np.float64)
    if item_beta is not None:  # contribution of each item at its own activation time
        w = w * np.exp2(-(alpha - item_beta[order]).astype(np.float64) / half_life_ns)
    # Aggregate ties on (source, α): one node per distinct key.
    new = np.ones(len(keys), dtype=bool)
    new[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(new)
    ukeys, ualpha, usrc = keys[starts], alpha[starts], keys[starts] // stride
    uinc = np.add.reduceat(w, starts) if len(starts) < len(keys) else w
    decay = np.zeros(len(ukeys), dtype=np.float64)
    gap = np.where(usrc[1:] == usrc[:-1], (ualpha[1:] - ualpha[:-1]).astype(np.float64), np.inf)
    decay[1:] = np.exp2(-gap / half_life_ns)  # 0 across sources: a new segment
    d = _segmented_decay_scan(decay, uinc)
    hi = np.searchsorted(ukeys, query_keys, side="left")
    lo = np.searchsorted(ukeys, query_starts, side="left")
    found = hi > lo
    idx = np.where(found, hi - 1, 0)
    age = (query_t - ualpha[idx]).astype(np.float64)
    fac = np.where(found, np.exp2(-age / half_life_ns), 0.0)
    return d[idx] * (fac[:, None] if d.ndim == 2 else fac)
