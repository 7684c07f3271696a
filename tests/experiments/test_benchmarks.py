"""Benchmarks and the default model on the research corpora (skipped when they are absent).

Reduced settings (3 folds, few bootstrap draws) keep each test under a minute. Only floors
that hold with a margin in the recorded runs are asserted; see experiments/results/.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from credscore.datasets import corpus_available

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "experiments"))

needs_liar = pytest.mark.skipif(
    not corpus_available("liar"),
    reason="LIAR corpus not found (looked in $CREDSCORE_DATASETS/liar and ../shared/datasets/liar)",
)
needs_liar2 = pytest.mark.skipif(
    not corpus_available("liar2"),
    reason="LIAR2 corpus not found (looked in $CREDSCORE_DATASETS/liar2 and "
    "../shared/datasets/liar2)",
)


@pytest.fixture(autouse=True)
def _one_thread():
    # gradient boosting's OpenMP threads oversubscribe small shared machines
    with threadpool_limits(limits=1):
        yield


@pytest.mark.corpus
@needs_liar
def test_liar_credscore_text_beats_plain_pipeline():
    """credscore + text features has a lower LIAR valid log loss than the plain pipeline."""
    import _bench_common as bc
    import liar_benchmark as lb

    train, valid, y = lb.load_split()
    assert np.isnan(valid.statements["label"]).all()  # valid labels never reach the features
    p_plain = lb.predict_plain(train, valid, cv=3)
    p_text, _ = lb.predict_credscore(train, valid, cv=3, text_features=True)
    ll_plain = bc.evaluate(y, p_plain, n_boot=50, n_sim=50)["log_loss"]["estimate"]
    ll_text = bc.evaluate(y, p_text, n_boot=50, n_sim=50)["log_loss"]["estimate"]
    base = bc.evaluate(y, lb.predict_base_rate(train, valid), n_boot=50, n_sim=50)
    assert ll_text < ll_plain < base["log_loss"]["estimate"]


@pytest.mark.corpus
@needs_liar
def test_default_model_recipe_is_deterministic():
    """Two fits of the default recipe on the same subsample give identical predictions."""
    import liar_benchmark as lb
    import train_default_model as tdm

    train, valid, _ = lb.load_split(frac=0.15)
    p = [
        tdm.fit_default(train, cv=3).score(valid, history=train, explain=False)["p_reliable"]
        for _ in range(2)
    ]
    np.testing.assert_array_equal(p[0].to_numpy(), p[1].to_numpy())
    model = tdm.fit_default(train, cv=3)
    # no speaker identity, no vocabulary in the default model
    assert "text" not in model.feature_names_
    assert not any("source" in c or "speaker" in c for c in model.feature_names_)


@pytest.mark.corpus
@needs_liar2
def test_liar2_time_credscore_beats_plain_after_2020():
    """Trained before 2020, scored 2020-2023: credscore ranks and scores better than plain."""
    import liar2_time_benchmark as tb

    res = tb.run_cut(tb.load_sorted(), "y2020", cv=3, n_boot=50, n_sim=50, verbose=False)
    rows = list(res["rows"].values())
    base, plain, cs = rows[0], rows[1], rows[2]
    assert res["train_rows"] > 1000 and res["test_rows"] > 300
    assert res["test_base_rate"] < res["train_base_rate"] - 0.15  # the drift is there
    assert cs["log_loss"]["estimate"] < plain["log_loss"]["estimate"] < base["log_loss"]["estimate"]
    assert cs["auc"]["estimate"] > plain["auc"]["estimate"]


def test_bundled_default_model_is_small_and_identity_free():
    """The committed artifact stays a few MB and has no speaker or text features."""
    folder = REPO / "credscore" / "models" / "default"
    if not (folder / "manifest.json").is_file():
        pytest.skip("no bundled default model yet: run experiments/train_default_model.py")
    size = sum(f.stat().st_size for f in folder.iterdir())
    assert size < 5_000_000
    manifest = json.loads((folder / "manifest.json").read_text())
    cols = manifest["feature_columns"]
    assert "text" not in cols
    assert not any("source" in c or "speaker" in c for c in cols)
    assert manifest["params"]["text_features"] is False
