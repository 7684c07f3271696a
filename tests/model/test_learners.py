"""Tests of the base learners (credscore/model/_learners.py): declared monotone directions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credscore import CredibilityModel
from credscore.model._learners import BaseLearner


@pytest.mark.parametrize("kind", ["logistic", "hgb"])
def test_monotone_in_constrained_features(kind, sim_tables):
    """Raising any feature declared decreasing never raises the probability of holding up,
    and raising one declared increasing never lowers it (whatever the row and the bump)."""
    tables, _ = sim_tables
    model = CredibilityModel(
        base_learners=(kind,), calibrators=("sigmoid", "isotonic"), cv=3, max_iter=50
    ).fit(tables)
    feats = model.features(tables).iloc[:200].reset_index(drop=True)
    directions = model.extractor_.monotone_constraints()
    assert directions["hist_failed_rate"] == -1 and directions["hist_n_confirmed"] == 1
    proba = model.classifier_.predict_proba

    @settings(max_examples=40, deadline=None)
    @given(
        row=st.integers(0, 199),
        col=st.sampled_from(sorted(directions)),
        bump=st.floats(0.0, 5.0),
    )
    def check(row, col, bump):
        x = feats.iloc[[row]].copy()
        before = proba(x)[0, 1]
        x[col] = x[col] + bump
        after = proba(x)[0, 1]
        if directions[col] < 0:
            assert after <= before + 1e-9
        else:
            assert after >= before - 1e-9

    check()


@pytest.mark.parametrize("kind", ["logistic", "hgb"])
def test_wrong_signed_column_gets_no_effect(kind):
    """A column whose effect in the data opposes its declared direction moves nothing."""
    rng = np.random.default_rng(1)
    n = 2000
    x = rng.random(n)
    y = (rng.random(n) < 0.2 + 0.6 * x).astype(int)  # the data say: more x, more reliable
    X = pd.DataFrame({"bad": x, "noise": rng.random(n)})
    learner = BaseLearner(kind, max_iter=50, monotonic_cst={"bad": -1}).fit(X, y)
    lo = learner.decision_function(X.assign(bad=0.0))
    hi = learner.decision_function(X.assign(bad=1.0))
    assert np.all(hi <= lo + 1e-9)


def test_constraints_name_unknown_columns_harmlessly():
    """A direction for a column the frame lacks is ignored (families may be left out)."""
    X = pd.DataFrame({"a": np.arange(40.0)})
    y = np.arange(40) % 2
    learner = BaseLearner("logistic", monotonic_cst={"absent": -1}).fit(X, y)
    assert learner.decision_function(X).shape == (40,)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.just(np.nan), st.sampled_from([0.0, 1.0, -2.5, 1e-9]), st.floats(-1e6, 1e6)),
        min_size=1,
        max_size=40,
    )
)
def test_median_of_present_is_the_masked_median(values):
    """The fast median of a column's present values is bit for bit the one scikit-learn's
    median imputer computes (``np.ma.median``), 0 when every value is missing; an imputer
    fitted through it is left with ``strategy="median"``."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer

    from credscore.model._learners import fit_median_imputers, median_of_present

    col = np.asarray(values, dtype=float)
    present = col[~np.isnan(col)]
    masked = np.ma.median(np.ma.masked_invalid(col))
    want = 0.0 if masked is np.ma.masked else float(masked)
    assert median_of_present(present) == want
    frame = pd.DataFrame({"a": col, "b": col[::-1]})
    stock = SimpleImputer(strategy="median", keep_empty_features=True).fit(frame)
    pre = ColumnTransformer(
        [("num", SimpleImputer(strategy="median", keep_empty_features=True), ["a", "b"])]
    )
    fit_median_imputers(pre, frame)
    fitted = pre.named_transformers_["num"]
    assert fitted.strategy == "median" and pre.transformers[0][1].strategy == "median"
    assert np.array_equal(fitted.statistics_, stock.statistics_)
