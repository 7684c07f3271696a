"""Tests of credscore/model/_recalibration.py, _recal_select.py, _recalibrate.py and the
``recalibrate`` method: maps chosen by evidence, the training-overlap warning, the guard."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from credscore import CredibilityModel, Tables
from credscore.calibration import calibration_test, log_loss
from credscore.datasets import Drift, simulate
from credscore.exceptions import SchemaError
from credscore.model import TrainingOverlapWarning
from credscore.model._recal_select import choose_recalibration
from credscore.model._recalibration import apply_recalibration, fit_recalibration

T0 = pd.Timestamp("2023-01-01", tz="UTC")  # training ends
T1 = pd.Timestamp("2024-07-01", tz="UTC")  # recalibration window ends
DAY = 86_400 * 10**9


def _labels_until(tables: Tables, end: pd.Timestamp) -> Tables:
    st = tables.statements
    late = st["made_at"] >= end
    st = st.assign(label=st["label"].where(~late), label_at=st["label_at"].where(~late))
    return Tables(statements=st, sources=tables.sources, events=tables.events)


@pytest.fixture(scope="module")
def drifted():
    """From 2023-07-01 on, the base rate falls (log-odds -1) and the features matter 1.4x."""
    drift = Drift(start="2023-07-01", intercept=-1.0, effect_scale=1.4)
    tables, true_p = simulate(9000, 90, random_state=11, drift=drift)
    model = CredibilityModel(base_learners=("logistic",), cv=3).fit(_labels_until(tables, T0))
    return tables, true_p, model


def _late_scores(model, tables):
    scored = model.score(_labels_until(tables, T1), explain=False)
    late = (tables.statements["made_at"] >= T1).to_numpy()
    return scored["p_reliable"].to_numpy()[late], tables.statements["label"].to_numpy()[late]


def test_recalibration_chosen_by_evidence_undoes_the_drift(drifted):
    """After the drift the frozen model over-predicts; the map chosen on the verdicts of
    2023-01 .. 2024-06 lowers the later log loss and passes the calibration test there."""
    tables, _, model = drifted
    frozen_p, y = _late_scores(model, tables)
    m = CredibilityModel.from_state(model.to_state())
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrainingOverlapWarning)  # no training row is used
        m.recalibrate(_labels_until(tables, T1), since=T0)
    rec = m.recalibration_
    assert rec["form"] in ("intercept", "logistic")
    assert rec["selection"]["origins"] >= 3 and rec["window_days"] in (90, 180, 365, None)
    assert rec["overlap_with_training"]["rows"] == 0
    p, _ = _late_scores(m, tables)
    assert log_loss(y, p) < log_loss(y, frozen_p) - 0.02
    assert not calibration_test(y, frozen_p, n_sim=200).consistent
    assert calibration_test(y, p, n_sim=200).consistent
    json.dumps(rec)  # the map is JSON-ready (it goes into the manifest)


def test_a_calibrated_model_keeps_the_identity():
    """No drift: on fresh verdicts the evidence keeps the identity (nothing to fix)."""
    tables, _ = simulate(9000, 90, random_state=12)
    model = CredibilityModel(base_learners=("logistic",), cv=3).fit(_labels_until(tables, T0))
    before = model.predict_proba(_labels_until(tables, T1))[:, 1]
    model.recalibrate(_labels_until(tables, T1), since=T0)
    assert model.recalibration_["form"] == "none"
    after = model.predict_proba(_labels_until(tables, T1))[:, 1]
    np.testing.assert_array_equal(before, after)


def test_recalibrating_on_training_rows_is_refused_or_warns(drifted):
    """The README pattern (recalibrate on exactly what the model was trained on) is refused,
    naming the fix; rows inside the training period warn; allow_overlap=True accepts both and
    the overlap is recorded."""
    tables, _, model = drifted
    m = CredibilityModel.from_state(model.to_state())
    train = _labels_until(tables, T0)
    with pytest.raises(SchemaError, match=r"exactly the model's training rows.*allow_overlap"):
        m.recalibrate(train)
    part = _labels_until(tables, T1)
    with pytest.warns(TrainingOverlapWarning, match=r"labelled statements used .* Fix"):
        m.recalibrate(part, since="2022-06-01")
    assert m.recalibration_["overlap_with_training"]["rows"] > 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrainingOverlapWarning)
        m.recalibrate(train, allow_overlap=True)
    assert m.recalibration_["overlap_with_training"]["exact_training_rows"]


@pytest.mark.parametrize("seed", range(12))
def test_recalibration_never_makes_a_passing_model_fail_on_its_own_window(seed):
    """For calibrated and miscalibrated dated verdicts alike: when the model passes the
    calibration test on the window the map was fitted on, the recalibrated model passes too."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(150, 1500))
    t = np.sort(rng.integers(0, 720, n)) * DAY
    p = rng.beta(2, 2, n)
    shift, slope = [(0.0, 1.0), (-0.4, 1.0), (0.0, 0.8), (0.3, 1.3)][seed % 4]
    truth = 1 / (1 + np.exp(-(shift + slope * np.log(p / (1 - p)))))
    y = (rng.random(n) < truth).astype(float)
    for forms in ("auto", ("isotonic",), ("logistic",)):
        m = choose_recalibration(p, y, t, forms=forms)
        w = m["window_days"]
        rows = np.ones(n, bool) if w is None else t >= t.max() - w * DAY
        if calibration_test(y[rows], p[rows], n_sim=300).consistent:
            after = apply_recalibration(p[rows], m)
            assert calibration_test(y[rows], after, n_sim=300).consistent, (forms, m["form"])


