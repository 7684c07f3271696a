"""Tests of credscore/datasets/simulator.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from credscore._tables import EVENT_KINDS, TABLE_COLUMNS
from credscore.calibration import calibration_slope_intercept, calibration_test
from credscore.datasets.simulator import (
    INTERCEPT,
    QUALIFIER_EFFECT,
    RANK_EFFECT,
    TITLES,
    simulate,
)


@pytest.fixture(scope="module")
def sim():
    return simulate(50_000, random_state=0, return_latent=True)


def test_tables_follow_the_column_contract(sim):
    tables, true_p, _ = sim
    for name in ("sources", "statements", "events"):
        frame = getattr(tables, name)
        spec = TABLE_COLUMNS[name]
        assert set(spec["required"]) <= set(frame.columns)
        assert set(frame.columns) <= set(spec["required"]) | set(spec["optional"])
    st, ev = tables.statements, tables.events
    assert st["statement_id"].is_unique and ev["event_id"].is_unique
    assert tables.sources["source_id"].is_unique
    assert set(st["source_id"]) == set(tables.sources["source_id"])
    assert set(ev["kind"]) <= set(EVENT_KINDS)
    assert set(ev["statement_id"]) <= set(st["statement_id"])
    assert str(st["made_at"].dt.tz) == "UTC" and str(ev["at"].dt.tz) == "UTC"
    assert st["made_at"].is_monotonic_increasing
    assert (st["label_at"] > st["made_at"]).all()
    made = st.set_index("statement_id")["made_at"]
    assert (ev["at"].to_numpy() > made.loc[ev["statement_id"]].to_numpy()).all()
    assert set(st["label"].unique()) == {0, 1}
    assert true_p.index.equals(st.index) and true_p.between(0, 1).all()


def test_deterministic_given_seed():
    a, pa = simulate(3000, random_state=5)
    b, pb = simulate(3000, random_state=5)
    c, _ = simulate(3000, random_state=6)
    for name in ("sources", "statements", "events"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    pd.testing.assert_series_equal(pa, pb)
    assert not a.statements["label"].equals(c.statements["label"])


def test_true_p_is_the_documented_function(sim):
    tables, true_p, latent = sim
    flags, src = latent["statements"], latent["sources"]
    theta = src["effect"].loc[tables.statements["source_id"]].to_numpy()
    logit = INTERCEPT + theta + sum(b * flags[q].to_numpy() for q, b in QUALIFIER_EFFECT.items())
    np.testing.assert_allclose(true_p, 1 / (1 + np.exp(-logit)))
    authority = dict((t[0], t[4]) for t in TITLES)
    title = tables.sources.set_index("source_id")["title"].loc[src.index].map(authority)
    np.testing.assert_allclose(
        src["effect"], RANK_EFFECT * (title - 0.6) + 0.5 * src["reliability"]
    )


def test_labels_are_drawn_from_true_p(sim):
    """The calibration test accepts true_p as a forecast of the labels."""
    tables, true_p, _ = sim
    y = tables.statements["label"].to_numpy()
    assert calibration_test(y, true_p.to_numpy(), n_sim=100).consistent


def test_text_carries_exactly_the_cues_of_the_flags(sim):
    tables, _, latent = sim
    text = tables.statements["text"].str.lower()
    flags = latent["statements"]
    cues = {
        "hedge": r"\b(?:probably|likely|may have|possibly)\b",
        "hearsay": r"^(?:according to|reportedly)",
        "scope_limiter": r"\b(?:only in|in some areas)\b",
        "absolute": r"\ball\b",
        "approximator": r"\b(?:about|roughly|approximately|nearly) \d",
        "number": r"\d",
    }
    for q, pattern in cues.items():
        assert (text.str.contains(pattern, regex=True) == flags[q]).all(), q


def test_a_well_specified_model_reaches_true_p():
    """With reliability_sd=0, logistic regression on the observable features (title authority
    and qualifier flags) gets within 0.01 of true_p on 50k statements (the issue's aim)."""
    tables, true_p, latent = simulate(
        50_000, reliability_sd=0.0, random_state=2, return_latent=True
    )
    st = tables.statements
    authority = st["source_id"].map(latent["sources"]["authority"]).to_numpy()
    x = np.column_stack([authority, latent["statements"][list(QUALIFIER_EFFECT)].to_numpy()])
    model = LogisticRegression(C=1e6, max_iter=1000).fit(x, st["label"])
    mad = np.mean(np.abs(model.predict_proba(x)[:, 1] - true_p.to_numpy()))
    assert mad < 0.01


def test_history_reveals_reliability(sim):
    """Sources with low latent reliability fail more and collect more walk-backs."""
    tables, _, latent = sim
    st = tables.statements
    ev = tables.events.merge(st[["statement_id", "source_id"]], on="statement_id")
    walk_backs = ev[ev["kind"].isin(["retraction", "correction", "scope_narrowing"])]
    per_source = pd.DataFrame(
        {
            "fail": 1 - st.groupby("source_id")["label"].mean(),
            "walk": walk_backs.groupby("source_id").size() / st.groupby("source_id").size(),
            "effect": latent["sources"]["effect"],
        }
    ).fillna(0.0)
    assert per_source["fail"].corr(per_source["effect"]) < -0.7
    assert per_source["walk"].corr(per_source["effect"]) < -0.5
    assert st.groupby("source_id").size().min() >= 1


def test_argument_errors():
    with pytest.raises(ValueError, match="n_statements"):
        simulate(0)
    with pytest.raises(ValueError, match="n_sources"):
        simulate(10, n_sources=0)


def test_observable_p_is_the_point_in_time_oracle():
    """observable_p equals true_p when reliability is not latent; otherwise it moves towards
    true_p as the source's record grows, and it is calibrated in the large and in slope."""
    tables, true_p, latent = simulate(5_000, reliability_sd=0.0, random_state=4, return_latent=True)
    np.testing.assert_allclose(latent["statements"]["observable_p"], true_p)
    tables, true_p, latent = simulate(
        50_000, reliability_sd=1.0, random_state=4, return_latent=True
    )
    op = latent["statements"]["observable_p"].to_numpy()
    rank_in_source = tables.statements.groupby("source_id").cumcount().to_numpy()
    err = np.abs(op - true_p.to_numpy())
    assert err[rank_in_source < 5].mean() > 2 * err[rank_in_source >= 60].mean()
    y = tables.statements["label"].to_numpy()
    assert abs(op.mean() - y.mean()) < 0.01
    ci = calibration_slope_intercept(y, op)["slope_ci"]
    assert ci[0] < 1 < ci[1]
