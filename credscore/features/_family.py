"""The feature-family protocol: one room per family, read by every other stage.

A family (history, qualifiers, rank, context, text...) is one module holding one
:class:`FeatureFamily` subclass. It declares

* its **columns** (:class:`Column`): name, explanation group, monotone direction, kind, and
  whether the column is a raw count that models leave out by default;
* its explanation **groups** and, for each, a vectorised :meth:`FeatureFamily.describe` that
  words the group's contribution from the values the family produced (whatever else describe
  needs, such as the cue spans or the resolved ranks, travels with them in
  :attr:`FamilyOutput.details`, so nothing is computed twice);
* its report **slices** (:class:`Slice`);
* its data files (version and SHA-256, recorded in every model manifest) and its fitted state.

The extractor, the learners' monotone constraints, the reasons, the report's slices and the
default column exclusions all read these declarations: adding a family is one new module plus
one line in :data:`credscore.features.FAMILY_CLASSES` (or :func:`register_family`).

Template methods: subclasses write ``_fit``, ``_columns``, ``_transform`` and ``describe``;
:meth:`FeatureFamily.transform` checks that what ``_transform`` returns matches the declared
columns and rows, so a family that breaks the contract fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from credscore._params import ParamsMixin
from credscore._tables import ValidatedTables
from credscore.exceptions import NotFittedError

__all__ = ["Baseline", "Column", "FamilyOutput", "FeatureFamily", "Slice"]


@dataclass(frozen=True)
class Column:
    """One feature column, as its family declares it.

    Attributes
    ----------
    name : str
        Column name, unique across families (by convention prefixed: ``hist_``, ``q_``...).
    group : str
        The explanation group it belongs to (one of its family's ``groups``).
    monotone : {-1, 0, 1}
        Domain monotonicity: ``-1`` an increase never raises P(holds up) (e.g. a higher
        retraction rate), ``1`` never lowers it, ``0`` unconstrained. Learners enforce it.
    kind : {"numeric", "category", "text"}
        How learners encode it: as a number, one-hot, or TF-IDF.
    raw_count : bool
        An unbounded count that grows with the length of a record; models leave raw counts
        out unless asked (``CredibilityModel(exclude=())`` keeps them).
    """

    name: str
    group: str
    monotone: Literal[-1, 0, 1] = 0
    kind: Literal["numeric", "category", "text"] = "numeric"
    raw_count: bool = False


@dataclass(frozen=True)
class Slice:
    """A built-in report slice: a grouping of statements computed from one family's columns.

    Attributes
    ----------
    name : str
    description : str
        What the slice groups by, for the report.
    needs : tuple of str
        The family columns it reads.
    labels : callable
        Maps the family's feature frame to one group label (str) per row.
    """

    name: str
    description: str
    needs: tuple[str, ...]
    labels: Callable[[pd.DataFrame], np.ndarray]


@dataclass(frozen=True)
class Baseline:
    """A naive predictor the report sets beside the model, computed from one family's columns.

    Attributes
    ----------
    name : str
    description : str
        What it predicts, in words, for the report.
    needs : tuple of str
        The family columns it reads.
    proba : callable
        Maps the family's feature frame to P(holds up) per row.
    """

    name: str
    description: str
    needs: tuple[str, ...]
    proba: Callable[[pd.DataFrame], np.ndarray]


@dataclass
class FamilyOutput:
    """What a family's transform produced for the scored statements.

    Attributes
    ----------
    frame : DataFrame
        Every declared column of the family (excluded ones too), one row per scored statement,
        in order, with a RangeIndex.
    details : Any
        What :meth:`FeatureFamily.describe` needs beyond the values (cue spans, resolved ranks,
        raw context strings); ``None`` when the transform was asked for no details.
    """

    frame: pd.DataFrame
    details: Any = None


class FeatureFamily(ParamsMixin):
    """Base class of a feature family (see the module docstring).

    Class attributes a subclass sets: ``name`` (registry key, e.g. ``"rank"``), ``groups``
    (explanation groups, in tie-break order), ``slices`` (report slices), ``baselines``
    (naive predictors for the report) and ``extractor_params`` (names of
    :class:`~credscore.FeatureExtractor` parameters passed on to this family's ``__init__``).
    """

    name: ClassVar[str]
    groups: ClassVar[tuple[str, ...]]
    slices: ClassVar[tuple[Slice, ...]] = ()
    baselines: ClassVar[tuple[Baseline, ...]] = ()
    extractor_params: ClassVar[tuple[str, ...]] = ()

    # -- fitting ---------------------------------------------------------------------------
    def fit(self, tables: ValidatedTables) -> FeatureFamily:
        """Learns the family's state from validated tables (history merged behind them)."""
        self._fit(tables)
        self.columns_ = tuple(self._columns())
        return self

    def _fit(self, tables: ValidatedTables) -> None:
        """Learns fitted state; the default loads the data files only."""
        self.load_data_files()

    def load_data_files(self) -> None:
        """Loads the family's data files (nothing for families without any)."""

    def _columns(self) -> Sequence[Column]:  # pragma: no cover - every family overrides
        raise NotImplementedError

    def _check_fitted(self) -> None:
        if not hasattr(self, "columns_"):
            raise NotFittedError(
                f"the {self.name!r} feature family is not fitted. Fix: fit the "
                "FeatureExtractor (or CredibilityModel) before transforming."
            )

    # -- transforming ----------------------------------------------------------------------
    def transform(
        self, tables: ValidatedTables, rows: np.ndarray, *, details: bool = False
    ) -> FamilyOutput:
        """Feature rows for ``tables.statements.iloc[rows]`` (see :class:`FamilyOutput`).

        ``tables`` holds the scored statements and their background history; the family may
        read every row of it (history does, point-in-time), but returns rows only for
        ``rows``. ``details=True`` also returns what :meth:`describe` needs.
        """
        self._check_fitted()
        out = self._transform(tables, np.asarray(rows, dtype=np.intp), details)
        names = [c.name for c in self.columns_]
        if list(out.frame.columns) != names or len(out.frame) != len(rows):
            raise RuntimeError(  # a broken family, not a user error
                f"feature family {self.name!r} returned columns {list(out.frame.columns)} and "
                f"{len(out.frame)} rows; it declares {names} and was asked for {len(rows)} rows."
            )
        return out

    def _transform(  # pragma: no cover - every family overrides
        self, tables: ValidatedTables, rows: np.ndarray, details: bool
    ) -> FamilyOutput:
        raise NotImplementedError

    def describe(self, group: str, output: FamilyOutput, rows: np.ndarray) -> list[str]:
        """Words for ``group``'s contribution at positions ``rows`` of ``output.frame``.

        ``output`` was produced with ``details=True``.
        """
        raise NotImplementedError  # pragma: no cover - every family overrides

    # -- what artifacts record ---------------------------------------------------------------
    def data_files(self) -> dict[str, dict[str, str]]:
        """Version and SHA-256 of each data file in use, keyed by a manifest name."""
        return {}

    def get_state(self) -> dict[str, Any]:
        """JSON-ready fitted state beyond the data files (which are reloaded and checked)."""
        return {}

    def set_state(self, state: dict[str, Any]) -> FeatureFamily:
        """Restores :meth:`get_state` and reloads the data files; returns ``self``."""
        for key, value in state.items():
            setattr(self, key, value)
        self.load_data_files()
        self.columns_ = tuple(self._columns())
        return self


def data_entry(obj: Any) -> dict[str, str]:
    """The manifest entry of a loaded data file: ``{"version", "sha256"}``."""
    return {"version": str(obj.version), "sha256": str(obj.sha256)}
