"""Property tests (hypothesis) for credscore.features.qualifiers."""

from __future__ import annotations

import dataclasses
import functools

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credscore.features.qualifiers import (
    COUNT_CAP,
    QUALIFIER_CATEGORIES,
    QUALIFYING,
    find_qualifiers,
    load_lexicon,
    qualifier_features,
    scan_qualifiers,
)

LEX = load_lexicon(learned=False)


@functools.cache
def _learned_lex():
    """The bundled lexicon with its learned model, loaded once (a load takes ~0.2 s, which
    the property tests below would otherwise pay on every example)."""
    return load_lexicon()


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
    """qualifier_features (one joined scan, deduplicated, learned model included) counts
    exactly the spans that find_qualifiers returns for each text on its own, saturated at
    COUNT_CAP (q_hearsay with the weasel spans), and q_any and q_per_100_words follow from
    those counts, each span counted once."""
    df = qualifier_features(batch)
    assert len(df) == len(batch)
    for i, text in enumerate(batch):
        found = find_qualifiers(text)
        counts = {
            c: min(sum(q.category == c for q in found), COUNT_CAP) for c in QUALIFIER_CATEGORIES
        }
        for cat in QUALIFIER_CATEGORIES:
            # q_hearsay also counts the weasel spans (vague attribution)
            raw = counts[cat] + (counts["weasel"] if cat == "hearsay" else 0)
            assert df.iloc[i][f"q_{cat}"] == min(raw, COUNT_CAP)
        qualifiers = sum(counts[c] for c in QUALIFYING)
        assert df.iloc[i]["q_any"] == int(qualifiers > 0)
        assert 0.0 <= df.iloc[i]["q_uncertainty"] <= 1.0
        words = len((text or "").split())
        expected = 100 * qualifiers / words if words else 0.0
        assert abs(df.iloc[i]["q_per_100_words"] - expected) < 1e-9


@FAST
@given(texts, texts)
def test_adding_an_unrelated_sentence_never_removes_a_span(first, second):
    """Appending another sentence after the first one's full stop keeps every lexicon span of
    the first sentence, at the same offsets and with the same category (the learned model
    reads two words across the stop, so its spans may change)."""
    first = first.rstrip() + "."
    before = {(q.category, q.start, q.end) for q in find_qualifiers(first, LEX)}
    after = {(q.category, q.start, q.end) for q in find_qualifiers(first + " " + second, LEX)}
    assert before <= after


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, min_size=1, max_size=5))
def test_features_do_not_depend_on_batch_neighbours(batch):
    """Scoring texts together or one by one gives the same rows (no leak across the join)."""
    together = qualifier_features(pd.Series(batch))
    alone = pd.concat([qualifier_features([t]) for t in batch], ignore_index=True)
    pd.testing.assert_frame_equal(together, alone)


@FAST
@given(st.lists(st.one_of(texts, st.none()), max_size=6))
def test_scan_qualifiers_features_equal_qualifier_features(batch):
    """scan_qualifiers gives exactly qualifier_features' frame, and its spans table lists, per
    input row, exactly the spans find_qualifiers returns for that text, in order."""
    feats, table = scan_qualifiers(batch, spans=True)
    assert table is not None
    pd.testing.assert_frame_equal(feats, qualifier_features(batch))
    for i, text in enumerate(batch):
        rows = table[table["row"] == i]
        expected = [(q.category, q.cue, q.start, q.end, q.learned) for q in find_qualifiers(text)]
        got = list(rows[["category", "cue", "start", "end", "learned"]].itertuples(index=False))
        assert [tuple(r) for r in got] == expected


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map(" ".join),
    st.integers(min_value=4, max_value=50),
)
def test_repetition_never_lifts_a_count_above_the_cap(text, times):
    """Repeating a text any number of times never gives a category count above COUNT_CAP, and
    never lowers one that the single text already reaches (counts are monotone, saturated)."""
    one = qualifier_features([text], LEX).iloc[0]
    many = qualifier_features([" ".join([text] * times)], LEX).iloc[0]
    for cat in QUALIFIER_CATEGORIES:
        assert many[f"q_{cat}"] <= COUNT_CAP
        assert many[f"q_{cat}"] >= min(one[f"q_{cat}"], COUNT_CAP)


