"""Tokens and capitalised runs (names, titles, organisations) with article offsets."""

from __future__ import annotations

import re

from credscore.ingest._lexicon import lexicon

__all__ = ["Token", "runs", "tokens"]

_TOKEN_RE = re.compile(r"(?:[^\W\d_]\.){2,}|\w+(?:['’\-]\w+)*|[^\w\s]")
_CONNECTORS = frozenset(
    "de van von der den al bin ibn bint da di du la le ter dos das del el y".split()
)
PREPS = frozenset(
    "of for to at in from with by on about against over under into than like as via near".split()
)
DETS = frozenset("the a an this that these those".split())
GAP_WORDS = frozenset(
    """later also then again previously earlier further reportedly publicly subsequently
    initially has had have since once himself herself themselves recently separately who
    which had already first repeatedly privately has since has also quickly swiftly openly
    briefly""".split()
)


class Token:
    """A word or punctuation mark with its offsets in the article.

    A plain slotted class rather than a frozen dataclass: an article of 1 MB makes over a
    million of them, and the dataclass's frozen ``__init__`` took twice as long. Tokens
    compare and hash by value, as the dataclass did; nothing assigns to them.
    """

    __slots__ = ("end", "low", "start", "text")

    #: Lower-case text without a possessive ending (read far more often than made, so it
    #: is computed once).
    low: str

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        t = text.lower()
        self.low = t[:-2] if t.endswith(("'s", "’s")) else t

    def __repr__(self) -> str:
        return f"Token(text={self.text!r}, start={self.start!r}, end={self.end!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Token):
            return NotImplemented
        return (self.text, self.start, self.end) == (other.text, other.start, other.end)

    def __hash__(self) -> int:
        return hash((self.text, self.start, self.end))

    @property
    def cap(self) -> bool:
        """True for a word starting with an upper-case letter (or ``al-Ansari``)."""
        t = self.text
        if t[:1].isupper():
            return True
        dash = t.find("-")
        return 0 < dash < 4 and t[dash + 1 : dash + 2].isupper() and t[:dash] in _CONNECTORS

    @property
    def possessive(self) -> bool:
        """True for ``Ukraine's``."""
        return self.text.endswith(("'s", "’s"))


def tokens(text: str, a: int, b: int) -> list[Token]:
    """Tokens of ``text[a:b]`` with article offsets.

    Examples
    --------
    >>> [t.text for t in tokens("Gen. Smith's view", 0, 17)]
    ['Gen', '.', "Smith's", 'view']
    """
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text, a, b)]


def is_word(t: Token) -> bool:
    return t.text[:1].isalnum()


def runs(toks: list[Token]) -> list[tuple[int, int]]:
    """Index ranges ``[i, j)`` of capitalised word sequences (names, titles, organisations)."""
    lex = lexicon()
    out: list[tuple[int, int]] = []
    i, n = 0, len(toks)
    while i < n:
        if not (toks[i].cap and is_word(toks[i])):
            i += 1
            continue
        j = i + 1
        while j < n and not toks[j - 1].possessive:
            t = toks[j]
            if t.cap and is_word(t):
                j += 1
            elif t.text == "." and (
                len(toks[j - 1].text) == 1
                or toks[j - 1].low in lex.title_words
                or toks[j - 1].low in lex.name_titles
            ):
                j += 1
            elif t.low in _CONNECTORS and j + 1 < n and toks[j + 1].cap:
                j += 1
            elif (
                t.low == "of"
                and j + 1 < n
                and toks[j + 1].cap
                and toks[j - 1].low in lex.title_words
            ):
                j += 1
            elif (
                t.low in ("of", "for", "and", "on")
                and j + 1 < n
                and toks[j + 1].cap
                and any(x.low in lex.organization_nouns for x in toks[i:j])
            ):
                j += 1  # "Brennan Center for Justice", "Ministry of Defence"
            else:
                break
        while j > i + 1 and toks[j - 1].text == ".":
            j -= 1
        out.append((i, j))
        i = j
    return out


#: Party words that open a person's run without being part of the name.
_AFFILIATIONS = frozenset(
    "democrat democratic republican gop independent libertarian conservative labour liberal".split()
)


def _classify(toks: list[Token], i: int, j: int) -> tuple[str, int, int, str]:
    """Classify a capitalised run; returns ``(kind, name_start, name_end, pre_title)``."""
    lex = lexicon()
    words = [t.text for t in toks[i:j] if t.text != "."]
    text = " ".join(words).removesuffix("'s").removesuffix("’s")
    bare = text.removeprefix("The ")
    if text in lex.outlets or bare in lex.outlets:
        return "outlet", i, j, ""
    k = i
    while k < j and toks[k].low in lex.non_names and toks[k].low not in lex.title_words:
        k += 1
    if k == j:
        return "none", i, j, ""
    last_title = -1
    for m in range(k, j - 1):
        low = toks[m].low.rstrip(".")
        if (
            low in lex.title_words
            or low in lex.name_titles
            or ("-" in low and any(p in lex.title_words for p in low.split("-")))
        ):
            last_title = m
    if any(
        t.low in lex.organization_nouns for t in toks[last_title + 1 if last_title >= 0 else k : j]
    ) or (" ".join(t.text for t in toks[k:j]) in lex.collective_names):
        return "organization", k, j, ""
    if j - k == 1 and (toks[k].low in lex.role_nouns or toks[k].low in lex.anonymous_cues):
        return "none", i, j, ""
    if last_title >= 0 and any(t.low == "of" for t in toks[k:j]):
        # "Secretary of State Antony Blinken": the name is the last two words.
        of_at = max(m for m in range(k, j) if toks[m].low == "of")
        last_title = max(last_title, of_at + 1 if j - (of_at + 2) >= 2 else last_title)
    name_start = k
    pre = ""
    if last_title >= 0:
        name_start = last_title + 1
        while name_start < j and toks[name_start].text == ".":
            name_start += 1
        pre_toks = [t.text for t in toks[k:name_start] if t.text != "."]
        pre_toks = [w for w in pre_toks if w.lower() not in lex.name_titles]
        pre = " ".join(pre_toks)
    if j - name_start >= 3 and toks[name_start].low in _AFFILIATIONS:
        # "Democrat Bernie Sanders", "Republican Donald Trump": the party, not a given name
        pre = f"{pre} {toks[name_start].text}".strip()
        name_start += 1
    if name_start >= j:
        return "none", i, j, ""
    honorific = any(t.low in lex.name_titles for t in toks[i:name_start])
    if not honorific and all(t.low in lex.title_words for t in toks[name_start:j] if t.text != "."):
        return "none", i, j, ""  # "Mr. King" is a person; "Prime Minister" alone is not
    if j - name_start == 1 and toks[name_start].text.isupper() and len(toks[name_start].text) > 1:
        return "organization", name_start, j, ""
    return "person", name_start, j, pre


def join(toks: list[Token], text: str) -> str:
    if not toks:
        return ""
    return text[toks[0].start : toks[-1].end]
