"""Tests of CredibilityModel (credscore/model/_engine.py): outputs, order, determinism, the
columns it leaves out, and its honest (non-scikit-learn) surface."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from credscore import CredibilityModel, Tables
from credscore.exceptions import SchemaError


def test_score_one_row_per_input_in_order(fitted_model, sim_tables):
    tables, _ = sim_tables
    sample = tables.statements.sample(40, random_state=1)
    out = fitted_model.score(sample, history=tables)
    assert list(out.columns) == ["statement_id", "p_reliable", "p_low", "p_high", "reasons"]
    assert out["statement_id"].tolist() == sample["statement_id"].tolist()
    assert out["p_reliable"].between(0, 1).all()
    assert (out["p_low"] <= out["p_reliable"] + 1e-12).all()
    assert (out["p_reliable"] <= out["p_high"] + 1e-12).all()
    assert out["reasons"].str.len().gt(0).all()


def test_shuffling_changes_only_the_order(fitted_model, sim_tables):
    tables, _ = sim_tables
    a = fitted_model.score(tables, explain=False).set_index("statement_id")
    shuffled = Tables(
        statements=tables.statements.sample(frac=1, random_state=7),
        sources=tables.sources,
        events=tables.events,
    )
    b = fitted_model.score(shuffled, explain=False)
    assert b["statement_id"].tolist() == shuffled.statements["statement_id"].tolist()
    pd.testing.assert_series_equal(
        a["p_reliable"], b.set_index("statement_id")["p_reliable"].reindex(a.index)
    )


def test_fit_is_deterministic(sim_tables):
    tables, _ = sim_tables
    kw = dict(base_learners=("logistic", "hgb"), cv=3, max_iter=30)
    p1 = CredibilityModel(**kw).fit(tables).predict_proba(tables)
    p2 = CredibilityModel(**kw).fit(tables).predict_proba(tables)
    np.testing.assert_array_equal(p1, p2)


def test_selection_recorded(fitted_model):
    sel = fitted_model.selection_
    assert sel["base"] == "logistic" and sel["folds"] == "time"
    assert {r["calibrator"] for r in sel["cv_table"]} == {
        "sigmoid",
        "isotonic",
        "temperature",
        "venn_abers",
    }
    best = min(r["log_loss"] for r in sel["cv_table"])
    chosen = next(r for r in sel["cv_table"] if r["calibrator"] == sel["calibrator"])
    assert chosen["log_loss"] == best


def test_unlabelled_tables_cannot_train(sim_tables):
    tables, _ = sim_tables
    st_ = tables.statements.assign(label=np.nan)
    with pytest.raises(SchemaError, match="no statement has a label"):
        CredibilityModel().fit(st_, sources=tables.sources, events=tables.events)


def test_score_before_fit_raises():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        CredibilityModel().score(pd.DataFrame())


def test_text_features_model(sim_tables):
    tables, _ = sim_tables
    model = CredibilityModel(text_features=True, cv=3).fit(tables)
    assert model.selection_["base"] == "logistic"  # gradient boosting takes no text
    assert "text" in model.feature_names_
    out = model.score(tables.statements.head(5), history=tables)
    assert out["p_reliable"].between(0, 1).all()


def test_empty_table_scores_to_empty_table(fitted_model):
    empty = pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in ("statement_id", "source_id", "text", "made_at")}
    )
    out = fitted_model.score(empty)
    assert list(out.columns) == ["statement_id", "p_reliable", "p_low", "p_high", "reasons"]
    assert len(out) == 0


def test_exclude_leaves_columns_out_and_names_bad_ones(sim_tables):
    tables, _ = sim_tables
    verdict_only = ("hist_n_verdicts", "hist_n_false", "hist_false_rate", "hist_false_decayed")
    model = CredibilityModel(base_learners=("logistic",), cv=3, exclude=verdict_only).fit(tables)
    assert not set(verdict_only) & set(model.feature_names_)
    assert {"hist_n_known", "hist_n_failed", "hist_failed_rate"} <= set(model.feature_names_)
    assert list(model.features(tables.statements.head(3), history=tables).columns) == (
        model.feature_names_
    )
    with pytest.raises(ValueError, match=r"exclude: \['hist_typo'\]"):
        CredibilityModel(exclude=("hist_typo",)).fit(tables)
    with pytest.raises(ValueError, match="every feature column"):
        CredibilityModel(families=("context",), exclude=_context_columns(model)).fit(tables)


def _context_columns(model):
    return tuple(c for c in model.feature_names_ if c.startswith("ctx_"))


def test_raw_counts_left_out_by_default(sim_tables):
    """By default the record's raw counts are not features (they grow with the record)."""
    tables, _ = sim_tables
    fast = {"base_learners": ("logistic",), "calibrators": ("sigmoid",), "cv": 3}
    default = CredibilityModel(**fast).fit(tables)
    raw = {c.name for c in default.extractor_.columns_ if c.raw_count}
    assert raw == {
        "hist_n_prior",
        "hist_n_verdicts",
        "hist_n_false",
        "hist_n_known",
        "hist_n_failed",
    }
    assert not raw & set(default.feature_names_)
    assert set(default.excluded_columns()) == raw
    assert {"hist_false_rate", "hist_failed_rate"} <= set(default.feature_names_)
    every = CredibilityModel(exclude=(), **fast).fit(tables)
    assert raw <= set(every.feature_names_)
    no_history = CredibilityModel(families=("qualifiers", "rank"), **fast).fit(tables)
    assert no_history.excluded_columns() == ()  # the default asks nothing of absent families
    # the reasons still count the record in words
    words = default.explain(tables.statements.tail(5), history=tables)
    record = words[words["group"] == "verdicts"]["description"]
    assert record.str.contains("earlier verdict").all()