def _combined_hits(scan: str, lex) -> list[tuple[int, int, int]]:
    """The reference: every match of the single combined pattern, left to right."""
    from credscore.features._qualifiers_core import lexicon_hits

    return [tuple(row) for row in lexicon_hits(scan, dataclasses.replace(lex, split=None))]


# More figures, currency and "us$" than PIECES, so raw matches meet and overlap trie matches.
RAW_PIECES = [*PIECES, "us$", "u", "us", "5", "twenty", "five", "hundred", "~3", "£", "1,000,000"]
raw_texts = st.one_of(
    st.lists(st.sampled_from(RAW_PIECES), max_size=30).map(" ".join),
    st.lists(st.sampled_from(RAW_PIECES), max_size=30).map("".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(raw_texts, min_size=1, max_size=6))
def test_split_scan_finds_exactly_the_combined_patterns_matches(batch):
    """The trie scan merged with gated raw attempts gives the same spans, in the same order,
    as the one combined pattern (the scan the split replaces for speed)."""
    from credscore.features._qualifiers_compile import scan_text
    from credscore.features._qualifiers_core import lexicon_hits

    assert LEX.split is not None
    scan = scan_text("\x00 ".join(batch))
    got = [tuple(row) for row in lexicon_hits(scan, LEX)]
    assert got == _combined_hits(scan, LEX)


# Spaces before gate characters, ASCII and not: currency signs, "u", digits, accented letters.
gate_texts = st.one_of(
    raw_texts,
    st.text(alphabet=" u5$~€£¥üéЖ　	-x", max_size=40),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(gate_texts, min_size=1, max_size=6))
def test_gates_from_code_points_are_the_gate_regexs_matches(batch):
    """The split scan finds its raw-pattern gates from the scan's code points: the same
    positions as the gate regex, and then the same spans as the combined pattern."""
    from credscore.features._qualifiers_compile import scan_codepoints
    from credscore.features._qualifiers_core import _gates, lexicon_hits

    assert LEX.split is not None
    scan, points, _ = scan_codepoints("\x00 ".join(batch))
    assert _gates(scan, LEX.split, points) == [m.start() for m in LEX.split.gate.finditer(scan)]
    got = [tuple(row) for row in lexicon_hits(scan, LEX, points)]
    assert got == _combined_hits(scan, LEX)


def test_gates_with_a_non_ascii_gate_class(tmp_path):
    """A user gate class with a letter above U+00FF ("ж") is tested from the class itself."""
    from credscore.features._qualifiers_compile import scan_codepoints
    from credscore.features._qualifiers_core import _gates

    lex = _user_lexicon(tmp_path, {"regex": "(?:ж|\\d)\\d*", "first": "0-9ж"})
    assert lex.split is not None
    scan, points, _ = scan_codepoints("ж 5 жж Ж ü7 xж ж5")
    expected = [m.start() for m in lex.split.gate.finditer(scan)]
    assert len(expected) == 5
    assert _gates(scan, lex.split, points) == expected


@FAST
@given(st.lists(st.one_of(texts, raw_texts), max_size=6))
def test_word_counts_are_str_split_counts(batch):
    """The vectorised word count per text equals ``len(text.split())``."""
    import numpy as np

    from credscore.features._qualifiers_compile import scan_codepoints
    from credscore.features._qualifiers_core import _word_counts

    joined = "\x00 ".join(t.replace("\x00", "\x01") for t in batch)
    points = scan_codepoints(joined)[2]
    # the NUL after each text but the last (scan offsets: one leading space), then the end
    nuls = np.cumsum([len(t) + 2 for t in batch])[:-1] - 1
    counts = _word_counts(points, len(batch), np.append(nuls, len(points))) if batch else []
    assert list(counts) == [len(t.replace("\x00", "\x01").split()) for t in batch]


def _user_lexicon(tmp_path, number_entry: dict):
    import json

    path = tmp_path / "lexicon.json"
    content = {
        "version": "t1",
        "categories": {"hedge": ["apples are", "are"], "number": [number_entry]},
    }
    path.write_text(json.dumps(content), encoding="utf-8")
    return load_lexicon(path, extend=False, learned=False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["5", "apples", "are", "red", "5 apples", ","]), max_size=20))
