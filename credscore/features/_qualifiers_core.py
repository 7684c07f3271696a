"""One vectorised scan of many texts: lexicon spans, learned spans, counts, words (private).

All distinct texts are joined with ``"\\x00 "`` and scanned once by the lexicon's pattern
(:mod:`._qualifiers_compile`) and once by the learned model's tokenizer
(:mod:`._qualifiers_model`); spans and words are mapped back to their text with
``searchsorted``. No Python loop runs over texts or words; the only per-item Python work is one
short step per lexicon match. In ASCII texts scanned with the learned model, the trie is tried
only before the words that may start one of its phrases (:mod:`._qualifiers_gate`), from the
words the model's tokenizer finds anyway. A NUL inside a text becomes ``"\\x01"`` in the scan
(both are neither word characters nor whitespace to every pattern), so the join stays
unambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import compress, repeat

import numpy as np

from credscore.features._qualifiers_compile import SplitPattern, canonical_key, scan_codepoints
from credscore.features._qualifiers_lexicon import QUALIFIER_CATEGORIES, Lexicon
from credscore.features._qualifiers_model import WordScores
from credscore.features._qualifiers_tokens import Tokens, tokenize_codepoints

__all__ = ["COUNT_CAP", "QUALIFYING", "ScanResult", "scan_unique"]

#: Per-category span counts saturate here: a statement repeating "according to reports" a
#: thousand times counts like one that says it three times (one cue per clause is the signal;
#: beyond a handful, repetition is noise or an attack).
COUNT_CAP = 3
#: Categories that make ``q_any`` and ``q_per_100_words``: the scope qualifiers (numbers are
#: specificity; peacock wording and refutation are not qualifiers of the claim's scope).
QUALIFYING: tuple[str, ...] = (
    "hedge",
    "approximator",
    "scope_limiter",
    "hearsay",
    "absolute",
    "weasel",
)
_N_CAT = len(QUALIFIER_CATEGORIES)
#: Distinct texts scanned as one joined copy (larger inputs go in chunks of this many).
CHUNK_TEXTS = 50_000
#: Scans shorter than this skip the word gate: its fixed cost (a few dozen numpy calls) is more
#: than the trie attempts it saves on a few sentences (measured on LIAR statements: 20 texts,
#: 2,400 characters, 768 against 693 µs; even at 50; 1,987 against 2,285 µs at 200).
GATE_MIN_CHARS = 6_000
_HEDGE = QUALIFIER_CATEGORIES.index("hedge")
_SEP = "\x00 "
#: Code points that end a word: NUL (separates texts) and whitespace as ``str.split`` sees it
#: (no code point above U+3000 is whitespace).
_SPACE = np.zeros(0x110000, dtype=bool)
_SPACE[[0, *(c for c in range(0x3001) if chr(c).isspace())]] = True
_SPACE_ASCII = _SPACE[:256].copy()


@dataclass(frozen=True)
class ScanResult:
    """Per-text results of :func:`scan_unique` (``n`` texts, ``m`` spans).

    ``counts`` (n, n_categories) raw span counts; ``words`` (n,) whitespace-separated words;
    ``uncertainty`` (n,) the learned ``q_uncertainty`` or ``None`` without a model; spans as
    parallel arrays ``row``, ``start``, ``end`` (offsets into each text), ``category`` (index
    into ``QUALIFIER_CATEGORIES``), ``learned`` (bool), sorted by row then start; ``cues`` the
    matched texts when asked for, else ``None``.
    """

    counts: np.ndarray
    words: np.ndarray
    uncertainty: np.ndarray | None
    row: np.ndarray
    start: np.ndarray
    end: np.ndarray
    category: np.ndarray
    learned: np.ndarray
    cues: list[str] | None


def lexicon_hits(
    scan: str, lex: Lexicon, points: np.ndarray | None = None, tokens: Tokens | None = None
) -> np.ndarray:
    """``(m, 3)`` int64 ``start, end, category`` of every lexicon match (joined offsets).

    ``points`` are the code points of ``scan`` when the caller has them (the gates of the
    split pattern are then found with numpy instead of a regex scan: the same positions);
    ``tokens`` its words, with which an ASCII scan tries the trie only where a match may
    start (:mod:`._qualifiers_gate`: the same matches).
    """
    split = lex.split
    if split is not None and tokens is not None and _gate_pays(lex, points):
        assert points is not None
        return _gated_hits(scan, lex, split, points, tokens)
    if split is not None:
        out = _split_hits(scan, lex, split, points)
    else:
        groups, literals = lex.group_category, lex.literal_category
        out = [
            (m.start(), m.end() - 1, _category(m, groups, literals))
            for m in lex.pattern.finditer(scan)
        ]
    if not out:
        return np.zeros((0, 3), dtype=np.int64)
    return np.array(out, dtype=np.int64)


def _gate_pays(lex: Lexicon, points: np.ndarray | None) -> bool:
    """Whether the word gate is used: a lexicon that has one, and an ASCII scan of at least
    :data:`GATE_MIN_CHARS`."""
    return (
        lex.split is not None
        and lex.split.words is not None
        and points is not None
        and points.dtype == np.uint8
        and len(points) >= GATE_MIN_CHARS
    )


def _category(m: re.Match[str], groups: tuple[int, ...], literals: dict[str, int]) -> int:
    index = m.lastindex
    if index is not None:
        return groups[index]
    key = m.group()  # a phrase that its text classifies (most matches)
    cat = literals.get(key)
    return literals[canonical_key(key)] if cat is None else cat


def _gates(scan: str, split: SplitPattern, points: np.ndarray | None) -> list[int]:
    """Start of every match of ``split.gate`` (a space, then a gate character) in ``scan``.

    From the code points when given: every space followed by a gate character (the matches
    are two characters long and cannot overlap unless the class holds the space, which takes
    the regex path). Code points from 256 up are rare and tested once each.
    """
    if points is None or split.gate_ascii[32] or len(points) < 2:
        return [m.start() for m in split.gate.finditer(scan)]
    at = np.flatnonzero(points[:-1] == 32)
    nxt = points[at + 1]
    if points.dtype == np.uint8:
        return at[np.take(split.gate_ascii, nxt)].tolist()
    high = nxt >= 256
    ok = split.gate_ascii[np.where(high, 0, nxt)]
    if high.any():
        codes, inverse = np.unique(nxt[high], return_inverse=True)
        member = np.array([split.gate_class.fullmatch(chr(c)) is not None for c in codes])
        ok[high] = member[inverse]
    return at[ok].tolist()


def _gated_hits(
    scan: str, lex: Lexicon, split: SplitPattern, points: np.ndarray, tokens: Tokens
) -> np.ndarray:
    """:func:`_split_hits` of an ASCII scan, trying the trie only where its word gate lets it.

    The trie is tried at every candidate and the raw patterns at every gate, each position on
    its own (a match does not depend on where the last one ended); the matches are then taken
    in the combined pattern's order: leftmost from where the last one ended, the trie first.
    Returns the ``(m, 3)`` array of :func:`lexicon_hits`.
    """
    assert split.words is not None
    at = split.words.candidates(tokens, points).tolist()
    found = list(map(split.trie.match, repeat(scan), at))
    trie_at, trie_m = list(compress(at, found)), list(filter(None, found))
    gates = _gates(scan, split, points)
    found = list(map(split.raw.match, repeat(scan), gates))
    raw_at, raw_m = list(compress(gates, found)), list(filter(None, found))
    groups, literals = lex.group_category, lex.literal_category
    cats = [_category(m, groups, literals) for m in trie_m]
    raw_cats = [split.raw_category[m.lastindex - 1] for m in raw_m]  # type: ignore[operator]
    n_trie = len(trie_at)
    begin = np.array(trie_at + raw_at, dtype=np.int64)
    stop = np.fromiter(map(re.Match.end, trie_m + raw_m), dtype=np.int64, count=len(begin))
    order = np.lexsort((np.arange(len(begin)) >= n_trie, begin))  # the trie first at a tie
    begin, stop = begin[order], stop[order]
    cat = np.array(cats + raw_cats, dtype=np.int64)[order]
    if len(begin) > 1 and not bool((begin[1:] >= stop[:-1]).all()):
        keep = np.zeros(len(begin), dtype=bool)
        pos = 0
        for k, (x, e) in enumerate(zip(begin.tolist(), stop.tolist(), strict=True)):
            if x >= pos:
                keep[k], pos = True, e
        begin, stop, cat = begin[keep], stop[keep], cat[keep]
    return np.column_stack([begin, stop - 1, cat]).reshape(-1, 3)


def _split_hits(
    scan: str, lex: Lexicon, split: SplitPattern, points: np.ndarray | None = None
) -> list[tuple[int, int, int]]:
    """The combined pattern's matches, from the trie scan and the gated raw attempts.

    The combined pattern takes, from where the last match ended, the leftmost position where
    the trie or a raw pattern matches, the trie first. The trie's own scan gives its leftmost
    match; raw patterns are tried at the gate positions before it. A raw match that runs past
    the trie's next match start restarts the trie scan at its end (rare), as the combined
    scan would resume there.
    """
    groups, literals, raw_cat = lex.group_category, lex.literal_category, split.raw_category
    gates = _gates(scan, split, points)
    n_gates, gi, pos = len(gates), 0, 0
    raw_match = split.raw.match
    trie_iter = split.trie.finditer(scan)
    t = next(trie_iter, None)
    out: list[tuple[int, int, int]] = []
    append = out.append
    end_of_scan = len(scan) + 1
    while True:
        if t is not None and t.start() < pos:
            trie_iter = split.trie.finditer(scan, pos)
            t = next(trie_iter, None)
        t_start = end_of_scan if t is None else t.start()
        while gi < n_gates and gates[gi] < t_start:
            g = gates[gi]
            gi += 1
            if g < pos:
                continue
            r = raw_match(scan, g)
            if r is not None:
                index = r.lastindex
                assert index is not None  # every raw branch is a group
                append((g, r.end() - 1, raw_cat[index - 1]))
                pos = r.end()
                break
        else:
            if t is None:
                return out
            pos = t.end()
            append((t_start, pos - 1, _category(t, groups, literals)))
            t = next(trie_iter, None)


def _word_counts(points: np.ndarray, n: int, nuls: np.ndarray) -> np.ndarray:
    """Words per text as ``str.split`` counts them, from the code points of the joined text.

    ``points`` start with the scan copy's leading space (lower-casing keeps whitespace as it
    is); a word starts at a non-space after a space, and the NULs at ``nuls`` (the last is
    ``len(points)``) end the texts.
    """
    if len(points) < 2:
        return np.zeros(n, dtype=np.int64)
    space = np.take(_SPACE_ASCII, points) if points.dtype == np.uint8 else _SPACE[points]
    word_starts = np.flatnonzero(space[:-1] & ~space[1:])
    return np.diff(np.searchsorted(word_starts, nuls), prepend=0)


#: Categories whose span explains an uncertain text, so that it needs no fallback span.
_EXPLAINING = np.array(
    [QUALIFIER_CATEGORIES.index(c) for c in ("hedge", "hearsay", "weasel", "peacock")]
)
#: Words never made a fallback span: they carry no uncertainty of their own.
_FUNCTION_WORDS = frozenset(
    """that the a an of to in on at by for with from and but as is are was were be been
    being it its this these those which who whom whose there their they them he she his her
    we our you your i me my than then so has have had do does did""".split()
)
#: Vague quantifiers that join the fallback word after them ("many cities").
_QUANTIFIERS = frozenset("many some several numerous most few various certain".split())


def _in_lexicon_span(words: WordScores, pick: np.ndarray, hits: np.ndarray) -> np.ndarray:
    """Whether each picked word lies inside or overlaps a lexicon span (spans are sorted)."""
    if not len(hits):
        return np.zeros(len(pick), dtype=bool)
    s, e = words.starts[pick] - 1, words.ends[pick] - 1
    j = np.searchsorted(hits[:, 0], e, side="left") - 1
    return (j >= 0) & (hits[np.maximum(j, 0), 1] > s)


def _word_texts(words: WordScores, pick: np.ndarray, scan: str) -> list[str]:
    """The lower-case text of each picked word."""
    bounds = zip(words.starts[pick].tolist(), words.ends[pick].tolist(), strict=True)
    return [scan[a:b].lower() for a, b in bounds]


def _previous(words: WordScores, pick: np.ndarray) -> np.ndarray:
    """The word before each picked word, or -1 where it starts its text."""
    prev = pick - 1
    same = (prev >= 0) & (words.doc[np.maximum(prev, 0)] == words.doc[pick])
    return np.where(same, prev, -1)


def _with_fallback(
    words: WordScores,
    pick: np.ndarray,
    hits: np.ndarray,
    ends: np.ndarray,
    q: np.ndarray,
    threshold: float,
    scan: str,
) -> np.ndarray:
    """``pick`` plus, for each text with ``q >= threshold`` and no hedge, hearsay, weasel or
    peacock span (lexicon or picked), its most probable word outside the lexicon spans that
    is no function word ("that" in "many believe that"), among its three most probable;
    sorted. See the comment below for the word before it."""
    need = np.append(q >= threshold, False)  # one slot past the last text, never needed
    if not need.any():
        return pick
    need[words.doc[pick]] = False
    if len(hits):
        explained = hits[np.isin(hits[:, 2], _EXPLAINING), 0]
        need[np.searchsorted(ends, explained, side="right")] = False
    cand = np.flatnonzero(need[words.doc])
    cand = cand[~_in_lexicon_span(words, cand, hits)]
    if not len(cand):
        return pick
    # each text's words by decreasing log-odds (the first of equals): words are in text order
    best = cand[np.lexsort((-words.logit[cand], words.doc[cand]))]
    doc = words.doc[best]
    first = np.ones(len(best), dtype=bool)
    first[1:] = doc[1:] != doc[:-1]
    group = np.flatnonzero(first)
    rank = np.arange(len(best)) - np.repeat(group, np.diff(np.append(group, len(best))))
    top = best[rank < 3]
    content = top[[t not in _FUNCTION_WORDS for t in _word_texts(words, top, scan)]]
    if not len(content):
        return pick
    keep = np.ones(len(content), dtype=bool)
    keep[1:] = words.doc[content[1:]] != words.doc[content[:-1]]
    chosen = content[keep]
    # a lexicon span just before the word already carries the evidence (the model credits
    # the word after a cue: "residents" in "Some residents"), so that text gets no span
    prev = _previous(words, chosen)
    after_cue = np.zeros(len(chosen), dtype=bool)
    after_cue[prev >= 0] = _in_lexicon_span(words, prev[prev >= 0], hits)
    return np.union1d(pick, chosen[~after_cue])


def _with_quantifiers(
    words: WordScores, pick: np.ndarray, hits: np.ndarray, scan: str
) -> np.ndarray:
    """``pick`` plus the vague quantifier right before a picked word, in the same text and
    outside the lexicon spans ("many" of "many cities": the model credits the word after
    it; a quantifier inside a lexicon span stays the lexicon's)."""
    prev = _previous(words, pick)
    before = prev[prev >= 0]
    if not len(before):
        return pick
    before = before[[t in _QUANTIFIERS for t in _word_texts(words, before, scan)]]
    return np.union1d(pick, before[~_in_lexicon_span(words, before, hits)])


def _learned_spans(
    lex: Lexicon,
    scan: str,
    ends: np.ndarray,
    hits: np.ndarray,
    n: int,
    scan_points: np.ndarray | None = None,
    tokens: Tokens | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``q_uncertainty`` per text and ``(k, 3)`` learned spans (joined offsets, category)."""
    model = lex.model
    assert model is not None
    # Scan offsets are joined offsets + 1 (the leading space of the scan copy).
    words = model.word_logits(
        scan, ends + 1, hits[:, 0] + 1, hits[:, 2], scan_points, QUALIFIER_CATEGORIES, tokens
    )
    q = model.text_probability(words, n)
    cut = np.log(model.span_threshold / (1.0 - model.span_threshold))
    pick = np.flatnonzero(words.logit >= cut)
    pick = pick[~_in_lexicon_span(words, pick, hits)]  # the lexicon's spans stay its own
    if model.fallback_threshold is not None:
        pick = _with_fallback(words, pick, hits, ends, q, model.fallback_threshold, scan)
    if not len(pick):
        return q, np.zeros((0, 3), dtype=np.int64)
    pick = _with_quantifiers(words, pick, hits, scan)
    s, e = words.starts[pick] - 1, words.ends[pick] - 1
    # Adjacent cue words of one text ("indicate that") make one span.
    new = np.ones(len(pick), dtype=bool)
    new[1:] = (np.diff(pick) != 1) | (words.doc[pick[1:]] != words.doc[pick[:-1]])
    new[1:] |= s[1:] - e[:-1] > 2
    first = np.flatnonzero(new)
    last = np.append(first[1:], len(pick)) - 1
    out = np.column_stack([s[first], e[last], np.full(len(first), _HEDGE)])
    return q, out.astype(np.int64)


def scan_unique(texts: list[str], lex: Lexicon, *, cues: bool = False) -> ScanResult:
    """Scan distinct texts once (see the module docstring); ``cues`` also slices cue texts.

    Each text is scanned on its own terms (nothing reads across the separator), so texts can
    be scanned in groups with the same spans, and are:

    * ASCII texts apart from the others: a single non-ASCII character makes the code points of
      the whole joined copy four bytes wide and its string two, and every step over them slower
      (LIAR, where 7 of 11,531 distinct statements are non-ASCII: the whole family 119 → 116
      CPU ms, three runs each way, best of 15);
    * in chunks of :data:`CHUNK_TEXTS`: the joined copies and their code-point arrays of a
      million statements took 6 GB at once.

    Examples
    --------
    >>> from credscore.features._qualifiers_lexicon import load_lexicon
    >>> r = scan_unique(["Probably.", "", "It may rain."], load_lexicon(learned=False))
    >>> r.counts[:, 0].tolist(), r.row.tolist(), r.start.tolist()
    ([1, 0, 1], [0, 2], [0, 3])
    """
    n = len(texts)
    wide = ~np.fromiter(map(str.isascii, texts), dtype=bool, count=n)
    if n <= CHUNK_TEXTS and not (wide.any() and not wide.all()):
        return _scan_chunk(texts, lex, cues)
    parts = []
    for group in (np.flatnonzero(~wide), np.flatnonzero(wide)):
        for a in range(0, len(group), CHUNK_TEXTS):
            rows = group[a : a + CHUNK_TEXTS]
            parts.append((rows, _scan_chunk([texts[i] for i in rows.tolist()], lex, cues)))
    return _combine(parts, n, cues)


def _combine(parts: list[tuple[np.ndarray, ScanResult]], n: int, cues: bool) -> ScanResult:
    """One :class:`ScanResult` of ``n`` texts from the results of groups of them.

    ``parts`` pairs each group's text positions (increasing) with its result; spans come out
    sorted by text, each text's spans in the order its group gave them.
    """
    first = parts[0][1]
    counts = np.zeros((n, first.counts.shape[1]), dtype=first.counts.dtype)
    words = np.zeros(n, dtype=first.words.dtype)
    uncertainty = None if first.uncertainty is None else np.zeros(n, dtype=np.float64)
    for rows, p in parts:
        counts[rows], words[rows] = p.counts, p.words
        if uncertainty is not None and p.uncertainty is not None:
            uncertainty[rows] = p.uncertainty
    row = np.concatenate([rows[p.row] for rows, p in parts])
    order = np.argsort(row, kind="stable")

    def joined(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for _, p in parts])[order]

    cue_list = None
    if cues:
        every = [c for _, p in parts for c in (p.cues or [])]
        cue_list = [every[i] for i in order.tolist()]
    return ScanResult(
        counts=counts,
        words=words,
        uncertainty=uncertainty,
        row=row[order],
        start=joined("start"),
        end=joined("end"),
        category=joined("category"),
        learned=joined("learned"),
        cues=cue_list,
    )


def _scan_chunk(texts: list[str], lex: Lexicon, cues: bool) -> ScanResult:
    """:func:`scan_unique` of texts scanned as one joined copy."""
    n = len(texts)
    if not n:
        empty = np.zeros(0, dtype=np.int64)
        return ScanResult(
            counts=np.zeros((0, _N_CAT), dtype=np.int64),
            words=empty,
            uncertainty=np.zeros(0) if lex.model is not None else None,
            row=empty,
            start=empty,
            end=empty,
            category=empty,
            learned=np.zeros(0, dtype=bool),
            cues=[] if cues else None,
        )
    safe = [t.replace("\x00", "\x01") if "\x00" in t else t for t in texts]
    joined = _SEP.join(safe)
    scan, scan_points, low_points = scan_codepoints(joined)
    # The learned model's words, which an ASCII scan's lexicon pass reuses for its word gate
    # (worth tokenizing for alone: LIAR's lexicon hits 58 -> 37 ms for 9.5 ms of tokenizing).
    wanted = lex.model is not None or _gate_pays(lex, scan_points)
    tokens = tokenize_codepoints(scan_points) if wanted else None
    hits = lexicon_hits(scan, lex, scan_points, tokens)
    lengths = np.fromiter(map(len, safe), dtype=np.int64, count=n)
    offsets = np.concatenate(([0], np.cumsum(lengths + len(_SEP))[:-1])).astype(np.int64)
    ends = offsets + lengths
    uncertainty = None
    learned = np.zeros((0, 3), dtype=np.int64)
    if lex.model is not None:
        uncertainty, learned = _learned_spans(lex, scan, ends, hits, n, scan_points, tokens)
    spans = np.concatenate([hits, learned]) if len(learned) else hits
    is_learned = np.zeros(len(spans), dtype=bool)
    is_learned[len(hits) :] = True
    order = np.argsort(spans[:, 0], kind="stable")
    spans, is_learned = spans[order], is_learned[order]
    row = np.searchsorted(ends, spans[:, 0], side="right")
    counts = np.bincount(row * _N_CAT + spans[:, 2], minlength=n * _N_CAT).reshape(n, _N_CAT)
    cue_list = None
    if cues:
        source = _SEP.join(texts) if any("\x00" in t for t in texts) else joined
        slices = map(slice, spans[:, 0].tolist(), spans[:, 1].tolist())
        cue_list = list(map(source.__getitem__, slices))
    return ScanResult(
        counts=counts,
        words=_word_counts(low_points, n, np.append(ends[:-1] + 1, len(low_points))),
        uncertainty=uncertainty,
        row=row,
        start=spans[:, 0] - offsets[row],
        end=spans[:, 1] - offsets[row],
        category=spans[:, 2],
        learned=is_learned,
        cues=cue_list,
    )
