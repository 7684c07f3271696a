"""The body of :meth:`CredibilityModel.recalibrate`: rows, overlap check, choice, guard."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from credscore.exceptions import SchemaError
from credscore.model._recal_select import DEFAULT_WINDOWS, choose_recalibration
from credscore.model._recalibration import FORMS
from credscore.model._state import fingerprint

__all__ = ["TrainingOverlapWarning", "recalibrate_model"]


class TrainingOverlapWarning(UserWarning):
    """Recalibration rows were (or may have been) the model's own training rows."""


def _utc(ts: Any) -> pd.Timestamp:
    t = pd.Timestamp(ts)
    return t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")


def overlap_with_training(model: Any, st: pd.DataFrame) -> dict[str, Any]:
    """How many rows of ``st`` were made inside the training period; exactly the training rows?

    Examples
    --------
    >>> class M:
    ...     training_period_ = ["2024-01-01T00:00:00+00:00", "2024-06-30T00:00:00+00:00"]
    ...     training_fingerprint_ = "x"
    >>> st = pd.DataFrame({"statement_id": ["a", "b"], "label": [1.0, 0.0],
    ...                    "made_at": pd.to_datetime(["2024-03-01", "2024-08-01"], utc=True)})
    >>> overlap_with_training(M(), st)["rows"]
    1
    """
    period = getattr(model, "training_period_", None)
    out: dict[str, Any] = {"rows": 0, "of": len(st), "exact_training_rows": False}
    if not period:
        return out
    start, end = _utc(period[0]), _utc(period[1])
    inside = (st["made_at"] >= start) & (st["made_at"] <= end)
    out["rows"] = int(inside.sum())
    out["training_period"] = [str(start), str(end)]
    fp = getattr(model, "training_fingerprint_", None)
    out["exact_training_rows"] = bool(fp) and fingerprint(st) == fp
    return out


def _warn_overlap(ov: dict[str, Any]) -> None:
    what = (
        "are exactly the model's training rows (same fingerprint)"
        if ov["exact_training_rows"]
        else f"were made inside its training period ({ov['training_period'][0]} to "
        f"{ov['training_period'][1]}) and may be training rows"
    )
    warnings.warn(
        f"recalibrate: {ov['rows']} of the {ov['of']} labelled statements used {what}. The "
        "model's scores on rows it was trained on are sharper than on new ones, so a map fitted "
        "on them spreads later scores too far (measured: a slope of 7.5 on the training rows of "
        "the simulated_newsroom example). Fix: recalibrate on verdicts of statements made after "
        f"{ov['training_period'][1]} (since=...), or pass allow_overlap=True if these rows were "
        "not training rows.",
        TrainingOverlapWarning,
        stacklevel=3,
    )


def _check_options(form: str, window: Any) -> None:
    if form != "auto" and form not in FORMS:
        raise ValueError(f"form must be 'auto' or one of {FORMS}, got {form!r}.")
    if not (window in ("auto", None) or (isinstance(window, int | float) and window > 0)):
        raise ValueError(f"window must be 'auto', None (all rows) or days > 0, got {window!r}.")


def recalibrate_model(
    model: Any,
    st: pd.DataFrame,
    features: pd.DataFrame,
    *,
    since: Any = None,
    form: str = "auto",
    window: Any = "auto",
    period_days: float = 30.0,
    allow_overlap: bool = False,
) -> dict[str, Any]:
    """The recalibration map for ``model`` from the labelled rows of ``st`` (see
    :meth:`CredibilityModel.recalibrate`); the model's current map is left in place."""
    _check_options(form, window)
    keep = st["label"].notna().to_numpy().copy()
    if since is not None:
        keep &= (st["made_at"] >= _utc(since)).to_numpy()
    rows = st[keep]
    if len(rows) == 0:
        raise SchemaError(
            "table 'statements', column 'label': no labelled statement"
            f"{'' if since is None else f' made at or after {since}'} to recalibrate on. Fix: "
            "pass recent statements with verdicts (label 1/0).",
            table="statements",
        )
    ov = overlap_with_training(model, rows)
    if ov["exact_training_rows"] and not allow_overlap:
        raise SchemaError(
            f"table 'statements': the {len(rows)} labelled statements given to recalibrate are "
            "exactly the model's training rows (same fingerprint); on them the model's scores "
            "are in-sample, so any map fitted there is wrong for new statements (measured: a "
            "slope of 7.5 on the simulated_newsroom example). Fix: recalibrate on verdicts of "
            f"statements made after {ov['training_period'][1]}, or pass allow_overlap=True.",
            table="statements",
        )
    if ov["rows"] and not allow_overlap:
        _warn_overlap(ov)
    old = model.recalibration_
    model.recalibration_ = None
    try:
        p = model._proba(features.iloc[np.flatnonzero(keep)])
    finally:
        model.recalibration_ = old
    y = rows["label"].to_numpy(dtype=float)
    t = pd.DatetimeIndex(rows["made_at"]).asi8
    known = t
    if "label_at" in rows.columns:
        at = pd.DatetimeIndex(rows["label_at"])
        known = np.where(at.isna(), t, at.asi8)
    windows = DEFAULT_WINDOWS if window == "auto" else (None if window is None else int(window),)
    forms = FORMS if form == "auto" else (form,)
    chosen = choose_recalibration(
        p, y, t, known, forms=forms, windows=windows, period_days=period_days
    )
    if form != "auto" and chosen["form"] != form:
        warnings.warn(
            f"recalibrate: the {form!r} map was not applied ({chosen['selection']['rule']}; "
            f"{'; '.join(chosen['selection'].get('guard', [])) or 'the identity did better'}).",
            UserWarning,
            stacklevel=3,
        )
    chosen["since"] = None if since is None else str(since)
    chosen["overlap_with_training"] = ov
    return chosen
