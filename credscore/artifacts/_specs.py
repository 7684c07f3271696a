"""What each trusted type may hold, checked on the decoded file before anything is built.

skops can say that a file holds only trusted *types*; it cannot say that their *content* is
safe. Several scikit-learn types hand their fitted arrays to compiled code that does not check
bounds, so a file with a rewritten index crashes the process (a segmentation fault) the first
time it scores. For those types every such array is validated here, against the invariants
scikit-learn's own fitting guarantees:

* ``TreePredictor``: the node array has exactly scikit-learn's record layout; every split's
  children come after it and inside the array (so every walk ends at a leaf), every feature
  index is below the model's input width, leaf values are finite, no split is categorical
  (credscore never fits categorical splits) and the bitset arrays have the layout the compiled
  code reads.
* ``HistGradientBoostingClassifier`` and its ``_BinMapper``: one tree per iteration, no
  categorical feature, no internal preprocessor, not left in a fitting state.
* ``OneHotEncoder``: one output column per known category (the compiled sparse-to-dense step
  writes where these counts say), no dropped or infrequent categories.
* ``TfidfVectorizer``: the vocabulary's column numbers are exactly ``0..n-1`` and the IDF
  weights have ``n`` entries (the sparse product reads the weights at those numbers); the
  token pattern is scikit-learn's default (a user pattern could take exponential time).

Every other type's fitted arrays go through numpy or scipy operations that check shapes; for
them the checks below only pin down the kinds of their attributes, so that a file of the
right types but the wrong shapes is refused rather than failing later, while scoring.
Attributes a scikit-learn type does not declare are refused unless they are plain values; the
flag ``_in_fit`` (which sends prediction down the binned path) is refused outright.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from credscore.artifacts._schema import Obj, TypeRef

__all__ = ["SpecError", "check_objects"]

Check = Callable[[Any], bool]

_TREE = "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"
_HGB = "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier"
_BINS = "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper"
_TOKEN_PATTERN = r"(?u)\b\w\w+\b"


class SpecError(Exception):
    """An object of the file breaks its type's invariants (``where``: its place, ``what``)."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"at {where}: {what}")
        self.where, self.what = where, what


def plain(v: Any) -> bool:
    """None, a number, a string, a type or dtype, or a container of those (no object)."""
    if v is None or isinstance(v, bool | int | float | str | TypeRef | np.dtype | np.generic):
        return True
    if isinstance(v, list | tuple):
        return all(plain(x) for x in v)
    if isinstance(v, dict):
        return all(plain(x) for x in v.values())
    return False


def integer(v: Any) -> bool:
    return isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_)


def number(v: Any) -> bool:
    return (integer(v) or isinstance(v, float | np.floating)) and bool(np.isfinite(v))


def boolean(v: Any) -> bool:
    return isinstance(v, bool | np.bool_)


def text(v: Any) -> bool:
    return isinstance(v, str)


def arr(kinds: str = "f", ndim: int | None = 1, *, finite: bool = False) -> Check:
    def check(v: Any) -> bool:
        if not isinstance(v, np.ndarray) or v.dtype.kind not in kinds or v.dtype.names:
            return False
        if ndim is not None and v.ndim != ndim:
            return False
        if v.dtype.kind == "O":
            return all(isinstance(x, str) for x in v.ravel())
        return not finite or bool(np.all(np.isfinite(v)))

    return check


def obj(*classes: str) -> Check:
    return lambda v: isinstance(v, Obj) and any(v.cls.endswith("." + c) for c in classes)


def strs(v: Any) -> bool:
    return isinstance(v, list | tuple) and all(isinstance(x, str) for x in v)


def opt(check: Check) -> Check:
    return lambda v: v is None or check(v)


def data(v: Any) -> bool:
    """Plain values and numeric arrays, in any containers, but no object."""
    if isinstance(v, np.ndarray):
        return v.dtype.kind in "biuf" and not v.dtype.names
    if isinstance(v, list | tuple):
        return all(data(x) for x in v)
    if isinstance(v, dict):
        return all(data(x) for x in v.values())
    return plain(v)


_CALIBRATORS: tuple[str, ...] = ("SigmoidCalibrator", "IsotonicCalibrator")
_CALIBRATORS += ("TemperatureCalibrator", "VennAbersCalibrator")
_STEP = obj("Pipeline", "SimpleImputer", "StandardScaler", "OneHotEncoder", "TfidfVectorizer")


def _member(v: Any) -> bool:
    return (
        isinstance(v, list | tuple)
        and len(v) == 3
        and obj("BaseLearner")(v[0])
        and obj(*_CALIBRATORS)(v[1])
        and obj("VennAbersCalibrator")(v[2])
    )


