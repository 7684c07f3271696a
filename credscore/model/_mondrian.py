"""Group-conditional (Mondrian) calibration: one recalibration map per group a user names.

A model calibrated overall can be off inside groups (one party's statements over-predicted,
another's under-predicted). :class:`GroupCalibratedModel` wraps a fitted
:class:`~credscore.CredibilityModel` and fits, on held-out verdicts, a pooled map
``logit p' = a + b · logit p`` and, for each group with at least ``min_group_size`` verdicts of
both outcomes, its own map, written as a deviation from the pooled one and shrunk towards it by
a ridge penalty of strength ``shrinkage`` (in the units of the log-likelihood, so about as many
pseudo-verdicts): groups with many verdicts get their own calibration, small ones stay close to
the pooled map, and groups below the minimum (or unseen at fit time) use the pooled map alone.
Every map is increasing, so the ranking inside a group is kept (across groups it can change:
that is the point).

The group is a column of the statements (``topic``, ``context``, ...), of the sources
(``source_type``, ``party``, ...; joined by ``source_id``) or of the feature table
(``rank_family``, ...). Missing values form their own group, ``"(missing)"``. The wrapped model
is not changed: its predict path and its artifact stay as they are; the group maps are a
JSON-ready dict (:meth:`GroupCalibratedModel.to_dict`).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from credscore._tables import Tables
from credscore.calibration import expit, fit_logistic
from credscore.exceptions import NotFittedError, SchemaError
from credscore.model._recalibrate import TrainingOverlapWarning, overlap_with_training

__all__ = ["DEFAULT_MIN_GROUP_SIZE", "GroupCalibratedModel"]

#: Fewest held-out verdicts a group needs for its own map.
DEFAULT_MIN_GROUP_SIZE = 100
_MISSING = "(missing)"
_POOLED = "(pooled)"


def _z(p: np.ndarray) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=float), 1e-9, 1 - 1e-9)
    return np.log(q) - np.log1p(-q)


def _labels(values: Any) -> np.ndarray:
    s = pd.Series(values, dtype=object)
    return s.where(s.notna(), _MISSING).astype(str).to_numpy(dtype=object)


class GroupCalibratedModel:
    """A fitted model plus one calibration map per group of a column (Mondrian calibration).

    Parameters
    ----------
    model : CredibilityModel
        Fitted; it is used as is (its own recalibration included).
    by : str
        Column naming the group: of the statements, of the sources, or of the features.
    min_group_size : int, default 100
        Fewest held-out verdicts (of both outcomes) for a group's own map.
    shrinkage : float, default 10.0
        Ridge strength pulling each group's map towards the pooled one.

    Attributes
    ----------
    pooled_ : dict
        ``{"intercept", "slope", "n"}`` of the pooled map.
    groups_ : dict of str to dict
        Each group with its own map: ``{"intercept", "slope", "n", "base_rate"}``.
    counts_ : dict of str to int
        Held-out verdicts per group, own map or not.

    Examples
    --------
    >>> import credscore
    >>> from credscore.datasets import simulate
    >>> tables, _ = simulate(3000, 40, random_state=2)
    >>> st = tables.statements
    >>> early = credscore.Tables(statements=st.assign(label=st["label"].where(st.index < 2000)),
    ...                          sources=tables.sources, events=tables.events)
    >>> model = credscore.CredibilityModel(base_learners=("logistic",), cv=3).fit(early)
    >>> late = credscore.Tables(statements=st.assign(label=st["label"].where(st.index >= 2000)),
    ...                         sources=tables.sources, events=tables.events)
    >>> gm = GroupCalibratedModel(model, by="topic").fit(late)
    >>> sorted(gm.groups_) == sorted(st["topic"].unique())
    True
    >>> list(gm.score(late, explain=False).columns)[-1]
    'calibration_group'
    """

    def __init__(
        self,
        model: Any,
        by: str,
        *,
        min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
        shrinkage: float = 10.0,
    ) -> None:
        self.model = model
        self.by = by
        self.min_group_size = min_group_size
        self.shrinkage = shrinkage

    # -- groups ----------------------------------------------------------------------------
    def _groups(self, tables: Tables, feature_frame: pd.DataFrame | None) -> tuple[np.ndarray, str]:
        st = tables.statements
        if self.by in st.columns:
            return _labels(st[self.by].to_numpy(dtype=object)), "statements"
        src = tables.sources
        if src is not None and self.by in src.columns:
            col = src.set_index("source_id")[self.by]
            return _labels(st["source_id"].map(col).to_numpy(dtype=object)), "sources"
        if feature_frame is not None and self.by in feature_frame.columns:
            return _labels(feature_frame[self.by].to_numpy(dtype=object)), "features"
        raise SchemaError(
            f"column {self.by!r} is in neither the statements, the sources nor the feature "
            "table, so it cannot name the calibration groups. Fix: pass by= one of the "
            f"statements' columns {sorted(st.columns)[:8]}..., a sources column, or a feature "
            "column such as 'rank_family'.",
            table="statements",
        )

    def _scored(self, tables: Tables, history: Tables | None, explain: bool) -> tuple:
        """``(scores, group labels)`` from as few extraction passes as possible."""
        st = tables.statements
        in_tables = self.by in st.columns or (
            tables.sources is not None and self.by in tables.sources.columns
        )
        if in_tables:
            scores = self.model.score(tables, history=history, explain=explain)
            return scores, self._groups(tables, None)[0]
        scores, frame = self.model.score_and_features(tables, history=history)
        if explain:
            scores = self.model.score(tables, history=history, explain=True)
        return scores, self._groups(tables, frame)[0]

    def _tables(self, statements: Any, sources: Any, events: Any) -> Tables:
        from credscore.schema import validate_tables

        if isinstance(statements, Tables):
            return validate_tables(statements)
        return validate_tables(statements, sources, events)

    # -- fit / apply -----------------------------------------------------------------------
    def fit(
        self,
        statements: Any,
        sources: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        *,
        history: Tables | None = None,
        allow_overlap: bool = False,
    ) -> GroupCalibratedModel:
        """Fits the pooled and the group maps on the labelled statements (held-out verdicts).

        Rows made inside the model's training period warn (their scores are in-sample), as in
        :meth:`CredibilityModel.recalibrate`; ``allow_overlap=True`` silences it.
        """
        tables = self._tables(statements, sources, events)
        scores, groups = self._scored(tables, history, explain=False)
        y = pd.to_numeric(tables.statements["label"], errors="coerce").to_numpy(dtype=float)
        k = np.isfinite(y)
        if k.sum() < 20 or len(np.unique(y[k])) < 2:
            raise SchemaError(
                f"table 'statements', column 'label': group calibration needs at least 20 "
                f"labelled statements of both outcomes; got {int(k.sum())}. Fix: pass more "
                "held-out verdicts.",
                table="statements",
            )
        ov = overlap_with_training(self.model, tables.statements[k])
        if ov["rows"] and not allow_overlap:
            warnings.warn(
                f"GroupCalibratedModel.fit: {ov['rows']} of the {ov['of']} labelled statements "
                "were made inside the model's training period; their scores are in-sample. Fix: "
                "fit on verdicts the model was not trained on, or pass allow_overlap=True.",
                TrainingOverlapWarning,
                stacklevel=2,
            )
        z, yk, gk = _z(scores["p_reliable"].to_numpy(dtype=float)[k]), y[k], groups[k]
        coef, _ = fit_logistic(z, yk, ridge=1e-6)
        self.pooled_ = {"intercept": float(coef[0]), "slope": float(coef[1]), "n": int(k.sum())}
        pooled_lp = coef[0] + coef[1] * z
        self.groups_: dict[str, dict[str, Any]] = {}
        labels, counts = np.unique(gk, return_counts=True)
        self.counts_ = {str(g): int(c) for g, c in zip(labels, counts, strict=True)}
        for g in labels[counts >= self.min_group_size]:
            m = gk == g
            if len(np.unique(yk[m])) < 2:
                continue
            d, _ = fit_logistic(z[m], yk[m], offset=pooled_lp[m], ridge=self.shrinkage)
            a, b = float(coef[0] + d[0]), float(coef[1] + d[1])
            if b > 0:  # a decreasing map would invert the group's ranking: keep the pooled one
                self.groups_[str(g)] = {
                    "intercept": a,
                    "slope": b,
                    "n": int(m.sum()),
                    "base_rate": float(yk[m].mean()),
                }
        self.overlap_with_training_ = ov
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "pooled_"):
            raise NotFittedError(
                "this GroupCalibratedModel is not fitted yet. Fix: call fit(held_out_tables)."
            )

    def apply(self, p: Any, groups: Any) -> tuple[np.ndarray, np.ndarray]:
        """``(calibrated p, which map: the group or "(pooled)")`` for probabilities and labels."""
        self._check_fitted()
        z, g = _z(np.asarray(p, dtype=float)), _labels(groups)
        a = np.full(z.shape, self.pooled_["intercept"])
        b = np.full(z.shape, self.pooled_["slope"])
        used = np.full(z.shape, _POOLED, dtype=object)
        for name, m in self.groups_.items():
            k = g == name
            a[k], b[k], used[k] = m["intercept"], m["slope"], name
        return expit(a + b * z), used

    def score(
        self,
        statements: Any,
        sources: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        *,
        history: Tables | None = None,
        explain: bool = True,
    ) -> pd.DataFrame:
        """The model's scores, calibrated per group, with ``calibration_group`` (the map used).

        ``reasons`` are worded by the model before the group calibration.
        """
        self._check_fitted()
        tables = self._tables(statements, sources, events)
        scores, groups = self._scored(tables, history, explain)
        out = scores.copy()
        for col in ("p_reliable", "p_low", "p_high"):
            out[col], used = self.apply(out[col].to_numpy(dtype=float), groups)
        out["calibration_group"] = used
        return out

    # -- state -----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The fitted maps as a JSON-ready dict (the wrapped model is saved on its own)."""
        self._check_fitted()
        return {
            "by": self.by,
            "min_group_size": self.min_group_size,
            "shrinkage": self.shrinkage,
            "pooled": self.pooled_,
            "groups": self.groups_,
            "counts": self.counts_,
            "model_training_fingerprint": getattr(self.model, "training_fingerprint_", None),
        }

    @classmethod
    def from_dict(cls, model: Any, state: dict[str, Any]) -> GroupCalibratedModel:
        """Rebuilds the wrapper around ``model``; refuses maps fitted for another model."""
        fp = state.get("model_training_fingerprint")
        if fp and fp != getattr(model, "training_fingerprint_", None):
            raise ValueError(
                "these group maps were fitted on another model's scores (training fingerprint "
                "differs). Fix: refit GroupCalibratedModel on this model."
            )
        gm = cls(
            model, state["by"], min_group_size=state["min_group_size"], shrinkage=state["shrinkage"]
        )
        gm.pooled_, gm.groups_, gm.counts_ = state["pooled"], state["groups"], state["counts"]
        gm.overlap_with_training_ = {}
        return gm
