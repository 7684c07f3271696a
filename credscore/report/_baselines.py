"""The report's baselines (the constant prior, each family's naive predictor) and the verdict.

The verdict states calibration **and**, for each baseline, whether the model's log loss is
measurably lower, measurably higher or neither: the paired by-source bootstrap interval of
*model − baseline* log loss lies below 0, above 0, or contains it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from credscore.calibration import (
    brier_score,
    calibration_in_the_large,
    log_loss,
    metric_intervals,
    roc_auc,
)
from credscore.features import FAMILY_CLASSES
from credscore.report._stats import paired_difference

__all__ = ["OUTCOMES", "baselines", "verdict"]

#: What a baseline comparison can conclude (model − baseline log loss, paired 95% interval).
OUTCOMES = ("better", "worse", "not measurably different")


def _constant(model: Any, y: np.ndarray) -> tuple[float, str, str]:
    """The constant predictor: the training prior when the model knows it, else the base rate."""
    prior = getattr(model, "base_rate_", None)
    if prior is not None and np.isfinite(prior):
        return (
            float(prior),
            "training_prior",
            "share of the model's labelled training statements that held up, predicted for "
            "every statement",
        )
    return (
        float(y.mean()),
        "evaluation_base_rate",
        "share of the evaluated statements that held up (the training prior is unknown; this "
        "baseline has seen the evaluation labels, which flatters it)",
    )


def _one(
    name: str, description: str, y: np.ndarray, p_model: np.ndarray, p_base: np.ndarray, **kw: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "description": description,
        "metrics": {
            "log_loss": log_loss(y, p_base),
            "brier_score": brier_score(y, p_base),
            "roc_auc": roc_auc(y, p_base),
            "calibration_in_the_large": calibration_in_the_large(y, p_base),
        },
        "intervals": metric_intervals(
            y,
            p_base,
            metrics=("log_loss", "brier_score"),
            n_boot=kw["n_boot"],
            random_state=kw["random_state"],
            groups=kw["groups"],
        ),
        "model_minus_baseline": paired_difference(y, p_model, p_base, **kw),
    }


def baselines(
    model: Any,
    y: np.ndarray,
    p: np.ndarray,
    features: pd.DataFrame,
    mask: np.ndarray,
    full_features: Callable[[], pd.DataFrame],
    warnings: list[str],
    **kw: Any,
) -> list[dict[str, Any]]:
    """The constant baseline, then every family baseline, on the evaluated rows.

    A family baseline whose columns the model does not use is computed from
    ``full_features()`` (every family's columns); one that cannot be computed even then is
    named in ``warnings``, never dropped without a word.
    """
    const_p, const_kind, const_desc = _constant(model, y)
    if const_kind == "evaluation_base_rate":
        warnings.append(
            "the model's training prior is unknown; the constant baseline uses the "
            "evaluation base rate."
        )
    out = [
        _one("constant", f"{const_desc} (p = {const_p:.4f})", y, p, np.full(len(y), const_p), **kw)
    ]
    out[0]["p"] = const_p
    out[0]["p_source"] = const_kind
    for fam in FAMILY_CLASSES.values():
        for b in fam.baselines:
            feats = features
            if not all(c in feats.columns for c in b.needs):
                feats = full_features()
            if not all(c in feats.columns for c in b.needs):
                warnings.append(
                    f"baseline {b.name.replace('_', ' ')!r} left out: the {fam.name} family's "
                    "columns it reads could not be computed for these tables."
                )
                continue
            p_b = np.asarray(b.proba(feats), dtype=float)[mask]
            out.append(_one(b.name, b.description, y, p, p_b, **kw))
    return out


def _outcome(d: dict[str, Any]) -> str:
    if d["high"] is not None and d["high"] < 0:
        return "better"
    if d["low"] is not None and d["low"] > 0:
        return "worse"
    return "not measurably different"


def verdict(calibration: dict[str, Any], base: list[dict[str, Any]]) -> dict[str, Any]:
    """Calibration and each baseline comparison in one verdict.

    ``level`` is ``"ok"`` when the model is consistent with calibrated and measurably better
    than every baseline, ``"bad"`` when it is not consistent or a baseline is measurably
    better, ``"warn"`` otherwise.

    Examples
    --------
    >>> cal = {"consistent": True}
    >>> b = [{"name": "constant", "model_minus_baseline": {"log_loss":
    ...     {"estimate": -0.02, "low": -0.03, "high": -0.01}}}]
    >>> v = verdict(cal, b)
    >>> v["level"], v["comparisons"][0]["outcome"]
    ('ok', 'better')
    >>> b[0]["model_minus_baseline"]["log_loss"].update(low=-0.03, high=0.01)
    >>> verdict(cal, b)["level"]
    'warn'
    """
    comparisons = []
    for b in base:
        d = b["model_minus_baseline"]["log_loss"]
        comparisons.append(
            {
                "baseline": b["name"],
                "metric": "log_loss",
                "difference": {"estimate": d["estimate"], "low": d["low"], "high": d["high"]},
                "outcome": _outcome(d),
            }
        )
    outcomes = {c["outcome"] for c in comparisons}
    calibrated = bool(calibration["consistent"])
    if not calibrated or "worse" in outcomes:
        level = "bad"
    elif outcomes <= {"better"}:
        level = "ok"
    else:
        level = "warn"
    return {
        "calibrated": calibrated,
        "comparisons": comparisons,
        "beats_every_baseline": outcomes <= {"better"},
        "level": level,
    }
