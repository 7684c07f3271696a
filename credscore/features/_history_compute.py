"""The vectorised computation behind :func:`credscore.features.history.history_features`.

See that module's docstring for the definitions; ``tests/features/test_history_properties.py``
holds the per-statement reference loop this must agree with.
"""

from __future__ import annotations

import numpy as np

from credscore._tables import EVENT_KINDS, RETRACTION_KINDS
from credscore.features._history_arrays import HistoryArrays
from credscore.features._history_kernels import (
    NS_PER_DAY,
    KeySpace,
    Queries,
    count_before,
    decayed_before,
    decayed_latest_before,
    elapsed_ns,
)

__all__ = ["COLUMNS", "RET_IDX", "compute_history"]

#: Output columns, in order (re-exported as ``history.HISTORY_COLUMNS``).
COLUMNS: tuple[str, ...] = (
    "hist_n_prior",
    "hist_n_retracted",
    "hist_n_confirmed",
    "hist_retraction_rate",
    "hist_n_verdicts",
    "hist_false_rate",
    "hist_days_since_retraction",
    "hist_has_retraction",
    "hist_retracted_decayed",
    "hist_false_decayed",
    "hist_n_false",
    "hist_n_known",
    "hist_n_failed",
    "hist_failed_rate",
)
#: Positions of the retraction-type kinds in ``EVENT_KINDS`` (``HistoryArrays.ev_kind``).
RET_IDX = np.array([EVENT_KINDS.index(k) for k in RETRACTION_KINDS])
_CONF_IDX = EVENT_KINDS.index("confirmation")


