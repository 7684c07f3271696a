"""Paragraphs, quotation spans and sentences, with character offsets into the article.

Everything here is a single left-to-right pass over the text (linear time): quotation marks are
paired with a small state machine per paragraph, sentence ends are found with one compiled
regular expression without nested quantifiers.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

__all__ = ["MAX_SENTENCE_CHARS", "Quote", "Sentence", "segment"]

#: Longer "sentences" (e.g. text without punctuation) are cut into pieces of this size, so
#: that no rule ever looks at more than a bounded window.
MAX_SENTENCE_CHARS = 3000

_OPENERS = {"“": "”", "„": "“”", "«": "»", '"': '"', "‘": "’", "''": ("''",), "``": ("''",)}
# Two apostrophes or backticks are one mark (''quote'', ``quote''), as in some wire copy.
_MARKS_RE = re.compile(r"''|``|[“”„«»\"‘’]")
_STANDALONE_BEFORE = frozenset(":,.!?;—–-([")
# A match starts only at the first mark of a run (lookbehind) and takes the run possessively,
# so a run of marks without whitespace is scanned once, not once per position.
_END_RE = re.compile(r"(?<![.!?…])[.!?…]++[”\"»’)\]]*+\s+")
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt sgt adm cmdr gov sen rep st jr sr no nos inc corp
    ltd co vs etc jan feb mar apr aug sep sept oct nov dec rev hon mt ft fig approx dept est
    u.s u.k e.g i.e a.m p.m""".split()
)
# The word before a full stop; starts only where a word starts, so a scan is linear.
_WORD_BEFORE_RE = re.compile(r"(?<![\w.])([\w.]++)$")


@dataclass(frozen=True)
class Quote:
    """A quoted span. ``start``/``end`` delimit the words inside the marks.

    ``standalone`` is True when the quotation opens a clause (after a colon, a comma, a full
    stop, or at the start of a paragraph) and False for quoted fragments embedded in a clause
    (``were "simply wrong"``, a call sign, a scare quote). ``closed`` is False when the
    paragraph ended before the closing mark (the quote then runs to the paragraph end).
    """

    start: int
    end: int
    open_at: int
    close_at: int
    standalone: bool
    closed: bool


@dataclass
class Sentence:
    """One sentence: offsets into the article and the quotes that start inside it."""

    start: int
    end: int
    paragraph: int
    quotes: list[Quote] = field(default_factory=list)

    @property
    def standalone(self) -> list[Quote]:
        """The quotes of this sentence that open a clause."""
        return [q for q in self.quotes if q.standalone]


def _single_opens(text: str, pos: int, p0: int, p1: int) -> bool:
    """British-style ‘quote’: the mark opens a clause and a letter follows."""
    before = text[pos - 1] if pos > p0 else " "
    after = text[pos + 1] if pos + 1 < p1 else " "
    return (before.isspace() or before in "(:—–-") and after.isalnum()


def _single_closes(text: str, pos: int, p1: int) -> bool:
    """A closing ’ is not an apostrophe: no letter right after it."""
    after = text[pos + 1] if pos + 1 < p1 else " "
    return not after.isalpha()


def _quotes_of_paragraph(text: str, p0: int, p1: int) -> list[Quote]:
    quotes: list[Quote] = []
    open_ch: str | None = None
    open_at = -1
    for m in _MARKS_RE.finditer(text, p0, p1):
        ch = m.group()
        pos = m.start()
        if ch == "‘" and not _single_opens(text, pos, p0, p1):
            continue
        if ch == "’" and not _single_closes(text, pos, p1):
            continue
        if open_ch is None:
            if ch in _OPENERS:
                open_ch, open_at = ch, pos
            continue
        if ch in _OPENERS[open_ch]:
            if _has_word(text, open_at + len(open_ch), pos):
                quotes.append(_make(text, p0, open_at, pos, closed=True))
            open_ch = None
        elif ch in ("“", "«") and open_ch in ("“", "«"):
            # A new opening mark before the previous quote closed: close it here.
            if _has_word(text, open_at + 1, pos):
                quotes.append(_make(text, p0, open_at, pos, closed=False))
            open_ch, open_at = ch, pos
    if open_ch is not None:
        end = p1
        while end > open_at + 1 and text[end - 1].isspace():
            end -= 1
        quotes.append(_make(text, p0, open_at, end, closed=False))
    return quotes


