"""Slices of the evaluated statements: each statement's group, and figures per group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from credscore.calibration import brier_score, log_loss, roc_auc
from credscore.report._stats import wilson_interval

__all__ = ["BUILTIN_SLICES", "slice_labels", "slice_table"]

#: Built-in slices, what they group by, and the feature columns they need.
BUILTIN_SLICES: dict[str, tuple[str, tuple[str, ...]]] = {
    "rank_family": ("the source's rank family (military, government, media...)", ("rank_family",)),
    "context": ("where the statement was made (one-hot ctx_* context type)", ("ctx_",)),
    "track_record": (
        "whether the source had any earlier statement (hist_n_prior == 0: no track record)",
        ("hist_n_prior",),
    ),
    "qualified": ("whether the statement carries any scope qualifier (q_any > 0)", ("q_any",)),
}
_MISSING = "(missing)"


def needs_columns(name: str) -> tuple[str, ...]:
    """Feature columns (or column prefixes ending in ``_``) a built-in slice needs."""
    return BUILTIN_SLICES[name][1] if name in BUILTIN_SLICES else ()


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

    Built-in names are :data:`BUILTIN_SLICES`; any other name must be a column of
    ``statements`` (e.g. ``"topic"``) or of ``features``, whose values are the groups.

    Examples
    --------
    >>> f = pd.DataFrame({"hist_n_prior": [0.0, 3.0], "q_any": [1.0, 0.0]})
    >>> slice_labels("track_record", f, pd.DataFrame(index=f.index)).tolist()
    ['no track record', 'has track record']
    >>> slice_labels("qualified", f, pd.DataFrame(index=f.index)).tolist()
    ['qualified', 'unqualified']
    """
    if name == "rank_family":
        values = features["rank_family"]
    elif name == "context":
        cols = [c for c in features.columns if str(c).startswith("ctx_")]
        hot = features[cols].to_numpy(dtype=float)
        names = np.array([str(c)[4:] for c in cols], dtype=object)
        labels = names[hot.argmax(axis=1)]
        labels[hot.max(axis=1) <= 0] = _MISSING
        return pd.Series(labels, index=features.index, dtype=object)
    elif name == "track_record":
        none = features["hist_n_prior"].to_numpy(dtype=float) == 0
        return pd.Series(
            np.where(none, "no track record", "has track record"),
            index=features.index,
            dtype=object,
        )
    elif name == "qualified":
        q = features["q_any"].to_numpy(dtype=float) > 0
        return pd.Series(
            np.where(q, "qualified", "unqualified"), index=features.index, dtype=object
        )
    elif name in statements.columns:
        values = pd.Series(statements[name].to_numpy(dtype=object), index=features.index)
    elif name in features.columns:
        values = features[name]
    else:
        raise ValueError(
            f"unknown slice {name!r}. Fix: use one of {sorted(BUILTIN_SLICES)}, or a column of "
            "the statements table (e.g. 'topic') or of the feature table."
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
