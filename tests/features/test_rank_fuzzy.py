"""Tests of forgiving matching (credscore.features._rank_fuzzy and its use by the resolver)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credscore.features._rank_fuzzy import FuzzyIndex, osa_distance
from credscore.features.rank import default_rank_table, load_rank_table, resolve_rank


@pytest.mark.parametrize(
    ("typo", "code"),
    [
        ("Air Vice Marshall", "OF-7"),
        ("Lieutenant Colonol", "OF-4"),
        ("Sergant", "OR-5"),
        ("Seargent", "OR-5"),
        ("Liuetenant General", "OF-8"),
        ("Admirel", "OF-9"),
        ("Gunnery Sargeant", "OR-7"),
        ("Petty Oficer First Class", "OR-6"),
    ],
)
def test_misspelt_ranks_are_read_and_flagged(typo: str, code: str) -> None:
    r = resolve_rank(typo)
    assert (r.code, r.fuzzy) == (code, True)


@pytest.mark.parametrize(
    "title",
    [
        "Colonel", "Air Vice-Marshal", "U.S. Senator", "Thom Tillis serves as U.S. Senator",
        "Founder, White Horse Vapor", "Home-based child care", "Marshall University president",
        "Mayor", "Major",
    ],
)  # fmt: skip
def test_correct_exact_readings_are_not_corrected(title: str) -> None:
    r = resolve_rank(title)
    assert not r.fuzzy
    off = load_rank_table()
    off.extra["fuzzy_enabled"] = False
    assert resolve_rank(title, off) == r


def test_short_words_and_distance_bounds() -> None:
    idx = FuzzyIndex(["sergeant", "major", "colonel", "marshal"])
    assert idx.correct("majr") is None  # four letters: never corrected
    assert idx.correct("colonol") == "colonel"  # one edit at seven letters
    assert idx.correct("colnoel") == "colonel"  # a transposition is one edit
    assert idx.correct("cloonle") is None  # two edits at seven letters: too far
    assert idx.correct("seargent") == "sergeant"  # two edits at eight letters
    assert idx.correct("xergeant") is None  # the first letter must match
    assert FuzzyIndex(["marshal"], exclude=["marshall"]).correct("marshall") is None


def test_exclusions_come_from_the_table(tmp_path: Path) -> None:
    ext = tmp_path / "no_fuzzy.json"
    ext.write_text(json.dumps({"format": "credscore-ranks/1", "fuzzy": {"enabled": False}}))
    assert not resolve_rank("Sergant", load_rank_table(ext)).known
    assert "horse" in default_rank_table().extra["fuzzy_exclude"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghij", min_size=0, max_size=12),
       st.text(alphabet="abcdefghij", min_size=0, max_size=12))  # fmt: skip
def test_property_osa_distance(a: str, b: str) -> None:
    """The bounded distance is symmetric, zero exactly for equal strings, and never exceeds
    the length of the longer string; a result above the bound means "further than it"."""
    d = osa_distance(a, b, 30)
    assert d == osa_distance(b, a, 30)
    assert (d == 0) == (a == b)
    assert d <= max(len(a), len(b))
    assert osa_distance(a, b, 1) <= 2


WORDS = sorted({w for p in default_rank_table().phrases for w in p.split() if w.isalpha()})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))
def test_property_table_words_are_never_corrected(words: list[str]) -> None:
    """A title made only of words the tables know is read exactly: no correction happens and
    the reading equals the reading with spelling correction switched off."""
    text = " ".join(words)
    r = resolve_rank(text)
    assert not r.fuzzy
    off = load_rank_table()
    off.extra["fuzzy_enabled"] = False
    assert resolve_rank(text, off) == r
