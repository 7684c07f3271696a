"""Slices of the evaluated statements: each statement's group, and figures per group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from credscore.calibration import brier_score, log_loss, roc_auc
from credscore.features import FAMILY_CLASSES, Slice
from credscore.report._stats import wilson_interval

__all__ = ["BUILTIN_SLICES", "builtin_slices", "slice_description", "slice_labels", "slice_table"]

_MISSING = "(missing)"


def builtin_slices() -> dict[str, Slice]:
    """The slices the registered feature families declare (``FeatureFamily.slices``)."""
    return {s.name: s for cls in FAMILY_CLASSES.values() for s in cls.slices}


#: Built-in slices at import time (see :func:`builtin_slices` for families registered later).
BUILTIN_SLICES: dict[str, Slice] = builtin_slices()


def slice_description(name: str) -> str:
    """What slice ``name`` groups by, for the report."""
    builtin = builtin_slices().get(name)
    return builtin.description if builtin else f"values of the column {name!r}"


def needs_columns(name: str) -> tuple[str, ...]:
    """Feature columns (or column prefixes ending in ``_``) a built-in slice needs."""
    builtin = builtin_slices().get(name)
    return builtin.needs if builtin else ()


def has_columns(features: pd.DataFrame, name: str) -> bool:
    """Whether ``features`` holds what the built-in slice ``name`` needs."""
    for col in needs_columns(name):
        if col.endswith("_"):
            if not any(str(c).startswith(col) for c in features.columns):
                return False
        elif col not in features.columns:
            return False
    return True


def slice_labels(name: str, features: pd.DataFrame, statements: pd.DataFrame) -> pd.Series:
    """The group of each statement for slice ``name`` (strings, aligned with ``features`` rows).

    Built-in names are the families' declared slices (:func:`builtin_slices`); any other name
    must be a column of ``statements`` (e.g. ``"topic"``) or of ``features``, whose values are
    the groups.

    Examples
    --------
    >>> f = pd.DataFrame({"hist_n_prior": [0.0, 3.0], "q_any": [1.0, 0.0]})
    >>> slice_labels("track_record", f, pd.DataFrame(index=f.index)).tolist()
    ['no track record', 'has track record']
    >>> slice_labels("qualified", f, pd.DataFrame(index=f.index)).tolist()
    ['qualified', 'unqualified']
    """
    builtin = builtin_slices().get(name)
    if builtin is not None:
        values = pd.Series(builtin.labels(features), index=features.index)
    elif name in statements.columns:
        values = pd.Series(statements[name].to_numpy(dtype=object), index=features.index)
    elif name in features.columns:
        values = features[name]
    else:
        raise ValueError(
            f"unknown slice {name!r}. Fix: use one of {sorted(builtin_slices())}, or a column "
            "of the statements table (e.g. 'topic') or of the feature table."
        )
    values = pd.Series(values.to_numpy(dtype=object), index=features.index, dtype=object)
    return values.where(values.notna(), _MISSING).astype(str)


def _group_row(value: str, y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    n = int(y.shape[0])
    k = float(y.sum())
    lo, hi = wilson_interval([k], [n])
    auc = roc_auc(y, p) if 0 < k < n else None
    return {
        "value": value,
        "n": n,
        "n_held_up": int(k),
        "base_rate": k / n,
        "base_rate_low": float(lo[0]),
        "base_rate_high": float(hi[0]),
        "mean_p": float(p.mean()),
        "log_loss": log_loss(y, p),
        "brier_score": brier_score(y, p),
        "roc_auc": auc,
        "calibration_in_the_large": float(p.mean() - k / n),
    }


def slice_table(labels: pd.Series, y: np.ndarray, p: np.ndarray) -> list[dict[str, Any]]:
    """One row of figures per group, largest group first (ties by value).

    ``roc_auc`` is None in a group with a single class; ``calibration_in_the_large`` is mean
    ``p`` minus the observed rate (positive = too confident that statements hold up).

    Examples
    --------
    >>> rows = slice_table(pd.Series(["a", "a", "b"]), np.array([1.0, 0.0, 1.0]),
    ...                    np.array([0.7, 0.4, 0.6]))
    >>> [(r["value"], r["n"], r["roc_auc"]) for r in rows]
    [('a', 2, 1.0), ('b', 1, None)]
    """
    lab = labels.astype(str).to_numpy(dtype=object)
    values, counts = np.unique(lab, return_counts=True)
    order = sorted(range(len(values)), key=lambda i: (-counts[i], values[i]))
    return [_group_row(str(values[i]), y[lab == values[i]], p[lab == values[i]]) for i in order]


def validate_slices(slices: Sequence[str]) -> tuple[str, ...]:
    """Checks ``slices`` is a sequence of names (a bare string is a common mistake)."""
    if isinstance(slices, str):
        raise TypeError(
            f"slices must be a sequence of names, got the string {slices!r}; "
            f"write slices=({slices!r},)."
        )
    return tuple(str(s) for s in slices)
