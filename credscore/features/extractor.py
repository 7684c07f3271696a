"""The feature extractor: tables in, one feature row per statement out.

It holds one fitted :class:`~credscore.features.FeatureFamily` per family in use and reads
their declarations: the columns (in family order), their monotone directions and explanation
groups, the raw counts left out by default, the data files recorded in manifests. It knows no
family by name: a new family is registered in :mod:`credscore.features._registry`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import Interval

from credscore._params import NotAnEstimatorMixin, ParamsMixin
from credscore._tables import Tables
from credscore.exceptions import NotFittedError
from credscore.features._family import Column, FamilyOutput, FeatureFamily
from credscore.features._registry import DEFAULT_FAMILIES, FAMILY_CLASSES, family_class
from credscore.features.history import DEFAULT_HALF_LIFE_DAYS, DEFAULT_PRIOR_STRENGTH
from credscore.schema import ValidatedTables, combine_tables, validate_tables

__all__ = ["FAMILIES", "Extraction", "FeatureExtractor", "extract_features", "merge_history"]

#: The default feature families, in output order.
FAMILIES: tuple[str, ...] = DEFAULT_FAMILIES


def _as_tables(
    X: Any, sources: pd.DataFrame | None = None, events: pd.DataFrame | None = None
) -> Tables:
    if isinstance(X, Tables):
        return validate_tables(X)
    return validate_tables(X, sources=sources, events=events)


def merge_history(tables: Tables, history: Tables | None) -> tuple[ValidatedTables, np.ndarray]:
    """Puts background ``history`` tables behind ``tables``, each validated once.

    Statements of ``history`` feed the point-in-time record of their sources but get no output
    row. A statement id present in both is taken from ``tables`` (the one being scored).
    Sources in ``tables`` take precedence over ``history`` sources with the same id (see
    :func:`credscore.schema.combine_tables`). Tables already validated are not checked again.

    Returns
    -------
    combined : ValidatedTables
        The union.
    rows : ndarray of int
        Positions, in ``combined.statements``, of the rows of ``tables.statements`` (in order).
    """
    hist = None if history is None else validate_tables(history)
    return combine_tables(validate_tables(tables), hist)


@dataclass
class Extraction:
    """One extraction pass: every family's output for the scored statements.

    Attributes
    ----------
    frame : DataFrame
        Every declared column (excluded ones too), indexed by ``statement_id``, input order.
    outputs : dict of str to FamilyOutput
        Each family's output (with the details its wording needs when asked for).
    features : DataFrame
        The columns the model uses (``frame`` without the excluded columns).
    """

    frame: pd.DataFrame
    outputs: dict[str, FamilyOutput]
    features: pd.DataFrame


class FeatureExtractor(NotAnEstimatorMixin, ParamsMixin):
    """Turns sources, statements and events into one numeric feature row per statement.

    Not a scikit-learn transformer: it reads tables, not a matrix (see
    :mod:`credscore._params`); it keeps scikit-learn's conventions otherwise.

    Parameters
    ----------
    families : sequence of str, default :data:`FAMILIES`
        Which feature families to compute (registered names, see ``FAMILY_CLASSES``).
    prior_strength : float, default 5.0
        Strength of the Beta prior that shrinks a source's retraction and false rates toward
        the population rates learned in :meth:`fit` (history family).
    half_life_days : float, default 365.0
        Half-life of the decayed history variants.
    lexicon : str or path, optional
        Extra qualifier cue file (extends the bundled lexicon).
    rank_table : str or path, optional
        Extra rank table file (extends the bundled tables).
    include_text : bool, default False
        Add the ``text`` family (the raw statement text, for models with text features).
    exclude : sequence of str, default ()
        Feature columns to leave out. Each name must be a column of the chosen families.
    exclude_raw_counts : bool, default False
        Also leave out every column its family declares a raw count (``Column.raw_count``).

    Attributes
    ----------
    families_ : dict of str to FeatureFamily
        The fitted families, in column order.
    columns_ : tuple of Column
        Every declared column of the families in use, excluded ones included.
    feature_names_out_ : ndarray of str
        The columns kept.

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

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "families": [str, tuple, list],
        "prior_strength": [Interval(Real, 0, None, closed="neither")],
        "half_life_days": [Interval(Real, 0, None, closed="neither")],
        "lexicon": [None, str, os.PathLike],
        "rank_table": [None, str, os.PathLike],
        "include_text": ["boolean"],
        "exclude": [None, str, tuple, list],
        "exclude_raw_counts": ["boolean"],
    }

    def __init__(
        self,
        families: Sequence[str] = FAMILIES,
        prior_strength: float = DEFAULT_PRIOR_STRENGTH,
        half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
        lexicon: Any = None,
        rank_table: Any = None,
        include_text: bool = False,
        exclude: Sequence[str] = (),
        exclude_raw_counts: bool = False,
    ) -> None:
        self.families = families
        self.prior_strength = prior_strength
        self.half_life_days = half_life_days
        self.lexicon = lexicon
        self.rank_table = rank_table
        self.include_text = include_text
        self.exclude = exclude
        self.exclude_raw_counts = exclude_raw_counts

    # -- construction ----------------------------------------------------------------------
    def _new_families(self) -> dict[str, FeatureFamily]:
        names = [self.families] if isinstance(self.families, str) else list(self.families)
        if self.include_text and "text" not in names:
            names.append("text")
        classes = [family_class(n) for n in names]  # unknown names fail here, listing the known
        order = list(FAMILY_CLASSES)
        classes.sort(key=lambda c: order.index(c.name))
        return {
            cls.name: cls(**{p: getattr(self, p) for p in cls.extractor_params}) for cls in classes
        }

    def _kept(self) -> list[str]:
        exclude = [self.exclude] if isinstance(self.exclude, str) else list(self.exclude or ())
        names = [c.name for c in self.columns_]
        unknown = sorted(set(exclude) - set(names))
        if unknown:
            raise ValueError(
                f"exclude: {unknown} are not columns of the chosen feature families. "
                f"Fix: choose among {names}."
            )
        if self.exclude_raw_counts:
            exclude += [c.name for c in self.columns_ if c.raw_count]
        kept = [c for c in names if c not in set(exclude)]
        if not kept:
            raise ValueError("exclude: every feature column is excluded; keep at least one.")
        return kept

    def _finish(self) -> FeatureExtractor:
        self.columns_ = tuple(c for fam in self.families_.values() for c in fam.columns_)
        seen: dict[str, str] = {}
        for fam in self.families_.values():
            for c in fam.columns_:
                if c.name in seen:
                    raise ValueError(
                        f"feature families {seen[c.name]!r} and {fam.name!r} both declare the "
                        f"column {c.name!r}. Fix: give one of them another column name."
                    )
                seen[c.name] = fam.name
        self.feature_names_out_ = np.asarray(self._kept(), dtype=object)
        return self

    # -- fitting ---------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None, *, history: Tables | None = None) -> FeatureExtractor:
        """Fits every family (population rates, data files).

        Parameters
        ----------
        X : Tables or statements DataFrame
        y : ignored
            Present for API symmetry; labels come from ``statements.label``.
        history : Tables, optional
            Background record (see :func:`merge_history`).
        """
        tables, _ = merge_history(_as_tables(X), history)
        return self.fit_tables(tables)

    def fit_tables(self, tables: Tables) -> FeatureExtractor:
        """:meth:`fit` on tables merged with their history (validated ones are not re-checked)."""
        self._validate_params()
        tables = validate_tables(tables)
        families = self._new_families()
        for fam in families.values():
            fam.fit(tables)
        self.families_ = families
        return self._finish()

    def _check_fitted(self) -> None:
        if not hasattr(self, "feature_names_out_"):
            raise NotFittedError(
                "this FeatureExtractor is not fitted yet. Fix: call fit (or fit_transform) first."
            )

    # -- transforming ----------------------------------------------------------------------
    def extract(
        self,
        tables: Tables,
        rows: np.ndarray,
        *,
        details: bool = False,
        given: Mapping[str, FamilyOutput] | None = None,
    ) -> Extraction:
        """Every family's output for ``tables.statements.iloc[rows]``.

        ``tables`` holds the scored statements and their background history (see
        :func:`merge_history`); validated tables are not checked again. ``given`` holds
        outputs computed elsewhere for the same rows (e.g. the history family on the whole
        table, for Dask partitions), used instead of running those families.
        """
        self._check_fitted()
        tables = validate_tables(tables)
        given = given or {}
        unknown = set(given) - set(self.families_)
        if unknown:
            raise KeyError(f"no {sorted(unknown)} family in this extractor: {list(self.families_)}")
        outputs = {}
        for name, fam in self.families_.items():
            if name in given:
                out = given[name]
                want = [c.name for c in fam.columns_]
                if list(out.frame.columns) != want or len(out.frame) != len(rows):
                    raise ValueError(
                        f"the given {name!r} output has columns {list(out.frame.columns)} and "
                        f"{len(out.frame)} rows; the family declares {want} and {len(rows)} "
                        "rows are scored."
                    )
                outputs[name] = out
            else:
                outputs[name] = fam.transform(tables, rows, details=details)
        parts = [o.frame for o in outputs.values()]
        frame = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=range(len(rows)))
        ids = tables.statements["statement_id"].to_numpy(dtype=object)[rows]
        frame.index = pd.Index(ids, name="statement_id")
        at = {c.name: i for i, c in enumerate(self.columns_)}  # the frame's columns, in order
        kept = [at[c] for c in self.feature_names_out_]
        return Extraction(frame, outputs, frame.take(kept, axis=1))  # by position: no lookup

    def transform(self, X: Any, *, history: Tables | None = None) -> pd.DataFrame:
        """One feature row per statement of ``X``, in input order, indexed by ``statement_id``."""
        self._check_fitted()
        tables, rows = merge_history(_as_tables(X), history)
        return self.extract(tables, rows).features

    def fit_transform(
        self, X: Any, y: Any = None, *, history: Tables | None = None
    ) -> pd.DataFrame:
        """:meth:`fit` then :meth:`transform` on the same tables (validated once)."""
        tables, rows = merge_history(_as_tables(X), history)
        return self.fit_tables(tables).extract(tables, rows).features

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns."""
        self._check_fitted()
        return self.feature_names_out_.copy()

    # -- what the other stages read --------------------------------------------------------
    def family(self, name: str) -> FeatureFamily:
        """The fitted family ``name`` (KeyError naming the families in use)."""
        self._check_fitted()
        if name not in self.families_:
            raise KeyError(f"no {name!r} family in this extractor; it has {list(self.families_)}")
        return self.families_[name]

    def kept_columns(self) -> list[Column]:
        """The declarations of the columns kept, in output order."""
        self._check_fitted()
        kept = set(self.feature_names_out_)
        return [c for c in self.columns_ if c.name in kept]

    def monotone_constraints(self) -> dict[str, int]:
        """``{column: -1 | 1}`` for the kept columns with a declared direction."""
        return {c.name: c.monotone for c in self.kept_columns() if c.monotone}

    def groups(self) -> dict[str, tuple[str, list[str]]]:
        """``{group: (family name, kept columns)}`` for groups with a kept column, in order."""
        self._check_fitted()
        kept = set(self.feature_names_out_)
        out: dict[str, tuple[str, list[str]]] = {}
        for name, fam in self.families_.items():
            for g in fam.groups:
                cols = [c.name for c in fam.columns_ if c.group == g and c.name in kept]
                if cols:
                    out[g] = (name, cols)
        return out

    def data_hashes(self) -> dict[str, dict[str, str]]:
        """Version and SHA-256 of each data file in use (for the model manifest)."""
        self._check_fitted()
        out: dict[str, dict[str, str]] = {}
        for fam in self.families_.values():
            out.update(fam.data_files())
        return out

    def get_state(self) -> dict[str, Any]:
        """JSON-ready fitted state: each family's state and the kept columns."""
        self._check_fitted()
        return {
            "families": {n: f.get_state() for n, f in self.families_.items()},
            "feature_names_out_": [str(c) for c in self.feature_names_out_],
        }

    def set_state(self, state: dict[str, Any]) -> FeatureExtractor:
        """Restores :meth:`get_state` (data files reloaded); returns ``self``."""
        families = self._new_families()
        for name, fam in families.items():
            fam.set_state(dict(state["families"].get(name, {})))
        self.families_ = families
        self._finish()
        saved = list(state["feature_names_out_"])
        if list(self.feature_names_out_) != saved:
            raise ValueError(
                f"the saved feature columns {saved} differ from those these families declare "
                f"now {list(self.feature_names_out_)}"
            )
        return self


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
    return FeatureExtractor(**params).fit_transform(tables, history=history)
