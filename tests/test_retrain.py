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


def _hashes(path):
    import hashlib

    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.iterdir())}


def test_the_champion_is_never_overwritten(sim_tables, tmp_path):
    """Issue 18: a second training with the default name used to overwrite the champion's files
    with a challenger the same run reported as not promoted. Now every training gets its own
    id, the champion's bytes do not change, and reusing an id is refused."""
    from credscore.exceptions import ArtifactError

    tables, _ = sim_tables
    reg = Registry(tmp_path)
    first = retrain(tables, reg, base_learners=("logistic",), cv=3)
    champion = reg.champion()
    assert first["promoted"] and champion == first["model"]
    before = _hashes(tmp_path / champion)
    second = retrain(tables, reg, base_learners=("logistic",), cv=2)  # same data: it loses
    assert second["model"] != champion and not second["promoted"]
    assert reg.champion() == champion and _hashes(tmp_path / champion) == before
    with pytest.raises(ArtifactError, match="never overwrites"):
        retrain(tables, reg, champion, base_learners=("logistic",), cv=2)
    assert _hashes(tmp_path / champion) == before
    assert len(reg.ids()) == 2


def test_the_gate_records_metrics_intervals_and_force(sim_tables, tmp_path):
    tables, _ = sim_tables
    reg = Registry(tmp_path)
    retrain(tables, reg, "good", base_learners=("logistic",), cv=3, who="ann")
    weak = retrain(
        tables,
        reg,
        "weak",
        base_learners=("logistic",),
        cv=3,
        families=("context",),
        force=True,
        who="bob",
    )
    assert weak["promoted"] and weak["forced"] and reg.champion() == "weak"
    for side in ("challenger", "champion"):
        iv = weak[side]["intervals"]["log_loss"]
        assert iv["low"] <= weak[side]["log_loss"] <= iv["high"]
        assert weak[side]["resampled"] == "sources"
    diff = weak["difference_log_loss"]
    assert diff["estimate"] == pytest.approx(
        weak["challenger"]["log_loss"] - weak["champion"]["log_loss"]
    )
    assert diff["low"] <= diff["estimate"] <= diff["high"]
    record = reg.history()[-1]
    assert record["action"] == "train" and record["who"] == "bob" and record["forced"]
    assert record["gate"]["decision"] == "forced (the gate said: kept the champion)"
    assert record["gate"]["champion"]["id"] == "good"
    assert record["gate"]["challenger"]["log_loss"] == pytest.approx(weak["challenger"]["log_loss"])
    assert reg.rollback()["champion_after"] == "good"
