"""End to end on the simulator: does the fitted engine recover the known truth?

``credscore.datasets.simulator`` draws labels from a known ``true_p``; with latent source
reliability the achievable target is ``observable_p``, the Bayes probability given everything
observable before the statement (see the simulator's docstring). Half the statements (at
random) keep their labels for training; the model is scored on the other half, whose verdicts it
never saw (they do not feed the sources' history either). Train and test rows then come from the
same distribution, so the held-out figures measure how well the engine recovers ``true_p``.

These tests fit the full model on 50,000 statements (about a minute of CPU), so they only run
when ``CREDSCORE_SLOW=1`` is set.

Status when written (model.py of 2026-11-29): MAD 0.022 (reliability_sd=0, logistic) passes the
0.03 floor, but the calibration test rejects the fitted model, which is under-confident (slope
1.19 [1.13, 1.25]; the target itself gives 1.00); with reliability_sd=0.5 MAD to the target is
0.045 and slope 1.24. These are the issue's requirements, kept as they are for the model to meet.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from credscore._tables import Tables
from credscore.calibration import calibration_test
from credscore.datasets.simulator import simulate
from credscore.model import CredibilityModel

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("CREDSCORE_SLOW") != "1", reason="fits on 50k statements; CREDSCORE_SLOW=1"
    ),
]


def _fit_and_score(reliability_sd: float, base_learners: tuple[str, ...]):
    tables, _, latent = simulate(
        50_000, reliability_sd=reliability_sd, random_state=0, return_latent=True
    )
    target = latent["statements"]["observable_p"]  # equals true_p when reliability_sd == 0
    st = tables.statements
    held_out = np.random.default_rng(1).random(len(st)) < 0.5
    train = st.copy()
    train["label"] = train["label"].astype(float).mask(held_out)
    model = CredibilityModel(base_learners=base_learners, cv=3).fit(
        Tables(statements=train, sources=tables.sources, events=tables.events)
    )
    p = model.predict_proba(train, sources=tables.sources, events=tables.events)[:, 1]
    return p[held_out], target.to_numpy()[held_out], st["label"].to_numpy()[held_out]


@pytest.mark.parametrize(
    ("reliability_sd", "base_learners"), [(0.0, ("logistic",)), (0.5, ("logistic", "hgb"))]
)
def test_fitted_model_recovers_true_probability(reliability_sd, base_learners):
    """Held-out mean |p - target| under the issue's floor of 0.03, where the target is the
    best point-in-time probability (``observable_p``; ``true_p`` itself when reliability is not
    latent); the calibration test accepts the model and rejects its squared probabilities."""
    p, target, y = _fit_and_score(reliability_sd, base_learners)
    assert np.mean(np.abs(p - target)) < 0.03
    assert calibration_test(y, p, n_sim=300).consistent
    assert not calibration_test(y, p**2, n_sim=300).consistent
