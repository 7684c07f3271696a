"""The calibrated credibility model.

Two estimators:

* :class:`CredibilityClassifier` — a scikit-learn classifier on a feature matrix: a base learner
  (logistic regression or monotone gradient boosting) inside a calibrator (sigmoid, isotonic,
  temperature or Venn-Abers), both chosen by cross-validated log loss
  (:mod:`credscore._selection`). It passes scikit-learn's estimator checks.
* :class:`CredibilityModel` — the engine: tables in, scores out. It owns a
  :class:`~credscore.features.FeatureExtractor` and a :class:`CredibilityClassifier`, and adds
  intervals, reasons and persistence.

Calibration. Model selection uses time-ordered folds; the final model is a cross-fitted
ensemble (as scikit-learn's ``CalibratedClassifierCV(ensemble=True)``): each of K shuffled folds
fits the base learner on the other folds and the calibrator on its own fold's scores, and the
probability is the mean over the K members.

Intervals. ``p_low`` and ``p_high`` are the members' mean Venn-Abers pair ``(p0, p1)`` (each
member's inductive Venn-Abers predictor is fitted on its fold), widened where needed to contain
``p_reliable``. The width says how much calibration data supports the score region — how far
one more verdict could move the calibration there; it is not a confidence interval for the
true probability.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
)

from credscore._explain import reason_table, reasons
from credscore._learners import BASE_LEARNERS, BaseLearner
from credscore._selection import calibrated_proba, new_calibrator, select
from credscore._tables import Tables
from credscore.calibration import VennAbersCalibrator
from credscore.calibration._logistic import fit_logistic
from credscore.exceptions import SchemaError
from credscore.features.extractor import FAMILIES, FeatureExtractor, merge_history
from credscore.features.history import DEFAULT_PRIOR_STRENGTH, HISTORY_COLUMNS
from credscore.schema import validate_tables

__all__ = ["CALIBRATORS", "RAW_COUNT_COLUMNS", "CredibilityClassifier", "CredibilityModel"]

#: Calibrators considered by model selection.
CALIBRATORS: tuple[str, ...] = ("sigmoid", "isotonic", "temperature", "venn_abers")


#: Decimals kept of a base learner's decision value before calibration.
SCORE_DECIMALS = 10


def _stable(scores: np.ndarray) -> np.ndarray:
    """Decision values rounded to :data:`SCORE_DECIMALS` decimals.

    A linear model's score for the same row can differ in the last bit between batches of
    different sizes (vectorised arithmetic); Venn-Abers and isotonic calibration treat a score
    tied with a calibration score differently from one a bit away, so the unrounded score would
    make a statement's interval depend on what else is scored with it.
    """
    return np.round(np.asarray(scores, dtype=float), SCORE_DECIMALS)


class CredibilityClassifier(ClassifierMixin, BaseEstimator):
    """Calibrated binary classifier with cross-validated choice of learner and calibrator.

    Parameters
    ----------
    base_learners : sequence of {"logistic", "hgb"}, default ("logistic", "hgb")
    calibrators : sequence of str, default :data:`CALIBRATORS`
    cv : int, default 5
        Number of folds (time-ordered when ``time`` is passed to :meth:`fit`).
    C : float, default 1.0
        Inverse regularisation of the logistic learner.
    max_iter : int, default 200
        Boosting iterations.
    random_state : int, default 0

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    selection_ : dict
        Chosen ``base`` and ``calibrator``, fold scheme and the CV table of log losses.
    members_ : list of (BaseLearner, calibrator, VennAbersCalibrator)
        The cross-fitted ensemble (see :meth:`_fit_members`).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 3))
    >>> y = (rng.random(400) < 1 / (1 + np.exp(-X[:, 0]))).astype(int)
    >>> clf = CredibilityClassifier(base_learners=("logistic",), cv=3).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape, clf.selection_["base"]
    ((2, 2), 'logistic')
    """

    def __init__(
        self,
        base_learners: Sequence[str] = BASE_LEARNERS,
        calibrators: Sequence[str] = CALIBRATORS,
        cv: int = 5,
        C: float = 1.0,
        max_iter: int = 200,
        random_state: int = 0,
    ) -> None:
        self.base_learners = base_learners
        self.calibrators = calibrators
        self.cv = cv
        self.C = C
        self.max_iter = max_iter
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.allow_nan = True
        return tags

    def _frame(self, X: Any, *, reset: bool) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            frame = X.reset_index(drop=True)
            if reset:
                self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
            elif hasattr(self, "feature_names_in_") and list(frame.columns) != list(
                self.feature_names_in_
            ):
                raise ValueError(
                    "The feature names seen at fit time and now differ: fit on "
                    f"{list(self.feature_names_in_)[:5]}..., got {list(frame.columns)[:5]}..."
                )
        else:
            arr = check_array(X, ensure_all_finite="allow-nan", dtype="numeric")
            frame = pd.DataFrame(arr, columns=[f"x{i}" for i in range(arr.shape[1])])
            if reset and hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        if reset:
            self.n_features_in_ = frame.shape[1]
        elif frame.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {frame.shape[1]} features, but CredibilityClassifier is expecting "
                f"{self.n_features_in_} features as input."
            )
        return frame

    def fit(self, X: Any, y: Any, *, time: Any = None) -> CredibilityClassifier:
        """Selects, fits and calibrates.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n, d)
        y : array-like of shape (n,), two classes
        time : array-like of shape (n,), optional
            Orderable times; when given, folds are time-ordered.
        """
        if y is None:
            raise ValueError(
                "CredibilityClassifier requires y to be passed, but the target y is None"
            )
        frame = self._frame(X, reset=True)
        y_arr = column_or_1d(y, warn=True)
        check_consistent_length(frame, y_arr)
        check_classification_targets(y_arr)
        if len(np.unique(y_arr)) < 2:
            raise ValueError(
                "CredibilityClassifier needs both outcomes in y, but y has 1 class. Fix: add "
                "statements that held up and statements that did not."
            )
        target = type_of_target(y_arr)
        if target != "binary":
            raise ValueError(
                f"CredibilityClassifier needs a binary target (held up / did not); got a "
                f"{target} target with {len(np.unique(y_arr))} classes. Only binary classification "
                "is supported: map your verdict scale to 1/0."
            )
        self.classes_ = np.unique(y_arr)
        y01 = LabelEncoder().fit(self.classes_).transform(y_arr).astype(int)
        times = None if time is None else np.asarray(time)
        learners = [
            BaseLearner(k, C=self.C, max_iter=self.max_iter, random_state=self.random_state)
            for k in self.base_learners
        ]
        sel = select(
            frame,
            y01,
            time=times,
            base_learners=learners,
            calibrators=list(self.calibrators),
            n_splits=self.cv,
            random_state=self.random_state,
        )
        self._fit_members(frame, y01, sel)
        self.selection_ = sel.to_dict() | {"calibrated_on": self.calibrated_on_}
        self.base_rate_ = float(y01.mean())
        self.n_iter_ = max(m[0].n_iter_ for m in self.members_)
        return self

    def _member(
        self,
        kind: str,
        calibrator: str,
        X: pd.DataFrame,
        y: np.ndarray,
        X_cal: pd.DataFrame,
        y_cal: np.ndarray,
    ) -> tuple:
        base = BaseLearner(
            kind, C=self.C, max_iter=self.max_iter, random_state=self.random_state
        ).fit(X, y)
        scores = _stable(base.decision_function(X_cal))
        cal = new_calibrator(calibrator).fit(scores, y_cal)
        if np.any(np.diff(calibrated_proba(cal, np.sort(scores))) < -1e-12):
            # a decreasing map would invert the ranking and break the domain monotonicity;
            # isotonic regression is non-decreasing by construction
            cal = new_calibrator("isotonic").fit(scores, y_cal)
            self.fallbacks_ += 1
        return base, cal, VennAbersCalibrator().fit(scores, y_cal)

    def _fit_members(self, X: pd.DataFrame, y: np.ndarray, sel: Any) -> None:
        """Cross-fitted ensemble: one (base learner, calibrator, Venn-Abers) per fold.

        Each member's base learner is fitted on the other folds and its calibrators on its own
        fold's scores, so every calibrator sees scores as sharp as the ones it will calibrate
        (a base learner refit on all rows is sharper than the out-of-fold scores, which left a
        single calibrator under-confident). Folds are stratified and shuffled: the choice of
        learner and calibrator already used time-ordered folds.
        """
        self.fallbacks_ = 0
        k = int(min(self.cv, np.bincount(y, minlength=2).min()))
        if k >= 2:
            folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=self.random_state)
            self.members_ = [
                self._member(sel.base, sel.calibrator, X.iloc[tr], y[tr], X.iloc[va], y[va])
                for tr, va in folds.split(np.zeros(len(y)), y)
            ]
            self.calibrated_on_ = f"cross-fitted ensemble of {k} fold models"
        else:  # too little data for cross-fitting: calibrate in-sample (documented fallback)
            self.members_ = [self._member(sel.base, sel.calibrator, X, y, X, y)]
            self.calibrated_on_ = "in-sample scores (too few rows for cross-fitting)"
        if self.fallbacks_:
            sel.calibrator += f" (isotonic in {self.fallbacks_} fold(s) where it was decreasing)"

    def _member_outputs(self, X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        check_is_fitted(self, "members_")
        frame = self._frame(X, reset=False)
        ps, p0s, p1s = [], [], []
        for base, cal, va in self.members_:
            scores = _stable(base.decision_function(frame))
            ps.append(calibrated_proba(cal, scores))
            p0, p1 = va.predict_interval(scores)
            p0s.append(np.asarray(p0, float))
            p1s.append(np.asarray(p1, float))
        return np.mean(ps, axis=0), np.asarray(p0s), np.asarray(p1s)

    def decision_function(self, X: Any) -> np.ndarray:
        """Log-odds of the calibrated probability (ranks exactly like ``predict_proba``)."""
        p = self._member_outputs(X)[0]
        return np.log(p) - np.log1p(-p)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Calibrated probabilities, shape (n, 2); column 1 is ``classes_[1]``.

        The mean of the fold members' calibrated probabilities; when the calibrator is
        Venn-Abers each member's is its merged ``p1 / (1 - p0 + p1)``.
        """
        p = self._member_outputs(X)[0]
        return np.column_stack([1 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """The more probable class."""
        check_is_fitted(self, "members_")
        return self.classes_[(self.predict_proba(X)[:, 1] > 0.5).astype(int)]

    def predict_interval(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """``(p_low, p_high)``: the members' mean Venn-Abers pair, widened to contain ``p``.

        ``[p0, p1]`` says how far one more verdict could move the calibration at this score:
        wide where few calibration rows support it. It is not a confidence interval for the
        true probability.
        """
        p, p0s, p1s = self._member_outputs(X)
        return np.minimum(p0s.mean(axis=0), p), np.maximum(p1s.mean(axis=0), p)


def _fingerprint(statements: pd.DataFrame) -> str:
    """SHA-256 of the training rows' ids, times and labels (identifies the training data)."""
    h = hashlib.sha256()
    for col in ("statement_id", "made_at", "label"):
        h.update(statements[col].astype(str).str.cat(sep="\x1f").encode("utf-8"))
    return h.hexdigest()


def _recalibrated(p: np.ndarray, a: float, b: float) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=float), 1e-9, 1 - 1e-9)
    return 1.0 / (1.0 + np.exp(-(a + b * (np.log(q) - np.log1p(-q)))))


#: History columns :class:`CredibilityModel` leaves out unless told otherwise (``exclude``).
RAW_COUNT_COLUMNS: tuple[str, ...] = (
    "hist_n_prior",
    "hist_n_verdicts",
    "hist_n_false",
    "hist_n_known",
    "hist_n_failed",
)


class CredibilityModel(BaseEstimator):
    """Tables in, calibrated probabilities with intervals and reasons out.

    Parameters
    ----------
    families : sequence of str, default all feature families
    text_features : bool, default False
        Also learn from the statement's wording (TF-IDF, logistic learner only). Off by default:
        vocabulary from the training data then ends up inside the artifact.
    base_learners, calibrators, cv, C, max_iter, random_state
        See :class:`CredibilityClassifier`.
    prior_strength, half_life_days, lexicon, rank_table
        See :class:`~credscore.features.FeatureExtractor`.
    exclude : sequence of str or None, default None
        Feature columns to leave out. ``None`` leaves out :data:`RAW_COUNT_COLUMNS` (the
        record's raw counts; the shrunk rates keep how much evidence there is): counts grow
        with the length of a record, so a model scoring later statements than it was trained
        on extrapolates them. Measured: with the counts, the calibration slope on held-out
        data was 0.92 on average over 31 LIAR splits and 0.80 on LIAR2 2020-2023; without,
        0.99 and 1.05, at equal log loss. ``()`` keeps every column.

    Examples
    --------
    >>> from credscore.datasets.simulator import simulate
    >>> tables, _ = simulate(n_statements=600, n_sources=40, random_state=0)
    >>> model = CredibilityModel(base_learners=("logistic",), cv=3).fit(tables)
    >>> out = model.score(tables.statements.head(3), history=tables)  # earlier record as history
    >>> list(out.columns)
    ['statement_id', 'p_reliable', 'p_low', 'p_high', 'reasons']
    """

    def __init__(
        self,
        families: Sequence[str] = FAMILIES,
        text_features: bool = False,
        base_learners: Sequence[str] = BASE_LEARNERS,
        calibrators: Sequence[str] = CALIBRATORS,
        cv: int = 5,
        C: float = 1.0,
        max_iter: int = 200,
        prior_strength: float = DEFAULT_PRIOR_STRENGTH,
        half_life_days: float = 365.0,
        lexicon: Any = None,
        rank_table: Any = None,
        random_state: int = 0,
        exclude: Sequence[str] | None = None,
    ) -> None:
        self.families = families
        self.text_features = text_features
        self.base_learners = base_learners
        self.calibrators = calibrators
        self.cv = cv
        self.C = C
        self.max_iter = max_iter
        self.prior_strength = prior_strength
        self.half_life_days = half_life_days
        self.lexicon = lexicon
        self.rank_table = rank_table
        self.random_state = random_state
        self.exclude = exclude

    def excluded_columns(self) -> tuple[str, ...]:
        """The feature columns left out: ``exclude``, or by default the raw counts in use."""
        if self.exclude is None:
            return RAW_COUNT_COLUMNS if "history" in self.families else ()
        return (self.exclude,) if isinstance(self.exclude, str) else tuple(self.exclude)

    @staticmethod
    def _tables(X: Any, sources: Any, events: Any) -> Tables:
        return validate_tables(X) if isinstance(X, Tables) else validate_tables(X, sources, events)

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
        y : ignored (labels come from ``statements.label``)
        sources, events : DataFrame, optional
        history : Tables, optional
            Background record (see :func:`credscore.features.extractor.merge_history`).
        """
        tables = self._tables(X, sources, events)
        labelled = tables.statements["label"].notna().to_numpy()
        if not labelled.any():
            raise SchemaError(
                "table 'statements', column 'label': no statement has a label, so there is "
                "nothing to learn from. Fix: add 1 (held up) / 0 (did not) labels.",
                table="statements",
            )
        combined, rows = merge_history(tables, history)  # validated once, used twice
        self.extractor_ = FeatureExtractor(
            families=self.families,
            prior_strength=self.prior_strength,
            half_life_days=self.half_life_days,
            lexicon=self.lexicon,
            rank_table=self.rank_table,
            include_text=self.text_features,
            exclude=self.excluded_columns(),
        )._fit_tables(combined)
        features = self.extractor_._transform_tables(combined, rows)
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
            random_state=self.random_state,
        ).fit(features.iloc[labelled], y_train, time=time)
        self.reference_ = self._reference_row()
        self.n_train_rows_ = int(labelled.sum())
        self.training_fingerprint_ = _fingerprint(st[labelled])
        made = st["made_at"][labelled]
        self.training_period_ = [made.min().isoformat(), made.max().isoformat()]
        self.feature_names_ = list(features.columns)
        return self

    def _reference_row(self) -> pd.Series:
        """Features of a statement with no text, source record, rank or context."""
        blank = Tables(
            statements=pd.DataFrame(
                {
                    "statement_id": ["__reference__"],
                    "source_id": ["__none__"],
                    "text": [""],
                    "made_at": ["2000-01-01T00:00:00+00:00"],
                }
            ),
        )
        return self.extractor_.transform(blank).iloc[0]

    @property
    def selection_(self) -> dict:
        """The chosen base learner and calibrator with the CV table."""
        check_is_fitted(self, "classifier_")
        return self.classifier_.selection_

    def features(
        self,
        statements: Any,
        sources: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        *,
        history: Tables | None = None,
    ) -> pd.DataFrame:
        """The feature rows the model sees (one per statement, input order)."""
        return self._prepare(statements, sources, events, history)[1]

    def _prepare(
        self, statements: Any, sources: Any, events: Any, history: Tables | None
    ) -> tuple[Tables, pd.DataFrame, pd.DataFrame | None]:
        """Validated tables, their feature rows (history merged behind them) and the history
        columns the model leaves out (``None`` when none are), for wording reasons: a model
        without ``hist_n_prior`` still says "walked back 1 of its 4 earlier statements"."""
        check_is_fitted(self, "classifier_")
        tables = self._tables(statements, sources, events)
        combined, rows = merge_history(tables, history)
        full = self.extractor_._transform_tables(combined, rows, every_column=True)
        hidden = [c for c in HISTORY_COLUMNS if c in full.columns and c not in self.feature_names_]
        feats = full[list(self.extractor_.feature_names_out_)]
        return tables, feats, (full[hidden].reset_index(drop=True) if hidden else None)

    def _predict(self, feats: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(p, p_low, p_high)`` for feature rows, after any :meth:`recalibrate` map."""
        if len(feats) == 0:  # an empty table scores to an empty table
            return np.empty(0), np.empty(0), np.empty(0)
        p = self.classifier_.predict_proba(feats)[:, 1]
        low, high = self.classifier_.predict_interval(feats)
        recal = getattr(self, "recalibration_", None)
        if recal:
            a, b = recal["intercept"], recal["slope"]
            p, low, high = (_recalibrated(v, a, b) for v in (p, low, high))
        return p, low, high

    def recalibrate(
        self,
        statements: Any,
        sources: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        *,
        history: Tables | None = None,
        since: Any = None,
    ) -> CredibilityModel:
        """Adapts the calibration to drift: refits slope and intercept on recent verdicts.

        The verdict mix changes over time (e.g. far more false viral posts after 2020 in
        PolitiFact data); a model fitted on the past then ranks well but is miscalibrated on the
        present. This fits ``p' = expit(a + b * logit(p))`` on the labelled statements made at
        or after ``since`` (default: all labelled ones given) and applies it to every later
        prediction and interval. The map is increasing (``b > 0`` is required), so rankings and
        the domain monotonicity are unchanged. Calling it again replaces the previous map.

        Parameters
        ----------
        statements : DataFrame or Tables
            Recent statements with labels.
        sources, events, history
            As in :meth:`score`.
        since : timestamp-like, optional
            Only statements with ``made_at >= since`` are used.

        Returns
        -------
        self
        """
        tables, feats, _ = self._prepare(statements, sources, events, history)
        st = tables.statements
        keep = st["label"].notna().to_numpy()
        if since is not None:
            start = pd.Timestamp(since)
            start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
            keep = keep & (st["made_at"] >= start).to_numpy()
        y = st["label"].to_numpy()[keep]
        if keep.sum() < 20 or len(np.unique(y)) < 2:
            raise SchemaError(
                f"table 'statements', column 'label': recalibration needs at least 20 labelled "
                f"statements with both outcomes; got {int(keep.sum())}. Fix: pass a longer "
                "window of recent verdicts.",
                table="statements",
            )
        self.recalibration_ = None
        p = np.clip(self._predict(feats.iloc[keep])[0], 1e-6, 1 - 1e-6)
        coef, _ = fit_logistic(np.log(p) - np.log1p(-p), y.astype(float), ridge=1e-6)
        a, b = float(coef[0]), float(coef[1])
        if not b > 0:
            raise ValueError(
                f"the recent verdicts give a non-increasing recalibration (slope {b:.3f}): the "
                "model no longer ranks these statements. Retrain it instead of recalibrating."
            )
        self.recalibration_ = {
            "intercept": a,
            "slope": b,
            "n": int(keep.sum()),
            "since": None if since is None else str(since),
        }
        return self

    def predict_proba(
        self,
        statements: Any,
        sources: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        *,
        history: Tables | None = None,
    ) -> np.ndarray:
        """Calibrated ``[P(did not hold up), P(held up)]`` per statement, shape (n, 2)."""
        p = self._predict(self.features(statements, sources, events, history=history))[0]
        return np.column_stack([1 - p, p])

    def score(
        self,
        statements: Any,
        sources: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        *,
        history: Tables | None = None,
        explain: bool = True,
    ) -> pd.DataFrame:
        """Scores statements: probability, interval and reasons, one row per input row.

        Parameters
        ----------
        statements : DataFrame or Tables
        sources, events : DataFrame, optional
        history : Tables, optional
            Earlier statements and events that feed the sources' records without being scored.
        explain : bool, default True
            Compute ``reasons`` (costs one extra prediction per feature group).

        Returns
        -------
        DataFrame
            ``statement_id``, ``p_reliable``, ``p_low``, ``p_high``, ``reasons``.
        """
        tables, feats, wording = self._prepare(statements, sources, events, history)
        p, low, high = self._predict(feats)
        out = pd.DataFrame(
            {
                "statement_id": tables.statements["statement_id"].to_numpy(dtype=object),
                "p_reliable": p,
                "p_low": low,
                "p_high": high,
            }
        )
        if explain:
            out["reasons"] = self._reasons(feats, tables, wording)
        else:
            out["reasons"] = ""
        return out

    def explain(
        self,
        statements: Any,
        sources: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        *,
        history: Tables | None = None,
    ) -> pd.DataFrame:
        """Long table of every group's effect: ``statement_id, group, delta, description``."""
        tables, feats, wording = self._prepare(statements, sources, events, history)
        table = self._reason_table(feats, tables, wording)
        ids = tables.statements["statement_id"].to_numpy(dtype=object)
        table.insert(0, "statement_id", ids[table["row"].to_numpy(dtype=int)])
        return table.drop(columns="row")

    def _reason_inputs(self, tables: Tables, wording: pd.DataFrame | None) -> dict:
        from credscore.features.extractor import _titles

        st = tables.statements
        return {
            "wording": wording,
            "texts": st["text"].tolist(),
            "titles": _titles(tables).tolist(),
            "contexts": st["context"].tolist(),
            "describe_ctx": {
                "prior_strength": self.prior_strength,
                "false_prior": self.extractor_.false_prior_,
                "lexicon": self.extractor_.lexicon_,
                "rank_table": self.extractor_.rank_table_,
            },
        }

    def _reason_table(
        self, feats: pd.DataFrame, tables: Tables, wording: pd.DataFrame | None
    ) -> pd.DataFrame:
        inputs = self._reason_inputs(tables, wording)
        return reason_table(feats, self.reference_, lambda f: self._predict(f)[0], **inputs)

    def _reasons(
        self, feats: pd.DataFrame, tables: Tables, wording: pd.DataFrame | None
    ) -> list[str]:
        inputs = self._reason_inputs(tables, wording)
        return reasons(feats, self.reference_, lambda f: self._predict(f)[0], **inputs)

    def save(
        self,
        directory: str | Path,
        *,
        card: str | None = None,
        metrics: dict | None = None,
        training_data: str | None = None,
    ) -> Path:
        """Writes the model as an artifact directory (:func:`credscore.artifacts.save_model`)."""
        from credscore.artifacts import save_model

        return save_model(self, directory, card=card, metrics=metrics, training_data=training_data)
