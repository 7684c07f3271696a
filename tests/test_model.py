"""Tests of CredibilityModel and CredibilityClassifier: outputs, order, determinism, monotonicity,
reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credscore import CredibilityClassifier, CredibilityModel, Tables
from credscore._explain import reason_table, reasons
from credscore._learners import DECREASING
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


@pytest.mark.parametrize("kind", ["logistic", "hgb"])
def test_monotone_in_constrained_features(kind, sim_tables):
    """Raising any retraction/false-rate feature of a statement never raises its probability."""
    tables, _ = sim_tables
    model = CredibilityModel(
        base_learners=(kind,), calibrators=("sigmoid", "isotonic"), cv=3, max_iter=50
    ).fit(tables)
    feats = model.features(tables).iloc[:200].reset_index(drop=True)
    proba = model.classifier_.predict_proba

    @settings(max_examples=40, deadline=None)
    @given(
        row=st.integers(0, 199),
        col=st.sampled_from(sorted(DECREASING & set(feats.columns))),
        bump=st.floats(0.0, 5.0),
    )
    def check(row, col, bump):
        x = feats.iloc[[row]].copy()
        before = proba(x)[0, 1]
        x[col] = x[col] + bump
        assert proba(x)[0, 1] <= before + 1e-9

    check()


def test_reasons_sign_and_order_on_constructed_case():
    """y depends on a hedge (down) and on rank level (up, stronger): reasons say so, in order."""
    rng = np.random.default_rng(0)
    n = 3000
    hedge = rng.integers(0, 2, n)
    level = rng.random(n)
    logit = -0.8 * hedge + 3.0 * (level - 0.5)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    X = pd.DataFrame({"q_hedge": hedge.astype(float), "rank_level": level})
    clf = CredibilityClassifier(base_learners=("logistic",), calibrators=("sigmoid",), cv=3)
    clf.fit(X, y)
    reference = pd.Series({"q_hedge": 0.0, "rank_level": 0.5})
    case = pd.DataFrame({"q_hedge": [1.0], "rank_level": [0.95]})
    table = reason_table(
        case,
        reference,
        lambda f: clf.predict_proba(f)[:, 1],
        texts=[""],
        titles=[None],
        contexts=[None],
        describe_ctx={
            "prior_strength": 5.0,
            "false_prior": 0.5,
            "lexicon": None,
            "rank_table": None,
        },
    )
    deltas = table.set_index("group")["delta"]
    assert deltas["qualifiers"] < 0 < deltas["rank"]
    assert abs(deltas["rank"]) > abs(deltas["qualifiers"])
    text = reasons(
        case,
        reference,
        lambda f: clf.predict_proba(f)[:, 1],
        texts=[""],
        titles=[None],
        contexts=[None],
        describe_ctx={
            "prior_strength": 5.0,
            "false_prior": 0.5,
            "lexicon": None,
            "rank_table": None,
        },
    )[0]
    assert text.index("(+") < text.index("(-")  # the larger (rank) effect comes first


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
    from credscore.model import RAW_COUNT_COLUMNS

    tables, _ = sim_tables
    fast = {"base_learners": ("logistic",), "calibrators": ("sigmoid",), "cv": 3}
    default = CredibilityModel(**fast).fit(tables)
    assert not set(RAW_COUNT_COLUMNS) & set(default.feature_names_)
    assert {"hist_false_rate", "hist_failed_rate"} <= set(default.feature_names_)
    every = CredibilityModel(exclude=(), **fast).fit(tables)
    assert set(RAW_COUNT_COLUMNS) <= set(every.feature_names_)
    no_history = CredibilityModel(families=("qualifiers", "rank"), **fast).fit(tables)
    assert no_history.excluded_columns() == ()  # the default asks nothing of absent families
    # the reasons still count the record in words
    words = default.explain(tables.statements.tail(5), history=tables)
    record = words[words["group"] == "verdicts"]["description"]
    assert record.str.contains("earlier verdict").all()
