"""Retraining with a champion/challenger gate.

:func:`retrain` fits a challenger on fresh verdicts and compares it with the registry's
champion on a time-ordered holdout (the most recent labelled statements): the holdout's
labels are hidden while features are computed, so both models see the same point-in-time
records. The model that is saved is refitted on every labelled statement; it is added to the
registry under a new id whatever the decision (nothing is overwritten), and the champion
pointer moves only when the challenger's holdout log loss is at most the champion's, or with
``force=True``. The comparison runs under the registry's lock against the champion of that
moment, so two trainings finishing together are compared one after the other. The decision,
both models' metrics with bootstrap intervals (resampling whole sources), the paired
difference and who decided are appended to the registry's ``history.jsonl``.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from credscore._tables import Tables
from credscore.artifacts import Registry
from credscore.calibration import metric_intervals
from credscore.exceptions import ArtifactError, SchemaError
from credscore.model import CredibilityModel
from credscore.schema import validate_tables

__all__ = ["holdout_split", "retrain"]

N_BOOT = 500


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


def _scores(y: np.ndarray, p: np.ndarray, groups: np.ndarray) -> dict[str, Any]:
    metrics = ["log_loss", "brier_score"] + (["roc_auc"] if 0 < y.sum() < y.size else [])
    by_source = len(set(groups.tolist())) >= 2
    iv = metric_intervals(
        y, p, metrics=metrics, n_boot=N_BOOT, groups=groups if by_source else None
    )
    return {
        "log_loss": iv["log_loss"]["estimate"],
        "brier": iv["brier_score"]["estimate"],
        "n": int(y.size),
        "intervals": iv,
        "resampled": "sources" if by_source else "statements",
    }


def _paired_difference(y: np.ndarray, p_new: np.ndarray, p_old: np.ndarray) -> dict[str, float]:
    """Challenger minus champion log loss, with a paired bootstrap 95% interval (rows)."""

    def losses(p: np.ndarray) -> np.ndarray:
        q = np.clip(p, 1e-15, 1 - 1e-15)
        return -(y * np.log(q) + (1 - y) * np.log1p(-q))

    d = losses(p_new) - losses(p_old)
    rng = np.random.default_rng(0)
    boot = d[rng.integers(0, d.size, size=(N_BOOT, d.size))].mean(axis=1)
    low, high = np.quantile(boot, [0.025, 0.975])
    return {"estimate": float(d.mean()), "low": float(low), "high": float(high)}


def _model(params: dict[str, Any], quiet: bool) -> CredibilityModel:
    if quiet and "verbose" in inspect.signature(CredibilityModel).parameters:
        params = {**params, "verbose": 0}
    return CredibilityModel(**params)


@dataclass
class _Holdout:
    masked: Tables
    mask: np.ndarray
    y: np.ndarray
    groups: np.ndarray
    info: dict[str, Any]


def _fit(
    tables: Tables, holdout: float, params: dict, quiet: bool, say: Callable[[str], None]
) -> tuple[_Holdout, np.ndarray, CredibilityModel]:
    """The holdout, the challenger's holdout probabilities, and the model refitted on all."""
    masked, mask = holdout_split(tables, holdout)
    st = tables.statements
    labelled = st["label"].notna().to_numpy()
    say(f"fitting the challenger on {int((~mask & labelled).sum())} rows")
    challenger = _model(params, quiet).fit(masked)
    p_new = challenger.predict_proba(masked)[:, 1][mask]
    info = {
        "fraction": holdout,
        "n": int(mask.sum()),
        "from": str(pd.Timestamp(st["made_at"][mask].min())),
    }
    hold = _Holdout(
        masked,
        mask,
        st["label"].to_numpy()[mask].astype(int),
        st["source_id"].to_numpy()[mask],
        info,
    )
    say(f"refitting on all {int(labelled.sum())} labelled rows")
    return hold, p_new, _model(params, quiet).fit(tables)


