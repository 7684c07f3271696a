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


def _labels(d, source=(), cue=(), content=()):
    """BIO labels over ``d``'s tokens from (first, last + 1) token ranges per role."""
    y = np.zeros(d.n, dtype=np.int64)
    for code, ranges in ((1, source), (3, cue), (5, content)):
        for a, b in ranges:
            y[a] = code
            y[a + 1 : b] = code + 1
    return y


def _tok(d, word, nth=0):
    return [i for i, w in enumerate(d.words) if w == word][nth]


def test_a_trailing_according_to_with_its_own_source_is_its_own_report():
    """ "X has said Y, according to Z": Z reports the whole clause (X's claim inside it);
    the bare "according to" cue is not merged into X's cue and does not lose Z."""
    d = tag_doc("Romney has said otherwise in private, according to former Sen. Scott Brown.")
    acc, former = _tok(d, "according"), _tok(d, "former")
    y = _labels(
        d,
        source=[(0, 1), (former, d.n - 1)],
        cue=[(1, 3), (acc, acc + 2)],
        content=[(3, _tok(d, ","))],
    )
    atts = {d.words[t.source[0]]: t for t in link(d, y)}
    assert set(atts) == {"Romney", "former"}
    brown = atts["former"]
    assert brown.kind == "according_to" and brown.derived
    (a, b), *_ = brown.content
    assert " ".join(d.words[a:b]) == "Romney has said otherwise in private"
    assert not atts["Romney"].derived and atts["Romney"].kind == "indirect"


def test_thats_according_to_reads_the_clause_and_a_clitic_is_no_source():
    d = tag_doc("Prices rose. That’s according to early results of exit polls.")
    s, acc = _tok(d, "’s"), _tok(d, "according")
    y = _labels(d, source=[(s, s + 1), (acc + 2, d.n - 1)], cue=[(acc, acc + 2)])
    (att,) = link(d, y)
    assert d.words[att.source[0]] == "early"
    assert [d.words[a:b] for a, b in att.content] == [["That"]]


def test_a_bare_cue_without_a_source_of_its_own_still_joins_its_neighbour():
    """ "said ... in a statement" stays one attribution (the merge the fix narrows)."""
    d = tag_doc("Smith said prices rose, in a statement.")
    y = _labels(d, source=[(0, 1)], cue=[(1, 2), (_tok(d, "in"), _tok(d, "in") + 3)])
    y[2], y[3] = 5, 6
    (att,) = link(d, y)
    assert len(att.cue) == 2 and d.words[att.source[0]] == "Smith" and not att.derived
