"""The qualifier feature family: declaration, transform and wording (see ``qualifiers``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from credscore._tables import ValidatedTables
from credscore.features._family import Column, FamilyOutput, FeatureFamily, Slice, data_entry
from credscore.features._qualifiers_lexicon import load_lexicon
from credscore.features._qualifiers_scan import qualifier_features, scan_qualifiers

__all__ = ["CUES_PER_CATEGORY", "MAX_CUE_CHARS", "QUALIFIER_WORDS", "QualifierFamily"]


#: How the reasons name each category.
QUALIFIER_WORDS: dict[str, str] = {
    "hedge": "hedges",
    "approximator": "approximates",
    "scope_limiter": "limits its scope",
    "hearsay": "relies on others",
    "absolute": "speaks in absolutes",
    "number": "gives figures",
    "weasel": "cites unnamed sources",
    "peacock": "praises without a source",
    "refutation": "refutes a claim",
}
#: Distinct cues quoted per category in a reason.
CUES_PER_CATEGORY = 3
#: Longest cue quoted in a reason, in characters (a 100k-digit number is cut, with "…").
MAX_CUE_CHARS = 40


def _qualified_labels(frame: pd.DataFrame) -> np.ndarray:
    q = frame["q_any"].to_numpy(dtype=float) > 0
    return np.where(q, "qualified", "unqualified").astype(object)


def _quote(cue: str) -> str:
    cue = " ".join(cue.split())
    return f"'{cue}'" if len(cue) <= MAX_CUE_CHARS else f"'{cue[: MAX_CUE_CHARS - 1]}…'"


def _describe_spans(categories: list[str], cues: list[str]) -> str:
    """One statement's spans in words: up to three distinct cues per category, in order."""
    if not cues:
        return "no hedges, approximations, limits or attributions"
    by_cat: dict[str, list[str]] = {}
    for cat, cue in zip(categories, cues, strict=True):
        shown = by_cat.setdefault(cat, [])
        if cue.lower() not in {c.lower() for c in shown}:
            shown.append(cue)
    parts = [
        f"{QUALIFIER_WORDS.get(cat, cat)}: "
        + ", ".join(_quote(c) for c in shown[:CUES_PER_CATEGORY])
        for cat, shown in by_cat.items()
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
        frame, spans = scan_qualifiers(texts, self.lexicon_, spans=details)
        return FamilyOutput(frame.reset_index(drop=True), spans)

    def describe(self, group: str, output: FamilyOutput, rows: np.ndarray) -> list[str]:
        """Quotes up to three distinct cues per category, in order of appearance, from the
        spans the transform found."""
        spans = output.details
        span_rows = spans["row"].to_numpy()
        cats = spans["category"].to_numpy(dtype=object)
        cues = spans["cue"].to_numpy(dtype=object)
        lo = np.searchsorted(span_rows, rows, side="left")
        hi = np.searchsorted(span_rows, rows, side="right")
        cat_list, cue_list = cats.tolist(), cues.tolist()
        words: dict[tuple, str] = {}  # statements with the same spans (many) worded once
        out = []
        for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
            key = (*cat_list[a:b], *cue_list[a:b])
            text = words.get(key)
            if text is None:
                text = words[key] = _describe_spans(cat_list[a:b], cue_list[a:b])
            out.append(text)
        return out

    def data_files(self) -> dict[str, dict[str, str]]:
        return {"qualifier_lexicon": data_entry(self.lexicon_)}
