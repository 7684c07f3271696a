"""scikit-learn's estimator checks over credscore's scikit-learn estimators.

``FeatureExtractor`` and ``CredibilityModel`` take tables (sources, statements, events), not a
numeric matrix, so scikit-learn's generic checks do not apply to them; their conventions
(parameters stored unchanged, fitted state ending in ``_``, ``fit`` returning ``self``) are
tested in ``test_extractor.py`` and ``test_model.py``.
"""

from __future__ import annotations

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