def _by_statement(stmt: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Events of one family sorted by (statement, time), and where each statement starts."""
    m = len(at)
    if m and int(stmt.max()) < np.iinfo(np.int64).max // m:
        # One argsort of the key (statement, rank of time) instead of np.lexsort, whose two
        # stable sorts take three times as long. Rows tied on both are the same (statement,
        # time) pair, so their order does not matter.
        time_rank = np.empty(m, dtype=np.int64)
        time_rank[np.argsort(at)] = np.arange(m)
        order = np.argsort(stmt * m + time_rank)
    else:
        order = np.lexsort((at, stmt))
    s, a = stmt[order], at[order]
    first = np.ones(len(s), dtype=bool)
    first[1:] = s[1:] != s[:-1]
    return s, a, first


def _count_earlier_sorted(keys: np.ndarray, src: np.ndarray) -> np.ndarray:
    """For keys sorted by (source, time): rows of the same source with a strictly earlier key."""
    n = len(keys)
    pos = np.arange(n, dtype=np.int64)
    new_key = np.ones(n, dtype=bool)
    new_key[1:] = keys[1:] != keys[:-1]
    new_src = np.ones(n, dtype=bool)
    new_src[1:] = src[1:] != src[:-1]
    first_of_key = np.maximum.accumulate(np.where(new_key, pos, 0))
    first_of_src = np.maximum.accumulate(np.where(new_src, pos, 0))
    return first_of_key - first_of_src


def compute_history(
    arr: HistoryArrays, m_r: float, m_f: float, a: float, h_days: float
) -> np.ndarray:
    """All columns of :data:`COLUMNS` as an ``(n, k)`` float array, input order."""
    src, made, label, vat = arr.src, arr.made, arr.label, arr.verdict_at
    n = len(made)
    if n == 0:
        return np.empty((len(COLUMNS), 0), dtype=np.float64).T
    is_r = np.isin(arr.ev_kind, RET_IDX)
    is_c = arr.ev_kind == _CONF_IDX
    r_stmt, r_at = arr.ev_stmt[is_r], arr.ev_at[is_r]
    rs, ra, r_first = _by_statement(r_stmt, r_at)
    fr_stmt, fr_at = rs[r_first], ra[r_first]  # a statement counts once: its first event
    cs, ca, c_first = _by_statement(arr.ev_stmt[is_c], arr.ev_at[is_c])
    fc_stmt, fc_at = cs[c_first], ca[c_first]
    labelled = ~np.isnan(label)
    h_ns = h_days * NS_PER_DAY

    # Work on the statements sorted by (source, made_at): every searchsorted below then
    # gets sorted queries, an order of magnitude faster than random ones.
    ks = KeySpace([made, vat[labelled], r_at, fc_at], arr.n_sources)
    qkey = ks.key(src, made)
    order = np.argsort(qkey)
    q = Queries(ks, src[order], made[order], arr.n_sources, keys=qkey[order])
    qt = q.t

    def count(item_src, item_t):
        return count_before(np.sort(ks.key(item_src, item_t)), q)

    n_prior = _count_earlier_sorted(q.keys, q.src)
    n_ret = count(src[fr_stmt], fr_at)
    n_conf = count(src[fc_stmt], fc_at)

    n_verd, n_false, dec = _verdicts(src[labelled], vat[labelled], label[labelled], ks, q, h_ns)

    # Outcomes: the verdict when visible, else "walked back" when a retraction is visible.
    # A retracted statement is pending (counts as failed) from its first retraction until
    # its verdict becomes visible: +1 at the retraction, -1 once both are visible.
    lab_r = labelled[fr_stmt]
    resolved = count(src[fr_stmt[lab_r]], np.maximum(fr_at[lab_r], vat[fr_stmt[lab_r]]))
    n_pending = n_ret - resolved

    ret_dec, last_t, has = _decayed_retractions(src, rs, ra, r_first, q, h_ns)

    days = np.where(has, elapsed_ns(qt, last_t) / NS_PER_DAY, np.nan)
    counts = {
        "hist_n_prior": n_prior,
        "hist_n_retracted": n_ret,
        "hist_n_confirmed": n_conf,
        "hist_n_verdicts": n_verd,
        "hist_n_false": n_false,
        "hist_days_since_retraction": days,
        "hist_has_retraction": has,
        "hist_retracted_decayed": np.maximum(ret_dec, 0.0),  # -1/+1 pairs: no -1e-17
        "hist_false_decayed": (dec[:, 1] + a * m_f) / (dec[:, 0] + a),
    }
    return _assemble(counts, n_pending, order, n, m_r, m_f, a)


def _verdicts(
    vs: np.ndarray, vt: np.ndarray, vlabel: np.ndarray, ks: KeySpace, q: Queries, h_ns: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Visible verdicts and false ones per query, and their decayed sums: one sort serves all."""
    vfalse = vlabel == 0.0
    vk = ks.key(vs, vt)
    vo = np.argsort(vk)
    vk, vs, vt, vfalse = vk[vo], vs[vo], vt[vo], vfalse[vo]
    lo, hi = q.bounds(vk)
    cum_false = np.zeros(len(vk) + 1, dtype=np.int64)
    np.cumsum(vfalse, out=cum_false[1:])
    vx = np.column_stack([np.ones(len(vk)), vfalse.astype(np.float64)])
    dec = decayed_before(vs, vt, None, vx, q, h_ns, presorted=True, item_keys=vk)
    return hi - lo, cum_false[hi] - cum_false[lo], dec


def _decayed_retractions(
    src: np.ndarray, rs: np.ndarray, ra: np.ndarray, r_first: np.ndarray, q: Queries, h_ns: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decayed retractions: each statement weighted by its latest visible retraction event.

    Each distinct event time on a statement adds +1 anchored at that time, and -1 (same
    anchor) once the statement's next distinct retraction time becomes visible.
    """
    keep = r_first.copy()
    keep[1:] |= ra[1:] != ra[:-1]  # distinct (statement, time) pairs
    ds, da = rs[keep], ra[keep]
    nxt = np.flatnonzero(ds[1:] == ds[:-1])  # event nxt is followed by nxt+1 on same stmt
    it_src = np.r_[src[ds], src[ds[nxt]]]
    it_alpha = np.r_[da, da[nxt + 1]]
    it_beta = np.r_[da, da[nxt]]
    it_x = np.r_[np.ones(len(ds)), -np.ones(len(nxt))]
    # The items' activation times are the times of all retraction-type events, so the
    # latest one before t is also the latest such event.
    return decayed_latest_before(it_src, it_alpha, it_beta, it_x, q, h_ns)


def _assemble(
    counts: dict[str, np.ndarray],
    n_pending: np.ndarray,
    order: np.ndarray,
    n: int,
    m_r: float,
    m_f: float,
    a: float,
) -> np.ndarray:
    """The output block, in input order, with the rates computed from its rows.

    Scattering a column to random rows costs a cache miss per row, the dearest step here, so
    each quantity is scattered once, straight into its output row, and the rates built from
    output rows are computed afterwards, in input order.
    """
    block = np.empty((len(COLUMNS), n), dtype=np.float64)
    out = dict(zip(COLUMNS, block, strict=True))  # name -> its row of the block (a view)
    pending = np.empty(n)
    for dest, values in [*((out[k], v) for k, v in counts.items()), (pending, n_pending)]:
        # Contiguous float64 first: a scatter that also casts or strides is twice as slow.
        dest[order] = np.ascontiguousarray(values, dtype=np.float64)

    def rate(k: np.ndarray, total: np.ndarray, prior: float, column: str) -> None:
        np.divide(k + a * prior, total + a, out=out[column])

    np.add(out["hist_n_verdicts"], pending, out=out["hist_n_known"])
    np.add(out["hist_n_false"], pending, out=out["hist_n_failed"])
    rate(out["hist_n_retracted"], out["hist_n_prior"], m_r, "hist_retraction_rate")
    rate(out["hist_n_false"], out["hist_n_verdicts"], m_f, "hist_false_rate")
    rate(out["hist_n_failed"], out["hist_n_known"], m_f, "hist_failed_rate")
    return block.T
