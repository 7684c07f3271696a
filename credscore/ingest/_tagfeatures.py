"""Hashed token features of the attribution tagger, computed column-wise with numpy.

Each token gets small integer *atoms* (word, shape, suffix, word-list class, quote state,
position in the sentence, the nearest cue-like word to its left and right and what lies in
between, the rule-based extractor's reading). A feature *template* combines a few atoms at
fixed offsets; its value is hashed (a fixed 64-bit mix, identical in every process) into one
of ``2**bits`` buckets. The result is an ``(n_tokens, n_templates)`` matrix of bucket indices.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping

import numpy as np

from credscore.ingest._lexicon import lexicon
from credscore.ingest._tagdoc import TagDoc

__all__ = ["N_TEMPLATES", "RULE_CODES", "featurize", "word_ids"]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_PAD = 0x5EED  # atom value outside the unit
_DIST_EDGES = np.array([1, 2, 3, 4, 6, 9, 13, 21, 36])
_PRONOUNS = frozenset("he she they we i you it who him her them us".split())

#: Rule-based extractor codes per token (see :func:`credscore.ingest._rules_tags`).
RULE_CODES = {
    "none": 0,
    "direct": 1,
    "reported": 2,
    "according_to": 3,
    "speaker": 4,
}

_word_cache: dict[str, tuple[int, int, int, int]] = {}


def _shape(w: str) -> int:
    if not w[:1].isalnum():
        return 10 + (ord(w[0]) % 50)
    if any(c.isdigit() for c in w):
        return 1
    if w.isupper() and len(w) > 1:
        return 2
    if w[:1].isupper():
        return 3
    return 4


def _lexclass(low: str) -> int:
    lex = lexicon()
    code = 0
    if low in _PRONOUNS:
        code |= 1
    if low in lex.title_words:
        code |= 2
    if low in lex.role_nouns:
        code |= 4
    if low in lex.organization_nouns:
        code |= 8
    if low in lex.anonymous_cues:
        code |= 16
    return code


def _atoms_of(w: str) -> tuple[int, int, int, int]:
    got = _word_cache.get(w)
    if got is None:
        low = w.lower()
        got = (
            zlib.crc32(low.encode("utf-8", "surrogatepass")),
            _shape(w),
            zlib.crc32(low[-3:].encode("utf-8", "surrogatepass")) ^ 0x51,
            _lexclass(low),
        )
        if len(_word_cache) < 500_000:
            _word_cache[w] = got
    return got


def word_ids(words: list[str]) -> np.ndarray:
    """``(n, 4)`` atoms per word: word hash, shape, suffix hash, word-list class.

    Examples
    --------
    >>> word_ids(["Said", "said"])[:, 0].tolist() == [word_ids(["said"])[0, 0]] * 2
    True
    """
    if not words:
        return np.zeros((0, 4), dtype=np.int64)
    return np.array([_atoms_of(w) for w in words], dtype=np.int64)


def _mix(tid: int, cols: list[np.ndarray], n: int) -> np.ndarray:
    h = np.full(n, (tid + 1) * 0x9E3779B97F4A7C15 % 2**64, dtype=np.uint64)
    for c in cols:
        h ^= c.astype(np.uint64)
        h *= _M1
        h ^= h >> np.uint64(29)
        h *= _M2
        h ^= h >> np.uint64(32)
    return h


def _shifted(a: np.ndarray, k: int, unit_id: np.ndarray) -> np.ndarray:
    out = np.full_like(a, _PAD)
    if k > 0:
        out[k:] = a[:-k]
        same = np.zeros(len(a), dtype=bool)
        same[k:] = unit_id[k:] == unit_id[:-k]
    else:
        out[:k] = a[-k:]
        same = np.zeros(len(a), dtype=bool)
        same[:k] = unit_id[:k] == unit_id[-k:]
    out[~same] = _PAD
    return out


def _nearest(mask: np.ndarray, group: np.ndarray, left: bool) -> np.ndarray:
    """Index of the nearest ``mask`` token strictly left (right) in the same group, else -1."""
    n = len(mask)
    idx = np.arange(n)
    if left:
        pos = np.where(mask, idx, -1)
        prev = np.full(n, -1)
        if n > 1:
            prev[1:] = np.maximum.accumulate(pos)[:-1]
        ok = prev >= 0
        ok[ok] = group[prev[ok]] == group[ok]
        return np.where(ok, prev, -1)
    pos = np.where(mask, idx, n)
    nxt = np.full(n, n)
    if n > 1:
        nxt[:-1] = np.minimum.accumulate(pos[::-1])[::-1][1:]
    ok = nxt < n
    ok[ok] = group[nxt[ok]] == group[ok]
    return np.where(ok, nxt, -1)


def _side(
    c: np.ndarray, left: bool, wid: np.ndarray, comma: np.ndarray, marks: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Distance bucket, commas and quote marks crossed, word and next word of the nearest
    cue-like word on one side (``c``: its index per token, -1 for none)."""
    n = len(c)
    idx = np.arange(n)
    has = c >= 0
    j = np.where(has, c, 0)
    d = np.where(has, np.abs(idx - j), 99)
    dist = np.where(has, np.digitize(d, _DIST_EDGES) + 1, 0)
    lo, hi = (j, idx) if left else (idx, j)
    commas = np.where(has, np.minimum(comma[np.maximum(hi - 1, 0)] - comma[lo], 2), 3)
    cross = np.where(has, (marks[np.maximum(hi - 1, 0)] - marks[lo]) > 0, 2)
    word = np.where(has, wid[j], _PAD)
    nxt = np.where(has & (j + 1 < n), wid[np.minimum(j + 1, n - 1)], _PAD)
    return dist, commas, cross.astype(np.int64), word, nxt