def _transformers(v: Any) -> bool:
    return isinstance(v, list) and all(
        isinstance(t, tuple | list)
        and len(t) == 3
        and text(t[0])
        and (_STEP(t[1]) or t[1] in ("drop", "passthrough"))
        and (strs(t[2]) or text(t[2]) or (isinstance(t[2], list) and all(map(integer, t[2]))))
        for t in v
    )


def _steps(v: Any) -> bool:
    return isinstance(v, list) and all(
        isinstance(s, tuple | list) and len(s) == 2 and text(s[0]) and (_STEP(s[1]) or s[1] is None)
        for s in v
    )


#: Checked attributes per type; ``own`` types (credscore's) may carry other plain attributes.
SPECS: dict[str, dict[str, Check]] = {
    "CredibilityClassifier": {
        "members_": lambda v: isinstance(v, list) and len(v) >= 1 and all(map(_member, v)),
        "classes_": arr("iuf"),
        "base_rate_": number,
        "n_features_in_": integer,
        "feature_names_in_": arr("O"),
    },
    "BaseLearner": {
        "kind": lambda v: v in ("logistic", "hgb"),
        "pre_": obj("ColumnTransformer"),
        "clf_": obj("LogisticRegression", "HistGradientBoostingClassifier"),
        "numeric_": strs,
        "categorical_": strs,
        "text_": strs,
        "excluded_": strs,
    },
    "SigmoidCalibrator": {"intercept_": number, "slope_": number, "input": text},
    "IsotonicCalibrator": {"isotonic_": obj("IsotonicRegression"), "eps": number},
    "TemperatureCalibrator": {"temperature_": lambda v: number(v) and v > 0, "input": text},
    "VennAbersCalibrator": {
        "unique_scores_": arr("f", finite=True),
        "f0_": arr("f", finite=True),
        "f1_": arr("f", finite=True),
    },
    "ColumnTransformer": {
        "transformers": _transformers,
        "transformers_": _transformers,
        "n_features_in_": integer,
        "feature_names_in_": arr("O"),
        "output_indices_": lambda v: (
            isinstance(v, dict) and all(isinstance(s, slice) for s in v.values())
        ),
        "_remainder": data,
        "_columns": data,
        "_transformer_to_input_indices": data,
    },
    "Pipeline": {"steps": _steps},
    "SimpleImputer": {
        "statistics_": arr("fO"),
        "n_features_in_": integer,
        "feature_names_in_": arr("O"),
        "indicator_": opt(obj("MissingIndicator")),
    },
    "MissingIndicator": {"features_": arr("iu"), "_n_features": integer, "n_features_in_": integer},
    "StandardScaler": {
        "mean_": opt(arr("f", finite=True)),
        "var_": opt(arr("f", finite=True)),
        "scale_": opt(arr("f", finite=True)),
        "n_features_in_": integer,
        "n_samples_seen_": lambda v: number(v) or arr("iuf", None)(v),
    },
    "OneHotEncoder": {
        "categories_": lambda v: isinstance(v, list) and all(map(arr("iufO"), v)),
        "_n_features_outs": lambda v: isinstance(v, list) and all(map(integer, v)),
        "n_features_in_": integer,
        "drop_idx_": lambda v: v is None,
        "_drop_idx_after_grouping": lambda v: v is None,
        "_infrequent_enabled": lambda v: v is False,
    },
    "TfidfVectorizer": {
        "vocabulary_": lambda v: (
            isinstance(v, dict) and all(isinstance(k, str) and integer(i) for k, i in v.items())
        ),
        "_tfidf": obj("TfidfTransformer"),
        "analyzer": lambda v: v == "word",
        "tokenizer": lambda v: v is None,
        "preprocessor": lambda v: v is None,
        "token_pattern": lambda v: v == _TOKEN_PATTERN,
        "ngram_range": lambda v: (
            isinstance(v, tuple | list)
            and len(v) == 2
            and all(map(integer, v))
            and 1 <= v[0] <= v[1] <= 5
        ),
        "norm": lambda v: v in ("l1", "l2", None),
    },
    "TfidfTransformer": {"idf_": arr("f", finite=True), "n_features_in_": integer},
    "LogisticRegression": {
        "coef_": arr("f", 2, finite=True),
        "intercept_": arr("f", finite=True),
        "classes_": arr("iuf"),
        "n_features_in_": integer,
        "n_iter_": arr("iu"),
    },
    "IsotonicRegression": {
        "X_thresholds_": arr("f", finite=True),
        "y_thresholds_": arr("f", finite=True),
        "X_min_": number,
        "X_max_": number,
        "increasing_": boolean,
    },
    "HistGradientBoostingClassifier": {
        "_predictors": lambda v: (
            isinstance(v, list)
            and all(isinstance(t, list) and len(t) == 1 and obj("TreePredictor")(t[0]) for t in v)
        ),
        "_bin_mapper": obj("_BinMapper"),
        "_preprocessor": lambda v: v is None,
        "is_categorical_": lambda v: v is None,
        "n_trees_per_iteration_": lambda v: v == 1,
        "_baseline_prediction": lambda v: arr("f", 2, finite=True)(v) and v.shape == (1, 1),
        "_loss": obj("HalfBinomialLoss"),
        "_label_encoder": obj("LabelEncoder"),
        "classes_": arr("iuf"),
        "n_features_in_": lambda v: integer(v) and v >= 1,
        "monotonic_cst": opt(arr("i")),
        "_feature_subsample_rng": opt(obj("Generator")),
        "train_score_": arr("f"),
        "validation_score_": arr("f"),
    },
    "_BinMapper": {
        "is_categorical_": lambda v: arr("bu")(v) and not v.any(),
        "bin_thresholds_": lambda v: isinstance(v, list) and all(map(arr("f"), v)),
        "n_bins_non_missing_": arr("iu"),
        "missing_values_bin_idx_": integer,
    },
    "TreePredictor": {
        "nodes": lambda v: isinstance(v, np.ndarray),
        "binned_left_cat_bitsets": arr("u", 2),
        "raw_left_cat_bitsets": arr("u", 2),
    },
    "HalfBinomialLoss": {
        "closs": obj("CyHalfBinomialLoss"),
        "link": obj("LogitLink"),
        "interval_y_true": obj("Interval"),
        "interval_y_pred": obj("Interval"),
    },
    "LabelEncoder": {"classes_": arr("iuf")},
    "Interval": {},
    "LogitLink": {},
    "CyHalfBinomialLoss": {},
    "Generator": {"bit_generator": data, "seed_seq": data},
}
_OWN = {"CredibilityClassifier", "BaseLearner", *_CALIBRATORS}
#: Attributes that must exist once a type is fitted (the first one marks "fitted").
_FITTED = {
    "OneHotEncoder": ("categories_", "_n_features_outs", "drop_idx_", "_infrequent_enabled"),
    "TfidfVectorizer": ("vocabulary_", "_tfidf"),
    "HistGradientBoostingClassifier": ("_predictors", "_bin_mapper", "_baseline_prediction"),
    "TreePredictor": ("nodes", "binned_left_cat_bitsets", "raw_left_cat_bitsets"),
    "_BinMapper": ("is_categorical_",),
    "LogisticRegression": ("coef_", "intercept_"),
    "CredibilityClassifier": ("members_", "classes_", "base_rate_"),
    "BaseLearner": ("pre_", "clf_", "kind"),
    "VennAbersCalibrator": ("unique_scores_", "f0_", "f1_"),
}


