"""The best point-in-time probability in a simulated world (the simulator's latent target)."""

from __future__ import annotations

import numpy as np

__all__ = ["observable_p"]


def observable_p(
    src: np.ndarray,
    base: np.ndarray,
    reliability_sd: float,
    label: np.ndarray,
    made_at: np.ndarray,
    known_at: np.ndarray,
    n_grid: int = 41,
) -> np.ndarray:
    """Bayes posterior predictive ``P(label = 1 | what is observable before made_at)``.

    ``base`` is the log-odds without the latent term ``reliability_sd * z_s``. The posterior of
    ``z_s ~ Normal(0, 1)`` (on a grid) is updated with every verdict of the same source that was
    known strictly before the statement: known at ``known_at``, the earlier of its verdict and of
    its first event (a walk-back reveals a failure, a confirmation a success).
    """
    if reliability_sd == 0:
        return 1.0 / (1.0 + np.exp(-base))
    n = base.shape[0]
    z = np.linspace(-5.0, 5.0, n_grid)
    eta = base[:, None] + reliability_sd * z[None, :]
    loglik = -np.logaddexp(0.0, np.where(label[:, None] == 1, -eta, eta))
    # one "known" row per statement (carries its log-likelihood) and one "query" row (carries
    # nothing); sorted by source then time, queries first at equal times (strictly before)
    source = np.r_[src, src]
    time = np.r_[known_at, made_at]
    is_query = np.r_[np.zeros(n, dtype=bool), np.ones(n, dtype=bool)]
    order = np.lexsort((~is_query, time, source))
    contrib = np.vstack([loglik, np.zeros_like(loglik)])[order]
    cum = np.cumsum(contrib, axis=0)
    first = np.r_[True, source[order][1:] != source[order][:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(2 * n), 0))
    before = np.where(start[:, None] > 0, cum[np.maximum(start - 1, 0)], 0.0)
    post = (cum - before)[is_query[order]]  # query rows, in sorted order
    query_id = order[is_query[order]] - n
    post = post - 0.5 * z[None, :] ** 2
    post = np.exp(post - post.max(axis=1, keepdims=True))
    pred = 1.0 / (1.0 + np.exp(-eta[query_id]))
    out = np.empty(n)
    out[query_id] = (post * pred).sum(axis=1) / post.sum(axis=1)
    return out
