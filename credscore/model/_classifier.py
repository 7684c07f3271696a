"""The calibrated classifier on a feature matrix: a scikit-learn estimator in full.

A base learner (logistic regression or monotone gradient boosting) inside a calibrator
(sigmoid, isotonic, temperature or Venn-Abers), both chosen by cross-validated log loss
(:mod:`credscore.model._selection`). The final model is a cross-fitted ensemble (as
scikit-learn's ``CalibratedClassifierCV(ensemble=True)``): each of K shuffled folds fits the
base learner on the other folds and the calibrator on its own fold's scores, and the
probability is the mean over the K members.

Intervals. ``p_low`` and ``p_high`` are the members' mean Venn-Abers pair ``(p0, p1)`` (each
member's inductive Venn-Abers predictor is fitted on its fold), widened where needed to contain
the probability. The width says how much calibration data supports the score region — how far
one more verdict could move the calibration there; it is not a confidence interval for the
true probability.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
)

from credscore._params import NamesFrom
from credscore.calibration import VennAbersCalibrator
from credscore.model._learners import (
    BASE_LEARNERS,
    BOOSTING_SCHEDULES,
    BaseLearner,
    boosting_schedule,
)
from credscore.model._prediction import SCORE_DECIMALS, ensemble_outputs, mean_over
from credscore.model._prediction import stable as _stable
from credscore.model._progress import current_progress, progress_scope
from credscore.model._selection import calibrated_proba, fold_map, new_calibrator, select

__all__ = ["CALIBRATORS", "SCORE_DECIMALS", "CredibilityClassifier"]

#: Calibrators considered by model selection.
CALIBRATORS: tuple[str, ...] = ("sigmoid", "isotonic", "temperature", "venn_abers")


def _member(
    learner: BaseLearner,
    calibrator: str,
    X: pd.DataFrame,
    y: np.ndarray,
    X_cal: pd.DataFrame,
    y_cal: np.ndarray,
) -> tuple[tuple, bool]:
    """One fold model ``(base learner, calibrator, Venn-Abers)`` and whether its calibrator
    fell back to isotonic."""
    base = learner.fresh().fit(X, y)
    scores = _stable(base.decision_function(X_cal))
    cal = new_calibrator(calibrator).fit(scores, y_cal)
    fell_back = bool(np.any(np.diff(calibrated_proba(cal, np.sort(scores))) < -1e-12))
    if fell_back:
        # a decreasing map would invert the ranking and break the domain monotonicity;
        # isotonic regression is non-decreasing by construction
        cal = new_calibrator("isotonic").fit(scores, y_cal)
    return (base, cal, VennAbersCalibrator().fit(scores, y_cal)), fell_back


class CredibilityClassifier(ClassifierMixin, BaseEstimator):
    """Calibrated binary classifier with cross-validated choice of learner and calibrator.

    This is credscore's scikit-learn estimator: it passes scikit-learn's estimator checks and
    works inside ``cross_val_score``, ``GridSearchCV`` and pipelines, on the feature matrix of
    :func:`credscore.extract_features` (use :class:`~credscore.TimeOrderedSplit` with the
    statements' times as ``groups`` for time-ordered folds).

    Parameters
    ----------
    base_learners : sequence of {"logistic", "hgb"}, default ("logistic", "hgb")
    calibrators : sequence of str, default :data:`CALIBRATORS`
    cv : int, default 5
        Number of folds (at least 2), for both the selection and the cross-fitted ensemble;
        time-ordered when ``time`` is passed to :meth:`fit`. Each fold needs both outcomes,
        so ``cv`` cannot exceed the number of rows of the rarer class.
    C : float, default 1.0
        Inverse regularisation of the logistic learner.
    max_iter : int, default 200
        Boosting iterations.
    selection_rows : int or None, default None
        Largest number of rows the choice of learner and calibrator is made on: above it the
        selection uses that many rows (evenly spaced in time when ``time`` is given, else a
        seeded random draw); the ensemble is always fitted on every row. ``None``: every row.
        A cap makes large fits faster but leans the choice toward the simpler learner, whose
        rival gains more from rows: on 159,871 LIAR-built training statements a cap of 50,000
        chose logistic regression over boosting and the held-out log loss went 0.6742 ->
        0.6777 (``experiments/selection_subsample.py``).
    random_state : int, default 0
    monotonic_cst : dict of str to {-1, 1}, optional
        Monotone direction per column name (DataFrame input); the feature families declare
        them and :class:`~credscore.CredibilityModel` passes them on.
    early_stopping : bool or "auto", default False
        Boosting fits hold out a stratified, seeded 10% of their rows and stop after 10
        iterations without a lower log loss there; ``"auto"``: fits of at least 100,000 rows.
        Off by default: on 1M LIAR-built statements the fold models ran all 200 iterations
        anyway, and on smaller data the gain was small (``experiments/hgb_early_stopping.py``).
    boosting : {"auto", "fine", "coarse"}, default "auto"
        Boosting schedule (``BOOSTING_SCHEDULES`` in :mod:`credscore.model._learners`):
        "fine" runs ``max_iter`` iterations at learning rate 0.05 with 15-leaf trees; "coarse"
        35% of them at 0.15 with 31-leaf trees, about a third of the time. ``"auto"``: coarse
        for fits on at least 100,000 rows, fine below. Measured on LIAR-built tables (one
        boosting fit, the later 20% held out, ``experiments/hgb_schedule.py``): the coarse
        schedule scored as well or better from 100,000 training rows on, and worse on 24,000.
        The resolved schedule is recorded in ``selection_["boosting"]``.
    n_jobs : int, optional
        Fold models fitted at once (joblib workers; ``-1`` for every core). The fits are
        deterministic, so the fitted model is the same; boosting fold models then use one
        OpenMP thread each (joblib's default), as with ``OMP_NUM_THREADS=1``.
    verbose : int, default 0
        Progress on stderr: 0 none, 1 only for fits over a few seconds, 2 every step.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    selection_ : dict
        Chosen ``base`` and ``calibrator``, fold scheme and the CV table of log losses.
    members_ : list of (BaseLearner, calibrator, VennAbersCalibrator)
        The cross-fitted ensemble.
    base_rate_ : float
        Share of training rows of class ``classes_[1]``.

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

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "base_learners": [NamesFrom(BASE_LEARNERS, "base learners")],
        "calibrators": [NamesFrom(CALIBRATORS, "calibrators")],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "C": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "selection_rows": [None, Interval(Integral, 100, None, closed="left")],
        "random_state": ["random_state"],
        "monotonic_cst": [None, dict],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "boosting": [StrOptions({"auto", *BOOSTING_SCHEDULES})],
        "n_jobs": [None, Integral],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        base_learners: Sequence[str] = BASE_LEARNERS,
        calibrators: Sequence[str] = CALIBRATORS,
        cv: int = 5,
        C: float = 1.0,
        max_iter: int = 200,
        selection_rows: int | None = None,
        random_state: int = 0,
        monotonic_cst: dict[str, int] | None = None,
        early_stopping: bool | str = False,
        boosting: str = "auto",
        n_jobs: int | None = None,
        verbose: int = 0,
    ) -> None:
        self.base_learners = base_learners
        self.calibrators = calibrators
        self.cv = cv
        self.C = C
        self.max_iter = max_iter
        self.selection_rows = selection_rows
        self.random_state = random_state
        self.monotonic_cst = monotonic_cst
        self.early_stopping = early_stopping
        self.boosting = boosting
        self.n_jobs = n_jobs
        self.verbose = verbose

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restores a saved classifier; parameters added since it was saved take their default
        (each default reproduces what older versions did), so ``get_params``, ``clone`` and
        ``repr`` work on old models."""
        defaults = {
            name: p.default
            for name, p in inspect.signature(type(self).__init__).parameters.items()
            if p.default is not inspect.Parameter.empty
        }
        defaults["boosting"] = "fine"  # saved before schedules existed: every fit was fine
        super().__setstate__({**defaults, **state})

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.allow_nan = True
        return tags

    def _frame(self, X: Any, *, reset: bool) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            frame = X.reset_index(drop=True) if reset else X
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

    def _check_target(self, frame: pd.DataFrame, y: Any) -> np.ndarray:
        """Binary 0/1 codes of ``y``; clear errors for every way it cannot be used."""
        if y is None:
            raise ValueError(
                "CredibilityClassifier requires y to be passed, but the target y is None"
            )
        y_arr = column_or_1d(y, warn=True)
        check_consistent_length(frame, y_arr)
        check_classification_targets(y_arr)
        n_classes = len(np.unique(y_arr))
        if n_classes < 2:
            raise ValueError(
                "CredibilityClassifier needs both outcomes in y, but y has 1 class. Fix: add "
                "statements that held up and statements that did not."
            )
        target = type_of_target(y_arr)
        if target != "binary":
            raise ValueError(
                f"CredibilityClassifier needs a binary target (held up / did not); got a "
                f"{target} target with {n_classes} classes. Only binary classification "
                "is supported: map your verdict scale to 1/0."
            )
        self.classes_ = np.unique(y_arr)
        y01 = LabelEncoder().fit(self.classes_).transform(y_arr).astype(int)
        rarer = int(np.bincount(y01, minlength=2).min())
        if rarer < self.cv:
            raise ValueError(
                f"cv={self.cv} folds need at least {self.cv} rows of each class, but the rarer "
                f"class has {rarer} (of {len(y01)} rows). Fix: lower cv (2 to {max(rarer, 2)}) "
                "or add labelled rows."
            )
        return y01

    def fit(self, X: Any, y: Any, *, time: Any = None) -> CredibilityClassifier:
        """Selects, fits and calibrates.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n, d)
        y : array-like of shape (n,), two classes
        time : array-like of shape (n,), optional
            Orderable times; when given, the selection's folds are time-ordered.
        """
        self._validate_params()
        frame = self._frame(X, reset=True)
        y01 = self._check_target(frame, y)
        times = None if time is None else np.asarray(time)
        self.boosting_ = boosting_schedule(self.boosting, len(y01))
        learners = [self._learner(k) for k in self.base_learners]
        with progress_scope(current_progress(self.verbose)) as progress:
            sel = select(
                frame,
                y01,
                time=times,
                base_learners=learners,
                calibrators=list(self.calibrators),
                n_splits=self.cv,
                random_state=self.random_state,
                n_jobs=self.n_jobs,
                max_rows=self.selection_rows,
            )
            progress.step(f"selected {sel.base} + {sel.calibrator} calibrator")
            self._fit_members(frame, y01, sel)
        self.selection_ = sel.to_dict() | {
            "calibrated_on": self.calibrated_on_,
            "boosting": self.boosting_,
        }
        self.base_rate_ = float(y01.mean())
        self.n_iter_ = max(m[0].n_iter_ for m in self.members_)
        return self

    def _learner(self, kind: str) -> BaseLearner:
        return BaseLearner(
            kind,
            C=self.C,
            max_iter=self.max_iter,
            random_state=self.random_state,
            monotonic_cst=self.monotonic_cst,
            early_stopping=self.early_stopping,
            boosting=self.boosting_,
        )

    def _fit_members(self, X: pd.DataFrame, y: np.ndarray, sel: Any) -> None:
        """Cross-fitted ensemble: one (base learner, calibrator, Venn-Abers) per fold.

        Each member's base learner is fitted on the other folds and its calibrators on its own
        fold's scores, so every calibrator sees scores as sharp as the ones it will calibrate
        (a base learner refit on all rows is sharper than the out-of-fold scores, which left a
        single calibrator under-confident). Folds are stratified and shuffled: the choice of
        learner and calibrator already used time-ordered folds.
        """
        progress = current_progress(self.verbose)
        folds = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        learner = self._learner(sel.base)
        tasks = (
            (learner, sel.calibrator, X.iloc[tr], y[tr], X.iloc[va], y[va])
            for tr, va in folds.split(np.zeros(len(y)), y)
        )
        self.members_, self.fallbacks_ = [], 0
        for k, (member, fell_back) in enumerate(fold_map(_member, tasks, self.n_jobs), 1):
            self.members_.append(member)
            self.fallbacks_ += int(fell_back)
            progress.step(f"fold model {k}/{self.cv}: {sel.base} + {sel.calibrator} calibrator")
        self.calibrated_on_ = f"cross-fitted ensemble of {self.cv} fold models"
        if self.fallbacks_:
            sel.calibrator += f" (isotonic in {self.fallbacks_} fold(s) where it was decreasing)"

    def _member_outputs(self, X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        check_is_fitted(self, "members_")
        out = ensemble_outputs(self, self._frame(X, reset=False))
        return out.p, out.p0s, out.p1s

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
        return self.predict_with_interval(X)[1:]

    def predict_with_interval(self, X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(p, p_low, p_high)`` from one pass over the fold members."""
        p, p0s, p1s = self._member_outputs(X)
        return p, np.minimum(mean_over(p0s), p), np.maximum(mean_over(p1s), p)

    def predict_with_effects(
        self, X: Any, reference: Any, groups: Sequence[Sequence[str]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(p, p_low, p_high, p_sub)`` from one pass over the fold members.

        ``p_sub[g]`` is the probability of each row with the columns of ``groups[g]`` at the
        ``reference`` row's values (a Series or mapping by column name): group substitution,
        computed as one matrix pass (every preprocessing step is column-wise).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> rng = np.random.default_rng(0)
        >>> X = pd.DataFrame(rng.normal(size=(300, 2)), columns=["a", "b"])
        >>> y = (X["a"] > 0).astype(int)
        >>> clf = CredibilityClassifier(base_learners=("logistic",), cv=3).fit(X, y)
        >>> p, low, high, p_sub = clf.predict_with_effects(X[:4], {"a": 0.0, "b": 0.0}, [["a"]])
        >>> p_sub.shape, bool(np.all((low <= p) & (p <= high)))
        ((1, 4), True)
        """
        check_is_fitted(self, "members_")
        if not isinstance(reference, pd.Series):
            reference = pd.Series(dict(reference), dtype=object)
        out = ensemble_outputs(self, self._frame(X, reset=False), reference, groups)
        p = out.p
        low, high = np.minimum(mean_over(out.p0s), p), np.maximum(mean_over(out.p1s), p)
        return p, low, high, out.p_sub