def _gate(
    reg: Registry, hold: _Holdout, p_new: np.ndarray, chal: dict[str, Any]
) -> Callable[[str | None], tuple[bool, dict]]:
    """The decision :meth:`Registry.promote` runs under the lock, with the champion of then."""

    def decide(champion_id: str | None) -> tuple[bool, dict]:
        gate: dict[str, Any] = {
            "holdout": hold.info,
            "challenger": chal,
            "champion": None,
            "rule": "promote when holdout log loss <= the champion's",
        }
        if champion_id is None:
            return True, gate | {"decision": "promoted: no champion yet"}
        try:
            champ = reg.load_champion()
        except ArtifactError as exc:
            gate["champion_error"] = str(exc)
            return True, gate | {"decision": "promoted: the champion does not load"}
        p_old = champ.predict_proba(hold.masked)[:, 1][hold.mask]
        gate["champion"] = {"id": champion_id, **_scores(hold.y, p_old, hold.groups)}
        gate["difference_log_loss"] = _paired_difference(hold.y, p_new, p_old)
        start = str(hold.info["from"])
        period = getattr(champ, "training_period_", None)
        if period and pd.Timestamp(period[1]) >= pd.Timestamp(start):
            gate["warning"] = (
                f"the champion was trained on verdicts up to {period[1]}, after the holdout "
                f"starts ({start}): it has seen part of the holdout, so the comparison "
                "favours it. Retrain on verdicts newer than its training data."
            )
        better = chal["log_loss"] <= gate["champion"]["log_loss"]
        gate["decision"] = "promoted: at least as good" if better else "kept the champion"
        return better, gate

    return decide


def retrain(
    tables: Tables,
    registry: Registry | str,
    name: str | None = None,
    *,
    holdout: float = 0.2,
    training_data: str | None = None,
    force: bool = False,
    who: str | None = None,
    quiet: bool = False,
    progress: Callable[[str], None] | None = None,
    **params: Any,
) -> dict:
    """Fits a challenger, adds it to the registry, promotes it if at least as good as the champion.

    Parameters
    ----------
    tables : Tables
        Labelled statements (with their sources and events).
    registry : Registry or path
    name : str, optional
        Id of the new model in the registry (an error if it exists); by default the UTC time
        and the start of the model's SHA-256.
    holdout : float, default 0.2
        Share of the labelled statements, the latest by ``made_at``, held out for the comparison.
    training_data : str, optional
        Description for the model card.
    force : bool, default False
        Promote whatever the comparison says (recorded as forced).
    who : str, optional
        Who decided, for the history (default ``$CREDSCORE_USER`` or ``user@host``).
    quiet : bool, default False
        Fit with ``verbose=0`` where the model takes it.
    progress : callable, optional
        Called with a line of text at each stage.
    **params
        Passed to :class:`~credscore.CredibilityModel`.

    Returns
    -------
    dict
        ``model`` (the new id), ``promoted``, ``forced``, ``champion_now``, the ``holdout``,
        ``challenger`` and ``champion`` figures, and any ``warning``.
    """
    say = progress or (lambda line: None)
    start = time.perf_counter()
    reg = registry if isinstance(registry, Registry) else Registry(registry)
    tables = validate_tables(tables)
    hold, p_new, final = _fit(tables, holdout, params, quiet, say)
    chal = _scores(hold.y, p_new, hold.groups)
    metrics = {f"holdout_{k}": chal[k] for k in ("log_loss", "brier", "n")}
    metrics["holdout_from"] = hold.info["from"]
    path = reg.add(final, name, who=who, training_data=training_data, metrics=metrics)
    say(f"saved {path.name}; comparing with the champion")
    decide = _gate(reg, hold, p_new, chal)
    record = reg.promote(path.name, decide=decide, force=force, who=who, action="train")
    gate = record["gate"]
    result = {
        "model": path.name,
        "promoted": record["promoted"],
        "forced": bool(force),
        "champion_before": record["champion_before"],
        "champion_now": record["champion_after"],
        "holdout": hold.info,
        "challenger": chal,
        "champion": gate.get("champion"),
        "seconds": round(time.perf_counter() - start, 2),
    }
    keys = ("warning", "champion_error", "difference_log_loss", "decision")
    return result | {k: gate[k] for k in keys if k in gate}
