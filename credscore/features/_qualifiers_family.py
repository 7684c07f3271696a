"""The qualifier feature family: declaration, transform and wording (see ``qualifiers``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from credscore._tables import ValidatedTables
from credscore.features._family import Column, FamilyOutput, FeatureFamily, Slice, data_entry
from credscore.features._qualifiers_lexicon import load_lexicon
from credscore.features._qualifiers_scan import Qualifier, find_qualifiers, qualifier_features

__all__ = ["CUES_PER_CATEGORY", "QUALIFIER_WORDS", "QualifierFamily"]


#: How the reasons name each category.
QUALIFIER_WORDS: dict[str, str] = {
    "hedge": "hedges",
    "approximator": "approximates",
    "scope_limiter": "limits its scope",
    "hearsay": "relies on others",
    "absolute": "speaks in absolutes",
    "number": "gives figures",
}
#: Distinct cues quoted per category in a reason.
CUES_PER_CATEGORY = 3


def _qualified_labels(frame: pd.DataFrame) -> np.ndarray:
    q = frame["q_any"].to_numpy(dtype=float) > 0
    return np.where(q, "qualified", "unqualified").astype(object)


def _describe_spans(spans: list[Qualifier]) -> str:
    if not spans:
        return "no hedges, approximations, limits or attributions"
    by_cat: dict[str, list[str]] = {}
    for s in spans:
        cues = by_cat.setdefault(s.category, [])
        if s.cue.lower() not in {c.lower() for c in cues}:
            cues.append(s.cue)
    parts = [
        f"{QUALIFIER_WORDS.get(cat, cat)}: " + ", ".join(f"'{c}'" for c in cues[:CUES_PER_CATEGORY])
        for cat, cues in by_cat.items()
    ]
    return "statement " + "; ".join(parts)


class QualifierFamily(FeatureFamily):
    """How the statement bounds itself: hedges, approximators, limiters, hearsay, absolutes.

    Parameters
    ----------
    lexicon : str or path, optional
        Extra cue file extending the bundled lexicon (:func:`load_lexicon`).

    Examples
    --------
    >>> from credscore import validate_tables
    >>> import pandas as pd, numpy as np
    >>> t = validate_tables(pd.DataFrame({"statement_id": ["a"], "source_id": ["s"],
    ...     "text": ["Probably about 300 left."], "made_at": ["2024-01-01"]}))
    >>> fam = QualifierFamily().fit(t)
    >>> out = fam.transform(t, np.arange(1), details=True)
    >>> fam.describe("qualifiers", out, np.array([0]))
    ["statement hedges: 'Probably'; approximates: 'about'; gives figures: '300'"]
    """

    name = "qualifiers"
    groups = ("qualifiers",)
    extractor_params = ("lexicon",)
    slices = (
        Slice(
            "qualified",
            "whether the statement carries any scope qualifier (q_any > 0)",
            ("q_any",),
            _qualified_labels,
        ),
    )

    def __init__(self, lexicon: Any = None) -> None:
        self.lexicon = lexicon

    def load_data_files(self) -> None:
        self.lexicon_ = load_lexicon(self.lexicon)

    def _columns(self) -> list[Column]:
        empty = pd.Series([], dtype=object)
        return [Column(c, "qualifiers") for c in qualifier_features(empty, self.lexicon_).columns]

    def _transform(self, tables: ValidatedTables, rows: np.ndarray, details: bool) -> FamilyOutput:
        texts = tables.statements["text"].iloc[rows].reset_index(drop=True)
        frame = qualifier_features(texts, self.lexicon_).reset_index(drop=True)
        return FamilyOutput(frame, texts.tolist() if details else None)

    def describe(self, group: str, output: FamilyOutput, rows: np.ndarray) -> list[str]:
        """Quotes up to three distinct cues per category, in order of appearance."""
        texts = output.details
        return [
            _describe_spans(find_qualifiers(texts[i], self.lexicon_) if texts[i] else [])
            for i in rows.tolist()
        ]

    def data_files(self) -> dict[str, dict[str, str]]:
        return {"qualifier_lexicon": data_entry(self.lexicon_)}
