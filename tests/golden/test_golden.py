"""The bundled default model gives exactly the stored scores (see ``make_golden.py``)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

import credscore

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
GOLDEN = json.loads((HERE / "default_scores.json").read_text(encoding="utf-8"))
TOL = 1e-12


@pytest.fixture(scope="module")
def model():
    return credscore.load_model()


def _close(got, want, what: str) -> None:
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape, what
    worst = float(np.max(np.abs(got - want))) if len(got) else 0.0
    assert worst <= TOL, f"{what}: largest difference {worst:.3g} > {TOL}"


@pytest.mark.parametrize("name", ["kursk_withdrawal_reports", "simulated_newsroom"])
def test_examples_score_as_stored(model, name):
    """Probabilities and intervals equal the stored ones to 1e-12; reasons are identical."""
    want = GOLDEN[name]
    got = model.score(credscore.read_tables(REPO / "datasets" / "examples" / name))
    assert got["statement_id"].tolist() == want["statement_id"]
    for col in ("p_reliable", "p_low", "p_high"):
        _close(got[col], want[col], f"{name}.{col}")
    assert got["reasons"].tolist() == want["reasons"]


@pytest.mark.corpus
def test_liar_valid_scores_as_stored(model):
    """On LIAR valid (train as history) scores and reasons equal the stored ones."""
    from make_golden import liar_valid_tables

    tables = liar_valid_tables()
    if tables is None:
        pytest.skip("LIAR is not in ../shared/datasets or $CREDSCORE_DATASETS")
    valid, train = tables
    want = GOLDEN["liar_valid"]
    got = model.score(valid, history=train)
    assert got["statement_id"].tolist() == want["statement_id"]
    for col in ("p_reliable", "p_low", "p_high"):
        _close(got[col], want[col], f"liar_valid.{col}")
    digests = [hashlib.sha256(r.encode("utf-8")).hexdigest()[:16] for r in got["reasons"]]
    assert digests == want["reasons_sha256"]
