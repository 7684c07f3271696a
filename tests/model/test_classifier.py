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
        ({"selection_rows": 10}, "'selection_rows' parameter"),
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


def _timed_data(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = (rng.random(n) < 1 / (1 + np.exp(-1.5 * X[:, 0]))).astype(int)
    return X, y, rng.permutation(n)  # times: a shuffled order


def test_selection_on_a_subsample_is_the_selection_of_those_rows():
    """Above selection_rows the choice is made on that many rows evenly spaced in time (the
    same table as selecting on those rows alone); the ensemble still sees every row."""
    from credscore.model._selection import selection_rows

    X, y, t = _timed_data(900)
    kw = {"base_learners": ("logistic", "hgb"), "cv": 3, "max_iter": 20}
    sub = CredibilityClassifier(selection_rows=300, **kw).fit(X, y, time=t)
    rows = selection_rows(900, t, 300, 0)
    assert len(rows) == 300
    alone = CredibilityClassifier(selection_rows=None, **kw).fit(X[rows], y[rows], time=t[rows])
    assert sub.selection_["n_rows"] == 300
    assert sub.selection_["cv_table"] == alone.selection_["cv_table"]
    assert len(sub.members_) == 3
    assert not np.allclose(sub.predict_proba(X), alone.predict_proba(X))  # fitted on all rows
    full = CredibilityClassifier(selection_rows=None, **kw).fit(X, y, time=t)
    # at or under the cap nothing changes
    same = CredibilityClassifier(selection_rows=900, **kw).fit(X, y, time=t)
    np.testing.assert_array_equal(same.predict_proba(X), full.predict_proba(X))


def test_time_subsample_spans_the_whole_period():
    from credscore.model._selection import selection_rows

    t = np.random.default_rng(1).permutation(10_000)
    rows = selection_rows(10_000, t, 1_000, 0)
    picked = np.sort(t[rows])
    assert picked[0] == 0 and picked[-1] == 9_999
    assert np.ptp(np.diff(picked)) <= 1  # evenly spaced in time order


def test_a_classifier_saved_before_newer_parameters_loads_with_them():
    """Old artifacts hold classifiers without parameters added since (n_jobs, verbose,
    selection_rows): get_params, clone and repr still work, and scores are unchanged."""
    from sklearn.base import clone

    X, y, t = _timed_data(300)
    clf = CredibilityClassifier(base_learners=("logistic",), cv=3).fit(X, y, time=t)
    state = clf.__getstate__()
    for name in ("n_jobs", "verbose", "selection_rows", "early_stopping", "boosting"):
        del state[name]
    old = CredibilityClassifier.__new__(CredibilityClassifier)
    old.__setstate__(state)
    assert old.get_params()["selection_rows"] is None  # what that fit did: every row
    assert old.get_params()["verbose"] == 0
    assert old.get_params()["early_stopping"] is False  # every iteration, as that fit did
    assert old.get_params()["boosting"] == "fine"  # the one schedule there was
    assert "CredibilityClassifier(" in repr(clone(old))
    np.testing.assert_array_equal(old.predict_proba(X), clf.predict_proba(X))


def test_early_stopping_auto_waits_for_large_fits():
    """Off by default; "auto" runs every iteration below EARLY_STOPPING_ROWS rows and stops
    early above it; True stops early at any size, False never."""
    from credscore.model._learners import EARLY_STOPPING_ROWS, BaseLearner

    assert not BaseLearner("hgb")._stops_early(10 * EARLY_STOPPING_ROWS)
    auto = BaseLearner("hgb", early_stopping="auto")
    assert not auto._stops_early(EARLY_STOPPING_ROWS - 1)
    assert auto._stops_early(EARLY_STOPPING_ROWS)
    assert BaseLearner("hgb", early_stopping=True)._stops_early(500)
    assert not BaseLearner("hgb", early_stopping=False)._stops_early(10 * EARLY_STOPPING_ROWS)
    old = BaseLearner.__new__(BaseLearner)  # pickled before the parameter existed
    assert not old._stops_early(10 * EARLY_STOPPING_ROWS)


def test_early_stopping_stops_the_boosting_fold_models():
    """Forced on, the boosting fold models stop before max_iter on data whose signal is
    learned in a few iterations; by default they run every one."""
    X, y, t = _timed_data(3000)
    kw = {"base_learners": ("hgb",), "calibrators": ("sigmoid",), "cv": 3, "max_iter": 300}
    stopped = CredibilityClassifier(early_stopping=True, **kw).fit(X, y, time=t)
    full = CredibilityClassifier(**kw).fit(X, y, time=t)
    assert full.n_iter_ == 300
    assert stopped.n_iter_ < 300
    p = stopped.predict_proba(X)[:, 1]
    assert np.all((p > 0) & (p < 1))


def test_early_stopping_parameter_is_validated():
    X, y, t = _timed_data(300)
    with pytest.raises(ValueError, match="early_stopping"):
        CredibilityClassifier(early_stopping="sometimes").fit(X, y, time=t)


def test_boosting_schedules_shape_the_fold_models():
    """ "coarse" fits 35% of max_iter iterations of 31-leaf trees at learning rate 0.15; "fine"
    every iteration of 15-leaf trees at 0.05; the resolved schedule is recorded."""
    X, y, t = _timed_data(1200)
    kw = {"base_learners": ("hgb",), "calibrators": ("sigmoid",), "cv": 3, "max_iter": 40}
    coarse = CredibilityClassifier(boosting="coarse", **kw).fit(X, y, time=t)
    fine = CredibilityClassifier(boosting="fine", **kw).fit(X, y, time=t)
    for clf, (rate, iters, leaves) in ((coarse, (0.15, 14, 31)), (fine, (0.05, 40, 15))):
        for base, _, _ in clf.members_:
            assert base.clf_.learning_rate == rate
            assert base.clf_.max_iter == iters and base.clf_.n_iter_ == iters
            assert base.clf_.max_leaf_nodes == leaves
    assert coarse.selection_["boosting"] == "coarse"
    assert fine.selection_["boosting"] == "fine"


def test_boosting_auto_is_fine_below_the_threshold_and_coarse_from_it(monkeypatch):
    """Below COARSE_ROWS, "auto" is exactly the fine fit (same probabilities); from it on,
    the coarse one."""
    import credscore.model._learners as learners

    X, y, t = _timed_data(600)
    kw = {"base_learners": ("hgb",), "calibrators": ("sigmoid",), "cv": 3, "max_iter": 30}
    auto = CredibilityClassifier(**kw).fit(X, y, time=t)
    fine = CredibilityClassifier(boosting="fine", **kw).fit(X, y, time=t)
    assert auto.selection_["boosting"] == "fine"
    np.testing.assert_array_equal(auto.predict_proba(X), fine.predict_proba(X))
    monkeypatch.setattr(learners, "COARSE_ROWS", 600)
    big = CredibilityClassifier(**kw).fit(X, y, time=t)
    coarse = CredibilityClassifier(boosting="coarse", **kw).fit(X, y, time=t)
    assert big.selection_["boosting"] == "coarse"
    np.testing.assert_array_equal(big.predict_proba(X), coarse.predict_proba(X))


def test_boosting_parameter_is_validated():
    X, y, t = _timed_data(300)
    with pytest.raises(ValueError, match="boosting"):
        CredibilityClassifier(boosting="medium").fit(X, y, time=t)
    with pytest.raises(ValueError, match="boosting must be"):
        from credscore.model._learners import boosting_schedule

        boosting_schedule("medium", 10)
