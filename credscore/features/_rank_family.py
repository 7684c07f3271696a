"""The rank feature family: declaration, transform and wording (see ``rank``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from credscore._tables import ValidatedTables
from credscore.features._family import Column, FamilyOutput, FeatureFamily, Slice, data_entry
from credscore.features.rank import (
    describe_rank,
    load_rank_table,
    rank_features,
    rank_frame,
    resolve_ranks,
)

__all__ = ["RankFamily", "rank_hints", "source_titles"]


def _given(values: np.ndarray) -> np.ndarray:
    """Which values are present: not missing (None, NaN, ``pd.NA``) and not the empty string."""
    given = ~pd.isna(values)
    given[given] = values[given] != ""
    return given


_str = np.frompyfunc(str, 1, 1)
#: Up to this many statements and sources together, sources are found with a dict.
_SMALL = 64
_strip = np.frompyfunc(str.strip, 1, 1)


def _source_positions(tables: ValidatedTables, rows: np.ndarray) -> np.ndarray:
    """Each statement's (of ``rows``) row in ``tables.sources`` (validation derives every
    source)."""
    assert tables.sources is not None  # validated tables are full
    ids = tables.statements["source_id"].iloc[rows]
    if len(rows) + len(tables.sources) <= _SMALL:  # ids are unique: a dict finds the same rows
        where = {s: i for i, s in enumerate(tables.sources["source_id"].tolist())}
        return np.array([where.get(s, -1) for s in ids.tolist()], dtype=np.intp)
    return pd.Index(tables.sources["source_id"]).get_indexer(ids)


def _per_statement(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    out = np.full(len(positions), None, dtype=object)
    known = positions >= 0
    out[known] = values[positions[known]]
    return out


def _titles(tables: ValidatedTables, rows: np.ndarray, positions: np.ndarray) -> np.ndarray:
    assert tables.sources is not None
    title = tables.sources["title"].to_numpy(dtype=object)
    kind = tables.sources["source_type"].to_numpy(dtype=object)
    titles = _per_statement(np.where(_given(title), title, kind), positions)
    if "title" in tables.statements.columns:
        own = tables.statements["title"].to_numpy(dtype=object)[rows]
        titles = np.where(_given(own), own, titles)
    titles[pd.isna(titles)] = None
    return titles


def _hints(tables: ValidatedTables, rows: np.ndarray, positions: np.ndarray) -> np.ndarray:
    assert tables.sources is not None
    org = _per_statement(tables.sources["organization"].to_numpy(dtype=object), positions)
    ctx = tables.statements["context"].to_numpy(dtype=object)[rows]
    a, b = (np.asarray(_str(np.where(pd.isna(p), "", p)), dtype=object) for p in (org, ctx))
    joined = _strip(a + " " + b)
    joined[joined == ""] = None
    return joined


def source_titles(tables: ValidatedTables) -> pd.Series:
    """Per-statement title: a statement's own ``title`` column wins, else its source's title.

    A source without a title falls back to its ``source_type`` (e.g. ``"anonymous"``), so an
    unnamed source is still read as anonymous. Aligned with ``tables.statements``.
    """
    every = np.arange(len(tables.statements))
    titles = _titles(tables, every, _source_positions(tables, every))
    return pd.Series(titles, index=tables.statements.index, dtype=object)


def rank_hints(tables: ValidatedTables) -> pd.Series:
    """Per-statement text that may name the service or country: organization and context.

    The source's ``organization`` joined with the statement's ``context``; it only picks the
    rank scale (e.g. the navy's reading of "Captain"), never makes a rank by itself.
    """
    every = np.arange(len(tables.statements))
    hints = _hints(tables, every, _source_positions(tables, every))
    return pd.Series(hints, index=tables.statements.index, dtype=object)


def _rank_family_labels(frame: pd.DataFrame) -> np.ndarray:
    return frame["rank_family"].astype(object).to_numpy()


class RankFamily(FeatureFamily):
    """The source's official rank: family, level on the common scale, head or spokesperson.

    Parameters
    ----------
    rank_table : str or path, optional
        Extra rank table file extending the bundled tables (:func:`load_rank_table`).

    Examples
    --------
    >>> from credscore import validate_tables
    >>> import pandas as pd, numpy as np
    >>> t = validate_tables(pd.DataFrame({"statement_id": ["a"], "source_id": ["s"],
    ...     "text": [""], "made_at": ["2024-01-01"]}),
    ...     sources=pd.DataFrame({"source_id": ["s"], "title": ["Lt. Gen."]}))
    >>> fam = RankFamily().fit(t)
    >>> fam.describe("rank", fam.transform(t, np.arange(1), details=True), np.array([0]))
    ['senior military officer (OF-8)']
    """

    name = "rank"
    groups = ("rank",)
    extractor_params = ("rank_table",)
    slices = (
        Slice(
            "rank_family",
            "the source's rank family (military, government, media...)",
            ("rank_family",),
            _rank_family_labels,
        ),
    )

    def __init__(self, rank_table: Any = None) -> None:
        self.rank_table = rank_table

    def load_data_files(self) -> None:
        self.rank_table_ = load_rank_table(self.rank_table)

    def _columns(self) -> list[Column]:
        empty = rank_features(pd.Series([], dtype=object), self.rank_table_)
        return [
            Column(c, "rank", kind="category" if c == "rank_family" else "numeric")
            for c in empty.columns
        ]

    def _transform(self, tables: ValidatedTables, rows: np.ndarray, details: bool) -> FamilyOutput:
        positions = _source_positions(tables, rows)  # only the rows asked for
        titles = pd.Series(_titles(tables, rows, positions), dtype=object)
        hints = pd.Series(_hints(tables, rows, positions), dtype=object)
        codes, ranks = resolve_ranks(titles, self.rank_table_, hints=hints)
        frame = rank_frame(codes, ranks)
        return FamilyOutput(frame, (codes, ranks) if details else None)

    def describe(self, group: str, output: FamilyOutput, rows: np.ndarray) -> list[str]:
        """The rank in words, from the readings the transform made (each worded once)."""
        codes, ranks = output.details
        used = np.unique(codes[rows])
        words = {int(c): describe_rank(ranks[c]) for c in used.tolist()}
        return [words[int(c)] for c in codes[rows].tolist()]

    def data_files(self) -> dict[str, dict[str, str]]:
        return {"rank_table": data_entry(self.rank_table_)}
