"""Base learners: preprocessing plus logistic regression or monotone gradient boosting.

A base learner maps a feature frame to a real-valued score (a logit-like decision value); the
calibrator turns that score into a probability. Preprocessing is decided from the columns:

* numeric columns: median imputation (plus a missing-value indicator) and, for the logistic
  model, standardisation; gradient boosting takes them as they are (it handles ``NaN``);
* string columns (e.g. ``rank_family``): one-hot encoded, unknown categories ignored;
* a column named ``text``: TF-IDF of word unigrams and bigrams (logistic model only).

Domain monotonicity. ``monotonic_cst`` maps column names to ``-1`` (an increase never raises
the probability of holding up, e.g. a higher retraction rate) or ``1``; the feature families
declare these directions (:class:`credscore.features.Column`). Gradient boosting takes them as
monotonic constraints. The logistic model enforces the same signs by refitting without any
constrained column whose coefficient came out with the wrong sign (so that column then has no
effect), which keeps the model monotone in each constrained column whatever the data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from credscore._params import ParamsMixin

__all__ = [
    "BASE_LEARNERS",
    "BOOSTING_SCHEDULES",
    "COARSE_ROWS",
    "EARLY_STOPPING_ROWS",
    "BaseLearner",
    "boosting_schedule",
]

#: Names accepted by :class:`BaseLearner`.
BASE_LEARNERS: tuple[str, ...] = ("logistic", "hgb")
#: With ``early_stopping="auto"``, boosting fits of at least this many rows stop early.
#: Off by default, measured (``experiments/hgb_early_stopping.py``, boosting only, the later
#: 20% held out): on 1,000,000 LIAR-built statements (400,817 labelled) the fold models still
#: ran all 200 iterations; the fit went from 174.6 to 151.8 CPU s only because 10% of the rows
#: were held out, at log loss 0.6737 -> 0.6738. On 100,000 (39,963 labelled) they stopped
#: after 58.6 iterations, 19.8 -> 9.8 s, log loss 0.6808 -> 0.6809; on LIAR train -> valid
#: after 60, 7.9 -> 3.7 s, log loss 0.6498 -> 0.6482.
EARLY_STOPPING_ROWS = 100_000
#: Boosting schedules: ``(learning rate, share of max_iter run, leaves per tree)``. "fine" is
#: every fit before schedules existed; "coarse" grows fewer, larger trees.
BOOSTING_SCHEDULES: dict[str, tuple[float, float, int]] = {
    "fine": (0.05, 1.0, 15),
    "coarse": (0.15, 0.35, 31),
}
#: With ``boosting="auto"``, fits on at least this many labelled rows use the coarse
#: schedule. Measured with ``experiments/hgb_schedule.py`` (one boosting fit on the labelled
#: training rows of LIAR-built tables, the later 20% held out; held-out log loss, fine ->
#: coarse): 23,964 rows 0.6818 -> 0.6865 (worse); 99,986 rows 0.6763 -> 0.6761, 3.1 -> 1.3
#: CPU s; 159,871 rows 0.6744 -> 0.6736; 400,817 rows 0.6740 -> 0.6715, 12.1 -> 5.2 CPU s.
COARSE_ROWS = 100_000


def boosting_schedule(boosting: str, n_rows: int) -> str:
    """The schedule ``"fine"`` or ``"coarse"`` that ``boosting`` means for a fit on
    ``n_rows`` labelled rows.

    Examples
    --------
    >>> boosting_schedule("auto", 10_000), boosting_schedule("auto", 500_000)
    ('fine', 'coarse')
    >>> boosting_schedule("fine", 500_000)
    'fine'
    """
    if boosting == "auto":
        return "coarse" if n_rows >= COARSE_ROWS else "fine"
    if boosting not in BOOSTING_SCHEDULES:
        raise ValueError(f"boosting must be 'auto' or one of {list(BOOSTING_SCHEDULES)}")
    return boosting


def median_of_present(values: np.ndarray) -> float:
    """The median of a column's non-missing values (0 for none), as ``np.ma.median`` gives it.

    scikit-learn's median imputer sorts a masked copy of the whole matrix (6 s for 800k x 28
    rows here); its ``strategy`` may be a function of each column's non-missing values, which
    this is (``np.median`` takes the middle value, or the mean of the two middle values, just
    as the masked median does: ``tests/model/test_learners.py`` checks it is bit for bit the
    same). :func:`fit_median_imputers` fits with it and then sets ``strategy="median"`` back,
    so a fitted imputer is the same object either way.
    """
    return float(np.median(values)) if len(values) else 0.0


def _imputers(est: Any) -> list[SimpleImputer]:
    if isinstance(est, SimpleImputer):
        return [est]
    subs: list[Any] = []
    if isinstance(est, ColumnTransformer):
        subs = [t for _, t, _ in est.transformers]
        subs += [t for _, t, _ in getattr(est, "transformers_", [])]
    elif hasattr(est, "steps"):
        subs = [t for _, t in est.steps]
    return [i for t in subs for i in _imputers(t)]


def fit_median_imputers(pre: ColumnTransformer, X: pd.DataFrame) -> np.ndarray:
    """``pre.fit_transform(X)`` with its median imputers fitted by :func:`median_of_present`."""
    for imp in _imputers(pre):
        if isinstance(imp.strategy, str) and imp.strategy == "median":
            imp.strategy = median_of_present
    try:
        return pre.fit_transform(X)
    finally:
        for imp in _imputers(pre):
            if imp.strategy is median_of_present:
                imp.strategy = "median"


def _split_columns(X: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
    text = [c for c in X.columns if c == "text"]
    numeric = [c for c in X.columns if c not in text and pd.api.types.is_numeric_dtype(X[c])]
    categorical = [c for c in X.columns if c not in text and c not in numeric]
    return numeric, categorical, text


class BaseLearner(ParamsMixin):
    """A preprocessing + classifier pair exposing a real-valued ``decision_function``.

    Internal to :class:`~credscore.CredibilityClassifier` (which is the scikit-learn
    estimator); it takes a DataFrame with named columns.

    Parameters
    ----------
    kind : {"logistic", "hgb"}
    C : float, default 1.0
        Inverse regularisation of the logistic model (its TF-IDF block shares it).
    max_iter : int, default 200
        Boosting iterations of the gradient-boosting model.
    random_state : int, default 0
    monotonic_cst : dict of str to {-1, 1}, optional
        Monotone direction of constrained columns (columns absent from ``X`` are ignored).
    early_stopping : bool or "auto", default False
        Boosting only: hold out a stratified, seeded 10% of the rows and stop after 10
        iterations without a lower log loss on them. ``"auto"``: on fits of at least
        :data:`EARLY_STOPPING_ROWS` rows.
    boosting : {"fine", "coarse"}, default "fine"
        Boosting schedule (:data:`BOOSTING_SCHEDULES`), resolved by the classifier.
    """

    def __init__(
        self,
        kind: str = "logistic",
        C: float = 1.0,
        max_iter: int = 200,
        random_state: int = 0,
        monotonic_cst: dict[str, int] | None = None,
        early_stopping: bool | str = False,
        boosting: str = "fine",
    ) -> None:
        self.kind = kind
        self.C = C
        self.max_iter = max_iter
        self.random_state = random_state
        self.monotonic_cst = monotonic_cst
        self.early_stopping = early_stopping
        self.boosting = boosting

    def _directions(self) -> dict[str, int]:
        cst = getattr(self, "monotonic_cst", None) or {}
        return {c: int(d) for c, d in cst.items() if d and c in self.numeric_}

    def _preprocessor(
        self, numeric: list[str], categorical: list[str], text: list[str]
    ) -> ColumnTransformer:
        blocks: list[tuple[str, Any, Any]] = []
        if numeric:
            steps: list[Any] = [
                SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)
            ]
            if self.kind == "logistic":
                steps.append(StandardScaler())
            blocks.append(("num", make_pipeline(*steps), numeric))
        if categorical:
            blocks.append(
                (
                    "cat",
                    make_pipeline(
                        SimpleImputer(strategy="constant", fill_value="missing"),
                        OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                    ),
                    categorical,
                )
            )
        if text and self.kind == "logistic":
            blocks.append(
                (
                    "text",
                    TfidfVectorizer(
                        ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=50_000
                    ),
                    text[0],
                )
            )
        return ColumnTransformer(blocks, remainder="drop", sparse_threshold=0.3)

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> BaseLearner:
        """Fits preprocessing and classifier; ``X`` must be a DataFrame with named columns."""
        if self.kind not in BASE_LEARNERS:
            raise ValueError(f"kind must be one of {BASE_LEARNERS}, got {self.kind!r}")
        numeric, categorical, text = _split_columns(X)
        self.numeric_, self.categorical_, self.text_ = numeric, categorical, text
        self.excluded_: list[str] = []
        if self.kind == "hgb":
            self._fit_hgb(X, y)
        else:
            self._fit_logistic(X, y)
        self.n_iter_ = int(np.max(self.clf_.n_iter_))
        return self

    def _fit_hgb(self, X: pd.DataFrame, y: np.ndarray) -> None:
        self.pre_ = self._preprocessor(self.numeric_, self.categorical_, [])
        Z = fit_median_imputers(self.pre_, X)
        # the numeric block comes first and keeps its column order (indicators follow it)
        cst = np.zeros(Z.shape[1], dtype=int)
        directions = self._directions()
        for i, name in enumerate(self.numeric_):
            cst[i] = directions.get(name, 0)
        # pickled before schedules existed: those fits were all fine
        rate, share, leaves = BOOSTING_SCHEDULES[getattr(self, "boosting", "fine")]
        self.clf_ = HistGradientBoostingClassifier(
            max_iter=max(1, round(self.max_iter * share)),
            learning_rate=rate,
            max_leaf_nodes=leaves,
            min_samples_leaf=40,
            l2_regularization=1.0,
            monotonic_cst=cst,
            early_stopping=self._stops_early(len(y)),
            validation_fraction=0.1,
            n_iter_no_change=10,
            random_state=self.random_state,
        ).fit(Z, y)

    def _stops_early(self, n_rows: int) -> bool:
        mode = getattr(self, "early_stopping", False)  # pickled before the parameter existed
        if mode == "auto":
            return n_rows >= EARLY_STOPPING_ROWS
        return bool(mode)

    def _fit_logistic(self, X: pd.DataFrame, y: np.ndarray) -> None:
        constrained = self._directions()
        excluded: list[str] = []
        for _ in range(len(constrained) + 1):
            numeric = [c for c in self.numeric_ if c not in excluded]
            pre = self._preprocessor(numeric, self.categorical_, self.text_)
            Z = fit_median_imputers(pre, X)
            clf = LogisticRegression(C=self.C, max_iter=2000).fit(Z, y)
            wrong = [
                c
                for c, sign in constrained.items()
                if c not in excluded
                and np.sign(clf.coef_[0, numeric.index(c)]) == -sign
                and abs(clf.coef_[0, numeric.index(c)]) > 1e-12
            ]
            if not wrong:
                break
            excluded += wrong
        self.pre_, self.clf_, self.excluded_ = pre, clf, excluded

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """Real-valued score, increasing in the probability of holding up."""
        return np.asarray(self.clf_.decision_function(self.pre_.transform(X)), dtype=float)

    def fresh(self) -> BaseLearner:
        """An unfitted copy with the same parameters."""
        return clone(self)