def test_maps_are_monotone_and_old_maps_still_apply():
    rng = np.random.default_rng(3)
    p = rng.uniform(0.05, 0.95, 800)
    y = (rng.random(800) < p**1.5).astype(float)
    grid = np.linspace(0.001, 0.999, 200)
    for form in ("none", "intercept", "logistic", "isotonic"):
        m = fit_recalibration(p, y, form=form)
        assert np.all(np.diff(apply_recalibration(grid, m)) >= -1e-12), form
    old = {"intercept": -0.5, "slope": 1.2, "n": 30, "since": None}  # maps saved before forms
    new = dict(old, form="logistic")
    np.testing.assert_array_equal(apply_recalibration(grid, old), apply_recalibration(grid, new))


def test_bad_options_and_too_few_rows_are_refused(drifted):
    tables, _, model = drifted
    m = CredibilityModel.from_state(model.to_state())
    with pytest.raises(ValueError, match="form must be"):
        m.recalibrate(tables, form="spline")
    with pytest.raises(ValueError, match="window must be"):
        m.recalibrate(tables, window=-3)
    with pytest.raises(Exception, match="no labelled statement made at or after"):
        m.recalibrate(tables, since="2030-01-01")
    with pytest.raises(Exception, match="needs at least 200 labelled"):
        fit_recalibration(np.full(50, 0.5), np.r_[np.zeros(25), np.ones(25)], form="isotonic")


def _stream(shift_last: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """400 days of calibrated scores; the last 30 days' outcomes moved by ``shift_last``."""
    rng = np.random.default_rng(seed)
    days = np.sort(rng.integers(0, 400, 6000))
    p = rng.uniform(0.15, 0.85, days.size)
    shift = np.where(days >= 370, shift_last, 0.0)
    y = (rng.random(days.size) < 1 / (1 + np.exp(-(np.log(p / (1 - p)) + shift)))).astype(float)
    return p, y, days * 86_400 * 10**9


def test_a_change_only_the_latest_period_shows_is_followed():
    """Rolling origin cannot see a shift in the latest period (every candidate was fitted
    before it): the intercept map of that period alone is taken, and the step recorded."""
    p, y, t = _stream(-1.5, seed=3)
    m = choose_recalibration(p, y, t)
    assert m["window_days"] == 30 and m["form"] == "intercept"
    assert any("recent change" in s for s in m["selection"]["guard"])
    last = t >= t.max() - 30 * 86_400 * 10**9
    assert m["base_rate"] == pytest.approx(y[last].mean())
    assert calibration_test(y[last], apply_recalibration(p[last], m), n_sim=200).consistent
    assert log_loss(y[last], apply_recalibration(p[last], m)) < log_loss(y[last], p[last])


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_no_change_keeps_the_rolling_origin_choice(seed):
    """Without a change the latest period never overrides the evidence."""
    p, y, t = _stream(0.0, seed=seed)
    m = choose_recalibration(p, y, t)
    assert m["window_days"] != 30
    assert not any("recent change" in s for s in m["selection"]["guard"])
