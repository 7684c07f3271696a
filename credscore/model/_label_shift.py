"""Scoring with label-shift adaptation: a batch's base rate estimated from the batch itself.

:func:`score_adapted` is :meth:`CredibilityModel.score` followed by the guarded adaptation of
:func:`credscore.calibration.label_shift`; plain ``score`` never adapts. The probabilities are
calibrated at the base rate the model was last calibrated to: its recalibration window's rate
after :meth:`~CredibilityModel.recalibrate`, else its training rate.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from credscore._tables import Tables
from credscore.calibration import adjust_prior, label_shift

__all__ = ["calibrated_prior", "score_adapted"]


def calibrated_prior(model: Any) -> float:
    """The base rate the model's probabilities are calibrated to.

    The recalibration window's base rate when :meth:`recalibrate` recorded one, else the share
    of the training statements that held up.
    """
    recal = getattr(model, "recalibration_", None) or {}
    rate = recal.get("base_rate")
    return float(rate if rate is not None else model.base_rate_)


def _reference(model: Any, reference: Any) -> tuple | None:
    """``(p, y)`` of a labelled reference, scoring it (with its own record) when it is tables."""
    if reference is None or isinstance(reference, tuple):
        return reference
    scores = model.score(reference, explain=False)
    st = reference.statements if isinstance(reference, Tables) else reference
    y = pd.to_numeric(st["label"], errors="coerce").to_numpy(dtype=float)
    keep = np.isfinite(y)
    return scores["p_reliable"].to_numpy(dtype=float)[keep], y[keep]


def score_adapted(
    model: Any,
    statements: Any,
    sources: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    *,
    history: Tables | None = None,
    explain: bool = True,
    method: str = "em",
    reference: Any = None,
    min_batch: int = 50,
    max_se: float = 0.1,
    min_z: float = 2.0,
    min_separation: float = 0.25,
) -> pd.DataFrame:
    """Scores a batch and adapts it to the batch's own base rate (label shift), when it can.

    The base rate of the batch is estimated from its unlabelled scores (EM of Saerens et al.
    2002, or BBSE of Lipton et al. 2018 against a labelled ``reference``), and probabilities
    and intervals are moved to it by Bayes' rule, which keeps every ranking. A guard leaves the
    scores unchanged when the batch is smaller than ``min_batch``, the estimate is unstable or
    at 0 or 1 (the scores moved in a way a change of base rate alone does not explain), or
    there is no evidence of a shift (see :func:`credscore.calibration.label_shift`).

    Parameters
    ----------
    model : CredibilityModel
    statements, sources, events, history, explain
        As in :meth:`CredibilityModel.score`. ``reasons`` are worded before the adaptation.
    method : {"em", "bbse", "both"}, default="em"
    reference : Tables, statements DataFrame or (p, y), optional
        Labelled statements from the calibrated distribution (e.g. the recent verdicts the
        model was recalibrated on), scored with its own tables as record; needed by
        ``"bbse"`` and ``"both"``.
    min_batch, max_se, min_z, min_separation : see :func:`credscore.calibration.label_shift`

    Returns
    -------
    DataFrame
        The columns of ``score`` (probabilities adapted when the guard allowed it) plus
        ``p_unadapted``. ``attrs["label_shift"]`` holds the record: ``applied``, ``reason``,
        ``train_prior``, the estimate ``prior`` and its ``se``, ``n``, the mean probability
        before and after.

    Examples
    --------
    >>> import credscore
    >>> t = credscore.read_tables("datasets/examples/simulated_newsroom")
    >>> model = credscore.load_model()
    >>> out = score_adapted(model, t, explain=False)
    >>> rec = out.attrs["label_shift"]
    >>> rec["applied"], bool(rec["n"] == len(out))
    (False, True)
    >>> rec["reason"][:43]
    'the scores separate the outcomes too little'
    >>> small = score_adapted(model, t.statements.head(10), t.sources, explain=False)
    >>> small.attrs["label_shift"]["reason"]
    'batch of 10 statements is below min_batch=50'
    >>> bool((small["p_reliable"] == small["p_unadapted"]).all())
    True
    """
    out = model.score(statements, sources, events, history=history, explain=explain)
    pi0 = calibrated_prior(model)
    p = out["p_reliable"].to_numpy(dtype=float)
    _, res = label_shift(
        p,
        pi0,
        method=method,
        reference=_reference(model, reference),
        min_batch=min_batch,
        max_se=max_se,
        min_z=min_z,
        min_separation=min_separation,
    )
    out.insert(out.columns.get_loc("p_reliable") + 1, "p_unadapted", p)
    if res.applied:
        for col in ("p_reliable", "p_low", "p_high"):
            out[col] = adjust_prior(out[col].to_numpy(dtype=float), pi0, res.prior)
    out.attrs["label_shift"] = res.to_dict()
    return out
