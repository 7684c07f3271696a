"""Cross-validated choice of base learner and calibrator by log loss.

For each base learner, out-of-fold (OOF) decision scores are computed; each calibrator is then
scored by a second cross-validation over those OOF scores (fit on the other folds' OOF scores,
predict this fold). The pair with the lowest mean log loss wins; the final model is then the
cross-fitted ensemble of :mod:`credscore.model._classifier`.

With ``max_rows`` the choice is made on a subsample of that many rows (evenly spaced in time
when times are given, else a seeded random draw), which saves most of a large fit's selection
time; the final model is always fitted on every row. Off by default: a subsample favours the
learner that needs fewer rows (measured in ``experiments/selection_subsample.py``).

Folds are time-ordered (expanding window: train on the past, validate on the next block) when
statement times are given, and stratified-shuffled otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from credscore.calibration import make_calibrator
from credscore.model._learners import BaseLearner
from credscore.model._progress import Progress, current_progress
from credscore.model._splitters import TimeOrderedSplit

__all__ = [
    "Selection",
    "calibrated_proba",
    "fold_map",
    "iter_folds",
    "new_calibrator",
    "select",
    "selection_rows",
]

_EPS = 1e-6


def iter_folds(
    y: np.ndarray, time: np.ndarray | None, n_splits: int, random_state: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yields ``(train, validation)`` index arrays.

    With ``time``: rows sorted by time are cut into ``n_splits + 1`` blocks; fold k trains on
    blocks ``0..k-1`` and validates on block ``k`` (block 0 is never validated). Without: a
    stratified, shuffled K-fold with ``n_splits`` folds (fewer when a class is rarer).
    """
    n = len(y)
    if time is not None:
        yield from TimeOrderedSplit(n_splits).split(None, y, groups=time)
        return
    k = int(min(n_splits, np.bincount(y, minlength=2).min()))
    if k < 2:
        return
    skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=random_state)
    yield from skf.split(np.zeros(n), y)


def new_calibrator(name: str) -> Any:
    """An unfitted calibrator reading base-learner decision values (logits), not probabilities."""
    if name in ("sigmoid", "temperature"):
        return make_calibrator(name, input="decision")
    return make_calibrator(name)


def calibrated_proba(calibrator: Any, scores: np.ndarray) -> np.ndarray:
    """P(y = 1) from a fitted calibrator, clipped to ``[eps, 1 - eps]``."""
    p = np.asarray(calibrator.predict_proba(np.asarray(scores, dtype=float)), dtype=float)
    if p.ndim == 2:
        p = p[:, 1]
    return np.clip(p, _EPS, 1 - _EPS)


def _log_loss(y: np.ndarray, p: np.ndarray) -> float:
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def selection_rows(
    n: int, time: np.ndarray | None, max_rows: int | None, random_state: int
) -> np.ndarray | None:
    """Sorted positions of the rows the selection uses, or None for every row.

    Examples
    --------
    >>> selection_rows(10, np.arange(10)[::-1], 4, 0).tolist()
    [0, 3, 6, 9]
    >>> selection_rows(10, None, 20, 0) is None
    True
    """
    if max_rows is None or n <= max_rows:
        return None
    if time is not None:
        order = np.argsort(np.asarray(time), kind="stable")
        pick = order[np.linspace(0, n - 1, max_rows).astype(np.int64)]
    else:
        pick = np.random.default_rng(random_state).choice(n, size=max_rows, replace=False)
    return np.sort(pick)


@dataclass
class Selection:
    """The outcome of model selection (stored in the manifest as ``selection``)."""

    base: str
    calibrator: str
    folds: str
    n_splits: int
    table: list[dict] = field(default_factory=list)
    oof_scores: np.ndarray | None = None
    oof_mask: np.ndarray | None = None
    n_rows: int | None = None

    def to_dict(self) -> dict:
        """JSON-serialisable summary (without the OOF scores)."""
        return {
            "base": self.base,
            "calibrator": self.calibrator,
            "folds": self.folds,
            "n_splits": self.n_splits,
            "n_rows": self.n_rows,
            "cv_table": self.table,
        }


