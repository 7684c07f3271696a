"""Tests of the reasons (credscore/model/_explain.py): group substitution and wording."""

from __future__ import annotations

import numpy as np
import pandas as pd

from credscore import CredibilityClassifier
from credscore.model._explain import MIN_SHOWN, group_deltas, reason_strings, reason_table


def test_group_deltas_sign_and_size_on_constructed_case():
    """y depends on a hedge (down) and on rank level (up, stronger): the deltas say so."""
    rng = np.random.default_rng(0)
    n = 3000
    hedge = rng.integers(0, 2, n)
    level = rng.random(n)
    logit = -0.8 * hedge + 3.0 * (level - 0.5)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    X = pd.DataFrame({"q_hedge": hedge.astype(float), "rank_level": level})
    clf = CredibilityClassifier(base_learners=("logistic",), calibrators=("sigmoid",), cv=3)
    clf.fit(X, y)
    reference = pd.Series({"q_hedge": 0.0, "rank_level": 0.5})
    case = pd.DataFrame({"q_hedge": [1.0], "rank_level": [0.95]})
    groups = {"qualifiers": ["q_hedge"], "rank": ["rank_level"]}
    d = group_deltas(case, reference, groups, lambda f: clf.predict_proba(f)[:, 1])
    assert d.shape == (2, 1)
    assert d[0, 0] < 0 < d[1, 0]
    assert abs(d[1, 0]) > abs(d[0, 0])


class _Family:
    """Words each row of a group as '<group> <row>'."""

    def __init__(self, name):
        self.name = name
        self.calls = []

    def describe(self, group, output, rows):
        self.calls.append((group, rows.tolist()))
        return [f"{group} {r}" for r in rows.tolist()]


class _Extractor:
    def __init__(self):
        self.fams = {"a": _Family("a"), "b": _Family("b")}

    def groups(self):
        return {"g1": ("a", ["x"]), "g2": ("a", ["y"]), "g3": ("b", ["z"])}

    def family(self, name):
        return self.fams[name]


class _Extraction:
    def __init__(self):
        self.outputs = {"a": None, "b": None}


def test_reason_strings_order_threshold_and_one_call_per_group():
    """Largest |delta| first, effects under MIN_SHOWN left out, each group worded once, only
    for the rows where it is shown."""
    ext = _Extractor()
    deltas = np.array(
        [
            [0.10, 0.001, -0.02],  # g1
            [-0.20, 0.002, 0.0],  # g2
            [0.03, 0.003, 0.30],  # g3
        ]
    )
    out = reason_strings(ext, _Extraction(), deltas, top=2)
    assert out[0] == "g2 0 (-20 pts); g1 0 (+10 pts)"
    assert out[1] == "close to the base rate on every feature"  # all below MIN_SHOWN
    assert out[2] == "g3 2 (+30 pts); g1 2 (-2 pts)"
    assert MIN_SHOWN == 0.005
    calls = ext.fams["a"].calls + ext.fams["b"].calls
    assert sorted(calls) == [("g1", [0, 2]), ("g2", [0]), ("g3", [2])]


def test_reason_table_is_every_row_and_group():
    """The long table has one row per (statement, group), statement-major, with the words."""
    ext = _Extractor()
    deltas = np.arange(6, dtype=float).reshape(3, 2) / 10
    table = reason_table(ext, _Extraction(), deltas)
    assert table["row"].tolist() == [0, 0, 0, 1, 1, 1]
    assert table["group"].tolist() == ["g1", "g2", "g3"] * 2
    np.testing.assert_allclose(table["delta"], [0.0, 0.2, 0.4, 0.1, 0.3, 0.5])
    assert table["description"].tolist()[:2] == ["g1 0", "g2 0"]
