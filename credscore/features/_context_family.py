"""The context feature family: declaration, transform and wording (see ``context``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from credscore._tables import ValidatedTables
from credscore.features._family import Column, FamilyOutput, FeatureFamily, Slice, data_entry
from credscore.features.context import context_features, load_context_table

__all__ = ["ContextFamily"]


def _context_labels(frame: pd.DataFrame) -> np.ndarray:
    cols = [c for c in frame.columns if str(c).startswith("ctx_")]
    hot = frame[cols].to_numpy(dtype=float)
    names = np.array([str(c)[4:] for c in cols], dtype=object)
    labels = names[hot.argmax(axis=1)] if len(cols) else np.full(len(frame), "", dtype=object)
    labels[hot.max(axis=1, initial=0.0) <= 0] = "(missing)"
    return labels


class ContextFamily(FeatureFamily):
    """Where the statement was made (speech, interview, social-media post...), one-hot.

    Examples
    --------
    >>> from credscore import validate_tables
    >>> import pandas as pd, numpy as np
    >>> t = validate_tables(pd.DataFrame({"statement_id": ["a", "b"], "source_id": ["s", "s"],
    ...     "text": ["", ""], "made_at": ["2024-01-01", "2024-01-02"],
    ...     "context": ["a tweet", None]}))
    >>> fam = ContextFamily().fit(t)
    >>> fam.describe("context", fam.transform(t, np.arange(2), details=True), np.arange(2))
    ['made in: a tweet', 'context unknown']
    """

    name = "context"
    groups = ("context",)
    slices = (
        Slice(
            "context",
            "where the statement was made (one-hot ctx_* context type)",
            ("ctx_",),
            _context_labels,
        ),
    )

    def __init__(self) -> None:
        pass

    def load_data_files(self) -> None:
        self.context_table_ = load_context_table()

    def _columns(self) -> list[Column]:
        return [Column(c, "context") for c in self.context_table_.columns]

    def _transform(self, tables: ValidatedTables, rows: np.ndarray, details: bool) -> FamilyOutput:
        ctx = tables.statements["context"].iloc[rows].reset_index(drop=True)
        frame = context_features(ctx, self.context_table_).reset_index(drop=True)
        return FamilyOutput(frame, ctx.tolist() if details else None)

    def describe(self, group: str, output: FamilyOutput, rows: np.ndarray) -> list[str]:
        """``made in: <the context as given>``, or ``context unknown``."""
        ctx = output.details
        return [
            f"made in: {ctx[i]}" if isinstance(ctx[i], str) and ctx[i] else "context unknown"
            for i in rows.tolist()
        ]

    def data_files(self) -> dict[str, dict[str, str]]:
        return {"context_table": data_entry(self.context_table_)}
