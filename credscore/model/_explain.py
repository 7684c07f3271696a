"""Reasons: which feature groups moved a score most, in words a fact-checker reads.

Method: group substitution. For each explanation group g declared by the feature families
(the retraction record, the pooled record, the verdicts, the statement's qualifiers, the
source's rank, the context, the wording), the group's columns are replaced by their values for
a *reference statement* — a statement with no qualifiers, by a source with no record, no known
rank and no known context — and the model is scored again, all groups in one batch. The
reason's weight is ``p(x) - p(x with g at reference)``. For a model that is additive in the
logit (logistic regression) the logit differences are exactly the group's contributions; for
trees the substitution is the standard occlusion measure.

The words come from the family that owns the group (:meth:`FeatureFamily.describe`), from the
same extraction pass as the scores, and only for the (row, group) pairs shown.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from credscore.features import Extraction, FeatureExtractor

__all__ = ["MIN_SHOWN", "group_deltas", "reason_strings", "reason_table"]

#: Groups moving the probability by less than this are not named in ``reasons``.
MIN_SHOWN = 0.005
_NOTHING = "close to the base rate on every feature"


def group_deltas(
    features: pd.DataFrame,
    reference: pd.Series,
    groups: dict[str, list[str]],
    proba: Callable[[pd.DataFrame], np.ndarray],
) -> np.ndarray:
    """Each group's effect, shape ``(len(groups), n)``: ``p(x) - p(x with g at reference)``."""
    n = len(features)
    if not groups or n == 0:
        return np.zeros((len(groups), n))
    base = proba(features)
    stacked = []
    for cols in groups.values():
        sub = features.copy()
        for c in cols:
            sub[c] = reference[c]
        stacked.append(sub)
    p_sub = proba(pd.concat(stacked, ignore_index=True)).reshape(len(groups), n)
    return base[None, :] - p_sub


def _words(
    extractor: FeatureExtractor, extraction: Extraction, group: str, rows: np.ndarray
) -> list[str]:
    family, _ = extractor.groups()[group]
    return extractor.family(family).describe(group, extraction.outputs[family], rows)


def _points(d: np.ndarray) -> np.ndarray:
    """``" (+12 pts)"`` for each delta (object array): ``abs(d) * 100`` rounded half to even,
    as ``f"{abs(d) * 100:.0f}"`` does."""
    pts = np.rint(np.abs(d) * 100)
    if len(pts) and pts.max() > 100:  # a probability difference is at most 1
        raise ValueError(f"a group delta above 1 ({float(np.abs(d).max())})")
    return _POINTS[(d > 0).astype(np.intp), pts.astype(np.intp)]


_POINTS = np.array([[f" ({s}{k} pts)" for k in range(101)] for s in "-+"], dtype=object)


def reason_strings(
    extractor: FeatureExtractor,
    extraction: Extraction,
    deltas: np.ndarray,
    *,
    top: int = 3,
) -> list[str]:
    """One string per statement: the ``top`` groups with the largest ``|delta|``, in words.

    Groups moving the probability by less than :data:`MIN_SHOWN` are left out; only the
    (statement, group) pairs shown are put into words, one ``describe`` call per group.
    """
    names = list(extractor.groups())
    n = deltas.shape[1]
    if not names:
        return ["" for _ in range(n)]
    order = np.argsort(-np.abs(deltas), axis=0, kind="stable")[:top]  # (top, n)
    picked = np.take_along_axis(deltas, order, axis=0)
    shown = np.abs(picked) >= MIN_SHOWN  # sorted by |delta|: a row's shown ranks come first
    text = np.full(order.shape, "", dtype=object)
    for gi, group in enumerate(names):
        rank, rows = np.nonzero(shown & (order == gi))
        if not len(rows):
            continue
        words = np.asarray(_words(extractor, extraction, group, rows), dtype=object)
        text[rank, rows] = words + _points(picked[rank, rows])
    out = np.where(shown[0], text[0], _NOTHING)
    for r in range(1, len(text)):
        more = shown[r]
        out[more] = out[more] + "; " + text[r][more]
    return out.tolist()


def reason_table(
    extractor: FeatureExtractor, extraction: Extraction, deltas: np.ndarray
) -> pd.DataFrame:
    """Long table ``row, group, delta, description``: every (statement, group) pair."""
    names = list(extractor.groups())
    n = deltas.shape[1]
    rows = np.arange(n)
    words = {g: _words(extractor, extraction, g, rows) for g in names}
    return pd.DataFrame(
        {
            "row": np.repeat(rows, len(names)),
            "group": np.tile(np.asarray(names, dtype=object), n),
            "delta": deltas.T.reshape(-1).astype(float),
            "description": [words[g][i] for i in range(n) for g in names],
        },
        columns=["row", "group", "delta", "description"],
    )