def test_split_scan_resumes_after_a_raw_match_that_covers_a_trie_match(tmp_path_factory, words):
    """A raw pattern ("5 apples") can swallow the start of a trie phrase ("apples are"): the
    trie scan then restarts where the raw match ends, as the combined pattern resumes there."""
    from credscore.features._qualifiers_compile import scan_text
    from credscore.features._qualifiers_core import lexicon_hits

    lex = _user_lexicon(tmp_path_factory.mktemp("lex"), {"regex": r"\d+ apples", "first": "0-9"})
    assert lex.split is not None
    scan = scan_text(" ".join(words))
    assert [tuple(r) for r in lexicon_hits(scan, lex)] == _combined_hits(scan, lex)


def test_split_scan_restart_case(tmp_path):
    """The worked case: "5 apples" is a number, and "apples are" after it is not re-read from
    inside that match; the later "apples are" and the "are" after the number are found."""
    lex = _user_lexicon(tmp_path, {"regex": r"\d+ apples", "first": "0-9"})
    found = [(q.category, q.cue) for q in find_qualifiers("5 apples are red, apples are", lex)]
    assert found == [("number", "5 apples"), ("hedge", "are"), ("hedge", "apples are")]


def test_raw_pattern_without_a_gate_keeps_the_combined_scan(tmp_path):
    """A raw pattern without ``first`` cannot be gated: the lexicon keeps the single pattern
    (no split) and finds the same cues."""
    lex = _user_lexicon(tmp_path, {"regex": r"\d+ apples"})
    assert lex.split is None
    found = [(q.category, q.cue) for q in find_qualifiers("5 apples are red, apples are", lex)]
    assert found == [("number", "5 apples"), ("hedge", "are"), ("hedge", "apples are")]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(texts, raw_texts, st.just(""), st.just("a\x00b may")), max_size=9))
def test_chunked_scan_is_the_one_joined_scan(batch):
    """Texts scanned in chunks (large inputs) give exactly the features, spans and cue texts
    of one joined scan, with the learned model and without."""
    import credscore.features._qualifiers_core as core

    distinct = list(dict.fromkeys(batch))
    for lex in (LEX, _learned_lex()):
        whole = core.scan_unique(distinct, lex, cues=True)
        saved = core.CHUNK_TEXTS
        core.CHUNK_TEXTS = 2
        try:
            chunked = core.scan_unique(distinct, lex, cues=True)
        finally:
            core.CHUNK_TEXTS = saved
        _assert_same_scan(whole, chunked)


def _assert_same_scan(a_scan, b_scan):
    """Two ScanResults hold the same values field by field, with the same dtypes."""
    for field in dataclasses.fields(a_scan):
        a, b = getattr(a_scan, field.name), getattr(b_scan, field.name)
        if a is None or isinstance(a, list):
            assert a == b, field.name
        else:
            assert a.dtype == b.dtype and a.tolist() == b.tolist(), field.name


ascii_texts = st.lists(st.sampled_from([p for p in PIECES if p.isascii()]), max_size=20).map(
    " ".join
)
wide_texts = st.one_of(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=20)
    .map(" ".join)
    .map(lambda t: t + " İ"),
    st.text(min_size=1, max_size=40).map(lambda t: "“" + t),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(ascii_texts, wide_texts, st.just("a\x00b may ”")), max_size=10))
def test_ascii_and_wide_groups_give_the_one_joined_scan(batch):
    """A batch mixing ASCII and non-ASCII texts, scanned in the two groups (and in chunks of
    two), gives exactly the counts, words, q_uncertainty, spans, their order and the cue texts
    of the whole batch scanned as one joined copy."""
    import credscore.features._qualifiers_core as core

    distinct = list(dict.fromkeys(batch))
    for lex in (LEX, _learned_lex()):
        joined = core._scan_chunk(distinct, lex, True)
        _assert_same_scan(joined, core.scan_unique(distinct, lex, cues=True))
        saved = core.CHUNK_TEXTS
        core.CHUNK_TEXTS = 2
        try:
            _assert_same_scan(joined, core.scan_unique(distinct, lex, cues=True))
        finally:
            core.CHUNK_TEXTS = saved
