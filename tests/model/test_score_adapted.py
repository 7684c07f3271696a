"""Tests of credscore/model/_label_shift.py (score_adapted): scoring adapted to a batch's base
rate."""

from __future__ import annotations

import numpy as np
import pytest

from credscore import CredibilityModel, Tables, score_adapted
from credscore.calibration import log_loss
from credscore.datasets.simulator import simulate


def _subset(tables, st):
    ev = tables.events[tables.events["statement_id"].isin(st["statement_id"])]
    return Tables(
        statements=st.reset_index(drop=True),
        sources=tables.sources,
        events=ev.reset_index(drop=True),
    )


@pytest.fixture(scope="module")
def shifted():
    """Simulated corpus; in its later half only 30% of the statements that held up are kept
    (a true label shift: what a statement looks like given its outcome does not change)."""
    tables, true_p = simulate(8000, 80, random_state=3)
    st = tables.statements
    cut = st["made_at"].quantile(0.5)
    late = (st["made_at"] >= cut).to_numpy()
    keep = ~late | (st["label"] == 0).to_numpy() | (np.random.default_rng(0).random(len(st)) < 0.3)
    st = st[keep]
    early = (st["made_at"] < cut).to_numpy()
    model = CredibilityModel(base_learners=("logistic",), cv=3).fit(_subset(tables, st[early]))
    batch = st[~early].assign(label=np.nan, label_at=None)
    logit = np.log(true_p / (1 - true_p))[st.index[~early]] + np.log(0.3)
    return {
        "model": model,
        "batch": _subset(tables, batch),
        "history": _subset(tables, st[early]),
        "y": st["label"].to_numpy(dtype=float)[~early],
        "true_p": 1 / (1 + np.exp(-logit.to_numpy())),
    }


def test_adapts_a_label_shifted_batch(shifted):
    """Base rate 0.55 -> 0.26: the EM estimate is applied, lowers log loss by > 0.1 and brings
    the probabilities closer to the true ones; rankings are untouched."""
    m, batch, hist = shifted["model"], shifted["batch"], shifted["history"]
    # this model separates the outcomes weakly (gap 0.08): the default guard (0.25) refuses;
    # a user who knows the shift is a change of base rate lowers it
    assert not score_adapted(m, batch, history=hist, explain=False).attrs["label_shift"]["applied"]
    out = score_adapted(m, batch, history=hist, explain=False, min_separation=0.05)
    rec = out.attrs["label_shift"]
    assert rec["applied"] and rec["train_prior"] == pytest.approx(m.base_rate_)
    assert abs(rec["prior"] - shifted["y"].mean()) < 3 * rec["se"] + 0.03
    y, p0, p1 = shifted["y"], out["p_unadapted"].to_numpy(), out["p_reliable"].to_numpy()
    assert log_loss(y, p1) < log_loss(y, p0) - 0.1
    tp = shifted["true_p"]
    assert np.mean(np.abs(p1 - tp)) < np.mean(np.abs(p0 - tp)) / 2
    order = np.argsort(p0, kind="stable")
    assert np.all(np.diff(p1[order]) >= -1e-12)
    assert np.all((out["p_low"] <= out["p_reliable"]) & (out["p_reliable"] <= out["p_high"]))


def test_plain_score_is_unchanged_and_is_the_unadapted_column(shifted):
    m, batch, hist = shifted["model"], shifted["batch"], shifted["history"]
    plain = m.score(batch, history=hist, explain=False)
    out = score_adapted(m, batch, history=hist, explain=False)
    np.testing.assert_array_equal(out["p_unadapted"].to_numpy(), plain["p_reliable"].to_numpy())
    assert list(out.columns) == [
        "statement_id", "p_reliable", "p_unadapted", "p_low", "p_high", "reasons",
    ]  # fmt: skip


def test_guard_keeps_the_scores_of_a_small_batch(shifted):
    m, batch, hist = shifted["model"], shifted["batch"], shifted["history"]
    small = _subset(batch, batch.statements.head(30))
    out = score_adapted(m, small, history=hist)
    assert not out.attrs["label_shift"]["applied"]
    np.testing.assert_array_equal(out["p_reliable"], out["p_unadapted"])
    assert out["reasons"].str.len().gt(0).all()


def test_bbse_with_a_labelled_reference_agrees(shifted):
    """method='both' with the training rows as the labelled reference: EM and BBSE agree."""
    m, batch, hist = shifted["model"], shifted["batch"], shifted["history"]
    out = score_adapted(
        m, batch, history=hist, explain=False, method="both", reference=hist, min_separation=0.05
    )
    rec = out.attrs["label_shift"]
    assert [e["method"] for e in rec["estimates"]] == ["em", "bbse"]
    assert rec["applied"], rec["reason"]
