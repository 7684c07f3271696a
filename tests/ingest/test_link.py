"""Tests of credscore/ingest/_link.py: spans, linking and kinds."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from credscore.ingest._link import TagAttribution, attribution_kind, cue_kind, link, spans_of
from credscore.ingest._tagdoc import tag_doc


@given(st.lists(st.integers(0, 6), max_size=60))
def test_spans_cover_every_tagged_token_once(labels):
    """Each token labelled B-x or I-x (after a B-x/I-x of the same role) is in exactly one
    span of that role; spans are disjoint and in order."""
    y = np.array(labels, dtype=np.int64)
    spans = spans_of(y)
    covered = [i for _, a, b in spans for i in range(a, b)]
    assert covered == sorted(set(covered))
    for role, a, b in spans:
        code = {"source": 1, "cue": 3, "content": 5}[role]
        assert y[a] == code and all(y[i] == code + 1 for i in range(a + 1, b))


def test_link_attaches_source_and_content_to_their_cue():
    d = tag_doc("Smith said prices rose. Jones told CNN that taxes fell.")
    y = np.zeros(d.n, dtype=np.int64)
    w = d.words
    for i, word in enumerate(w):
        if word in ("Smith", "Jones"):
            y[i] = 1
        elif word in ("said", "told"):
            y[i] = 3
    y[w.index("prices")], y[w.index("rose")] = 5, 6
    y[w.index("taxes")], y[w.index("fell")] = 5, 6
    atts = link(d, y)
    assert [(w[t.source[0]], w[t.cue[0][0]], w[t.content[0][0]]) for t in atts] == [
        ("Smith", "said", "prices"),
        ("Jones", "told", "taxes"),
    ]
    assert [t.kind for t in atts] == ["indirect", "indirect"]


def test_kinds():
    d = tag_doc('He said: "We won." Officials believe it.')
    quote = [i for i, x in enumerate(d.words) if x in ("We", "won")]
    att = TagAttribution([(1, 2)], [(quote[0], quote[-1] + 1)])
    assert attribution_kind(d, att) == "direct"
    assert cue_kind("called for") == "other" and cue_kind("told") == "indirect"
    assert cue_kind("believe") == "belief" and cue_kind("mocked") == "other"
    assert cue_kind("according to") == "according_to"
