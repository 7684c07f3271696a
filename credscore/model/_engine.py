"""The engine: tables in, calibrated probabilities with intervals and reasons out."""

from __future__ import annotations

import os
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import Interval, StrOptions

from credscore._params import SKLEARN_PATH, NamesFrom, NotAnEstimatorMixin, ParamsMixin
from credscore._tables import Tables
from credscore.exceptions import NotFittedError, SchemaError
from credscore.features import FAMILIES, FeatureExtractor, merge_history
from credscore.features.history import DEFAULT_HALF_LIFE_DAYS, DEFAULT_PRIOR_STRENGTH
from credscore.model._classifier import CALIBRATORS, CredibilityClassifier
from credscore.model._learners import BASE_LEARNERS, BOOSTING_SCHEDULES
from credscore.model._progress import current_progress, progress_scope
from credscore.model._scoring import ScoringMixin
from credscore.model._state import ModelStateMixin, fingerprint
from credscore.schema import validate_tables

__all__ = ["CredibilityModel"]

_REFERENCE = Tables(
    statements=pd.DataFrame(
        {
            "statement_id": ["__reference__"],
            "source_id": ["__none__"],
            "text": [""],
            "made_at": ["2000-01-01T00:00:00+00:00"],
        }
    ),
)


def _looks_like_y(obj: Any) -> bool:
    return isinstance(obj, pd.Series | np.ndarray | list)


