"""Feature rows as arrays for the compiled fold models (:mod:`credscore.model._compiled`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Inputs", "category_rows"]

#: Up to this many rows, a string column's distinct values are found with a dict.
_SMALL = 64


def _factorize(col: pd.Series) -> tuple[np.ndarray, list[Any], np.ndarray]:
    """``(codes, distinct values, first row of each)`` of a column."""
    if len(col) <= _SMALL:
        seen: dict[Any, int] = {}
        codes, firsts = np.empty(len(col), np.intp), list[int]()
        for i, v in enumerate(col.tolist()):
            missing = v is None or (not isinstance(v, str) and bool(pd.isna(v)))
            key = ("__missing__", type(v)) if missing else v
            if key not in seen:
                seen[key] = len(firsts)
                firsts.append(i)
            codes[i] = seen[key]
        values = [col.iat[i] for i in firsts]
        return codes, values, np.asarray(firsts, np.intp)
    code, uniq = pd.factorize(col, use_na_sentinel=False)
    codes = np.asarray(code, dtype=np.intp)
    return codes, list(uniq), np.unique(codes, return_index=True)[1]


@dataclass
class Inputs:
    """The feature rows as arrays, shared by every fold model.

    Attributes
    ----------
    numeric : ndarray of shape (n, n_numeric)
        The numeric columns as float64 (NaN for missing), in ``numeric_names`` order.
    numeric_names : list of str
    codes : dict of str to ndarray of int
        Per string column, each row's index into ``values[column]``.
    values : dict of str to list
        Per string column, its distinct values.
    firsts : dict of str to ndarray of int
        Per string column, the first row holding each distinct value.
    frame : DataFrame
        The rows themselves: the fitted encoder reads a distinct value from it, in the column's
        own dtype, the first time it meets it.
    """

    numeric: np.ndarray
    numeric_names: list[str]
    codes: dict[str, np.ndarray]
    values: dict[str, list[Any]]
    firsts: dict[str, np.ndarray]
    frame: pd.DataFrame

    @property
    def n(self) -> int:
        """Number of rows."""
        return int(self.numeric.shape[0])

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, categorical: Sequence[str]) -> Inputs:
        """The numeric matrix and the codes of the ``categorical`` columns of ``frame``.

        Raises ``ValueError`` on an infinite value, as scikit-learn's input check does.
        """
        cats = set(categorical)
        names = frame.columns.tolist()
        at = [i for i, c in enumerate(names) if c not in cats]
        num = [names[i] for i in at]
        numeric = (  # columns taken by position: a label lookup costs more on small frames
            frame.take(at, axis=1).to_numpy(dtype=np.float64, na_value=np.nan)
            if num
            else np.empty((len(frame), 0))
        )
        if np.isinf(numeric).any():
            bad = [num[j] for j in np.flatnonzero(np.isinf(numeric).any(axis=0))]
            raise ValueError(f"Input X contains infinity (columns {bad}).")
        codes, values, firsts = {}, {}, {}
        for c in names:
            if c in cats:
                codes[c], values[c], firsts[c] = _factorize(frame[c])
        return cls(numeric, num, codes, values, firsts, frame)

    def numeric_columns(self, names: Sequence[str]) -> np.ndarray:
        """The numeric matrix restricted to ``names`` (a copy)."""
        if list(names) == self.numeric_names:
            return self.numeric.copy()
        pos = {c: i for i, c in enumerate(self.numeric_names)}
        return self.numeric[:, [pos[c] for c in names]]

    def uniques(self, columns: Sequence[str]) -> pd.DataFrame:
        """The distinct values of ``columns`` in their dtype (a column with fewer distinct
        values than another repeats its first)."""
        width = max(len(self.firsts[c]) for c in columns)
        return pd.DataFrame(
            {
                c: self.frame[c]
                .iloc[np.concatenate([f, np.repeat(f[:1], width - len(f))])]
                .reset_index(drop=True)
                for c in columns
                for f in [self.firsts[c]]
            }
        )


def category_rows(
    pipeline: Any,
    columns: Sequence[str],
    widths: Sequence[int],
    cache: list[dict[str, np.ndarray]],
    inputs: Inputs,
) -> list[np.ndarray]:
    """Per string column, the fitted ``pipeline``'s one-hot row of each distinct value.

    The fitted imputer and encoder encode a value the first time it is met; string values are
    remembered in ``cache`` (a value's encoding does not depend on the rows around it), so
    later calls do not go through scikit-learn.
    """
    if not columns:
        return []
    cached = [
        [cache[i].get(v) if isinstance(v, str) else None for v in inputs.values[c]]
        for i, c in enumerate(columns)
    ]
    if all(r is not None for rows in cached for r in rows):
        return [
            np.asarray(rows).reshape(len(rows), w) for rows, w in zip(cached, widths, strict=True)
        ]
    onehot = np.asarray(pipeline.transform(inputs.uniques(columns)))
    bounds = np.cumsum([0, *widths])
    out = []
    for i, c in enumerate(columns):
        block = onehot[: len(inputs.values[c]), bounds[i] : bounds[i + 1]]
        for v, row in zip(inputs.values[c], block, strict=True):
            if isinstance(v, str):
                cache[i][v] = row
        out.append(block)
    return out
