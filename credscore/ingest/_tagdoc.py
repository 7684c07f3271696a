"""An article as token arrays for the attribution tagger: offsets, sentences, quotes, units.

Everything is computed in a few linear passes (one regular expression over the text, the
sentence splitter of :mod:`credscore.ingest._text`, sorted searches), so the cost grows with
the length of the article and nothing else.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np

from credscore.ingest._text import Sentence, segment

__all__ = ["MAX_UNIT_TOKENS", "TagDoc", "tag_doc"]

#: A tagging unit (a paragraph) longer than this many tokens is cut at sentence ends (or,
#: failing that, every this many tokens), so that no sequence is unbounded.
MAX_UNIT_TOKENS = 400

# Clitics ('s, 'll, 're, 've, 'd, 'm) are tokens of their own: "He’s" -> "He", "’s".
_TAG_TOKEN_RE = re.compile(
    r"(?:[^\W\d_]\.){2,}"
    r"|['’](?:[sSdDmM]|ll|LL|re|RE|ve|VE)\b"
    r"|\w+(?:-\w+)*(?:['’](?!(?:[sSdDmM]|ll|LL|re|RE|ve|VE)\b)\w+)*"
    r"|[^\w\s]"
)

#: ``inq`` codes: outside quotes, inside a clause-opening quote, inside an embedded quote,
#: an opening mark, a closing mark.
OUT, IN_STANDALONE, IN_EMBEDDED, OPEN_MARK, CLOSE_MARK = 0, 1, 2, 3, 4


@dataclass
class TagDoc:
    """Token arrays of one article (all of length ``n``)."""

    text: str
    words: list[str]
    starts: np.ndarray
    ends: np.ndarray
    sentence: np.ndarray
    paragraph: np.ndarray
    sent_first: np.ndarray
    sent_last: np.ndarray
    inq: np.ndarray
    units: list[tuple[int, int]]
    sents: list[Sentence]

    @property
    def n(self) -> int:
        """Number of tokens."""
        return len(self.words)


def _quote_codes(starts: np.ndarray, sents: list) -> np.ndarray:
    inq = np.zeros(len(starts), dtype=np.int64)
    opens, closes, kinds, marks = [], [], [], []
    for s in sents:
        for q in s.quotes:
            opens.append(q.open_at)
            closes.append(q.close_at if q.closed else q.end)
            kinds.append(IN_STANDALONE if q.standalone else IN_EMBEDDED)
            if q.closed:
                marks.append(q.close_at)
    if not opens:
        return inq
    o, c, k = np.array(opens), np.array(closes), np.array(kinds)
    order = np.argsort(o, kind="stable")
    o, c, k = o[order], c[order], k[order]
    idx = np.searchsorted(o, starts, side="right") - 1
    valid = idx >= 0
    j = np.where(valid, idx, 0)
    inside = valid & (starts > o[j]) & (starts < c[j])
    inq[inside] = k[j][inside]
    inq[valid & (starts == o[j])] = OPEN_MARK
    is_close = np.isin(starts, np.array(marks, dtype=np.int64))
    inq[is_close & (inq != OPEN_MARK)] = CLOSE_MARK
    return inq


def _units(sentence: np.ndarray, paragraph: np.ndarray, n: int) -> list[tuple[int, int]]:
    if n == 0:
        return []
    cut = np.flatnonzero(np.diff(paragraph)) + 1
    bounds = [0, *cut.tolist(), n]
    units: list[tuple[int, int]] = []
    sent_starts = np.flatnonzero(np.diff(sentence)) + 1
    for a, b in itertools.pairwise(bounds):
        while b - a > MAX_UNIT_TOKENS:
            lo, hi = np.searchsorted(sent_starts, [a + MAX_UNIT_TOKENS // 2, a + MAX_UNIT_TOKENS])
            cut_at = int(sent_starts[hi - 1]) if hi > lo else a + MAX_UNIT_TOKENS
            units.append((a, cut_at))
            a = cut_at
        units.append((a, b))
    return units


def tag_doc(text: str, sents: list[Sentence] | None = None) -> TagDoc:
    """Tokenise an article and attach sentence, paragraph, quote and unit information.

    Examples
    --------
    >>> d = tag_doc('He’s here. "We won," she said.')
    >>> d.words[:3], d.sentence.tolist()
    (['He', '’s', 'here'], [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1])
    >>> d.inq.tolist()[4:9]
    [3, 1, 1, 1, 4]
    """
    words = _TAG_TOKEN_RE.findall(text)
    spans = np.array([m.span() for m in _TAG_TOKEN_RE.finditer(text)], dtype=np.int64)
    spans = spans.reshape(-1, 2)
    starts, ends = spans[:, 0].copy(), spans[:, 1].copy()
    ms = words
    sents = segment(text) if sents is None else sents
    s_start = np.array([s.start for s in sents], dtype=np.int64)
    s_para = np.array([s.paragraph for s in sents], dtype=np.int64)
    sentence = np.clip(np.searchsorted(s_start, starts, side="right") - 1, 0, None)
    paragraph = s_para[sentence] if len(sents) else np.zeros(len(ms), dtype=np.int64)
    # tokens outside every sentence (whitespace-only lines never hold tokens) keep index 0
    first = np.ones(len(ms), dtype=bool)
    first[1:] = sentence[1:] != sentence[:-1]
    last = np.ones(len(ms), dtype=bool)
    last[:-1] = sentence[1:] != sentence[:-1]
    inq = _quote_codes(starts, sents)
    return TagDoc(
        text,
        words,
        starts,
        ends,
        sentence,
        paragraph,
        first,
        last,
        inq,
        _units(sentence, paragraph, len(ms)),
        sents,
    )
