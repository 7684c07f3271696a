"""Time-ordered cross-validation: train on the past, validate on the next block."""

from __future__ import annotations

from collections.abc import Iterator
from numbers import Integral
from typing import Any

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils._param_validation import Interval, validate_params

__all__ = ["TimeOrderedSplit"]


class TimeOrderedSplit(BaseCrossValidator):
    """Expanding-window folds over statement times, for scikit-learn's model-selection tools.

    Rows are sorted by time (stably) and cut into ``n_splits + 1`` blocks; fold ``k`` trains on
    blocks ``0..k-1`` and validates on block ``k`` (block 0 is never validated). Unlike
    :class:`sklearn.model_selection.TimeSeriesSplit` the rows need not be sorted: the times
    are passed as ``groups`` (scikit-learn hands ``groups`` to the splitter), so
    ``cross_val_score(..., groups=made_at)`` and ``GridSearchCV(...).fit(X, y,
    groups=made_at)`` work. A fold whose training part holds a single class is skipped
    (a classifier cannot be fitted on it), so fewer than ``n_splits`` folds may come out.

    Parameters
    ----------
    n_splits : int, default 5
        Number of validation blocks (at least 1).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array([5, 1, 4, 2, 3, 0])
    >>> y = np.array([0, 1, 0, 1, 0, 0])
    >>> [(tr.tolist(), va.tolist()) for tr, va in TimeOrderedSplit(2).split(t, y, groups=t)]
    [([1, 5], [3, 4]), ([1, 3, 4, 5], [0, 2])]
    """

    @validate_params(
        {"n_splits": [Interval(Integral, 1, None, closed="left")]},
        prefer_skip_nested_validation=True,
    )
    def __init__(self, n_splits: int = 5) -> None:
        self.n_splits = n_splits

    def split(
        self, X: Any, y: Any = None, groups: Any = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yields ``(train, validation)`` index arrays; ``groups`` holds each row's time."""
        if groups is None:
            raise ValueError(
                "TimeOrderedSplit needs each row's time as groups, e.g. "
                "cross_val_score(clf, X, y, cv=TimeOrderedSplit(5), groups=made_at)."
            )
        time = np.asarray(groups)
        n = len(time)
        if X is not None and len(X) != n:
            raise ValueError(f"X has {len(X)} rows but groups (the times) has {n}.")
        yv = None if y is None else np.asarray(y)
        order = np.argsort(time, kind="stable")
        blocks = np.array_split(order, self.n_splits + 1)
        for k in range(1, len(blocks)):
            train, val = np.concatenate(blocks[:k]), blocks[k]
            if not len(val):
                continue
            if yv is not None and len(np.unique(yv[train])) < 2:
                continue
            yield np.sort(train), np.sort(val)

    def _iter_test_indices(
        self, X: Any = None, y: Any = None, groups: Any = None
    ) -> Iterator[np.ndarray]:
        for _, val in self.split(X, y, groups):
            yield val

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Number of folds :meth:`split` yields (``n_splits`` when times are not given)."""
        if groups is None:
            return int(self.n_splits)
        return sum(1 for _ in self.split(X, y, groups))
