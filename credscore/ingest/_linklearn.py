"""Training the speaker linker: candidate features recorded while extracting, a logistic fit.

Used by ``experiments/attribution_eval.py`` (one linker per cross-validation fold, trained on
the other folds) and ``experiments/train_attribution_model.py`` (the shipped one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

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

    def choose(self, text, sents, reg, raw, default):  # type: ignore[no-untyped-def]
        """Record the candidates; keep ``default``."""
        cands, ctx = candidates(text, sents, reg, raw, default)
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


def fit_linker(
    groups: Sequence[tuple[np.ndarray, Sequence[bool]]], c: float = 1.0, meta: dict | None = None
) -> SpeakerLinker:
    """Logistic fit over the candidates of statements where some but not all candidates are
    the right speaker (the others teach nothing about choosing).

    Examples
    --------
    >>> x = np.zeros((2, len(FEATURES))); x[0, 0] = 1.0
    >>> lk = fit_linker([(x, [True, False])] * 5)
    >>> int(np.argmax(lk.scores(x)))
    0
    """
    from sklearn.linear_model import LogisticRegression

    xs, ys = [], []
    for x, y in groups:
        if any(y) and not all(y):
            xs.append(x)
            ys.append(np.asarray(y, dtype=int))
    if not xs:
        return SpeakerLinker(np.zeros(len(FEATURES)), 0.0, dict(meta or {}))
    lr = LogisticRegression(C=c, max_iter=5000).fit(np.vstack(xs), np.concatenate(ys))
    info = {"trained_statements": len(xs), "c": c, **(meta or {})}
    return SpeakerLinker(lr.coef_[0].astype(np.float64), float(lr.intercept_[0]), info)
