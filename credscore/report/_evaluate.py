"""``evaluate``: a fitted model and labelled tables in, every figure of the report out (a dict)."""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from credscore._tables import Tables
from credscore._version import __version__
from credscore.calibration import calibration_report
from credscore.calibration._drift import PERIODS
from credscore.exceptions import NotFittedError, SchemaError
from credscore.report._baselines import baselines as _baselines
from credscore.report._baselines import verdict as _verdict
from credscore.report._drift import drift_section
from credscore.report._slices import (
    BUILTIN_SLICES,
    has_columns,
    slice_description,
    slice_labels,
    slice_table,
    validate_slices,
)
from credscore.report._stats import (
    bootstrap_plan,
    check_bootstrap_by,
    jsonable,
    prediction_axis,
    prediction_histogram,
    reliability_bins,
)
from credscore.schema import validate_tables

__all__ = ["DEFAULT_SLICES", "evaluate"]

#: Slices computed by default (see :data:`credscore.report._slices.BUILTIN_SLICES`).
DEFAULT_SLICES: tuple[str, ...] = ("rank_family", "context", "track_record", "qualified")
#: Level of the calibration test, and the rule behind "consistent with calibrated".
ALPHA = 0.05
CALIBRATION_RULE = (
    "consistent with calibrated when the smECE calibration test has p-value >= 0.025 and the "
    "97.5% interval of the calibration slope contains 1 (each test at half the 0.05 level, so "
    "that a calibrated model is flagged in at most 5% of data sets)"
)
_MANIFEST_KEYS = ("format_version", "created_at", "versions", "selection", "training", "params")


def _as_tables(obj: Any, what: str) -> Tables:
    if isinstance(obj, str | os.PathLike):
        from credscore._io import read_tables

        return read_tables(obj)
    if isinstance(obj, Tables):
        return validate_tables(obj)
    raise TypeError(f"{what} must be Tables or a directory path, got {type(obj).__name__}.")


def _model_info(model: Any) -> dict[str, Any]:
    """What is known about the model: its manifest when loaded from an artifact."""
    manifest = getattr(model, "manifest_", None)
    info: dict[str, Any] = {"class": type(model).__name__}
    if isinstance(manifest, dict):
        info["from_artifact"] = True
        info.update({k: manifest[k] for k in _MANIFEST_KEYS if k in manifest})
        info["data_files"] = manifest.get("data_files", {})
        return info
    info["from_artifact"] = False
    info["selection"] = getattr(model, "selection_", None)
    info["training"] = {
        "rows": getattr(model, "n_train_rows_", None),
        "fingerprint": getattr(model, "training_fingerprint_", None),
    }
    return info


def _largest_errors(scored: pd.DataFrame, k: int) -> list[dict[str, Any]]:
    """The ``k`` evaluated statements the model got most wrong (highest log loss)."""
    if k <= 0:
        return []
    p = scored["p_reliable"].to_numpy(dtype=float)
    y = scored["label"].to_numpy(dtype=float)
    loss = -np.log(np.clip(np.where(y == 1, p, 1.0 - p), 1e-15, None))
    top = np.argsort(-loss, kind="stable")[:k]
    col = {c: scored[c].to_numpy()[top] for c in ("statement_id", "source_id", "text")}
    num = {c: scored[c].to_numpy(dtype=float)[top] for c in ("p_reliable", "p_low", "p_high")}
    return [
        {
            "statement_id": str(col["statement_id"][j]),
            "source_id": str(col["source_id"][j]),
            "label": int(y[i]),
            "p_reliable": float(num["p_reliable"][j]),
            "p_low": float(num["p_low"][j]),
            "p_high": float(num["p_high"][j]),
            "log_loss": float(loss[i]),
            "text": str(col["text"][j])[:200],
        }
        for j, i in enumerate(top)
    ]


def _fingerprint_matches(model: Any, labelled: pd.DataFrame) -> bool | None:
    fp = getattr(model, "training_fingerprint_", None)
    if not fp:
        return None
    from credscore.model import fingerprint

    return bool(fingerprint(labelled) == fp)


class _FullFeatures:
    """Every family's columns for the tables, computed once and only when asked for."""

    def __init__(self, tables: Tables, history: Tables | None) -> None:
        self.tables, self.history = tables, history
        self.frame: pd.DataFrame | None = None

    def __call__(self) -> pd.DataFrame:
        if self.frame is None:
            from credscore.features.extractor import extract_features

            self.frame = extract_features(self.tables, history=self.history)
        return self.frame


def _reliability(y: np.ndarray, p: np.ndarray, n_bins: int) -> dict[str, Any]:
    """The diagram's bins (the ECE's), the axis ranges it shows and the predictions' histogram."""
    bins = reliability_bins(y, p, n_bins)
    axis = prediction_axis(p, bins)
    return {
        "binning": "equal-mass",
        "n_bins": len(bins),
        "bins": bins,
        "axis": axis,
        "histogram": prediction_histogram(p, axis["x_low"], axis["x_high"]),
    }