def _cue_context(
    doc: TagDoc, cue: np.ndarray, wid: np.ndarray
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """:func:`_side` atoms of the nearest strong cue-like word left and right, per token."""
    cand = cue >= 2
    lc = _nearest(cand, doc.sentence, left=True)
    rc = _nearest(cand, doc.sentence, left=False)
    comma = np.cumsum(np.array([w in ",;" for w in doc.words]))
    marks = np.cumsum((doc.inq == 3) | (doc.inq == 4))
    return _side(lc, True, wid, comma, marks), _side(rc, False, wid, comma, marks)


def featurize(
    doc: TagDoc, cue_words: Mapping[str, int], rules: np.ndarray, bits: int
) -> np.ndarray:
    """The ``(n, N_TEMPLATES)`` bucket matrix of an article.

    Parameters
    ----------
    doc : TagDoc
        The tokenised article.
    cue_words : mapping
        Lower-case word -> cue-likeness level (1 weak .. 3 strong), learned from training data.
    rules : ndarray
        Per-token :data:`RULE_CODES` from the rule-based extractor.
    bits : int
        ``log2`` of the number of buckets.
    """
    n = doc.n
    if n == 0:
        return np.zeros((0, N_TEMPLATES), dtype=np.int64)
    at = word_ids(doc.words)
    wid, shape, suf, lexc = at[:, 0], at[:, 1], at[:, 2], at[:, 3]
    unit_id = np.zeros(n, dtype=np.int64)
    for u, (a, b) in enumerate(doc.units):
        unit_id[a:b] = u
    lows = [w.lower() for w in doc.words]
    cue = np.fromiter((cue_words.get(w, 0) for w in lows), dtype=np.int64, count=n)
    sent = doc.sentence
    idx = np.arange(n)
    (ld, lcm, lx, lw, ln), (rd, rcm, rx, rw, _) = _cue_context(doc, cue, wid)
    pos = np.minimum(idx - np.maximum.accumulate(np.where(doc.sent_first, idx, 0)), 12)
    sflag = doc.sent_first.astype(np.int64) + 2 * doc.sent_last.astype(np.int64)
    sent_has_q = np.zeros(int(sent.max()) + 1, dtype=np.int64)
    np.maximum.at(sent_has_q, sent, (doc.inq == 1).astype(np.int64))
    hq = sent_has_q[sent]
    q = doc.inq

    def sh(a: np.ndarray, k: int) -> np.ndarray:
        return _shifted(a, k, unit_id)

    templates: list[list[np.ndarray]] = [
        [],
        [wid],
        [sh(wid, 1)],
        [sh(wid, -1)],
        [sh(wid, 2)],
        [sh(wid, -2)],
        [sh(wid, 1), wid],
        [wid, sh(wid, -1)],
        [shape],
        [sh(shape, 1), shape, sh(shape, -1)],
        [suf],
        [lexc],
        [sh(lexc, 1), lexc],
        [q],
        [q, shape],
        [q, sh(q, 1)],
        [q, hq],
        [wid, q],
        [sflag, q],
        [pos, q],
        [ld, lcm, lx],
        [rd, rcm, rx],
        [lw, ld],
        [rw, rd],
        [ld, rd],
        [q, ld, rd],
        [ln, ld, lcm],
        [cue, sh(wid, 1)],
        [cue, q],
        [lw, lcm, lx, q],
        [rw, rcm, rx, q],
        [rules],
        [rules, sh(rules, 1), sh(rules, -1)],
        [rules, q],
        [rules, wid],
        [sh(cue, 1), sh(cue, -1), cue],
        [hq, ld, rd, lcm],
    ]
    mask = np.uint64((1 << bits) - 1)
    out = np.empty((n, len(templates)), dtype=np.int64)
    for t, cols in enumerate(templates):
        out[:, t] = (_mix(t, cols, n) & mask).astype(np.int64)
    return out


N_TEMPLATES = 37
