"""Tests of credscore/model/_mondrian.py: group-conditional (Mondrian) calibration."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credscore import CredibilityModel, GroupCalibratedModel, Tables
from credscore.calibration import log_loss
from credscore.datasets import simulate
from credscore.exceptions import SchemaError
from credscore.model import TrainingOverlapWarning


def _labels_where(tables, keep):
    st_ = tables.statements
    st_ = st_.assign(label=st_["label"].where(keep), label_at=st_["label_at"].where(keep))
    return Tables(statements=st_, sources=tables.sources, events=tables.events)


@pytest.fixture(scope="module")
def desks():
    """A 'desk' column the model never sees: desk A's statements hold up more often than the
    features say (log-odds +0.9), desk B's less (-0.9), desk C (60 statements) as said."""
    tables, true_p = simulate(9000, 90, random_state=31)
    rng = np.random.default_rng(0)
    n = len(tables.statements)
    desk = np.where(rng.random(n) < 0.5, "A", "B").astype(object)
    desk[rng.choice(n, 60, replace=False)] = "C"
    z = np.log(true_p / (1 - true_p)).to_numpy() + np.select(
        [desk == "A", desk == "B"], [0.9, -0.9]
    )
    label = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    st_ = tables.statements.assign(desk=desk, label=label)
    tables = Tables(statements=st_, sources=tables.sources, events=tables.events)
    third = np.arange(n) * 3 // n  # time order: train, calibrate, test
    model = CredibilityModel(base_learners=("logistic",), cv=3).fit(
        _labels_where(tables, third == 0)
    )
    return tables, model, third


def test_group_maps_fix_group_calibration(desks):
    """Pooled, the model is about calibrated; per desk it is off by ~0.2 in the mean. The group
    maps cut every large desk's mean error at least 4-fold on the later third and lower
    the log loss; the small desk C uses the pooled map."""
    tables, model, third = desks
    gm = GroupCalibratedModel(model, by="desk").fit(_labels_where(tables, third == 1))
    assert set(gm.groups_) == {"A", "B"} and gm.counts_["C"] < 100
    test = _labels_where(tables, third == 2)
    plain = model.score(test, explain=False)
    out = gm.score(test, explain=False)
    k = third == 2
    y = tables.statements["label"].to_numpy()[k]
    d = tables.statements["desk"].to_numpy()[k]
    for desk in ("A", "B"):
        m = d == desk
        before = abs(plain["p_reliable"].to_numpy()[k][m].mean() - y[m].mean())
        after = abs(out["p_reliable"].to_numpy()[k][m].mean() - y[m].mean())
        assert before > 0.1 and after < before / 4, desk
    assert (
        log_loss(y, out["p_reliable"].to_numpy()[k])
        < log_loss(y, plain["p_reliable"].to_numpy()[k]) - 0.02
    )
    assert set(out["calibration_group"][k][d == "C"]) == {"(pooled)"}


def test_groups_from_sources_and_features_and_unknown_column(desks):
    tables, model, third = desks
    held = _labels_where(tables, third == 1)
    by_type = GroupCalibratedModel(model, by="source_type", min_group_size=50).fit(held)
    assert set(by_type.counts_) <= {"person", "anonymous", "organization"}
    by_rank = GroupCalibratedModel(model, by="rank_family", min_group_size=50).fit(held)
    assert len(by_rank.counts_) >= 3
    with pytest.raises(SchemaError, match="neither the statements, the sources nor the feature"):
        GroupCalibratedModel(model, by="no_such_column").fit(held)


def test_state_round_trip_and_wrong_model(desks):
    tables, model, third = desks
    gm = GroupCalibratedModel(model, by="desk").fit(_labels_where(tables, third == 1))
    state = json.loads(json.dumps(gm.to_dict()))
    again = GroupCalibratedModel.from_dict(model, state)
    test = _labels_where(tables, third == 2)
    pd.testing.assert_frame_equal(gm.score(test, explain=False), again.score(test, explain=False))
    other = CredibilityModel(base_learners=("logistic",), cv=3).fit(
        _labels_where(tables, third == 1)
    )
    with pytest.raises(ValueError, match="another model"):
        GroupCalibratedModel.from_dict(other, state)


def test_fitting_on_training_rows_warns(desks):
    tables, model, third = desks
    with pytest.warns(TrainingOverlapWarning):
        GroupCalibratedModel(model, by="desk").fit(_labels_where(tables, third == 0))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.01, 0.99), min_size=2, max_size=60), st.integers(0, 3))
def test_ranking_inside_a_group_is_kept(ps, g):
    """Invariant: every group's map is increasing, so within one group the order of
    probabilities never changes; an unseen group gets the pooled map."""
    gm = GroupCalibratedModel(model=None, by="g")
    gm.pooled_ = {"intercept": -0.3, "slope": 0.9, "n": 100}
    gm.groups_ = {"0": {"intercept": 0.5, "slope": 1.4, "n": 200, "base_rate": 0.6}}
    gm.counts_ = {"0": 200}
    p = np.asarray(ps)
    q, used = gm.apply(p, [str(g)] * len(p))
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(q[order]) >= -1e-12)
    assert set(used) == ({"0"} if g == 0 else {"(pooled)"})
