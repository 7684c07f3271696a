"""The cross-fitted ensemble's outputs: probabilities, Venn-Abers pairs, substituted groups.

One pass over the fold members per call, in chunks of rows: each member's decision value
(:mod:`credscore.model._compiled` when the members compile, scikit-learn otherwise) goes
through its calibrator for the probability and through its Venn-Abers predictor for the
interval; when reasons are asked for, the same pass also scores every row with each
explanation group at the reference statement's values (only the probability is needed there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np
import pandas as pd

from credscore.model._compiled import LinearEnsemble, compile_members
from credscore.model._inputs import Inputs
from credscore.model._selection import calibrated_proba

__all__ = ["SCORE_DECIMALS", "EnsembleOutputs", "ensemble_outputs", "mean_over", "stable"]

#: Decimals kept of a base learner's decision value before calibration.
SCORE_DECIMALS = 10
#: Rows per chunk (bounds the memory of the substituted copies: folds x rows x terms).
CHUNK_ROWS = 8_192

_COMPILED: WeakKeyDictionary[Any, tuple[Any, Any]] = WeakKeyDictionary()
_REFERENCES: WeakKeyDictionary[Any, tuple[Any, tuple, Inputs]] = WeakKeyDictionary()


def stable(scores: np.ndarray) -> np.ndarray:
    """Decision values rounded to :data:`SCORE_DECIMALS` decimals.

    Venn-Abers and isotonic calibration treat a score tied with a calibration score
    differently from one a bit away; rounding keeps last-bit differences of arithmetic (a
    scikit-learn matrix product's result for a row can depend on the batch) from moving a
    statement's interval.
    """
    return np.round(np.asarray(scores, dtype=float), SCORE_DECIMALS)


def mean_over(arrays: Any) -> np.ndarray:
    """Mean over the first axis, terms added in order (the same for every batch size)."""
    arrays = np.asarray(arrays)
    total = arrays[0].copy()
    for a in arrays[1:]:
        total += a
    return total / len(arrays)


@dataclass
class EnsembleOutputs:
    """``p`` (n,), the members' Venn-Abers pairs ``p0s``, ``p1s`` (K, n), and ``p_sub``
    (G, n): the probability with each group at the reference (empty without groups)."""

    p: np.ndarray
    p0s: np.ndarray
    p1s: np.ndarray
    p_sub: np.ndarray


def _columns(classifier: Any) -> list[Any]:
    names = getattr(classifier, "feature_names_in_", None)
    if names is None:
        return [f"x{i}" for i in range(classifier.n_features_in_)]
    return list(names)


def compiled_members(classifier: Any) -> Any:
    """The classifier's members compiled (cached per fitted ensemble), or ``None``."""
    hit = _COMPILED.get(classifier)
    if hit is not None and hit[0] is classifier.members_:
        return hit[1]
    compiled = compile_members(classifier.members_, _columns(classifier))
    _COMPILED[classifier] = (classifier.members_, compiled)
    return compiled


def _categorical(compiled: Any) -> list[str]:
    if isinstance(compiled, LinearEnsemble):
        return compiled.categorical
    return sorted({c for member in compiled for c in member.blocks.categorical})


def _reference_frame(frame: pd.DataFrame, reference: pd.Series) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for c in frame.columns:
        v = reference[c]
        data[c] = pd.Series([v], dtype=object if isinstance(v, str) else np.float64)
    return pd.DataFrame(data)


def _reference_inputs(
    classifier: Any, frame: pd.DataFrame, reference: pd.Series, cats: list[str]
) -> Inputs:
    """The reference row as :class:`Inputs` (cached for the same reference object)."""
    key = (tuple(frame.columns), tuple(cats))
    hit = _REFERENCES.get(classifier)
    if hit is not None and hit[0] is reference and hit[1] == key:
        return hit[2]
    inputs = Inputs.from_frame(_reference_frame(frame, reference), cats)
    _REFERENCES[classifier] = (reference, key, inputs)
    return inputs


def _calibrated(members: Sequence[tuple], dec: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per member: probabilities of every row of ``dec`` (K, V, n), and the Venn-Abers pair
    of ``dec[:, 0]``."""
    scores = stable(dec)
    ps, p0s, p1s = [], [], []
    for (_, cal, va), s in zip(members, scores, strict=True):
        ps.append(calibrated_proba(cal, s.ravel()).reshape(s.shape))
        p0, p1 = va.predict_interval(s[0])
        p0s.append(np.asarray(p0, float))
        p1s.append(np.asarray(p1, float))
    return np.asarray(ps), np.asarray(p0s), np.asarray(p1s)


def _compiled_decisions(
    compiled: Any, inputs: Inputs, reference: Inputs | None, groups: Sequence[Sequence[str]]
) -> np.ndarray:
    """``(K, V, n)`` decision values: V = 1 without a reference, 1 + G with one."""
    if isinstance(compiled, LinearEnsemble):
        if reference is None:
            return compiled.decision(inputs)[:, None, :]
        return compiled.substituted(inputs, reference, groups)
    if reference is None:
        return np.stack([m.decision(inputs)[None, :] for m in compiled])
    return np.stack([m.substituted(inputs, reference, groups) for m in compiled])


def _sklearn_decisions(
    members: Sequence[tuple],
    frame: pd.DataFrame,
    reference: pd.Series | None,
    groups: Sequence[Sequence[str]],
) -> np.ndarray:
    frames = [frame]
    if reference is not None:
        for cols in groups:
            sub = frame.copy()
            for c in cols:
                sub[c] = reference[c]
            frames.append(sub)
    stacked = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frame
    return np.stack(
        [
            np.asarray(m[0].decision_function(stacked), float).reshape(len(frames), -1)
            for m in members
        ]
    )


def ensemble_outputs(
    classifier: Any,
    frame: pd.DataFrame,
    reference: pd.Series | None = None,
    groups: Sequence[Sequence[str]] = (),
) -> EnsembleOutputs:
    """The ensemble's outputs for ``frame`` (and, with ``reference``, for every group)."""
    members = classifier.members_
    compiled = compiled_members(classifier)
    if reference is None:
        groups = ()
    n, k, g = len(frame), len(members), len(groups)
    p, p_sub = np.empty(n), np.empty((g, n))
    p0s, p1s = np.empty((k, n)), np.empty((k, n))
    ref_inputs = None
    if compiled is not None and reference is not None:
        ref_inputs = _reference_inputs(classifier, frame, reference, _categorical(compiled))
    for start in range(0, n, CHUNK_ROWS):
        part = frame.iloc[start : start + CHUNK_ROWS] if n > CHUNK_ROWS else frame
        if compiled is not None:
            inputs = Inputs.from_frame(part, _categorical(compiled))
            dec = _compiled_decisions(compiled, inputs, ref_inputs, groups)
        else:
            dec = _sklearn_decisions(members, part, reference, groups)
        ps, q0, q1 = _calibrated(members, dec)
        mean = mean_over(ps)
        stop = start + len(part)
        p[start:stop], p_sub[:, start:stop] = mean[0], mean[1:]
        p0s[:, start:stop], p1s[:, start:stop] = q0, q1
    return EnsembleOutputs(p, p0s, p1s, p_sub)
