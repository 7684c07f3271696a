"""Tests of TimeOrderedSplit (credscore/model/_splitters.py) and the scikit-learn path."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.model_selection import GridSearchCV, cross_val_score

from credscore import CredibilityClassifier, TimeOrderedSplit, extract_features


@given(
    times=st.lists(st.integers(0, 50), min_size=6, max_size=60),
    n_splits=st.integers(1, 5),
)
def test_every_fold_trains_on_the_past(times, n_splits):
    """Each validation row is no earlier than every training row of its fold; the validation
    blocks are disjoint; train and validation never share a row."""
    t = np.asarray(times)
    seen: set[int] = set()
    for train, val in TimeOrderedSplit(n_splits).split(t, groups=t):
        assert t[train].max() <= t[val].min()
        assert not set(train) & set(val)
        assert not seen & set(val)
        seen |= set(val.tolist())


def test_folds_with_one_class_in_training_are_skipped():
    t = np.arange(6)
    y = np.array([1, 1, 0, 0, 1, 0])
    folds = list(TimeOrderedSplit(2).split(t, y, groups=t))
    assert len(folds) == 1  # the first block holds one class only


def test_times_are_required():
    with pytest.raises(ValueError, match="groups=made_at"):
        list(TimeOrderedSplit(3).split(np.zeros(10)))


def test_bad_n_splits_is_a_clear_error():
    with pytest.raises(ValueError, match="n_splits"):
        TimeOrderedSplit(0)


def test_cross_val_score_and_grid_search_on_the_feature_matrix(sim_tables):
    """The documented scikit-learn path: features, then CredibilityClassifier, time folds."""
    tables, _ = sim_tables
    X = extract_features(tables)
    y = tables.statements["label"].to_numpy()
    t = tables.statements["made_at"].to_numpy()
    clf = CredibilityClassifier(base_learners=("logistic",), calibrators=("sigmoid",), cv=3)
    scores = cross_val_score(clf, X, y, cv=TimeOrderedSplit(3), groups=t, scoring="neg_log_loss")
    assert len(scores) == 3 and np.all(scores < 0) and np.all(scores > -0.75)
    grid = GridSearchCV(clf, {"C": [0.1, 1.0]}, cv=TimeOrderedSplit(2), scoring="neg_log_loss")
    grid.fit(X, y, groups=t)
    assert grid.best_params_["C"] in (0.1, 1.0)
