"""The feature extractor: tables in, one feature row per statement out.

Families (each a module of its own):

* ``history`` — the source's point-in-time record (:mod:`credscore.features.history`);
* ``qualifiers`` — how the statement bounds itself (:mod:`credscore.features.qualifiers`);
* ``rank`` — the source's official rank (:mod:`credscore.features.rank`);
* ``context`` — where the statement was made: speech, interview, post...
  (:mod:`credscore.features.context`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from credscore._tables import Tables
from credscore.features import context as _context
from credscore.features import history as _history
from credscore.features import qualifiers as _qualifiers
from credscore.features import rank as _rank
from credscore.schema import validate_tables

__all__ = ["FAMILIES", "FeatureExtractor", "extract_features", "merge_history"]

#: Feature families, in output order.
FAMILIES: tuple[str, ...] = ("history", "qualifiers", "rank", "context")


def _as_tables(X: Any, sources: pd.DataFrame | None = None, events: pd.DataFrame | None = None):
    if isinstance(X, Tables):
        return validate_tables(X)
    return validate_tables(X, sources=sources, events=events)


def merge_history(tables: Tables, history: Tables | None) -> tuple[Tables, np.ndarray]:
    """Puts background ``history`` tables behind ``tables`` for the history features.

    Statements of ``history`` feed the point-in-time record of their sources but get no output
    row. A statement id present in both is taken from ``tables`` (the one being scored).
    Sources in ``tables`` take precedence over ``history`` sources with the same id.

    Returns
    -------
    combined : Tables
        Validated union.
    rows : ndarray of int
        Positions, in ``combined.statements``, of the rows of ``tables.statements`` (in order).
    """
    if history is None:
        return tables, np.arange(len(tables.statements))
    hist = validate_tables(history)
    assert hist.statements is not None and hist.events is not None  # validated tables are full
    keep = ~hist.statements["statement_id"].isin(tables.statements["statement_id"])
    hist_statements = hist.statements[keep.to_numpy()]
    hist_events = hist.events[hist.events["statement_id"].isin(hist_statements["statement_id"])]
    sources = pd.concat([tables.sources, hist.sources], ignore_index=True)
    sources = sources.drop_duplicates("source_id", keep="first")
    combined = Tables(
        statements=pd.concat([hist_statements, tables.statements], ignore_index=True),
        sources=sources.reset_index(drop=True),
        events=pd.concat([hist_events, tables.events], ignore_index=True),
    )
    combined = validate_tables(combined)
    return combined, np.arange(len(hist_statements), len(combined.statements))


def _titles(tables: Tables) -> pd.Series:
    """Per-statement title: a statement's own ``title`` column wins, else its source's title.

    A source without a title falls back to its ``source_type`` (e.g. ``"anonymous"``), so an
    unnamed source is still read as anonymous.
    """
    assert tables.sources is not None  # validated tables are full
    src = tables.sources.set_index("source_id")
    text = src["title"].where(src["title"].notna() & (src["title"].astype(str) != ""))
    text = text.fillna(src["source_type"])
    titles = tables.statements["source_id"].map(text)
    if "title" in tables.statements.columns:
        own = tables.statements["title"]
        titles = own.where(own.notna() & (own.astype(str) != ""), titles)
    return titles


class FeatureExtractor(TransformerMixin, BaseEstimator):
    """Turns sources, statements and events into one numeric feature row per statement.

    Parameters
    ----------
    families : sequence of str, default all of :data:`FAMILIES`
        Which feature families to compute.
    prior_strength : float, default 5.0
        Strength of the Beta prior that shrinks a source's retraction and false rates toward the
        population rates learned in :meth:`fit` (see :mod:`credscore.features.history`).
    half_life_days : float, default 365.0
        Half-life of the decayed history variants.
    lexicon : str or path, optional
        Extra qualifier cue file (extends the bundled lexicon).
    rank_table : str or path, optional
        Extra rank table file (extends the bundled tables).
    include_text : bool, default False
        Add the raw statement ``text`` as a last column (for models with text features).
    exclude : sequence of str, default ()
        Feature columns to leave out (e.g. the verdict-only history columns, so that a model
        learns the source's record only through the pooled ``hist_*failed*`` columns, which
        also move with retractions). Each name must be a column of the chosen families.

    Attributes
    ----------
    retraction_prior_, false_prior_ : float
        Population rates learned in :meth:`fit`, used as the centre of the history prior.
    lexicon_, rank_table_, context_table_ : loaded data files.
    feature_names_out_ : ndarray of str

    Examples
    --------
    >>> import pandas as pd
    >>> st = pd.DataFrame({"statement_id": ["s1", "s2"], "source_id": ["a", "a"],
    ...     "text": ["Probably about 300 left.", "All of them left."],
    ...     "made_at": ["2024-01-01", "2024-02-01"], "label": [0, None]})
    >>> src = pd.DataFrame({"source_id": ["a"], "title": ["Colonel"]})
    >>> X = FeatureExtractor().fit_transform(Tables(statements=st, sources=src))
    >>> X.loc["s2", ["hist_n_prior", "hist_n_verdicts", "q_absolute"]].tolist()
    [1.0, 1.0, 1.0]
    """

    def __init__(
        self,
        families: Sequence[str] = FAMILIES,
        prior_strength: float = _history.DEFAULT_PRIOR_STRENGTH,
        half_life_days: float = 365.0,
        lexicon: Any = None,
        rank_table: Any = None,
        include_text: bool = False,
        exclude: Sequence[str] = (),
    ) -> None:
        self.families = families
        self.prior_strength = prior_strength
        self.half_life_days = half_life_days
        self.lexicon = lexicon
        self.rank_table = rank_table
        self.include_text = include_text
        self.exclude = exclude

    def _families(self) -> tuple[str, ...]:
        unknown = set(self.families) - set(FAMILIES)
        if unknown:
            raise ValueError(f"unknown feature families {sorted(unknown)}; choose from {FAMILIES}")
        return tuple(f for f in FAMILIES if f in self.families)

    def fit(self, X: Any, y: Any = None, *, history: Tables | None = None) -> FeatureExtractor:
        """Learns the population rates and loads the data files.

        Parameters
        ----------
        X : Tables or statements DataFrame
        y : ignored
        history : Tables, optional
            Background record (see :func:`merge_history`).
        """
        tables, _ = merge_history(_as_tables(X), history)
        return self._fit_tables(tables)

    def _fit_tables(self, tables: Tables) -> FeatureExtractor:
        """:meth:`fit` on tables already validated and merged with their history."""
        rates = _history.population_rates(tables.statements, tables.events)
        self.retraction_prior_ = float(rates["retraction_rate"])
        self.false_prior_ = float(rates["false_rate"])
        self.load_data_files()
        self.feature_names_out_ = np.asarray(self._columns(), dtype=object)
        return self

    def load_data_files(self) -> None:
        """Loads the lexicon, rank table and context table of the families in use (else None)."""
        fams = self._families()
        self.lexicon_ = _qualifiers.load_lexicon(self.lexicon) if "qualifiers" in fams else None
        self.rank_table_ = _rank.load_rank_table(self.rank_table) if "rank" in fams else None
        self.context_table_ = _context.load_context_table() if "context" in fams else None

    def _columns(self) -> list[str]:
        cols: list[str] = []
        fams = self._families()
        if "history" in fams:
            cols += list(_history.HISTORY_COLUMNS)
        empty = pd.Series([], dtype=object)
        if "qualifiers" in fams:
            cols += list(_qualifiers.qualifier_features(empty, self.lexicon_).columns)
        if "rank" in fams:
            cols += list(_rank.rank_features(empty, self.rank_table_).columns)
        if "context" in fams:
            cols += list(_context.context_features(empty, self.context_table_).columns)
        if self.include_text:
            cols.append("text")
        exclude = [self.exclude] if isinstance(self.exclude, str) else list(self.exclude or ())
        unknown = sorted(set(exclude) - set(cols))
        if unknown:
            raise ValueError(
                f"exclude: {unknown} are not columns of the chosen feature families. "
                f"Fix: choose among {cols}."
            )
        kept = [c for c in cols if c not in set(exclude)]
        if not kept:
            raise ValueError("exclude: every feature column is excluded; keep at least one.")
        return kept

    def transform(self, X: Any, *, history: Tables | None = None) -> pd.DataFrame:
        """One feature row per statement of ``X``, in input order, indexed by ``statement_id``."""
        check_is_fitted(self, "feature_names_out_")
        tables, rows = merge_history(_as_tables(X), history)
        return self._transform_tables(tables, rows)

    def _transform_tables(
        self, tables: Tables, rows: np.ndarray, *, every_column: bool = False
    ) -> pd.DataFrame:
        fams = self._families()
        st = tables.statements.iloc[rows]
        parts: list[pd.DataFrame] = []
        if "history" in fams:
            hist = _history.history_features(
                tables.statements,
                tables.events,
                retraction_prior=self.retraction_prior_,
                false_prior=self.false_prior_,
                prior_strength=self.prior_strength,
                half_life_days=self.half_life_days,
            )
            parts.append(hist.iloc[rows].reset_index(drop=True))
        if "qualifiers" in fams:
            q = _qualifiers.qualifier_features(st["text"].reset_index(drop=True), self.lexicon_)
            parts.append(q.reset_index(drop=True))
        if "rank" in fams:
            titles = _titles(tables).iloc[rows].reset_index(drop=True)
            parts.append(_rank.rank_features(titles, self.rank_table_).reset_index(drop=True))
        if "context" in fams:
            ctx = st["context"].reset_index(drop=True)
            parts.append(_context.context_features(ctx, self.context_table_).reset_index(drop=True))
        if self.include_text:
            parts.append(pd.DataFrame({"text": st["text"].to_numpy(dtype=object)}))
        out = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=range(len(st)))
        out.index = pd.Index(st["statement_id"].to_numpy(dtype=object), name="statement_id")
        if every_column:  # the excluded columns too (a model words its reasons with them)
            return out
        return out[list(self.feature_names_out_)]

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns."""
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()

    def data_hashes(self) -> dict[str, dict[str, str]]:
        """Version and SHA-256 of each data file in use (for the model manifest)."""
        check_is_fitted(self, "feature_names_out_")
        out = {}
        for name, obj in (
            ("qualifier_lexicon", self.lexicon_),
            ("rank_table", self.rank_table_),
            ("context_table", self.context_table_),
        ):
            if obj is not None:
                out[name] = {"version": obj.version, "sha256": obj.sha256}
        return out


def extract_features(
    statements: pd.DataFrame | Tables,
    sources: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    *,
    history: Tables | None = None,
    **params: Any,
) -> pd.DataFrame:
    """Computes the feature table of ``statements`` (one row each, input order).

    Population rates for the history prior are taken from the same tables; to reuse rates
    learned on training data, fit a :class:`FeatureExtractor` there and call ``transform``.

    Parameters
    ----------
    statements : DataFrame or Tables
    sources, events : DataFrame, optional
    history : Tables, optional
        Background record that feeds history features but gets no output row.
    **params
        Passed to :class:`FeatureExtractor`.

    Examples
    --------
    >>> import pandas as pd
    >>> st = pd.DataFrame({"statement_id": ["s1"], "source_id": ["a"],
    ...     "text": ["According to reports, nearly 8,000 remain."], "made_at": ["2025-02-14"]})
    >>> f = extract_features(st)
    >>> int(f.loc["s1", "q_hearsay"]), int(f.loc["s1", "hist_n_prior"])
    (1, 0)
    """
    tables = _as_tables(statements, sources, events)
    return (
        FeatureExtractor(**params).fit(tables, history=history).transform(tables, history=history)
    )