class CredibilityModel(ScoringMixin, ModelStateMixin, NotAnEstimatorMixin, ParamsMixin):
    """Tables in, calibrated probabilities with intervals and reasons out.

    Not a scikit-learn estimator: it reads tables, and :meth:`score` returns one row of scores
    per statement rather than a metric. For scikit-learn's model selection use
    :class:`~credscore.CredibilityClassifier` on :func:`~credscore.extract_features`
    (``docs/architecture.md``).

    Parameters
    ----------
    families : sequence of str, default ("history", "qualifiers", "rank", "context")
    text_features : bool, default False
        Also learn from the statement's wording (TF-IDF, logistic learner only). Off by default:
        vocabulary from the training data then ends up inside the artifact.
    base_learners, calibrators, cv, C, max_iter, selection_rows, early_stopping, boosting
        See :class:`CredibilityClassifier` (``selection_rows``: an optional cap on the
        labelled statements the choice of learner and calibrator is made on, evenly spaced in
        time; the model itself is fitted on all. ``early_stopping``: boosting fits stop when 10%
        held out of their rows stops improving; off by default. ``boosting``: fewer, larger
        trees from 100,000 labelled statements on, by default).
    random_state : int, default 0
        Seed of the folds and of the boosting fits.
    prior_strength, half_life_days, lexicon, rank_table
        See :class:`~credscore.features.FeatureExtractor`.
    exclude : sequence of str or None, default None
        Feature columns to leave out. ``None`` leaves out the columns the families declare as
        raw counts (``Column.raw_count``: the record's counts; the shrunk rates keep how much
        evidence there is): counts grow with the length of a record, so a model scoring later
        statements than it was trained on extrapolates them. Measured: with the counts, the
        calibration slope on held-out data was 0.92 on average over 31 LIAR splits and 0.80
        on LIAR2 2020-2023; without, 0.99 and 1.05, at equal log loss. ``()`` keeps every
        column.
    n_jobs : int, optional
        Fold models fitted at once (see :class:`CredibilityClassifier`); the fitted model is
        the same.
    verbose : int, default 1
        Progress of :meth:`fit` on stderr (folds, learners, calibrators, elapsed time): 0 none,
        1 only when the fit runs longer than a few seconds, 2 every step.

    Attributes
    ----------
    extractor_ : FeatureExtractor
    classifier_ : CredibilityClassifier
    feature_names_ : list of str
    reference_ : Series
        Feature values of the reference statement (no record, qualifiers, rank or context).
    base_rate_ : float
        Share of the labelled training statements that held up.
    n_train_rows_, training_fingerprint_, training_period_
        What the model was trained on.

    Examples
    --------
    >>> from credscore.datasets.simulator import simulate
    >>> tables, _ = simulate(n_statements=600, n_sources=40, random_state=0)
    >>> model = CredibilityModel(base_learners=("logistic",), cv=3).fit(tables)
    >>> out = model.score(tables.statements.head(3), history=tables)  # earlier record as history
    >>> list(out.columns)
    ['statement_id', 'p_reliable', 'p_low', 'p_high', 'reasons']
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "families": [list, tuple],  # names are checked against the registry at fit
        "text_features": ["boolean"],
        "base_learners": [NamesFrom(BASE_LEARNERS, "base learners")],
        "calibrators": [NamesFrom(CALIBRATORS, "calibrators")],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "C": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "selection_rows": [None, Interval(Integral, 100, None, closed="left")],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "boosting": [StrOptions({"auto", *BOOSTING_SCHEDULES})],
        "prior_strength": [Interval(Real, 0, None, closed="neither")],
        "half_life_days": [Interval(Real, 0, None, closed="neither")],
        "lexicon": [None, str, os.PathLike],
        "rank_table": [None, str, os.PathLike],
        "random_state": ["random_state"],
        "exclude": [None, str, list, tuple],
        "n_jobs": [None, Integral],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        families: Sequence[str] = FAMILIES,
        text_features: bool = False,
        base_learners: Sequence[str] = BASE_LEARNERS,
        calibrators: Sequence[str] = CALIBRATORS,
        cv: int = 5,
        C: float = 1.0,
        max_iter: int = 200,
        selection_rows: int | None = None,
        early_stopping: bool | str = False,
        boosting: str = "auto",
        prior_strength: float = DEFAULT_PRIOR_STRENGTH,
        half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
        lexicon: Any = None,
        rank_table: Any = None,
        random_state: int = 0,
        exclude: Sequence[str] | None = None,
        n_jobs: int | None = None,
        verbose: int = 1,
    ) -> None:
        self.families = families
        self.text_features = text_features
        self.base_learners = base_learners
        self.calibrators = calibrators
        self.cv = cv
        self.C = C
        self.max_iter = max_iter
        self.selection_rows = selection_rows
        self.early_stopping = early_stopping
        self.boosting = boosting
        self.prior_strength = prior_strength
        self.half_life_days = half_life_days
        self.lexicon = lexicon
        self.rank_table = rank_table
        self.random_state = random_state
        self.exclude = exclude
        self.n_jobs = n_jobs
        self.verbose = verbose

    # -- construction ----------------------------------------------------------------------
    def _new_extractor(self) -> FeatureExtractor:
        exclude = self.exclude
        return FeatureExtractor(
            families=self.families,
            prior_strength=self.prior_strength,
            half_life_days=self.half_life_days,
            lexicon=self.lexicon,
            rank_table=self.rank_table,
            include_text=self.text_features,
            exclude=(exclude,) if isinstance(exclude, str) else (exclude or ()),
            exclude_raw_counts=exclude is None,
        )

    def excluded_columns(self) -> tuple[str, ...]:
        """The feature columns the fitted model leaves out (see ``exclude``)."""
        self._check_fitted()
        return tuple(
            c.name for c in self.extractor_.columns_ if c.name not in set(self.feature_names_)
        )

    def _tables(self, X: Any, sources: Any, events: Any) -> Tables:
        if _looks_like_y(sources):
            raise TypeError(
                "the second argument of CredibilityModel methods is the sources table, not "
                "labels. CredibilityModel is not a scikit-learn estimator (score() returns one "
                "row of scores per statement, not a metric). Fix: pass labels in "
                f"statements.label (or fit(X, y=...)); {SKLEARN_PATH}."
            )
        return validate_tables(X) if isinstance(X, Tables) else validate_tables(X, sources, events)

    # -- fitting ---------------------------------------------------------------------------
    def fit(
        self,
        X: Any,
        y: Any = None,
        *,
        sources: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        history: Tables | None = None,
    ) -> CredibilityModel:
        """Fits on the labelled statements of the tables.

        Unlabelled statements are not training rows, but they (and ``history``) still feed the
        point-in-time record of their sources.

        Parameters
        ----------
        X : Tables or statements DataFrame
        y : array-like of shape (n_statements,), optional
            Labels (1 held up, 0 did not, NaN unknown) aligned with the statements; they
            replace ``statements.label``. By default the labels are ``statements.label``.
        sources, events : DataFrame, optional
        history : Tables, optional
            Background record (see :func:`credscore.features.merge_history`).
        """
        self._validate_params()
        with progress_scope(current_progress(self.verbose)) as progress:
            tables = self._with_labels(self._tables(X, sources, events), y)
            labelled = tables.statements["label"].notna().to_numpy()
            if not labelled.any():
                raise SchemaError(
                    "table 'statements', column 'label': no statement has a label, so there "
                    "is nothing to learn from. Fix: add 1 (held up) / 0 (did not) labels.",
                    table="statements",
                )
            self._check_labels(tables.statements["label"].to_numpy()[labelled])
            progress.step(f"validated {len(tables.statements):,} statements")
            combined, rows = merge_history(tables, history)
            extractor = self._new_extractor().fit_tables(combined)
            features = extractor.extract(combined, rows).features
            progress.step(f"features: {features.shape[1]} columns of {len(features):,} rows")
            st = tables.statements
            y_train = st["label"].to_numpy()[labelled].astype(int)
            time = pd.DatetimeIndex(st["made_at"]).asi8[labelled]
            learners = [b for b in self.base_learners if not (self.text_features and b == "hgb")]
            self.classifier_ = CredibilityClassifier(
                base_learners=learners or ["logistic"],
                calibrators=self.calibrators,
                cv=self.cv,
                C=self.C,
                max_iter=self.max_iter,
                selection_rows=self.selection_rows,
                early_stopping=self.early_stopping,
                boosting=self.boosting,
                random_state=self.random_state,
                monotonic_cst=extractor.monotone_constraints(),
                n_jobs=self.n_jobs,
            ).fit(features.iloc[labelled], y_train, time=time)
            progress.step(f"fitted on {int(labelled.sum()):,} labelled statements")
        self.extractor_ = extractor
        self.feature_names_ = list(features.columns)
        self.reference_ = extractor.transform(_REFERENCE).iloc[0]
        self.base_rate_ = float(y_train.mean())
        self.n_train_rows_ = int(labelled.sum())
        self.training_fingerprint_ = fingerprint(st[labelled])
        made = st["made_at"][labelled]
        self.training_period_ = [made.min().isoformat(), made.max().isoformat()]
        self.recalibration_: dict[str, Any] | None = None
        return self

    def _check_labels(self, y: np.ndarray) -> None:
        """Both outcomes, each with at least ``cv`` statements (every fold needs both)."""
        counts = np.bincount(y.astype(int), minlength=2)
        if counts.min() < self.cv:
            rarer = "held up (1)" if counts[1] < counts[0] else "did not hold up (0)"
            raise SchemaError(
                f"table 'statements', column 'label': {int(counts.min())} labelled statement(s) "
                f"{rarer} and {int(counts.max())} of the other outcome; cv={self.cv} folds need "
                f"at least {self.cv} of each. Fix: add verdicts of both outcomes, or lower cv "
                f"(at least 2).",
                table="statements",
            )

    @staticmethod
    def _with_labels(tables: Tables, y: Any) -> Tables:
        if y is None:
            return tables
        labels = pd.Series(np.asarray(y, dtype=object).ravel())
        if len(labels) != len(tables.statements):
            raise SchemaError(
                f"y has {len(labels)} labels but the statements table has "
                f"{len(tables.statements)} rows. Fix: pass one label per statement, in order "
                "(NaN for unknown), or leave y out and use statements.label.",
                table="statements",
            )
        st = tables.statements.assign(label=labels.to_numpy())
        return validate_tables(Tables(statements=st, sources=tables.sources, events=tables.events))

    def _check_fitted(self) -> None:
        if not hasattr(self, "classifier_"):
            raise NotFittedError(
                "this CredibilityModel is not fitted yet. Fix: call fit(tables) first, or load "
                "one with credscore.load_model()."
            )

    @property
    def selection_(self) -> dict:
        """The chosen base learner and calibrator with the CV table."""
        self._check_fitted()
        return self.classifier_.selection_
