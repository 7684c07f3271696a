"""Invariants between attributes: tree structure, widths, vocabulary numbering.

Run after every attribute passed its kind check (``_specs.py``), on the decoded file. See the
docstring of ``_specs.py`` for why each of these protects memory or a later scoring step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from credscore.artifacts._schema import Obj
from credscore.artifacts._specs import SpecError

__all__ = ["check_consistency", "check_tree"]


def _record_dtype() -> np.dtype:
    from sklearn.ensemble._hist_gradient_boosting.common import PREDICTOR_RECORD_DTYPE

    return np.dtype(PREDICTOR_RECORD_DTYPE)


def check_tree(nodes: Any, n_features: int, where: str) -> None:
    """Refuses a tree node array that could walk out of memory or never reach a leaf.

    Examples
    --------
    >>> nodes = np.zeros(3, dtype=_record_dtype())
    >>> nodes["is_leaf"] = [0, 1, 1]; nodes["left"][0], nodes["right"][0] = 1, 2
    >>> check_tree(nodes, n_features=4, where="tree")
    >>> nodes["right"][0] = 10**6
    >>> check_tree(nodes, n_features=4, where="tree")
    Traceback (most recent call last):
    ...
    credscore.artifacts._specs.SpecError: at tree: split node 0 points outside the tree ...
    """
    dtype = _record_dtype()
    if not isinstance(nodes, np.ndarray) or nodes.dtype != dtype or nodes.ndim != 1:
        raise SpecError(where, "the tree's node array is not scikit-learn's node layout")
    if nodes.shape[0] == 0 or not nodes.flags.c_contiguous:
        raise SpecError(where, "the tree's node array is empty or not contiguous")
    leaf = nodes["is_leaf"]
    if np.any(leaf > 1) or np.any(nodes["missing_go_to_left"] > 1):
        raise SpecError(where, "the tree holds flags other than 0 and 1")
    if np.any(nodes["is_categorical"] != 0):
        raise SpecError(where, "the tree holds categorical splits, which credscore never fits")
    split = np.flatnonzero(leaf == 0)
    n = nodes.shape[0]
    for side in ("left", "right"):
        child = nodes[side][split].astype(np.int64)
        bad = split[(child <= split) | (child >= n)]
        if bad.size:
            raise SpecError(
                where,
                f"split node {int(bad[0])} points outside the tree or backwards "
                f"({side} child {int(nodes[side][bad[0]])} of {n} nodes)",
            )
    feature = nodes["feature_idx"][split]
    bad = split[(feature < 0) | (feature >= n_features)]
    if bad.size:
        raise SpecError(
            where,
            f"split node {int(bad[0])} reads feature {int(nodes['feature_idx'][bad[0]])} of a "
            f"model with {n_features} input columns",
        )
    if not np.all(np.isfinite(nodes["value"][leaf == 1])):
        raise SpecError(where, "the tree holds a leaf value that is not a finite number")


def _bitsets(tree: Obj) -> None:
    for name in ("binned_left_cat_bitsets", "raw_left_cat_bitsets"):
        b = tree.attrs[name]
        if b.dtype != np.uint32 or b.shape[1:] != (8,) or not b.flags.c_contiguous:
            raise SpecError(tree.where, f"TreePredictor.{name} is not an (n, 8) uint32 array")


def _hgb(o: Obj, trees: set[int]) -> None:
    a = o.attrs
    n = int(a["n_features_in_"])
    mapper = a["_bin_mapper"].attrs
    if mapper["is_categorical_"].shape != (n,):
        raise SpecError(o.where, f"the bin mapper describes other than {n} input columns")
    if "_n_features" in a and a["_n_features"] != n:
        raise SpecError(o.where, "HistGradientBoostingClassifier's widths disagree")
    for it, (tree,) in enumerate(a["_predictors"]):
        check_tree(tree.attrs["nodes"], n, f"{tree.where} (iteration {it})")
        _bitsets(tree)
        trees.add(id(tree))


def _one_hot(o: Obj) -> None:
    a = o.attrs
    if "categories_" not in a:
        return
    cats = a["categories_"]
    if a["n_features_in_"] != len(cats) or list(a["_n_features_outs"]) != [len(c) for c in cats]:
        raise SpecError(o.where, "OneHotEncoder's output widths disagree with its categories")
    for c in cats:
        if c.dtype.kind != "O" and (c.size > 1 and not np.all(c[1:] > c[:-1])):
            raise SpecError(o.where, "OneHotEncoder's numeric categories are not sorted")
        if c.dtype.kind == "O" and len(set(c.tolist())) != c.size:
            raise SpecError(o.where, "OneHotEncoder's categories repeat")


def _tfidf(o: Obj) -> None:
    a = o.attrs
    if "vocabulary_" not in a:
        return
    vocab = a["vocabulary_"]
    n = len(vocab)
    if sorted(int(i) for i in vocab.values()) != list(range(n)):
        raise SpecError(o.where, "the TF-IDF vocabulary's column numbers are not 0..n-1")
    idf = a["_tfidf"].attrs
    if "idf_" in idf and (idf["idf_"].shape != (n,) or idf.get("n_features_in_", n) != n):
        raise SpecError(o.where, f"the TF-IDF weights do not match its {n}-term vocabulary")


def _logistic(o: Obj) -> None:
    a = o.attrs
    if "coef_" in a and (
        a["coef_"].shape != (1, a.get("n_features_in_", -1)) or a["intercept_"].shape != (1,)
    ):
        raise SpecError(o.where, "LogisticRegression's coefficients do not match its input width")


def _venn_abers(o: Obj) -> None:
    a = o.attrs
    s, f0, f1 = a["unique_scores_"], a["f0_"], a["f1_"]
    if f0.shape != (s.size + 1,) or f1.shape != (s.size + 1,) or np.any(np.diff(s) <= 0):
        raise SpecError(o.where, "the Venn-Abers table's columns disagree")
    if np.any((f0 < 0) | (f0 > 1) | (f1 < 0) | (f1 > 1)):
        raise SpecError(o.where, "the Venn-Abers table holds values outside [0, 1]")


def _isotonic(o: Obj) -> None:
    a = o.attrs
    if "X_thresholds_" in a and (
        a["X_thresholds_"].shape != a["y_thresholds_"].shape or a["X_thresholds_"].size == 0
    ):
        raise SpecError(o.where, "IsotonicRegression's thresholds disagree")


def _imputer(o: Obj) -> None:
    a = o.attrs
    if "statistics_" in a and a["statistics_"].shape != (a.get("n_features_in_", -1),):
        raise SpecError(o.where, "SimpleImputer's statistics do not match its input width")


def _indicator(o: Obj) -> None:
    a = o.attrs
    f = a.get("features_")
    if f is not None and (np.any(f < 0) or np.any(f >= a.get("_n_features", 0))):
        raise SpecError(o.where, "MissingIndicator names columns it does not have")


def _classifier(o: Obj) -> None:
    a = o.attrs
    if "feature_names_in_" in a and a.get("n_features_in_") != len(a["feature_names_in_"]):
        raise SpecError(o.where, "CredibilityClassifier's input names and width disagree")
    if a["classes_"].shape != (2,):
        raise SpecError(o.where, "CredibilityClassifier does not have two classes")


_CHECKS: dict[str, Callable[[Obj], None]] = {
    "OneHotEncoder": _one_hot,
    "TfidfVectorizer": _tfidf,
    "LogisticRegression": _logistic,
    "VennAbersCalibrator": _venn_abers,
    "IsotonicRegression": _isotonic,
    "SimpleImputer": _imputer,
    "MissingIndicator": _indicator,
    "CredibilityClassifier": _classifier,
}


def check_consistency(objects: list[Obj]) -> None:
    """Runs the invariants of every object; every tree must belong to a checked model."""
    trees: set[int] = set()
    for o in objects:
        if o.name == "HistGradientBoostingClassifier" and "_predictors" in o.attrs:
            _hgb(o, trees)
        elif o.name in _CHECKS:
            _CHECKS[o.name](o)
    for o in objects:
        if o.name == "TreePredictor" and id(o) not in trees:
            raise SpecError(o.where, "a tree outside a checked gradient-boosting model")