def _slice_figures(
    names: Sequence[str],
    features: pd.DataFrame,
    full: _FullFeatures,
    st: pd.DataFrame,
    mask: np.ndarray,
    y: np.ndarray,
    p: np.ndarray,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        feats = features
        if name in BUILTIN_SLICES and not has_columns(features, name):
            feats = full()  # the model does not use that family: compute it for slicing
        labels = slice_labels(name, feats, st.set_axis(feats.index)).to_numpy(dtype=object)[mask]
        out[name] = {
            "description": slice_description(name),
            "rows": slice_table(pd.Series(labels), y, p),
        }
    return out


def _check_labelled(st: pd.DataFrame) -> None:
    if "label" not in st.columns or not st["label"].notna().any():
        raise SchemaError(
            "table 'statements', column 'label': no statement is labelled, so there is nothing "
            "to evaluate. Fix: add 1 (held up) / 0 (did not) labels to the statements to "
            "evaluate on; unlabelled statements can go in as history.",
            table="statements",
        )


def _data_warnings(
    model: Any, st: pd.DataFrame, mask: np.ndarray, y: np.ndarray
) -> tuple[list[str], bool | None]:
    """Warnings about the evaluated rows, and whether they are the model's training rows."""
    warnings: list[str] = []
    on_train = _fingerprint_matches(model, st[mask])
    if on_train:
        warnings.append(
            "the evaluated statements are exactly the model's training statements (same "
            "fingerprint): these figures are in-sample and flatter the model."
        )
    n = int(mask.sum())
    if n < 100:
        warnings.append(f"only {n} labelled statements: intervals are wide, read with care.")
    if y.min() == y.max():
        warnings.append("all evaluated statements have one label: AUC and slope are undefined.")
    return warnings, on_train


def _data_figures(
    st: pd.DataFrame, mask: np.ndarray, y: np.ndarray, hist: Tables | None, on_train: bool | None
) -> dict[str, Any]:
    made = pd.DatetimeIndex(st["made_at"])[mask]
    return {
        "n_statements": len(st),
        "n_evaluated": int(mask.sum()),
        "n_unlabelled_skipped": int((~mask).sum()),
        "n_history_statements": 0 if hist is None else len(hist.statements),
        "n_sources": int(st.loc[mask, "source_id"].nunique()),
        "n_held_up": int(y.sum()),
        "base_rate": float(y.mean()),
        "made_at_min": made.min().isoformat(),
        "made_at_max": made.max().isoformat(),
        "evaluated_on_training_data": on_train,
    }


def _calibration(test: dict[str, Any]) -> dict[str, Any]:
    return {
        "consistent": bool(test["consistent"]),
        "rule": CALIBRATION_RULE,
        "smece_p_value": test["smece"]["p_value"],
        "slope": test["slope"],
        "slope_ci": test["slope_ci"],
        "intercept": test["intercept"],
        "intercept_ci": test["intercept_ci"],
    }


def evaluate(
    model: Any,
    tables: Tables | str | os.PathLike,
    *,
    history: Tables | str | os.PathLike | None = None,
    slices: Sequence[str] = DEFAULT_SLICES,
    n_bins: int = 15,
    n_boot: int = 500,
    n_sim: int = 1000,
    n_examples: int = 10,
    random_state: int = 0,
    bootstrap_by: str = "source",
    by: str | None = None,
) -> dict[str, Any]:
    """Every figure of the offline evaluation report for ``model`` on labelled ``tables``.

    All statements are scored (unlabelled ones still feed their sources' point-in-time
    records), but only labelled statements are evaluated; the others are counted in
    ``data.n_unlabelled_skipped``.

    Parameters
    ----------
    model : CredibilityModel
        A fitted model, e.g. from :func:`credscore.load_model` (its manifest is then reported).
    tables : Tables or path-like
        The evaluation tables (a directory is read with :func:`credscore.read_tables`).
    history : Tables or path-like, optional
        Earlier statements and events that feed the sources' records without being evaluated.
    slices : sequence of str, default ("rank_family", "context", "track_record", "qualified")
        Built-in slices (:data:`~credscore.report._slices.BUILTIN_SLICES`) or column names of
        the statements or feature table (e.g. ``"topic"``).
    n_bins : int, default=15
        Equal-mass bins of the reliability diagram and of the ECE (one binning for both).
    n_boot : int, default=500
        Bootstrap resamples of every interval.
    bootstrap_by : {"source", "statement"}, default="source"
        What a bootstrap resample draws with replacement. ``"source"``: whole sources with all
        their evaluated statements (a cluster bootstrap), because statements of one source
        share its unmodelled reliability and resampling them one by one makes the intervals
        too narrow. ``"statement"``: statements one by one. With a single evaluated source,
        statements are resampled and a warning says so; with fewer than 30, a warning says
        the by-source intervals rest on few clusters.
    n_sim : int, default=1000
        Simulations of the calibration test's null distribution.
    n_examples : int, default=10
        How many of the largest errors (highest log loss) to list with their text; 0: none.
    random_state : int, default=0
    by : {"week", "month", "quarter", "year"}, optional
        Also run the drift monitor: the calibration test per period (``drift`` in the result,
        see :mod:`credscore.report._drift`).

    Returns
    -------
    dict
        JSON-ready (NaN written as None): ``report`` (settings), ``data``, ``model``,
        ``bootstrap`` (``unit`` resampled, ``n_clusters``, ``description``),
        ``model_metrics`` (:func:`credscore.calibration.calibration_report`),
        ``calibration`` (the calibration test's verdict and its rule), ``verdict``
        (calibration and, per baseline, whether the model's log loss is measurably
        ``better``, ``worse`` or ``not measurably different`` by the paired interval; a
        ``level`` ok/warn/bad), ``reliability`` (the ECE's bins, the ``axis`` ranges the
        diagram shows and the ``histogram`` of predictions), ``baselines``, ``slices``,
        ``largest_errors`` and ``warnings``.

    Raises
    ------
    SchemaError
        If a table is malformed or no statement is labelled.
    NotFittedError
        If the model is not fitted.

    Examples
    --------
    >>> from credscore import CredibilityModel
    >>> from credscore.datasets.simulator import simulate
    >>> tables, _ = simulate(n_statements=400, n_sources=30, random_state=0)
    >>> model = CredibilityModel(base_learners=("logistic",), calibrators=("sigmoid",),
    ...                          cv=2).fit(tables)
    >>> res = evaluate(model, tables, n_boot=50, n_sim=50, slices=("track_record",))
    >>> res["data"]["n_evaluated"], sum(b["count"] for b in res["reliability"]["bins"])
    (400, 400)
    >>> res["warnings"][0][:36]
    'the evaluated statements are exactly'
    >>> res["bootstrap"]["unit"], res["bootstrap"]["n_clusters"]
    ('source', 30)
    """
    if not hasattr(model, "classifier_"):
        raise NotFittedError(
            f"this {type(model).__name__} is not fitted. Fix: fit it first, or load one with "
            "credscore.load_model(MODEL_DIR)."
        )
    names = validate_slices(slices)
    if by is not None and by not in PERIODS:  # drift monitor option
        raise ValueError(f"by must be one of {sorted(PERIODS)} or None, got {by!r}.")
    check_bootstrap_by(bootstrap_by)
    tabs = _as_tables(tables, "tables")
    hist = _as_tables(history, "history") if history is not None else None
    st = tabs.statements
    _check_labelled(st)
    scores, features = model.score_and_features(tabs, history=hist)
    mask = st["label"].notna().to_numpy()
    y = st["label"].to_numpy()[mask].astype(float)
    p = scores["p_reliable"].to_numpy(dtype=float)[mask]
    warnings, on_train = _data_warnings(model, st, mask, y)
    groups, boot_info = bootstrap_plan(
        bootstrap_by, st["source_id"].to_numpy(dtype=object)[mask], warnings
    )
    kw: dict[str, Any] = {"n_boot": n_boot, "random_state": random_state, "groups": groups}
    rep = calibration_report(y, p, n_bins=n_bins, n_sim=n_sim, **kw)
    full = _FullFeatures(tabs, hist)
    base = _baselines(model, y, p, features, mask, full, warnings, **kw)
    calibration = _calibration(rep["test"])
    scored = scores[mask].assign(
        source_id=st.loc[mask, "source_id"].to_numpy(),
        label=y,
        text=st.loc[mask, "text"].to_numpy(),
    )
    settings = {
        "n_bins": n_bins,
        "n_boot": n_boot,
        "n_sim": n_sim,
        "random_state": random_state,
        "bootstrap_by": bootstrap_by,
        "alpha": ALPHA,
        "slices": list(names),
    }
    result = {
        "report": {
            "title": "credscore evaluation report",
            "created_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "credscore_version": __version__,
            "settings": settings,
        },
        "data": _data_figures(st, mask, y, hist, on_train),
        "model": _model_info(model),
        "bootstrap": {**boot_info, "n_boot": n_boot},
        "model_metrics": rep,
        "calibration": calibration,
        "verdict": _verdict(calibration, base),
        "reliability": _reliability(y, p, n_bins),
        "baselines": base,
        "slices": _slice_figures(names, features, full, st, mask, y, p),
        "largest_errors": _largest_errors(scored, n_examples),
        "warnings": warnings,
    }
    if by is not None:  # drift monitor (credscore/report/_drift.py)
        src = st.loc[mask, "source_id"].to_numpy(dtype=object)
        made = pd.DatetimeIndex(st["made_at"])[mask]
        result["drift"] = drift_section(y, p, made, src, by=by, random_state=random_state)
    return jsonable(result)
