"""Tests of CredibilityClassifier (credscore/model/_classifier.py), credscore's one
scikit-learn estimator: scikit-learn's estimator checks and parameter validation.

``FeatureExtractor`` and ``CredibilityModel`` take tables (sources, statements, events), not a
numeric matrix, and do not claim to be scikit-learn estimators; their conventions are tested in
``tests/features/test_extractor.py`` and ``tests/model/test_engine.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

from credscore import CredibilityClassifier

#: Checks expected to fail, each with its reason.
EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": "sample weights are not supported",
    "check_sample_weight_equivalence_on_sparse_data": "sample weights are not supported",
    "check_sample_weights_not_an_array": "sample weights are not supported",
}


def _expected_failures(estimator):
    return EXPECTED_FAILURES


@parametrize_with_checks(
    [
        CredibilityClassifier(base_learners=("logistic",), cv=3),
        CredibilityClassifier(base_learners=("hgb",), calibrators=("sigmoid",), cv=2, max_iter=20),
    ],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"cv": 1}, "'cv' parameter"),
        ({"cv": 0}, "'cv' parameter"),
        ({"cv": -1}, "'cv' parameter"),
        ({"C": 0.0}, "'C' parameter"),
        ({"max_iter": 0}, "'max_iter' parameter"),
        ({"base_learners": ("svm",)}, "base learners from"),
        ({"base_learners": ()}, "base learners from"),
        ({"calibrators": ("beta",)}, "calibrators from"),
    ],
)
def test_bad_parameters_are_refused_at_fit(params, match):
    """Every bad parameter is an InvalidParameterError (a ValueError) naming it, at fit."""
    X, y = np.random.default_rng(0).normal(size=(60, 2)), np.arange(60) % 2
    clf = CredibilityClassifier(**params)  # __init__ only stores
    with pytest.raises(InvalidParameterError, match=match):
        clf.fit(X, y)


def test_cv_beyond_the_rarer_class_is_refused():
    """cv=10 with 6 rows of the rarer class: a clear error with the allowed range."""
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = np.r_[np.zeros(34), np.ones(6)].astype(int)
    with pytest.raises(ValueError, match=r"rarer class has 6 .* lower cv \(2 to 6\)"):
        CredibilityClassifier(cv=10).fit(X, y)
