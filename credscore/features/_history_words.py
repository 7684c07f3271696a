"""The one wording of a source's record, for the reasons and for :func:`describe_history`."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["GROUP_COLUMNS", "describe_history", "record_words"]

#: The columns each explanation group of the history is worded from.
GROUP_COLUMNS: dict[str, tuple[str, ...]] = {
    "retractions": ("hist_n_prior", "hist_n_retracted", "hist_n_confirmed"),
    "record": ("hist_n_known", "hist_n_failed"),
    "verdicts": ("hist_n_verdicts", "hist_n_false"),
}


def _counts(frame: pd.DataFrame, column: str, rows: np.ndarray) -> np.ndarray:
    """Whole counts of ``column`` at ``rows`` (NaN read as 0)."""
    v = frame[column].to_numpy(dtype=float)[rows]
    return np.rint(np.nan_to_num(v)).astype(np.int64)


def _of(k: int, n: int, noun: str) -> str:
    return f"{k} of {n} {noun}" + ("" if n == 1 else "s")


def record_words(frame: pd.DataFrame, group: str, rows: np.ndarray) -> list[str]:
    """Words for one history group (``retractions``, ``record`` or ``verdicts``) at ``rows``.

    Examples
    --------
    >>> f = pd.DataFrame({"hist_n_prior": [0.0, 4.0], "hist_n_retracted": [0.0, 1.0],
    ...                   "hist_n_confirmed": [0.0, 0.0]})
    >>> record_words(f, "retractions", np.arange(2))
    ['no earlier statements on record', 'walked back 1 of its 4 earlier statements']
    """
    if group == "retractions":
        n, k = _counts(frame, "hist_n_prior", rows), _counts(frame, "hist_n_retracted", rows)
        conf = _counts(frame, "hist_n_confirmed", rows)
        return [
            "no earlier statements on record"
            if ni == 0
            else f"walked back {ki} of its {ni} earlier statement"
            + ("" if ni == 1 else "s")
            + (f"; {ci} confirmed" if ci > 0 else "")
            for ni, ki, ci in zip(n.tolist(), k.tolist(), conf.tolist(), strict=True)
        ]
    if group == "record":
        n, k = _counts(frame, "hist_n_known", rows), _counts(frame, "hist_n_failed", rows)
        return [
            "no earlier statement with a known outcome"
            if ni == 0
            else _of(ki, ni, "earlier statement")
            + " with a known outcome did not hold up (found false or walked back)"
            for ni, ki in zip(n.tolist(), k.tolist(), strict=True)
        ]
    if group == "verdicts":
        n, k = _counts(frame, "hist_n_verdicts", rows), _counts(frame, "hist_n_false", rows)
        return [
            "no earlier verdicts on record"
            if ni == 0
            else _of(ki, ni, "earlier verdict") + " found it false"
            for ni, ki in zip(n.tolist(), k.tolist(), strict=True)
        ]
    raise ValueError(f"unknown history group {group!r}; use one of {sorted(GROUP_COLUMNS)}")


def describe_history(row: Mapping | pd.Series) -> str:
    """One row of :func:`history_features` in the words the reasons use.

    Each group whose columns the row holds is worded (walk-backs, then verdicts, then the
    pooled record when walk-backs without a verdict make it differ), then the latest
    walk-back's age.

    Examples
    --------
    >>> describe_history({"hist_n_prior": 0.0})
    'no earlier statements on record'
    >>> describe_history({"hist_n_prior": 6, "hist_n_retracted": 2, "hist_n_verdicts": 10,
    ...     "hist_n_false": 3, "hist_n_confirmed": 1})
    'walked back 2 of its 6 earlier statements; 1 confirmed; 3 of 10 earlier verdicts found it false'
    """  # noqa: E501
    data = dict(row)
    if not data.get("hist_n_prior"):
        return "no earlier statements on record"
    frame = pd.DataFrame({k: [float(v) if v is not None else np.nan] for k, v in data.items()})
    one = np.zeros(1, dtype=np.intp)
    for col in GROUP_COLUMNS["retractions"]:
        if col not in frame:
            frame[col] = 0.0
    parts = record_words(frame, "retractions", one)
    if all(c in frame for c in GROUP_COLUMNS["verdicts"]):
        parts += record_words(frame, "verdicts", one)
    record = GROUP_COLUMNS["record"] + GROUP_COLUMNS["verdicts"]
    if all(c in frame for c in record) and (
        frame["hist_n_failed"].iloc[0] != frame["hist_n_false"].iloc[0]
    ):
        parts += record_words(frame, "record", one)
    d = data.get("hist_days_since_retraction")
    if d is not None and not (isinstance(d, float) and math.isnan(d)):
        parts.append(f"latest walk-back {float(d):.0f} days earlier")
    return "; ".join(parts)
