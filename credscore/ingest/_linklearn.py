"""Training the speaker linker: candidate features recorded while extracting, a conditional-logit
fit (softmax over each statement's candidates).

Used by ``experiments/attribution_eval.py`` (one linker per cross-validation fold, trained on
the other folds) and ``experiments/train_attribution_model.py`` (the shipped one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from credscore.exceptions import ParameterError
from credscore.ingest._linker import FEATURES, Candidate, SpeakerLinker, candidates, featurize

__all__ = ["LinkRecord", "RecordingLinker", "fit_linker"]


@dataclass
class LinkRecord:
    """The candidates of one statement as the extractor saw them (first: its own reading)."""

    spans: list[tuple[int, int]]
    cue: list[tuple[int, int]]
    source_span: tuple[int, int] | None
    cue_at: int
    candidates: list[Candidate]
    x: np.ndarray


@dataclass
class RecordingLinker(SpeakerLinker):
    """A linker that keeps the extractor's reading and records every statement's candidates
    (the training data of :func:`fit_linker`)."""

    coef: np.ndarray = field(default_factory=lambda: np.zeros(len(FEATURES)))
    intercept: float = 0.0
    records: list[LinkRecord] = field(default_factory=list)

    def choose(self, text, sents, reg, raw, default, starts=None):  # type: ignore[no-untyped-def]
        """Record the candidates; keep ``default``."""
        cands, ctx = candidates(text, sents, reg, raw, default, starts)
        span = raw.extra.get("source_span")
        self.records.append(
            LinkRecord(
                list(raw.spans),
                list(raw.extra.get("cue_spans") or []),
                tuple(span) if span else None,
                ctx.cue,
                cands,
                featurize(cands, ctx),
            )
        )
        return default, None


def _neg_log_likelihood(
    w: np.ndarray, x: np.ndarray, right: np.ndarray, group: np.ndarray, n: int, l2: float
) -> tuple[float, np.ndarray]:
    """Conditional-logit loss and gradient: minus the log of the softmax probability, within
    each statement, of its right candidates (summed when several are right), plus L2."""
    s = x @ w
    top = np.full(n, -np.inf)
    np.maximum.at(top, group, s)
    e = np.exp(s - top[group])
    den = np.bincount(group, e, n)
    num = np.bincount(group, e * right, n)
    loss = float(np.log(den).sum() - np.log(num).sum() + 0.5 * l2 * w @ w)
    grad = x.T @ (e / den[group] - e * right / num[group]) + l2 * w
    return loss, grad


def fit_linker(
    groups: Sequence[tuple[np.ndarray, Sequence[bool]]], c: float = 1.0, meta: dict | None = None
) -> SpeakerLinker:
    """Conditional-logit (softmax over each statement's candidates) fit of the linker's
    weights, with L2 penalty ``1 / c``, over statements where some but not all candidates are
    the right speaker (the others teach nothing about choosing).

    The model is trained for what it is used for, the per-statement arg-max: a candidate's
    score only has to beat the other candidates of its own statement, so weights are not
    spent on telling easy statements from hard ones (a per-candidate yes/no fit does that).
    Features constant within a statement get no weight beyond the penalty's zero; the
    intercept is 0 (softmax ignores it).

    Examples
    --------
    >>> x = np.zeros((2, len(FEATURES))); x[0, 0] = 1.0
    >>> lk = fit_linker([(x, [True, False])] * 5)
    >>> int(np.argmax(lk.scores(x)))
    0
    """
    from scipy.optimize import minimize

    if c <= 0:
        raise ParameterError(
            f"c={c!r}: the inverse L2 strength of fit_linker must be positive (e.g. 1.0)"
        )
    xs, ys = [], []
    for x, y in groups:
        if any(y) and not all(y):
            xs.append(np.asarray(x, dtype=np.float64))
            ys.append(np.asarray(y, dtype=np.float64))
    if not xs:
        return SpeakerLinker(np.zeros(len(FEATURES)), 0.0, dict(meta or {}))
    group = np.repeat(np.arange(len(xs)), [len(y) for y in ys])
    args = (np.vstack(xs), np.concatenate(ys), group, len(xs), 1.0 / c)
    res = minimize(
        _neg_log_likelihood,
        np.zeros(len(FEATURES)),
        args=args,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 5000},
    )
    info = {"trained_statements": len(xs), "c": c, "objective": "conditional_logit", **(meta or {})}
    return SpeakerLinker(res.x.astype(np.float64), 0.0, info)
