"""Tests of the champion/challenger gate."""

from __future__ import annotations

import numpy as np
import pytest

from credscore import Registry
from credscore.exceptions import SchemaError
from credscore.retrain import holdout_split, retrain


def test_holdout_is_the_latest_labelled(sim_tables):
    tables, _ = sim_tables
    masked, hold = holdout_split(tables, 0.25)
    st = tables.statements
    labelled = st["label"].notna().to_numpy()
    assert hold.sum() == round(labelled.sum() * 0.25)
    assert st["made_at"][hold].min() >= st["made_at"][labelled & ~hold].max()
    assert masked.statements["label"][hold].isna().all()
    assert (masked.statements["label"][~hold].dropna() == st["label"][~hold].dropna()).all()


def test_worse_challenger_is_not_promoted(sim_tables, tmp_path):
    tables, _ = sim_tables
    reg = Registry(tmp_path)
    first = retrain(tables, reg, "good", base_learners=("logistic",), cv=3)
    assert first["promoted"]
    # a challenger without its strongest features (the source's record) should lose
    worse = retrain(tables, reg, "weak", base_learners=("logistic",), cv=3, families=("context",))
    assert worse["challenger"]["log_loss"] > worse["champion"]["log_loss"]
    assert not worse["promoted"] and reg.champion() == "good"
    assert set(reg.names()) == {"good", "weak"}


def test_too_few_labels(sim_tables):
    tables, _ = sim_tables
    st = tables.statements.copy()
    st.loc[st.index[15:], "label"] = np.nan
    with pytest.raises(SchemaError, match="too few"):
        holdout_split(type(tables)(statements=st, sources=tables.sources, events=tables.events))


def test_warns_when_champion_saw_the_holdout(sim_tables, tmp_path):
    tables, _ = sim_tables
    reg = Registry(tmp_path)
    retrain(tables, reg, "a", base_learners=("logistic",), cv=3)
    again = retrain(tables, reg, "b", base_learners=("logistic",), cv=3)
    assert "has seen part of the holdout" in again["warning"]
