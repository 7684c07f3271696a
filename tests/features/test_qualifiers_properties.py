"""Property tests (hypothesis) for credscore.features.qualifiers."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credscore.features.qualifiers import QUALIFIER_CATEGORIES, find_qualifiers, qualifier_features

# Text made of cue fragments, ordinary words, figures, punctuation and odd whitespace, so that
# generated strings hit cues, near-misses and boundaries far more often than random unicode.
PIECES = [
    "probably",
    "may",
    "May",
    "could",
    "not",
    "all",
    "about",
    "at least",
    "at",
    "least",
    "in",
    "only",
    "some",
    "300",
    "8,000",
    "4.7",
    "percent",
    "a third",
    "according to",
    "reports",
    "so-called",
    "never",
    "total",
    "of",
    "one",
    "half",
    "the",
    "north",
    "units",
    "it’s",
    "possible",
    "nobody",
    "within",
    "up to",
    "-",
    "—",
    "“",
    "”",
    "(",
    ")",
    ",",
    ".",
    " ",
    "  ",
    "\n",
    "\u00a0",
    "İ",
    "x",
    "allegedly",
    "almost",
    "most",
    "likely",
    "$",
    "%",
    "~",
]
texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=25).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=25).map("".join),
    st.text(max_size=60),
)
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(texts)
def test_offsets_always_slice_to_the_cue(text):
    """Every span's offsets slice the original text to exactly its cue; spans are sorted,
    non-overlapping and of a known category."""
    found = find_qualifiers(text)
    last_end = 0
    for q in found:
        assert text[q.start : q.end] == q.cue
        assert q.cue and q.category in QUALIFIER_CATEGORIES
        assert q.start >= last_end
        last_end = q.end


@FAST
@given(st.lists(st.one_of(texts, st.none()), max_size=8))
def test_counts_equal_the_span_list(batch):
    """qualifier_features (one joined scan, deduplicated) counts exactly the spans that
    find_qualifiers returns for each text on its own, and q_any follows from them."""
    df = qualifier_features(batch)
    assert len(df) == len(batch)
    for i, text in enumerate(batch):
        found = find_qualifiers(text)
        for cat in QUALIFIER_CATEGORIES:
            assert df.iloc[i][f"q_{cat}"] == sum(q.category == cat for q in found)
        qualifiers = sum(q.category != "number" for q in found)
        assert df.iloc[i]["q_any"] == int(qualifiers > 0)
        words = len((text or "").split())
        expected = 100 * qualifiers / words if words else 0.0
        assert abs(df.iloc[i]["q_per_100_words"] - expected) < 1e-9


@FAST
@given(texts, texts)
def test_adding_an_unrelated_sentence_never_removes_a_span(first, second):
    """Appending another sentence after the first one's full stop keeps every span of the
    first sentence, at the same offsets and with the same category."""
    first = first.rstrip() + "."
    before = {(q.category, q.start, q.end) for q in find_qualifiers(first)}
    after = {(q.category, q.start, q.end) for q in find_qualifiers(first + " " + second)}
    assert before <= after


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, min_size=1, max_size=5))
def test_features_do_not_depend_on_batch_neighbours(batch):
    """Scoring texts together or one by one gives the same rows (no leak across the join)."""
    together = qualifier_features(pd.Series(batch))
    alone = pd.concat([qualifier_features([t]) for t in batch], ignore_index=True)
    pd.testing.assert_frame_equal(together, alone)
