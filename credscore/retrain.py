"""Retraining with a champion/challenger gate.

:func:`retrain` fits a challenger on fresh verdicts, compares it with the registry's champion on a
time-ordered holdout (the most recent labelled statements), and promotes it only when its holdout
log loss is at least as good. The holdout's labels are hidden while features are computed, so
both models see the same point-in-time records; the challenger that is saved is refitted on every
labelled statement after the comparison.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from credscore._tables import Tables
from credscore.artifacts import Registry
from credscore.calibration import brier_score, log_loss
from credscore.exceptions import ArtifactError, SchemaError
from credscore.model import CredibilityModel
from credscore.schema import validate_tables

__all__ = ["holdout_split", "retrain"]


def holdout_split(tables: Tables, fraction: float = 0.2) -> tuple[Tables, np.ndarray]:
    """Hides the labels of the latest ``fraction`` of labelled statements.

    Returns
    -------
    masked : Tables
        The same tables with the holdout's labels removed.
    holdout : ndarray of bool
        Which statements (rows of ``tables.statements``) form the holdout.
    """
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be in (0, 1), got {fraction}")
    tables = validate_tables(tables)
    st = tables.statements
    labelled = st["label"].notna().to_numpy()
    n_hold = round(float(labelled.sum()) * fraction)
    if n_hold < 10 or labelled.sum() - n_hold < 10:
        raise SchemaError(
            f"table 'statements', column 'label': {int(labelled.sum())} labelled statements are "
            "too few for a training part and a holdout of at least 10 each. Fix: add verdicts.",
            table="statements",
        )
    order = np.argsort(st["made_at"].to_numpy(), kind="stable")
    labelled_order = order[labelled[order]]
    holdout = np.zeros(len(st), dtype=bool)
    holdout[labelled_order[-n_hold:]] = True
    masked = st.assign(label=st["label"].where(~holdout), label_at=st["label_at"].where(~holdout))
    return Tables(statements=masked, sources=tables.sources, events=tables.events), holdout


def _holdout_scores(model: Any, masked: Tables, holdout: np.ndarray, y: np.ndarray) -> dict:
    p = model.predict_proba(masked)[:, 1][holdout]
    return {"log_loss": log_loss(y, p), "brier": brier_score(y, p), "n": int(holdout.sum())}


def retrain(
    tables: Tables,
    registry: Registry | str,
    name: str,
    *,
    holdout: float = 0.2,
    training_data: str | None = None,
    **params: Any,
) -> dict:
    """Fits a challenger, compares it with the champion, promotes it if at least as good.

    Parameters
    ----------
    tables : Tables
        Labelled statements (with their sources and events).
    registry : Registry or path
    name : str
        Name of the challenger in the registry.
    holdout : float, default 0.2
        Share of the labelled statements, the latest by ``made_at``, held out for the comparison.
    training_data : str, optional
        Description for the model card.
    **params
        Passed to :class:`~credscore.CredibilityModel`.

    Returns
    -------
    dict
        ``challenger`` and ``champion`` holdout figures, ``promoted`` and the champion's name.
    """
    reg = registry if isinstance(registry, Registry) else Registry(registry)
    tables = validate_tables(tables)
    masked, mask = holdout_split(tables, holdout)
    y = tables.statements["label"].to_numpy()[mask].astype(int)
    challenger = CredibilityModel(**params).fit(masked)
    result: dict[str, Any] = {
        "holdout": {
            "fraction": holdout,
            "n": int(mask.sum()),
            "from": str(pd.Timestamp(tables.statements["made_at"][mask].min())),
        },
        "challenger": _holdout_scores(challenger, masked, mask, y),
        "champion": None,
    }
    previous = reg.champion()
    if previous is not None:
        try:
            champion = reg.load_champion()
        except ArtifactError as exc:
            result["champion_error"] = str(exc)
        else:
            result["champion"] = {"name": previous, **_holdout_scores(champion, masked, mask, y)}
            period = getattr(champion, "training_period_", None)
            if period and pd.Timestamp(period[1]) >= pd.Timestamp(result["holdout"]["from"]):
                result["warning"] = (
                    f"the champion was trained on verdicts up to {period[1]}, after the holdout "
                    f"starts ({result['holdout']['from']}): it has seen part of the holdout, so "
                    "the comparison favours it. Retrain on verdicts newer than its training data."
                )
    champ = result["champion"]
    promote = champ is None or result["challenger"]["log_loss"] <= champ["log_loss"]
    final = CredibilityModel(**params).fit(tables)
    reg.add(
        final,
        name,
        training_data=training_data,
        metrics={
            "holdout_log_loss": result["challenger"]["log_loss"],
            "holdout_brier": result["challenger"]["brier"],
            "holdout_n": result["challenger"]["n"],
        },
    )
    if promote:
        reg.promote(name)
    result["promoted"] = bool(promote)
    result["champion_now"] = reg.champion()
    return result