def _check_attrs(o: Obj) -> None:
    spec = SPECS.get(o.name)
    if spec is None:  # a type a user added to TRUSTED_TYPES: only its contents are checked
        return
    required = _FITTED.get(o.name, ())
    if required and (required[0] in o.attrs or o.name in ("TreePredictor", "BaseLearner")):
        missing = [a for a in required if a not in o.attrs]
        if missing:
            raise SpecError(o.where, f"a fitted {o.name} lacks {missing}")
    for name, value in o.attrs.items():
        check = spec.get(name)
        if check is None:
            if name == "_in_fit" or not plain(value):
                raise SpecError(o.where, f"{o.name} holds an unexpected attribute {name!r}")
        elif not check(value):
            raise SpecError(o.where, f"{o.name}.{name} is not what a fitted {o.name} holds")


def collect(value: Any) -> list[Obj]:
    """Every :class:`Obj` in a decoded value, each once, parents before children."""
    out: list[Obj] = []
    seen: set[int] = set()
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, Obj | dict | list | tuple):
            if id(v) in seen:
                continue
            seen.add(id(v))
        if isinstance(v, Obj):
            out.append(v)
            stack.extend(reversed(list(v.attrs.values())))
        elif isinstance(v, dict):
            stack.extend(reversed(list(v.values())))
        elif isinstance(v, list | tuple):
            stack.extend(reversed(v))
    return out


def check_objects(state: Any) -> list[Obj]:
    """Checks every object of a decoded state; returns them.

    Raises
    ------
    SpecError
        Naming the first object that breaks its type's invariants.
    """
    from credscore.artifacts._consistency import check_consistency

    objects = collect(state)
    for o in objects:
        _check_attrs(o)
    check_consistency(objects)
    return objects
