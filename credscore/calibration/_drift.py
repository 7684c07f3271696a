"""Drift monitor: the calibration test run per period on dated verdicts.

:func:`calibration_by_period` cuts the verdicts into calendar periods (weeks, months, quarters,
years) by when the statements were made, runs :func:`calibration_test` on each period with at
least ``min_n`` verdicts, and flags the periods where it fails, with the mean shift
``mean p - mean y`` and its 95% interval (positive: the model over-predicts that statements hold
up). With ``groups`` (each statement's source) the test uses the by-source null and the shift's
interval is cluster-robust. Each period is tested at level ``alpha`` with the Bonferroni
combination of the smECE test and the slope test (:func:`calibration_test`'s default; the
older ``combine="both"`` flags a calibrated model in 9-16% of periods, measured in
``experiments/calibration_noise_floor.py``; Bonferroni in about 5%). Over many calibrated
periods about ``alpha`` of them are still flagged by chance: read one flag next to its shift and
its neighbours.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from credscore.calibration._metrics import check_y_p, log_loss
from credscore.calibration._test import calibration_test

__all__ = ["PERIODS", "calibration_by_period"]

#: Period names and their pandas period codes.
PERIODS: dict[str, str] = {"week": "W", "month": "M", "quarter": "Q", "year": "Y"}


def _periods(made_at: Any, by: str) -> pd.PeriodIndex:
    if by not in PERIODS:
        raise ValueError(f"by must be one of {sorted(PERIODS)}, got {by!r}.")
    t = pd.DatetimeIndex(pd.to_datetime(pd.Series(made_at), utc=True))
    if t.isna().any():
        bad = np.flatnonzero(t.isna())[:10].tolist()
        raise ValueError(f"made_at is missing at rows {bad}; every verdict needs a date.")
    return t.tz_convert(None).to_period(PERIODS[by])


def _shift(y: np.ndarray, p: np.ndarray, codes: np.ndarray | None) -> tuple[float, float, float]:
    """Mean p - mean y and its 95% interval (sandwich over sources when ``codes``)."""
    r = p - y
    n = r.size
    if codes is None:
        se = float(np.sqrt(np.sum(r**2 - r.mean() ** 2) / (n * max(n - 1, 1))))
    else:
        per = np.bincount(codes, weights=r - r.mean())
        g = per.size
        se = float(np.sqrt(np.sum(per**2) * g / max(g - 1, 1)) / n)
    m = float(r.mean())
    return m, m - 1.96 * se, m + 1.96 * se


def _one(
    y: np.ndarray, p: np.ndarray, src: np.ndarray | None, kw: dict[str, Any]
) -> dict[str, Any]:
    codes = None if src is None else pd.factorize(src)[0]
    shift, lo, hi = _shift(y, p, codes)
    row: dict[str, Any] = {
        "n": int(y.size),
        "n_sources": None if src is None else int(codes.max() + 1),  # type: ignore[union-attr]
        "base_rate": float(y.mean()),
        "mean_p": float(p.mean()),
        "shift": shift,
        "shift_ci": [lo, hi],
        "log_loss": log_loss(y, p),
    }
    if y.size < kw["min_n"]:
        return row | {"tested": False, "flag": False, "status": f"fewer than {kw['min_n']}"}
    many_groups = src is not None and codes is not None and codes.max() >= 1
    res = calibration_test(
        y,
        p,
        n_sim=kw["n_sim"],
        alpha=kw["alpha"],
        random_state=kw["random_state"],
        groups=src if many_groups else None,
        combine=kw["combine"],
    )
    return row | {
        "tested": True,
        "flag": not res.consistent,
        "status": "drift" if not res.consistent else "ok",
        "null": res.null,
        "smece": res.smece.observed,
        "smece_p": res.smece.p_value,
        "slope": res.slope,
        "slope_ci": list(res.slope_ci),
        "spiegelhalter_z": res.spiegelhalter_z,
        "spiegelhalter_p": res.spiegelhalter_p,
    }


def calibration_by_period(
    y_true: ArrayLike,
    p: ArrayLike,
    made_at: Any,
    *,
    by: str = "month",
    groups: ArrayLike | None = None,
    min_n: int = 30,
    alpha: float = 0.05,
    n_sim: int = 500,
    random_state: int = 0,
    combine: str = "bonferroni",
) -> dict[str, Any]:
    """The calibration test per period, flagging periods where it fails.

    Parameters
    ----------
    y_true, p : array-like of shape (n,)
        Verdicts and predicted probabilities.
    made_at : array-like of shape (n,)
        When each statement was made (timestamps; naive ones are read as UTC).
    by : {"week", "month", "quarter", "year"}, default="month"
    groups : array-like of shape (n,), optional
        Each statement's source: the by-source null and cluster-robust shift intervals.
    min_n : int, default=30
        Periods with fewer verdicts are listed but not tested.
    alpha : float, default=0.05
    n_sim : int, default=500
    random_state : int, default=0
    combine : {"bonferroni", "both"}, default="bonferroni"
        See :func:`calibration_test`.

    Returns
    -------
    dict
        ``by``, ``alpha``, ``min_n``, ``periods`` (one dict per period in time order:
        ``period``, ``n``, ``base_rate``, ``mean_p``, ``shift`` and ``shift_ci``, ``log_loss``,
        ``tested``, ``flag``, ``status`` and, when tested, the smECE p-value, slope, and
        Spiegelhalter z), ``n_tested``, ``n_flagged``, ``first_flag`` (the first flagged
        period, or None) and ``rule``.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> t = pd.date_range("2024-01-01", periods=1200, freq="6h", tz="UTC")
    >>> p = rng.uniform(0.1, 0.9, 1200)
    >>> late = np.asarray(t >= "2024-07-01")
    >>> y = (rng.random(1200) < np.where(late, p * 0.5, p)).astype(float)
    >>> mon = calibration_by_period(y, p, t, by="month", n_sim=200)
    >>> [r["status"] for r in mon["periods"]]
    ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'drift', 'drift', 'drift', 'drift']
    >>> mon["first_flag"]
    '2024-07'
    """
    y, q = check_y_p(y_true, p)
    per = _periods(made_at, by)
    if len(per) != y.size:
        raise ValueError(f"made_at has {len(per)} dates for {y.size} verdicts; pass one each.")
    src = None if groups is None else np.asarray(groups, dtype=object)
    kw = {"min_n": min_n, "alpha": alpha, "n_sim": n_sim, "random_state": random_state,
          "combine": combine}  # fmt: skip
    rows = []
    for label in sorted(per.unique()):
        k = np.asarray(per == label)
        row = _one(y[k], q[k], None if src is None else src[k], kw)
        rows.append({"period": str(label), "start": str(label.start_time.date())} | row)
    flagged = [r["period"] for r in rows if r["flag"]]
    return {
        "by": by,
        "alpha": alpha,
        "min_n": min_n,
        "periods": rows,
        "n_tested": sum(r["tested"] for r in rows),
        "n_flagged": len(flagged),
        "first_flag": flagged[0] if flagged else None,
        "rule": f"each {by} with at least {min_n} verdicts is flagged when the calibration test "
        f"fails (smECE test and slope test, {combine}"
        + (f": each at {alpha / 2:g})" if combine == "bonferroni" else f" at {alpha:g})")
        + (" with the by-source null" if groups is not None else ""),
    }
