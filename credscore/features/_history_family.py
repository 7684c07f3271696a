"""The history feature family: declaration, transform and wording (see ``history``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from credscore._tables import ValidatedTables
from credscore.features._family import Baseline, Column, FamilyOutput, FeatureFamily, Slice
from credscore.features._history_words import record_words
from credscore.features.history import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_PRIOR_STRENGTH,
    HISTORY_COLUMNS,
    history_values,
    population_rates,
)

__all__ = ["RAW_COUNT_COLUMNS", "HistoryFamily"]


#: Columns about walk-backs (and confirmations) of earlier statements.
_RETRACTION_GROUP = (
    "hist_n_retracted",
    "hist_retraction_rate",
    "hist_days_since_retraction",
    "hist_has_retraction",
    "hist_retracted_decayed",
    "hist_n_confirmed",
)
#: Columns pooling verdicts and walk-backs into one outcome per earlier statement.
_RECORD_GROUP = ("hist_n_known", "hist_n_failed", "hist_failed_rate")
#: An increase never raises the probability of holding up.
_DECREASING = frozenset(
    {
        "hist_n_retracted",
        "hist_retraction_rate",
        "hist_retracted_decayed",
        "hist_false_rate",
        "hist_false_decayed",
        "hist_n_false",
        "hist_n_failed",
        "hist_failed_rate",
    }
)
#: An increase never lowers it.
_INCREASING = frozenset({"hist_n_confirmed"})
#: The record's raw counts: unbounded, they grow with the length of a record, so a model that
#: scores later statements than it was trained on extrapolates them (measured: calibration
#: slope 0.92 over 31 LIAR splits and 0.80 on LIAR2 2020-2023 with them, 0.99 and 1.05
#: without, at equal log loss). Models leave them out unless asked.
RAW_COUNT_COLUMNS: tuple[str, ...] = (
    "hist_n_prior",
    "hist_n_verdicts",
    "hist_n_false",
    "hist_n_known",
    "hist_n_failed",
)


def _history_group(name: str) -> str:
    if name in _RETRACTION_GROUP:
        return "retractions"
    if name in _RECORD_GROUP:
        return "record"
    return "verdicts"


def _track_record_labels(frame: pd.DataFrame) -> np.ndarray:
    none = frame["hist_n_prior"].to_numpy(dtype=float) == 0
    return np.where(none, "no track record", "has track record").astype(object)


def _track_record_proba(frame: pd.DataFrame) -> np.ndarray:
    return np.clip(1.0 - frame["hist_false_rate"].to_numpy(dtype=float), 0.0, 1.0)


class HistoryFamily(FeatureFamily):
    """The source's point-in-time record (see the module docstring for every column).

    Parameters
    ----------
    prior_strength : float, default 5.0
        Strength ``a`` of the Beta priors shrinking the rates toward the population rates.
    half_life_days : float, default 365.0
        Half-life of the decayed columns.

    Attributes
    ----------
    retraction_prior_, false_prior_ : float
        Population rates learned at fit time (:func:`population_rates`), the priors' centres.

    Examples
    --------
    >>> from credscore import validate_tables
    >>> import pandas as pd, numpy as np
    >>> t = validate_tables(pd.DataFrame({"statement_id": ["a", "b"], "source_id": ["s", "s"],
    ...     "text": ["", ""], "made_at": ["2024-01-01", "2024-02-01"], "label": [0, None]}))
    >>> fam = HistoryFamily().fit(t)
    >>> out = fam.transform(t, np.arange(2), details=True)
    >>> fam.describe("verdicts", out, np.array([0, 1]))
    ['no earlier verdicts on record', '1 of 1 earlier verdict found it false']
    """

    name = "history"
    groups = ("retractions", "record", "verdicts")
    extractor_params = ("prior_strength", "half_life_days")
    slices = (
        Slice(
            "track_record",
            "whether the source had any earlier statement (hist_n_prior == 0: no track record)",
            ("hist_n_prior",),
            _track_record_labels,
        ),
    )
    baselines = (
        Baseline(
            "track_record_only",
            "1 - hist_false_rate: the source's earlier false-verdict rate, shrunk towards the "
            "training prior (a source with no verdicts yet gets the constant baseline's p)",
            ("hist_false_rate",),
            _track_record_proba,
        ),
    )

    def __init__(
        self,
        prior_strength: float = DEFAULT_PRIOR_STRENGTH,
        half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    ) -> None:
        self.prior_strength = prior_strength
        self.half_life_days = half_life_days

    def _fit(self, tables: ValidatedTables) -> None:
        rates = population_rates(tables)
        self.retraction_prior_ = float(rates["retraction_rate"])
        self.false_prior_ = float(rates["false_rate"])

    def _columns(self) -> list[Column]:
        return [
            Column(
                name,
                _history_group(name),
                monotone=-1 if name in _DECREASING else (1 if name in _INCREASING else 0),
                raw_count=name in RAW_COUNT_COLUMNS,
            )
            for name in HISTORY_COLUMNS
        ]

    def _transform(self, tables: ValidatedTables, rows: np.ndarray, details: bool) -> FamilyOutput:
        values = history_values(
            tables,
            retraction_prior=self.retraction_prior_,
            false_prior=self.false_prior_,
            prior_strength=self.prior_strength,
            half_life_days=self.half_life_days,
        )  # every row (the record), of which only ``rows`` become a frame
        return FamilyOutput(pd.DataFrame(values[rows], columns=list(HISTORY_COLUMNS)))

    def describe(self, group: str, output: FamilyOutput, rows: np.ndarray) -> list[str]:
        """Words for the record: walk-backs, the pooled record, or the verdicts."""
        return record_words(output.frame, group, rows)

    def get_state(self) -> dict[str, float]:
        return {"retraction_prior_": self.retraction_prior_, "false_prior_": self.false_prior_}
