"""The text feature family: the statement's wording as one raw column for TF-IDF learners."""

from __future__ import annotations

import numpy as np
import pandas as pd

from credscore._tables import ValidatedTables
from credscore.features._family import Column, FamilyOutput, FeatureFamily

__all__ = ["TextFamily"]


class TextFamily(FeatureFamily):
    """The raw statement text (one ``text`` column), for learners that read words.

    Off by default: a model that learns from wording carries training vocabulary inside its
    artifact. ``CredibilityModel(text_features=True)`` turns it on (logistic learner only).

    Examples
    --------
    >>> from credscore import validate_tables
    >>> t = validate_tables(pd.DataFrame({"statement_id": ["a"], "source_id": ["s"],
    ...     "text": ["It rained."], "made_at": ["2024-01-01"]}))
    >>> TextFamily().fit(t).transform(t, np.arange(1)).frame["text"].tolist()
    ['It rained.']
    """

    name = "text"
    groups = ("text",)

    def __init__(self) -> None:
        pass

    def _columns(self) -> list[Column]:
        return [Column("text", "text", kind="text")]

    def _transform(self, tables: ValidatedTables, rows: np.ndarray, details: bool) -> FamilyOutput:
        text = tables.statements["text"].to_numpy(dtype=object)[rows]
        return FamilyOutput(pd.DataFrame({"text": text}))

    def describe(self, group: str, output: FamilyOutput, rows: np.ndarray) -> list[str]:
        """A fixed phrase: the TF-IDF block has no short wording of its own."""
        return ["the wording of the statement"] * len(rows)
