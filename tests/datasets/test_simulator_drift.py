"""Tests of credscore/datasets/_drift.py: drift injected into the simulator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from credscore.datasets import Drift, simulate


def test_without_drift_the_simulator_is_unchanged_draw_for_draw():
    a, pa = simulate(3000, random_state=4)
    b, pb = simulate(3000, random_state=4, drift=None)
    pd.testing.assert_frame_equal(a.statements, b.statements)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_series_equal(pa, pb)


def test_drift_moves_only_the_statements_after_its_start():
    """Same seed: before the start every true probability is unchanged; after it the log-odds
    move by exactly intercept + (scale - 1) * observable part; the base rate falls."""
    drift = Drift(start="2023-01-01", intercept=-1.0, effect_scale=1.5)
    base, p0, lat0 = simulate(20_000, random_state=5, return_latent=True)
    moved, p1, lat1 = simulate(20_000, random_state=5, return_latent=True, drift=drift)
    after = (base.statements["made_at"] >= pd.Timestamp("2023-01-01", tz="UTC")).to_numpy()
    np.testing.assert_allclose(p1[~after], p0[~after])
    unobserved = (
        0.3 + 0.5 * lat0["sources"]["reliability"].reindex(base.statements["source_id"]).to_numpy()
    )
    want = lat0["statements"]["logit"] + (-1.0 + 0.5 * (lat0["statements"]["logit"] - unobserved))
    np.testing.assert_allclose(lat1["statements"]["logit"][after], want[after])
    assert moved.statements["label"][after].mean() < base.statements["label"][after].mean() - 0.1


@pytest.mark.parametrize("ramp", [0.0, 100.0])
def test_weight_is_a_step_or_a_ramp(ramp):
    d = Drift(start="2023-01-01", ramp_days=ramp)
    t = pd.to_datetime(["2022-12-31", "2023-01-01", "2023-02-20", "2024-01-01"], utc=True)
    w = d.weight(t)
    assert w[0] == 0 and w[-1] == 1
    assert w[2] == (1.0 if ramp == 0 else pytest.approx(50 / 100))