_WORD_RE = re.compile(r"\w")


def _has_word(text: str, a: int, b: int) -> bool:
    """A quotation holds at least one letter or digit (empty marks ``“”`` quote nothing)."""
    return _WORD_RE.search(text, a, b) is not None


def _make(text: str, p0: int, open_at: int, close_at: int, *, closed: bool) -> Quote:
    k = open_at - 1
    while k >= p0 and text[k] in " \t\r\u00a0":
        k -= 1
    standalone = k < p0 or text[k] in _STANDALONE_BEFORE
    start, end = open_at + (2 if text.startswith(("''", "``"), open_at) else 1), close_at
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Quote(start, end, open_at, close_at if closed else -1, standalone, closed)


def _inside(pos: int, quotes: list[Quote], qi: int) -> tuple[bool, int]:
    """Whether ``pos`` falls strictly inside a quote; ``qi`` advances monotonically."""
    while qi < len(quotes) and (quotes[qi].close_at if quotes[qi].closed else quotes[qi].end) < pos:
        qi += 1
    inside = qi < len(quotes) and quotes[qi].open_at < pos <= quotes[qi].end
    return inside, qi


def _sentences_of_paragraph(
    text: str, p0: int, p1: int, quotes: list[Quote], paragraph: int
) -> list[Sentence]:
    cuts: list[int] = []
    qi = 0
    for m in _END_RE.finditer(text, p0, p1):
        nxt = m.end()
        if nxt >= p1:
            break
        ch = text[nxt]
        if not (ch.isupper() or ch.isdigit() or ch in "“\"«‘'("):
            continue
        inside, qi = _inside(m.start(), quotes, qi)
        if inside and not text[m.start() : m.end()].rstrip().endswith(("”", '"', "»")):
            continue
        if text[m.start()] == ".":
            w = _WORD_BEFORE_RE.search(text, max(p0, m.start() - 12), m.start())
            if w is not None:
                word = w.group(1).lower().rstrip(".")
                if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                    continue
        cuts.append(nxt)
    out: list[Sentence] = []
    bounds = [p0, *cuts, p1]
    for a, b in itertools.pairwise(bounds):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        while b - a > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", a + MAX_SENTENCE_CHARS // 2, a + MAX_SENTENCE_CHARS)
            cut = cut if cut > a else a + MAX_SENTENCE_CHARS
            out.append(Sentence(a, cut, paragraph))
            a = cut
            while a < b and text[a].isspace():
                a += 1
        if b > a:
            out.append(Sentence(a, b, paragraph))
    qj = 0
    for s in out:
        while qj < len(quotes) and quotes[qj].open_at < s.start:
            qj += 1
        while qj < len(quotes) and quotes[qj].open_at < s.end:
            s.quotes.append(quotes[qj])
            qj += 1
    return out


def segment(text: str) -> list[Sentence]:
    """Split an article into sentences carrying their quotation spans.

    Parameters
    ----------
    text : str
        The article. Paragraphs are separated by newlines.

    Returns
    -------
    list of Sentence
        In text order. A quotation never crosses a sentence boundary: sentence ends inside a
        quotation are ignored.

    Examples
    --------
    >>> t = 'He said: "We will stay. We are ready." Then he left.'
    >>> [t[x.start : x.end] for x in segment(t)]
    ['He said: "We will stay. We are ready."', 'Then he left.']
    """
    sentences: list[Sentence] = []
    pos = 0
    paragraph = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        p1 = n if nl < 0 else nl
        if text[pos:p1].strip():
            quotes = _quotes_of_paragraph(text, pos, p1)
            sentences.extend(_sentences_of_paragraph(text, pos, p1, quotes, paragraph))
            paragraph += 1
        pos = p1 + 1
    return sentences