def test_fit_uses_y_when_given(sim_tables):
    """fit(X, y) learns from y, not from statements.label (scikit-learn's contract)."""
    tables, _ = sim_tables
    fast = {"base_learners": ("logistic",), "calibrators": ("sigmoid",), "cv": 3}
    y = tables.statements["label"].to_numpy()
    flipped = CredibilityModel(**fast).fit(tables, 1 - y)
    normal = CredibilityModel(**fast).fit(tables)
    assert flipped.base_rate_ == pytest.approx(1 - normal.base_rate_)
    with pytest.raises(SchemaError, match="y has 3 labels"):
        CredibilityModel(**fast).fit(tables, y[:3])


def test_labels_as_second_argument_get_a_clear_error(fitted_model, sim_tables):
    """score(X, y) the scikit-learn way says what to do instead of misreading y as sources."""
    tables, _ = sim_tables
    with pytest.raises(TypeError, match="not a scikit-learn estimator"):
        fitted_model.score(tables.statements, tables.statements["label"])


def test_cross_val_score_on_the_engine_points_to_the_documented_path(sim_tables):
    from sklearn.model_selection import cross_val_score

    tables, _ = sim_tables
    with pytest.raises(TypeError, match="CredibilityClassifier"):
        cross_val_score(
            CredibilityModel(cv=2),
            tables.statements,
            tables.statements["label"],
            cv=2,
            error_score="raise",
        )


@pytest.mark.parametrize("cv", [0, 1, -1, 2.5])
def test_bad_cv_is_refused_before_any_work(cv, sim_tables):
    from sklearn.utils._param_validation import InvalidParameterError

    tables, _ = sim_tables
    with pytest.raises(InvalidParameterError, match="'cv' parameter of CredibilityModel"):
        CredibilityModel(cv=cv).fit(tables)


def test_params_clone_and_repr():
    """__init__ stores parameters unchanged; clone and repr work like scikit-learn's."""
    from sklearn.base import clone

    m = CredibilityModel(cv=3, exclude=("hist_n_prior",))
    assert m.get_params()["cv"] == 3
    c = clone(m)
    assert c is not m and c.get_params() == m.get_params()
    assert repr(m) == "CredibilityModel(cv=3, exclude=('hist_n_prior',))"
    with pytest.raises(ValueError, match="has no parameter 'folds'"):
        m.set_params(folds=3)