def fold_map(fn: Callable[..., Any], tasks: Iterable[tuple], n_jobs: int | None) -> Iterator[Any]:
    """``fn(*task)`` for each task, in order: in this process, or on ``n_jobs`` joblib workers
    (results come back in order as they are done; each fit is deterministic, so the results
    are the same either way)."""
    if n_jobs is None or n_jobs == 1:
        return (fn(*task) for task in tasks)
    from joblib import Parallel, delayed

    run = Parallel(n_jobs=n_jobs, return_as="generator", prefer="threads")
    return iter(run(delayed(fn)(*t) for t in tasks))


def _fold_scores(
    learner: BaseLearner, X: pd.DataFrame, y: np.ndarray, X_val: pd.DataFrame
) -> np.ndarray:
    return learner.fresh().fit(X, y).decision_function(X_val)


def _oof_scores(
    learner: BaseLearner,
    X: pd.DataFrame,
    y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    n_jobs: int | None = None,
    progress: Progress | None = None,
) -> np.ndarray:
    progress = progress or current_progress()
    oof = np.full(len(y), np.nan)
    tasks = ((learner, X.iloc[tr], y[tr], X.iloc[va]) for tr, va in folds)
    results = fold_map(_fold_scores, tasks, n_jobs)
    for k, ((_, val), scores) in enumerate(zip(folds, results, strict=True), 1):
        oof[val] = scores
        progress.step(
            f"selection: {learner.kind} fold {k}/{len(folds)} "
            f"(trained on {len(folds[k - 1][0]):,} rows)"
        )
    return oof


def _score_calibrator(
    name: str,
    scores: np.ndarray,
    y: np.ndarray,
    time: np.ndarray | None,
    n_splits: int,
    random_state: int,
) -> tuple[float, float]:
    losses, briers, weights = [], [], []
    for train, val in iter_folds(y, time, n_splits, random_state):
        cal = new_calibrator(name).fit(scores[train], y[train])
        p = calibrated_proba(cal, scores[val])
        losses.append(_log_loss(y[val], p))
        briers.append(float(np.mean((p - y[val]) ** 2)))
        weights.append(len(val))
    if not weights:
        return float("nan"), float("nan")
    return float(np.average(losses, weights=weights)), float(np.average(briers, weights=weights))


def select(
    X: pd.DataFrame,
    y: np.ndarray,
    *,
    time: np.ndarray | None,
    base_learners: Sequence[BaseLearner],
    calibrators: Sequence[str],
    n_splits: int,
    random_state: int,
    n_jobs: int | None = None,
    max_rows: int | None = None,
) -> Selection:
    """Chooses the (base learner, calibrator) pair with the lowest cross-validated log loss,
    on at most ``max_rows`` rows (:func:`selection_rows`)."""
    progress = current_progress()
    rows = selection_rows(len(y), time, max_rows, random_state)
    if rows is not None:
        progress.step(f"selection on {len(rows):,} of {len(y):,} rows")
        X, y = X.iloc[rows], y[rows]
        time = None if time is None else np.asarray(time)[rows]
    folds = list(iter_folds(y, time, n_splits, random_state))
    kind = "time" if time is not None else "stratified"
    table: list[dict] = []
    oof_by_base: dict[str, np.ndarray] = {}
    for learner in base_learners:
        oof = (
            _oof_scores(learner, X, y, folds, n_jobs, progress)
            if folds
            else np.full(len(y), np.nan)
        )
        oof_by_base[learner.kind] = oof
        mask = ~np.isnan(oof)
        t = None if time is None else np.asarray(time)[mask]
        for cal in calibrators:
            if mask.sum() >= 4 and len(np.unique(y[mask])) == 2:
                ll, brier = _score_calibrator(cal, oof[mask], y[mask], t, n_splits, random_state)
            else:
                ll, brier = float("nan"), float("nan")
            progress.step(f"selection: {learner.kind} + {cal} calibrator, log loss {ll:.4f}")
            table.append(
                {
                    "base": learner.kind,
                    "calibrator": cal,
                    "log_loss": ll,
                    "brier": brier,
                    "n_oof": int(mask.sum()),
                }
            )
    scored = [r for r in table if np.isfinite(r["log_loss"])]
    best = min(scored, key=lambda r: r["log_loss"]) if scored else table[0]
    oof = oof_by_base[best["base"]]
    return Selection(
        base=best["base"],
        calibrator=best["calibrator"],
        folds=kind,
        n_splits=len(folds),
        table=table,
        oof_scores=oof,
        oof_mask=~np.isnan(oof),
        n_rows=len(y),
    )
