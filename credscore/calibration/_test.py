"""A calibration *test*: calibration errors compared with their null distribution.

Under the null hypothesis "the model is calibrated", outcomes are ``y ~ Bernoulli(p)`` drawn
from the model's own scores. Simulating that many times gives the noise floor of every binned
or smoothed calibration error at the given sample size and score distribution, and a Monte
Carlo p-value ``(1 + #{null >= observed}) / (1 + n_sim)``.

The default null treats outcomes as independent given ``p``. When outcomes are dependent given
the model's information, e.g. many statements of one source sharing a reliability the model has
not pinned down yet, calibration errors are noisier than this null says and the test rejects a
calibrated model too often. With ``groups`` (each statement's source) the test uses a by-source
null instead (:mod:`credscore.calibration._by_source`): the residuals of each source are flipped
together, and the slope interval is cluster-robust. Spiegelhalter's z is reported beside smECE.
The false-alarm rates of both nulls at ``alpha = 0.05`` are measured by simulation in
``experiments/calibration_noise_floor.py``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import norm

from credscore.calibration._by_source import (
    cluster_codes,
    cluster_slope_intercept,
    source_null,
    spiegelhalter,
)
from credscore.calibration._metrics import (
    calibration_slope_intercept,
    check_y_p,
    equal_mass_bins,
)
from credscore.calibration._slope_mc import slope_lr_pvalue
from credscore.calibration._smece import smece_batch

__all__ = ["CalibrationTestResult", "ErrorTest", "calibration_test", "null_distribution"]

_CHUNK_CELLS = 4_000_000  # simulated outcomes held in memory at once
#: Below this many verdicts the slope is judged by a Monte-Carlo test (see the result's doc).
SMALL_N = 200


@dataclass(frozen=True)
class ErrorTest:
    """One calibration error against its null distribution."""

    observed: float
    null_mean: float
    null_p95: float
    p_value: float


@dataclass(frozen=True)
class CalibrationTestResult:
    """Outcome of :func:`calibration_test`.

    ``consistent`` is True when the smECE test and the slope test both pass. With the default
    ``combine="bonferroni"`` each runs at ``alpha / 2``: smECE p-value at least ``alpha / 2``,
    and the ``1 - alpha / 2`` interval of the calibration slope containing 1, so that a
    calibrated model is flagged in at most ``alpha`` of data sets (measured at 0.05: 5.0%,
    ``experiments/calibration_noise_floor.py``). ``combine="both"`` is the older rule, smECE p
    at least ``alpha`` and the 95% slope interval containing 1: it flags a calibrated model
    more often than ``alpha`` (measured: 9.0% at 0.05). smECE decides rather than binned ECE
    because it has no binning choice and a lower noise floor; the ECE test and Spiegelhalter's
    z are reported alongside. Without a calibration slope (constant predictions, or outcomes
    of one class) the verdict rests on the smECE test alone.
    ``null`` says which null distribution was used (``"statement"`` or ``"source"``).

    Below :data:`SMALL_N` verdicts, or when ``logit p`` separates the outcomes, large-sample
    slope intervals fail (undefined, or rejecting a calibrated model far too often), so the slope
    part is a Monte-Carlo likelihood-ratio test of "slope = 1" instead (``slope_test`` is then
    ``"monte carlo"`` and ``slope_p`` its p-value; the slope passes when ``slope_p >= alpha / 2``,
    or ``0.05`` with ``"both"``). ``slope_ci`` is still reported (Wald, or likelihood ratio
    under separation).
    """

    n: int
    n_sim: int
    n_bins: int
    alpha: float
    ece: ErrorTest
    smece: ErrorTest
    slope: float
    slope_ci: tuple[float, float]
    intercept: float
    intercept_ci: tuple[float, float]
    consistent: bool
    spiegelhalter_z: float = float("nan")
    spiegelhalter_p: float = float("nan")
    null: str = "statement"
    n_groups: int | None = None
    combine: str = "bonferroni"
    slope_test: str = "wald"
    slope_p: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict of every field."""
        d = asdict(self)
        d["slope_ci"] = list(self.slope_ci)
        d["intercept_ci"] = list(self.intercept_ci)
        return d


def _ece_batch(y_sim: NDArray[np.float64], q: NDArray[np.float64], n_bins: int) -> NDArray:
    bins = equal_mass_bins(q, n_bins)
    k = int(bins.max()) + 1
    onehot = np.zeros((q.shape[0], k))
    onehot[np.arange(q.shape[0]), bins] = 1.0
    gap = (y_sim - q[None, :]) @ onehot
    return np.abs(gap).sum(axis=1) / q.shape[0]


