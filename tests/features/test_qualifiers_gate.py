"""The word gate of the trie scan (credscore.features._qualifiers_gate): the same matches."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credscore.features._qualifiers_compile import scan_codepoints
from credscore.features._qualifiers_core import _SEP, lexicon_hits
from credscore.features._qualifiers_tokens import tokenize_codepoints
from credscore.features.qualifiers import load_lexicon

BUNDLED = load_lexicon(learned=False)

#: A user lexicon with every kind of phrase start the gate distinguishes: one closed word, two
#: closed words, an open word ("boundary": false, a `then` that may go on with letters), an open
#: second word, a one-letter open word, a phrase starting with punctuation, with a hyphen, with
#: an apostrophe, with a digit, and one with a non-ASCII letter; plus a raw pattern with a gate
#: (the split scan needs one).
USER = {
    "version": "gate-test",
    "categories": {
        "hedge": [
            "may",
            "it seems",
            {"cue": "approx", "boundary": False},
            {"cue": "is", "then": "(?:n't|{_}wrong)"},
            {"cue": "per cent", "boundary": False},
            {"cue": "x", "boundary": False},
            "#fake",
            "-ish",
            "'tis",
            "9 to 5 jobs",
            "café talk",
            "u.s. officials",
            {"cue": "people", "next": "{_}say"},
        ],
        "number": [{"regex": "\\d+(?:\\.\\d+)?", "first": "0-9", "boundary": False}],
    },
}
PIECES = [
    *"may might it seems seem approx approximately approxx is isn't isnt wrong per cent "
    "percent centre x xylophone xx #fake fake # tis 'tis 9 to 5 jobs café talk u.s. us officials "
    "people say says in the region of about one hundred a dozen twenty two five most "
    "according to reports wrong-ish ish".split(),
    "(",
    ")",
    "-",
    "'",
    ".",
    ",",
    "$",
    "5",
    "1,000",
    "~3",
    "us$",
    " ",
    "  ",
    "\t",
]
ascii_texts = st.one_of(
    st.lists(st.sampled_from([p for p in PIECES if p.isascii()]), max_size=25).map(" ".join),
    st.lists(st.sampled_from([p for p in PIECES if p.isascii()]), max_size=25).map("".join),
    st.text(st.characters(max_codepoint=127), max_size=40),
)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True, scope="module")
def _gate_on_short_scans():
    """The generated texts are short: let the gate run on scans of any length."""
    import credscore.features._qualifiers_core as core

    saved, core.GATE_MIN_CHARS = core.GATE_MIN_CHARS, 0
    yield
    core.GATE_MIN_CHARS = saved


@pytest.fixture(scope="module")
def user_lexicon(tmp_path_factory):
    path = tmp_path_factory.mktemp("gate") / "lexicon.json"
    path.write_text(json.dumps(USER), encoding="utf-8")
    lex = load_lexicon(path, extend=False, learned=False)
    assert lex.split is not None and lex.split.words is not None
    return lex


def _scan(batch: list[str]):
    joined = _SEP.join(t.replace("\x00", "\x01") for t in batch)
    scan, points, _ = scan_codepoints(joined)
    assert points.dtype == np.uint8  # the gate is for ASCII scans
    return scan, points, tokenize_codepoints(points)


def _check(lex, batch: list[str]) -> None:
    scan, points, tokens = _scan(batch)
    # Necessary condition: every position where the trie matches is a candidate.
    at = set(lex.split.words.candidates(tokens, points).tolist())
    for x in np.flatnonzero(points == 32).tolist():
        if lex.split.trie.match(scan, x) is not None:
            assert x in at, (x, scan[x : x + 20])
    # And the gated scan gives exactly the single combined pattern's matches.
    gated = lexicon_hits(scan, lex, points, tokens)
    reference = lexicon_hits(scan, dataclasses.replace(lex, split=None))
    assert gated.dtype == reference.dtype and gated.shape[1] == 3
    assert gated.tolist() == reference.tolist()


@SETTINGS
@given(st.lists(ascii_texts, max_size=6))
def test_gated_scan_is_the_combined_pattern_bundled(batch):
    """The bundled lexicon: the trie tried only at the gate's candidates finds exactly the
    matches of the combined pattern, and no trie match starts outside the candidates."""
    _check(BUNDLED, batch)


@SETTINGS
@given(st.lists(ascii_texts, max_size=6))
def test_gated_scan_is_the_combined_pattern_user(user_lexicon, batch):
    """The same with a user lexicon holding every kind of phrase start the gate tells apart."""
    _check(user_lexicon, batch)


def test_open_words_and_punctuation_starts_are_candidates(user_lexicon):
    """Regression cases: each phrase kind matches where the gate must let the trie try."""
    text = (
        "approximately 5 #fake -ish 'tis 9 to 5 jobs per centre xylophone isn't it seems "
        "u.s. officials people say"
    )
    scan, points, tokens = _scan([text])
    found = {scan[a + 1 : b + 1] for a, b, _ in lexicon_hits(scan, user_lexicon, points, tokens)}
    for cue in ("approx", "#fake", "-ish", "'tis", "9 to 5 jobs", "per cent", "x", "isn't"):
        assert cue in found, cue
    assert {"it seems", "u.s. officials", "people"} <= found


def test_liar_statements_scan_the_same_with_and_without_the_gate():
    """On every distinct LIAR train+valid statement: the whole family (learned model too) and
    its spans are the same as with the gate switched off."""
    import pandas as pd

    from credscore.datasets import load_liar
    from credscore.exceptions import CorpusNotFoundError
    from credscore.features.qualifiers import scan_qualifiers

    try:
        statements = load_liar().statements
    except CorpusNotFoundError as exc:
        pytest.skip(f"LIAR is not here ({exc})")
    texts = pd.Series(list(dict.fromkeys(statements["text"].fillna("").astype(str))))
    lex = load_lexicon()
    assert lex.split is not None and lex.split.words is not None
    plain = dataclasses.replace(lex, split=dataclasses.replace(lex.split, words=None))
    feats, spans = scan_qualifiers(texts, lex, spans=True)
    feats0, spans0 = scan_qualifiers(texts, plain, spans=True)
    pd.testing.assert_frame_equal(feats, feats0)
    pd.testing.assert_frame_equal(spans, spans0)
