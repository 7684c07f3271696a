"""What a fitted model is made of, as one state dict (what artifacts save and load)."""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd

__all__ = ["STATE_KEYS", "ModelStateMixin", "fingerprint"]

#: Keys of :meth:`ModelStateMixin.to_state`.
STATE_KEYS: tuple[str, ...] = (
    "params",
    "extractor",
    "classifier",
    "feature_names",
    "reference",
    "base_rate",
    "training",
    "recalibration",
)
_TUPLE_PARAMS = ("families", "base_learners", "calibrators", "exclude")


def fingerprint(statements: pd.DataFrame) -> str:
    """SHA-256 of the training rows' ids, times and labels (identifies the training data).

    Examples
    --------
    >>> st = pd.DataFrame({"statement_id": ["a"], "made_at": ["2024-01-01"], "label": [1.0]})
    >>> fingerprint(st)[:12]
    'd755c536254b'
    """
    h = hashlib.sha256()
    for col in ("statement_id", "made_at", "label"):
        h.update(statements[col].astype(str).str.cat(sep="\x1f").encode("utf-8"))
    return h.hexdigest()


class ModelStateMixin:
    """``to_state`` / ``from_state`` for :class:`~credscore.CredibilityModel`.

    The state holds the constructor parameters, the extractor's fitted state (each family's,
    not its data files: those are reloaded and checked against their hashes), the fitted
    classifier, the feature columns, the reference row, the training description and any
    recalibration map. Everything but the classifier is JSON-ready.
    """

    def to_state(self) -> dict[str, Any]:
        """The fitted model as a dict with :data:`STATE_KEYS`."""
        self._check_fitted()  # type: ignore[attr-defined]
        m: Any = self
        return {
            "params": m.get_params(),
            "extractor": m.extractor_.get_state(),
            "classifier": m.classifier_,
            "feature_names": list(m.feature_names_),
            "reference": {
                str(k): (v if isinstance(v, str) else float(v)) for k, v in m.reference_.items()
            },
            "base_rate": float(m.base_rate_),
            "training": {
                "rows": int(m.n_train_rows_),
                "fingerprint": m.training_fingerprint_,
                "period": m.training_period_,
            },
            "recalibration": getattr(m, "recalibration_", None),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Any:
        """The model :meth:`to_state` described (data files reloaded by the families).

        Raises ``ValueError`` when the families now declare other columns than were saved.
        """
        missing = sorted(set(STATE_KEYS) - set(state))
        if missing:
            raise ValueError(f"model state lacks {missing}")
        params = dict(state["params"])
        params.setdefault("boosting", "fine")  # saved before schedules existed: all were fine
        for key in _TUPLE_PARAMS:
            if params.get(key) is not None and not isinstance(params[key], str):
                params[key] = tuple(params[key])
        model: Any = cls(**params)
        model.extractor_ = model._new_extractor().set_state(state["extractor"])
        model.classifier_ = state["classifier"]
        model.feature_names_ = list(state["feature_names"])
        model.reference_ = pd.Series(state["reference"], dtype=object).reindex(model.feature_names_)
        model.base_rate_ = float(state["base_rate"])
        training = state["training"]
        model.n_train_rows_ = training["rows"]
        model.training_fingerprint_ = training["fingerprint"]
        model.training_period_ = training.get("period")
        model.recalibration_ = state.get("recalibration")
        return model