def null_distribution(
    p: ArrayLike,
    *,
    n_sim: int = 1000,
    n_bins: int = 15,
    random_state: int | np.random.Generator | None = 0,
) -> dict[str, NDArray[np.float64]]:
    """ECE and smECE of ``n_sim`` outcome vectors drawn as ``y ~ Bernoulli(p)``.

    Parameters
    ----------
    p : array-like of shape (n,)
        Predicted probabilities; their calibrated outcomes are simulated.
    n_sim : int, default=1000
    n_bins : int, default=15
        Equal-mass bins of the ECE.
    random_state : int, Generator or None, default=0

    Returns
    -------
    dict
        ``{"ece": ndarray (n_sim,), "smece": ndarray (n_sim,)}``.

    Examples
    --------
    >>> import numpy as np
    >>> null = null_distribution(np.linspace(0.1, 0.9, 500), n_sim=50)
    >>> bool(0.0 < null["smece"].mean() < null["ece"].mean() < 0.1)
    True
    """
    q = np.asarray(p, dtype=float).ravel()
    rng = np.random.default_rng(random_state)
    n = q.shape[0]
    chunk = max(1, _CHUNK_CELLS // max(n, 1))
    eces, smeces = [], []
    for start in range(0, n_sim, chunk):
        m = min(chunk, n_sim - start)
        y_sim = (rng.random((m, n)) < q[None, :]).astype(float)
        eces.append(_ece_batch(y_sim, q, n_bins))
        smeces.append(smece_batch(q, (y_sim - q[None, :]) / n))
    return {"ece": np.concatenate(eces), "smece": np.concatenate(smeces)}


def _error_test(observed: float, null: NDArray[np.float64]) -> ErrorTest:
    return ErrorTest(
        observed=float(observed),
        null_mean=float(null.mean()),
        null_p95=float(np.quantile(null, 0.95)),
        p_value=float((1 + np.sum(null >= observed)) / (1 + null.shape[0])),
    )


def _null_kind(null: str | None, groups: ArrayLike | None) -> str:
    kind = null or ("statement" if groups is None else "source")
    if kind not in ("statement", "source"):
        raise ValueError(f"null must be 'statement' or 'source', got {null!r}.")
    if kind == "source" and groups is None:
        raise ValueError(
            "null='source' resamples sources: pass groups= (each statement's source_id)."
        )
    return kind


def _slope_ok(cal: dict[str, Any], alpha: float, combine: str, slope_p: float | None) -> bool:
    """Does the slope interval contain 1 (no slope at all counts as yes)?"""
    if np.isnan(cal["slope"]):
        return True  # constant predictions or one outcome class: no slope to judge
    if slope_p is not None:  # small window or separation: the Monte-Carlo test decides
        return bool(slope_p >= (0.05 if combine == "both" else alpha / 2.0))
    lo, hi = cal["slope_ci"]
    if combine == "both" or not np.isfinite(cal["slope"]):  # unbounded: the 95% LR interval
        return bool(lo <= 1.0 <= hi)
    se = (hi - lo) / (2.0 * norm.ppf(0.975))
    return bool(abs(cal["slope"] - 1.0) <= norm.ppf(1.0 - alpha / 4.0) * se)


def _nulls_and_slope(
    y: NDArray[np.float64],
    q: NDArray[np.float64],
    kind: str,
    codes: NDArray[np.intp] | None,
    n_groups: int | None,
    n_sim: int,
    n_bins: int,
    random_state: Any,
) -> tuple[dict[str, NDArray[np.float64]], dict[str, Any]]:
    """The ECE/smECE null of ``kind`` and the slope/intercept fit that goes with it."""
    if kind == "source":
        assert codes is not None and n_groups is not None
        rng = np.random.default_rng(random_state)
        bins = equal_mass_bins(q, n_bins)
        nulls = source_null(y, q, codes, n_groups, n_sim=n_sim, bins=bins, rng=rng)
        return nulls, cluster_slope_intercept(y, q, codes, n_groups)
    nulls = null_distribution(q, n_sim=n_sim, n_bins=n_bins, random_state=random_state)
    return nulls, dict(calibration_slope_intercept(y, q))


def _small_window_slope_p(
    y: NDArray[np.float64], q: NDArray[np.float64], cal: dict[str, Any], n_sim: int, rs: Any
) -> float | None:
    """The Monte-Carlo slope p-value where the slope interval is unreliable, else None."""
    small = q.shape[0] < SMALL_N or not np.all(np.isfinite(cal["slope_ci"]))
    if not ((small and np.isfinite(cal["slope"])) or np.isinf(cal["slope"])):
        return None
    rng = rs if isinstance(rs, np.random.Generator) else np.random.default_rng([rs or 0, 1])
    return slope_lr_pvalue(y, q, n_sim=n_sim, rng=rng)


def calibration_test(
    y_true: ArrayLike,
    p: ArrayLike,
    *,
    n_sim: int = 1000,
    n_bins: int = 15,
    alpha: float = 0.05,
    random_state: int | np.random.Generator | None = 0,
    groups: ArrayLike | None = None,
    null: str | None = None,
    combine: str = "bonferroni",
) -> CalibrationTestResult:
    """Test whether ``p`` is consistent with being calibrated for outcomes ``y_true``.

    Parameters
    ----------
    y_true, p : array-like of shape (n,)
        Binary outcomes and predicted probabilities.
    n_sim, n_bins : int, default=1000, 15
        Simulated outcome vectors under the null; equal-mass bins of the ECE.
    alpha : float, default=0.05
        Level of the whole test (each of its two parts at ``alpha / 2`` with Bonferroni).
    random_state : int, Generator or None, default=0
    groups : array-like of shape (n,), optional
        Each statement's source: the null then resamples sources (module docstring).
    null : {"statement", "source"}, optional
        Default ``"source"`` with ``groups``, else ``"statement"`` (independent outcomes).
    combine : {"bonferroni", "both"}, default="bonferroni"
        How smECE and slope make one verdict (:class:`CalibrationTestResult`): each at
        ``alpha / 2`` (false-alarm rate at most ``alpha``), or the older "both" (smECE at
        ``alpha``, 95% slope interval; flags a calibrated model more often than ``alpha``).

    Returns
    -------
    CalibrationTestResult

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1); p = rng.uniform(0.05, 0.95, 2000)
    >>> y = rng.random(2000) < p
    >>> res = calibration_test(y, p, n_sim=200)
    >>> res.consistent, calibration_test(y, p**2, n_sim=200).consistent
    (True, False)

    By source (here 200 sources of 10 statements):

    >>> calibration_test(y, p, n_sim=200, groups=np.repeat(np.arange(200), 10)).null
    'source'
    """
    if combine not in ("both", "bonferroni"):
        raise ValueError(f"combine must be 'both' or 'bonferroni', got {combine!r}.")
    y, q = check_y_p(y_true, p)
    kind = _null_kind(null, groups)
    codes, n_groups = (None, None) if groups is None else cluster_codes(groups, q.shape[0])
    nulls, cal = _nulls_and_slope(y, q, kind, codes, n_groups, n_sim, n_bins, random_state)
    obs_ece = float(_ece_batch(y[None, :], q, n_bins)[0])
    obs_smece = float(smece_batch(q, ((y - q) / q.shape[0])[None, :])[0])
    ece_t = _error_test(obs_ece, nulls["ece"])
    smece_t = _error_test(obs_smece, nulls["smece"])
    spg = spiegelhalter(y, q, codes if kind == "source" else None)
    level = alpha if combine == "both" else alpha / 2.0
    slope_p = _small_window_slope_p(y, q, cal, n_sim, random_state)
    return CalibrationTestResult(
        n=int(q.shape[0]),
        n_sim=int(n_sim),
        n_bins=int(n_bins),
        alpha=float(alpha),
        ece=ece_t,
        smece=smece_t,
        slope=float(cal["slope"]),
        slope_ci=(float(cal["slope_ci"][0]), float(cal["slope_ci"][1])),
        intercept=float(cal["intercept"]),
        intercept_ci=(float(cal["intercept_ci"][0]), float(cal["intercept_ci"][1])),
        consistent=bool(smece_t.p_value >= level and _slope_ok(cal, alpha, combine, slope_p)),
        spiegelhalter_z=spg["z"],
        spiegelhalter_p=spg["p_value"],
        null=kind,
        n_groups=n_groups,
        combine=combine,
        slope_test="wald" if slope_p is None else "monte carlo",
        slope_p=slope_p,
    )
