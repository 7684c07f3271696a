"""Tests of the qualifier family's wording (credscore/features/_qualifiers_family.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from credscore.features import QualifierFamily
from credscore.features._qualifiers_family import MAX_CUE_CHARS
from credscore.schema import validate_tables


def _words(texts):
    t = validate_tables(
        pd.DataFrame(
            {
                "statement_id": [f"s{i}" for i in range(len(texts))],
                "source_id": ["a"] * len(texts),
                "text": texts,
                "made_at": ["2024-01-01"] * len(texts),
            }
        )
    )
    fam = QualifierFamily().fit(t)
    out = fam.transform(t, np.arange(len(texts)), details=True)
    return fam.describe("qualifiers", out, np.arange(len(texts)))


def test_words_come_from_the_same_scan_and_follow_the_order_of_appearance():
    words = _words(["Probably about 300 left.", "", "It rained."])
    assert words[0] == "statement hedges: 'Probably'; approximates: 'about'; gives figures: '300'"
    assert words[1] == words[2] == "no hedges, approximations, limits or attributions"


def test_a_huge_cue_is_cut_in_the_reason():
    """A 100,000-digit number makes a short quote, not a 100,036-character reason."""
    words = _words(["We counted " + "9" * 100_000 + " of them."])[0]
    assert len(words) < 100
    assert "…" in words and len(words.split("'")[1]) <= MAX_CUE_CHARS


def test_repeated_cues_are_quoted_once():
    words = _words(["According to reports, " * 50 + "they left."])[0]
    assert words.count("According to") + words.count("according to") == 1


def test_refutation_is_worded_apart_from_hearsay():
    words = _words(["The reports that our troops left are wrong."])[0]
    assert "refutes a claim" in words and "relies on others" not in words
