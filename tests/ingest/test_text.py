"""Tests of credscore/ingest/_text.py: sentences, quotes, linear time on adversarial text."""

from __future__ import annotations

import importlib
import pkgutil
import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credscore.ingest._lexicon import lexicon
from credscore.ingest._tagdoc import tag_doc
from credscore.ingest._text import segment

_PIECES = [
    *".!?…\"“”'‘’,:;-—(",
    "''a ",
    "a.",
    "said that ",
    "according to ",
    "Mr. ",
    "Smith Jones ",
    "later retracted his claim ",
    "his remarks only applied to ",
    '"a," he said. ',
    "a, ",
]


@pytest.fixture(scope="module")
def adversarial_mb() -> str:
    """1 MB made of 40 KB runs of each adversarial piece (a quadratic scan of one run alone
    would take minutes)."""
    block = 1_000_000 // len(_PIECES) + 1
    return "".join((p * (block // len(p) + 1))[:block] for p in _PIECES)


def _ingest_modules() -> list[str]:
    """Every module of credscore.ingest (a new one is covered without editing a list)."""
    import credscore.ingest

    return [m.name for m in pkgutil.iter_modules(credscore.ingest.__path__)]


def _patterns() -> list[tuple[str, re.Pattern]]:
    found = [("_lexicon.verb_re", lexicon().verb_re)]
    for name in _ingest_modules():
        mod = importlib.import_module(f"credscore.ingest.{name}")
        found += [(f"{name}.{a}", v) for a, v in vars(mod).items() if isinstance(v, re.Pattern)]
    return found


def test_every_pattern_is_linear(adversarial_mb):
    slow = {}
    for name, pat in _patterns():
        t0 = time.perf_counter()
        for _ in pat.finditer(adversarial_mb):
            pass
        dt = time.perf_counter() - t0
        if dt > 6.0:  # the floor is 2 s (experiments/bench_ingest_adversarial.py); generous here
            slow[name] = round(dt, 1)
    assert not slow


@pytest.mark.parametrize("piece", [".", "!", "?", "…", '"', "“", "''"])
def test_sentence_splitter_is_linear_on_runs(piece):
    text = piece * (1_000_000 // len(piece))
    t0 = time.perf_counter()
    segment(text)
    t1 = time.perf_counter()
    tag_doc(text)  # one token per mark: a million tokens
    t2 = time.perf_counter()
    # the floor is 2 s for the splitter (about 0.5 s measured, see the benchmark); the bounds
    # are generous for a busy machine, a quadratic scan would take minutes
    assert t1 - t0 < 10.0 and t2 - t1 < 30.0


def test_two_apostrophe_quotes_are_quotes():
    text = "''We will win the state,'' Mr. King added."
    (s,) = segment(text)
    assert [text[q.start : q.end] for q in s.quotes] == ["We will win the state,"]


def test_empty_quote_marks_quote_nothing():
    assert all(not s.quotes for s in segment("“”“”“” and ''''"))


@given(st.text(alphabet=st.sampled_from(list("ab .!?…\"“”'‘’\n,:")), max_size=200))
def test_sentences_are_ordered_and_inside_the_text(text):
    """Sentences are in text order, do not overlap, never start or end on whitespace, and
    every quote lies inside the text."""
    sents = segment(text)
    last = 0
    for s in sents:
        assert last <= s.start < s.end <= len(text)
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()
        last = s.end
        for q in s.quotes:
            assert 0 <= q.start <= q.end <= len(text)
