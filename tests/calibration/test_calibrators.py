"""Tests of credscore/calibration/_calibrators.py on data with known true probabilities."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from credscore.calibration import (
    IsotonicCalibrator,
    SigmoidCalibrator,
    TemperatureCalibrator,
    VennAbersCalibrator,
    log_loss,
    make_calibrator,
)
from credscore.calibration._logistic import expit, logit

NAMES = ["sigmoid", "isotonic", "temperature", "venn_abers"]


@pytest.fixture(scope="module")
def known():
    """True p ~ Beta(2, 2); the score is over-confident: expit(2.5 * logit(p))."""
    rng = np.random.default_rng(0)
    p = rng.beta(2, 2, 20_000)
    y = (rng.random(p.size) < p).astype(int)
    score = expit(2.5 * logit(p))
    return p, y, score


@pytest.mark.parametrize("name", NAMES)
def test_recovers_true_probability(known, name):
    """Fitted on 10k statements, every calibrator lands within 0.03 (mean abs.) of the truth;
    the parametric ones, being well specified here, within 0.01."""
    p, y, score = known
    cal = make_calibrator(name).fit(score[:10_000], y[:10_000])
    mad = np.mean(np.abs(cal.predict_proba(score[10_000:]) - p[10_000:]))
    assert mad < (0.01 if name in ("sigmoid", "temperature") else 0.03)
    raw = np.mean(np.abs(score[10_000:] - p[10_000:]))
    assert mad < raw / 3


def test_temperature_recovers_known_temperature(known):
    """The score is the truth sharpened by 2.5 on the logit scale: T should be ~2.5."""
    _p, y, score = known
    cal = TemperatureCalibrator().fit(score, y)
    assert cal.temperature_ == pytest.approx(2.5, rel=0.05)


def test_sigmoid_on_decision_values(known):
    """input='decision' fits on raw values: a = 0, b = 1/2.5 in the truth."""
    _p, y, score = known
    cal = SigmoidCalibrator(input="decision").fit(logit(score), y)
    assert cal.slope_ == pytest.approx(0.4, rel=0.05)
    assert abs(cal.intercept_) < 0.05


@pytest.mark.parametrize("name", NAMES)
def test_interface(name):
    """fit returns self; predict_proba is 1-D in [0, 1]; clone and params work."""
    rng = np.random.default_rng(1)
    s = rng.random(200)
    y = (rng.random(200) < s).astype(int)
    cal = make_calibrator(name)
    with pytest.raises(NotFittedError):
        cal.predict_proba(s)
    assert cal.fit(s, y) is cal
    out = cal.predict_proba(s)
    assert out.shape == (200,) and np.all((out >= 0) & (out <= 1))
    assert cal.predict_proba(s[:, None]).shape == (200,)
    assert clone(cal).get_params() == cal.get_params()
    assert np.isfinite(log_loss(y, out))


@pytest.mark.parametrize("name", NAMES)
def test_bad_input_is_explained(name):
    cal = make_calibrator(name)
    with pytest.raises(ValueError, match="single class"):
        cal.fit([0.1, 0.2], [1, 1])
    with pytest.raises(ValueError, match="binary"):
        cal.fit([0.1, 0.2], [0, 2])
    with pytest.raises(ValueError, match="different lengths"):
        cal.fit([0.1, 0.2, 0.3], [0, 1])
    with pytest.raises(ValueError, match="1-D"):
        cal.fit(np.zeros((3, 2)), [0, 1, 0])
    with pytest.raises(ValueError, match="NaN"):
        cal.fit([0.1, np.nan], [0, 1])


def test_isotonic_clips_away_from_zero_and_one():
    cal = IsotonicCalibrator(eps=1e-4).fit([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])
    out = cal.predict_proba([-1.0, 0.1, 0.9, 2.0])
    np.testing.assert_allclose(out, [1e-4, 1e-4, 1 - 1e-4, 1 - 1e-4])


def test_make_calibrator_names():
    assert isinstance(make_calibrator("venn_abers"), VennAbersCalibrator)
    assert make_calibrator("sigmoid", input="decision").input == "decision"
    with pytest.raises(ValueError, match="unknown calibrator 'platt'"):
        make_calibrator("platt")


def test_bad_input_mode():
    with pytest.raises(ValueError, match="'probability' or 'decision'"):
        SigmoidCalibrator(input="logits").fit([0.1, 0.9], [0, 1])
