"""End to end on the simulator: does the fitted engine recover the known truth?

``credscore.datasets.simulator`` draws labels from a known ``true_p``; with latent source
reliability the achievable target is ``observable_p``, the Bayes probability given everything
observable before the statement (see the simulator's docstring). Half the statements (at
random) keep their labels for training; the model is scored on the other half, whose verdicts it
never saw (they do not feed the sources' history either). Train and test rows then come from the
same distribution, so the held-out figures measure how well the engine recovers ``true_p``.

Each test fits the model on 25,000 labelled statements (about 15 s on one core).

Measured (model.py with the cross-fitted calibrated ensemble, 2026-11-29): with
``reliability_sd=0`` the held-out MAD to ``true_p`` is under the issue's 0.03 floor (not its 0.01
aim) and the calibration test accepts the model; with latent reliability (``reliability_sd=0.5``)
the MAD to ``observable_p`` is 0.037 — the 0.03 floor is **not** met there; the test pins the
measured level (< 0.04) so that a regression shows, and the gap stays visible.
"""

from __future__ import annotations

import numpy as np
import pytest

from credscore._tables import Tables
from credscore.calibration import calibration_test
from credscore.datasets.simulator import simulate
from credscore.model import CredibilityModel

pytestmark = [pytest.mark.slow]


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
    ("reliability_sd", "base_learners", "bound"),
    [(0.0, ("logistic",), 0.03), (0.5, ("logistic", "hgb"), 0.04)],
)
def test_fitted_model_recovers_true_probability(reliability_sd, base_learners, bound):
    """Held-out mean |p - target| under ``bound`` (see the module docstring); the target is the
    best point-in-time probability (``observable_p``; ``true_p`` itself when reliability is not
    latent); the calibration test accepts the model and rejects its squared probabilities."""
    p, target, y = _fit_and_score(reliability_sd, base_learners)
    assert np.mean(np.abs(p - target)) < bound
    assert calibration_test(y, p, n_sim=300).consistent
    assert not calibration_test(y, p**2, n_sim=300).consistent
