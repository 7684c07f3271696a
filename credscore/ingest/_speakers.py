"""Noun phrases that name who is speaking: people with titles, outlets, organisations,
unnamed sources and pronouns.

All parsers work on a bounded window of the article (at most :data:`WINDOW` characters), so
their cost does not grow with the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from credscore.ingest._lexicon import lexicon

__all__ = [
    "WINDOW",
    "Mention",
    "Token",
    "parse_np_at_start",
    "parse_subject",
    "runs",
    "tokens",
]

WINDOW = 220

_TOKEN_RE = re.compile(r"(?:[^\W\d_]\.){2,}|\w+(?:['’\-]\w+)*|[^\w\s]")
_CONNECTORS = frozenset(
    "de van von der den al bin ibn bint da di du la le ter dos das del el y".split()
)
_PREPS = frozenset(
    "of for to at in from with by on about against over under into than like as via near".split()
)
_DETS = frozenset("the a an this that these those".split())
_INDEFINITE = frozenset("a an one two three several some many other two senior".split())
_PRONOUNS = {"he": "m", "she": "f", "they": "p", "we": "p", "i": "s"}
_GAP_WORDS = frozenset(
    """later also then again previously earlier further reportedly publicly subsequently
    initially has had have since once himself herself themselves recently separately who
    which had already first repeatedly privately has since has also quickly swiftly openly
    briefly""".split()
)
_NP_STOP = frozenset(
    """and but or who which that as it its is was were are be been not only wasn't isn't
    there here what when where while if because have has had do does did will would could
    can should may might must also then""".split()
)
_REL_VERBS = {
    "heads": "head of the",
    "headed": "head of the",
    "leads": "head of the",
    "led": "head of the",
    "runs": "head of the",
    "chairs": "chair of the",
    "commands": "commander of the",
    "directs": "director of the",
    "manages": "manager of the",
    "is": "",
    "was": "",
    "serves": "",
    "served": "",
}
_ORG_DESCRIPTORS = frozenset(
    "company firm maker carmaker steelmaker drugmaker chipmaker automaker group retailer "
    "lender bank insurer airline agency startup start-up manufacturer giant developer chain "
    "operator producer supplier charity organisation organization brand conglomerate".split()
)
_ROLE_PP = frozenset("for of at with familiar close from to in".split())
_STOP_APPOS = frozenset("who which whose where when and but said says told".split())
_GENDER_TITLES = {
    "mr": "m",
    "sir": "m",
    "lord": "m",
    "mrs": "f",
    "ms": "f",
    "miss": "f",
    "dame": "f",
    "lady": "f",
    "spokeswoman": "f",
    "chairwoman": "f",
    "spokesman": "m",
    "chairman": "m",
    "congresswoman": "f",
    "congressman": "m",
}


@dataclass(frozen=True)
class Token:
    """A word or punctuation mark with its offsets in the article."""

    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        """Lower-case text without a possessive ending."""
        t = self.text.lower()
        return t[:-2] if t.endswith(("'s", "’s")) else t

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


@dataclass(frozen=True)
class Mention:
    """A speaker found in the text (not yet resolved to a source).

    ``kind`` is ``person``, ``outlet``, ``organization``, ``anonymous``, ``role`` (a definite
    role such as "the minister", resolved later against known people) or ``pronoun``.
    """

    kind: str
    name: str
    title: str
    organization: str
    start: int
    end: int
    gender: str = ""


def tokens(text: str, a: int, b: int) -> list[Token]:
    """Tokens of ``text[a:b]`` with article offsets.

    Examples
    --------
    >>> [t.text for t in tokens("Gen. Smith's view", 0, 17)]
    ['Gen', '.', "Smith's", 'view']
    """
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text, a, b)]


def _is_word(t: Token) -> bool:
    return t.text[:1].isalnum()


def runs(toks: list[Token]) -> list[tuple[int, int]]:
    """Index ranges ``[i, j)`` of capitalised word sequences (names, titles, organisations)."""
    lex = lexicon()
    out: list[tuple[int, int]] = []
    i, n = 0, len(toks)
    while i < n:
        if not (toks[i].cap and _is_word(toks[i])):
            i += 1
            continue
        j = i + 1
        while j < n and not toks[j - 1].possessive:
            t = toks[j]
            if t.cap and _is_word(t):
                j += 1
            elif t.text == "." and (
                len(toks[j - 1].text) == 1 or toks[j - 1].low in lex.title_words
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
    if name_start >= j:
        return "none", i, j, ""
    if all(t.low in lex.title_words for t in toks[name_start:j] if t.text != "."):
        return "none", i, j, ""
    if j - name_start == 1 and toks[name_start].text.isupper() and len(toks[name_start].text) > 1:
        return "organization", name_start, j, ""
    return "person", name_start, j, pre


def _join(toks: list[Token], text: str) -> str:
    if not toks:
        return ""
    return text[toks[0].start : toks[-1].end]


def _org_of(title: str) -> str:
    m = re.search(r"\b(?:of|for|at|with)\s+(?:the\s+)?([^,;]{2,80})", title)
    if m is None:
        m2 = re.match(r"\s*([A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*)(?:'s|’s)\s", title)
        return m2.group(1) if m2 else ""
    org = m.group(1).strip()
    lex = lexicon()
    if " " not in org and not org.isupper() and org.lower() not in lex.organization_nouns:
        return ""  # "Secretary of State", "Minister of Health": an office, not a body
    if org[:1].isupper() or any(w.lower() in lex.organization_nouns for w in org.split()):
        return org
    return ""


def _lower_pretitle(toks: list[Token], i: int, text: str) -> tuple[str, int]:
    """Lower-case title words right before a name: ``defence minister`` Anna Kovacs."""
    lex = lexicon()
    if i == 0 or toks[i - 1].cap or toks[i - 1].low not in lex.title_words:
        return "", i
    k = i - 1
    while (
        k - 1 >= 0
        and i - k < 5
        and _is_word(toks[k - 1])
        and not toks[k - 1].cap
        and toks[k - 1].low not in _DETS
        and toks[k - 1].low not in _PREPS
        and toks[k - 1].low not in lex.reporting_verbs
        and toks[k - 1].low not in _GAP_WORDS
        and toks[k - 1].low not in ("and", "or", "but", "as", "is", "was", "by")
    ):
        k -= 1
    if k - 1 >= 0 and toks[k - 1].possessive and toks[k - 1].cap:
        k -= 1
    else:
        c = k
        while (
            c - 1 >= 0
            and k - c < 3
            and toks[c - 1].cap
            and _is_word(toks[c - 1])
            and (toks[c - 1].low not in lex.non_names)
        ):
            c -= 1
        k = c
    return _join(toks[k:i], text), k


def _appositive(toks: list[Token], j: int, text: str, stop: int | None = None) -> tuple[str, int]:
    """``, head of the agency,`` after a name; returns (title, index after it)."""
    lex = lexicon()
    n = len(toks) if stop is None else stop
    if j >= n or toks[j].text != ",":
        return "", j
    k = j + 1
    while k < n and toks[k].text.isdigit():  # "Smith, 45, a farmer"
        k += 1
        if k < n and toks[k].text == ",":
            k += 1
    if k >= n:
        return "", j
    rel = ""
    if toks[k].low == "who" and k + 1 < n and toks[k + 1].low in _REL_VERBS:
        rel = _REL_VERBS[toks[k + 1].low]
        k += 2
        if k < n and toks[k].low == "as":
            k += 1
        if k >= n:
            return "", j
    first = toks[k]
    ok = (
        first.low in ("a", "an", "the")
        or first.low.rstrip(".") in lex.title_words
        or (first.possessive and first.cap)
        or (not first.cap and first.low in lex.role_nouns)
        or first.low in ("former", "acting", "senior", "deputy", "chief", "interim", "then")
    )
    if not (ok or rel) or first.low in _STOP_APPOS:
        return "", j
    e = k
    depth = 0
    while e < n and e - k < 25:
        t = toks[e]
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and t.low == "and" and e + 1 < n and toks[e + 1].cap:
            pass
        elif depth == 0 and (t.text in ',;:“”"' or t.low in _STOP_APPOS):
            break
        elif depth == 0 and t.text == "." and len(toks[e - 1].text) > 1:
            break
        elif depth == 0 and t.low in lex.reporting_verbs and e > k + 1 and not toks[e - 1].cap:
            break
        e += 1
    phrase = _join(toks[k:e], text)
    phrase = re.sub(r"^(?:a|an|the)\s+", "", phrase, flags=re.IGNORECASE)
    if rel and phrase:
        phrase = f"{rel} {phrase}".strip()
    if not phrase or e - k > 24:
        return "", j
    return phrase, e


def _pre_appositive(toks: list[Token], i: int, text: str, lo: int) -> str:
    """``An adviser to the President, Mikhail Ivanov`` -> "adviser to the President"."""
    lex = lexicon()
    if i - 1 < lo or toks[i - 1].text != ",":
        return ""
    k = i - 2
    while k >= lo and toks[k].text not in ',;:.“”"' and i - k < 16:
        k -= 1
    seg = toks[k + 1 : i - 1]
    if not seg or (seg[0].low not in ("a", "an", "the") and not seg[0].possessive):
        return ""
    if not any(t.low in lex.title_words for t in seg):
        return ""
    return re.sub(r"^(?:a|an|the)\s+", "", _join(seg, text), flags=re.IGNORECASE)


def _person_or_org(
    toks: list[Token], i: int, j: int, text: str, lo: int, appos_stop: int | None = None
) -> Mention | None:
    kind, ns, ne, pre = _classify(toks, i, j)
    if kind == "none":
        return None
    before = toks[max(0, i - 2) : i]
    if kind in ("person", "organization") and any(
        t.low in lexicon().outlet_descriptors and not t.cap for t in before
    ):
        kind = "outlet"
    elif kind == "person" and any(t.low in _ORG_DESCRIPTORS and not t.cap for t in before):
        kind = "organization"
    name_toks = [t for t in toks[ns:ne] if t.text != "."]
    name = " ".join(t.text for t in name_toks)
    name = re.sub(r"(?:'s|’s)$", "", name)
    if kind != "person":
        return Mention(
            kind, name, "", name if kind == "organization" else "", toks[i].start, toks[j - 1].end
        )
    gender = ""
    for t in toks[i:ns]:
        gender = _GENDER_TITLES.get(t.low.rstrip("."), gender)
    low_pre, k0 = ("", ns) if pre else _lower_pretitle(toks, i, text)
    pre = pre or low_pre
    appos, _ = _appositive(toks, ne, text, appos_stop)
    org_pp = ""
    if not appos and ne + 1 < len(toks) and toks[ne].low in ("of", "at", "from"):
        k = ne + 1 + (toks[ne + 1].low == "the")
        for ri, rj in runs(toks[k : k + 8]):
            if ri == 0:
                org_pp = _join(toks[k : k + rj], text)
            break
    before = _pre_appositive(toks, k0 if low_pre else i, text, lo) if not pre else ""
    parts = [p for p in (pre, before, appos) if p]
    title = ", ".join(parts)
    for w in title.lower().replace(",", " ").split():
        gender = gender or _GENDER_TITLES.get(w, "")
    org = _org_of(title) or org_pp
    return Mention("person", name, title, org, toks[ns].start, toks[ne - 1].end, gender)


def _in_pp(toks: list[Token], i: int) -> bool:
    k = i - 1
    while k >= 0 and (toks[k].low in _DETS or (toks[k].possessive and toks[k].cap)):
        k -= 1
    return k >= 0 and toks[k].low in _PREPS


def _role_np(toks: list[Token], text: str, lo: int, strict: bool = False) -> Mention | None:
    """Rightmost role noun phrase: "a spokeswoman for the ministry", "officials"."""
    lex = lexicon()
    for r in range(len(toks) - 1, lo - 1, -1):
        t = toks[r]
        if (
            t.low not in lex.role_nouns
            and t.low not in lex.organization_nouns
            and t.low not in lex.anonymous_cues
        ) or (t.cap and r > lo and not toks[r - 1].cap):
            continue
        if _in_pp(toks, r):
            continue
        if (
            r + 1 < len(toks)
            and _is_word(toks[r + 1])
            and not toks[r + 1].cap
            and (
                toks[r + 1].low not in _PREPS
                and toks[r + 1].low not in _GAP_WORDS
                and toks[r + 1].low not in ("familiar", "close", "who", "which", "with", "involved")
            )
        ):
            continue  # not the head noun ("military spokespersons")
        k = r
        while (
            k - 1 >= lo
            and r - k < 5
            and _is_word(toks[k - 1])
            and (toks[k - 1].low not in _PREPS)
            and toks[k - 1].low not in lex.reporting_verbs
            and toks[k - 1].low not in _NP_STOP
        ):
            k -= 1
            if toks[k].low in _DETS or (toks[k].low in _INDEFINITE and toks[k].low != "senior"):
                break
        head = t.low
        det = toks[k].low
        e = r + 1
        if e < len(toks) and toks[e].low in _ROLE_PP:
            e += 1
            while (
                e < len(toks)
                and e - r < 9
                and (_is_word(toks[e]) or toks[e].text in "'’-")
                and toks[e].low not in _NP_STOP
                and toks[e].low not in lex.reporting_verbs
            ):
                e += 1
        rest = [x for x in toks[e:] if x.low not in _GAP_WORDS and x.text not in ",()"]
        if strict and rest:
            return None
        phrase = _join(toks[k:e], text).rstrip(",")
        bare = re.sub(r"^(?:a|an|the|one|some|several)\s+", "", phrase, flags=re.IGNORECASE)
        if head in lex.anonymous_cues or det in _INDEFINITE or det in ("a", "an"):
            kind = "anonymous"
        elif head in lex.organization_nouns:
            kind = "organization"
        else:
            kind = "role"
        return Mention(
            kind,
            bare,
            bare if kind != "organization" else "",
            _org_of(bare),
            toks[k].start,
            toks[e - 1].end,
        )
    return None


def _strip_gap(toks: list[Token]) -> list[Token]:
    e = len(toks)
    while e > 0 and (toks[e - 1].low in _GAP_WORDS or toks[e - 1].text == ","):
        e -= 1
    return toks[:e]


def parse_subject(text: str, a: int, b: int) -> Mention | None:
    """The speaker phrase that ends right before a reporting verb at ``b``.

    Parameters
    ----------
    text : str
        The article.
    a, b : int
        Window: from the start of the clause (bounded to :data:`WINDOW` characters) to the verb.

    Examples
    --------
    >>> t = "Colonel Ann Lee, head of the Fifth Brigade, later said"
    >>> m = parse_subject(t, 0, t.index(" later"))
    >>> m.name, m.title, m.organization
    ('Ann Lee', 'Colonel, head of the Fifth Brigade', 'Fifth Brigade')
    """
    a = max(a, b - WINDOW)
    toks = _strip_gap(tokens(text, a, b))
    if not toks:
        return None
    last = toks[-1]
    if last.low in _PRONOUNS and len(last.text) > 0:
        return Mention("pronoun", last.low, "", "", last.start, last.end, _PRONOUNS[last.low])
    best: Mention | None = None
    relative = _relative_regions(toks)
    for i, j in runs(toks):
        if _in_pp(toks, i) or (toks[j - 1].possessive and j < len(toks)) or relative[i]:
            continue
        if i > 0 and toks[i - 1].text == "(":
            continue
        m = _person_or_org(toks, i, j, text, 0)
        if m is None:
            continue
        if any(
            not t.cap and t.low in lexicon().role_nouns and not relative[x]
            for x, t in enumerate(toks[j : j + 3], start=j)
        ) and not (j < len(toks) and toks[j].text == ","):
            continue  # "Political analysts", "a U.S. defense official": a modifier
        _, after = _appositive(toks, j, text)
        rest = [
            t
            for x, t in enumerate(toks[max(after, j) :], start=max(after, j))
            if t.low not in _GAP_WORDS and t.text not in ",()" and not relative[x]
        ]
        if rest and not (after > j and after >= len(toks)):
            # Words between the name and the verb that are not an apposition: the name is
            # not the subject (e.g. it sits in a relative clause) unless nothing better exists.
            if len(rest) > 3:
                continue
        best = m
    if best is not None:
        return best
    bare = [t for x, t in enumerate(toks) if not relative[x]]
    return _role_np(bare, text, 0, strict=True)


def _relative_regions(toks: list[Token]) -> list[bool]:
    """Marks tokens inside ``, who ... ,`` / ``, which ... ,`` relative clauses."""
    inside = [False] * len(toks)
    k = 0
    while k < len(toks):
        if toks[k].text == "," and k + 1 < len(toks) and toks[k + 1].low in ("who", "which"):
            e = k + 2
            while e < len(toks) and toks[e].text != ",":
                e += 1
            for x in range(k + 1, e):
                inside[x] = True
            k = e
        k += 1
    return inside


def parse_np_at_start(text: str, a: int, b: int) -> Mention | None:
    """A speaker phrase starting at ``a`` (after an inverted verb or "according to").

    Examples
    --------
    >>> t = "said Jane Doe, a spokeswoman for the ministry."
    >>> m = parse_np_at_start(t, 5, len(t))
    >>> m.name, m.title
    ('Jane Doe', 'spokeswoman for the ministry')
    """
    b = min(b, a + WINDOW)
    toks = tokens(text, a, b)
    if not toks:
        return None
    first = toks[0]
    if first.low in _PRONOUNS:
        return Mention("pronoun", first.low, "", "", first.start, first.end, _PRONOUNS[first.low])
    k = 0
    while k < len(toks) and not toks[k].cap and toks[k].low in _DETS | {"its", "his", "her"}:
        k += 1
    lead = toks[k:] if k < len(toks) else []
    pre, _ = ("", 0)
    start_idx = k
    while (
        start_idx < len(toks)
        and not toks[start_idx].cap
        and start_idx - k < 4
        and (_is_word(toks[start_idx]))
    ):
        start_idx += 1
    rs = runs(toks)
    if rs and rs[0][0] <= start_idx:
        i, j = rs[0]
        if i == start_idx or toks[i - 1].low in lexicon().title_words:
            m = _person_or_org(toks, i, j, text, 0)
            if m is not None:
                return m
    end = len(lead)
    for e, t in enumerate(lead):
        if (
            t.text in ',;:.“”"'
            or t.low in ("that", "who", "which")
            or t.low in (lexicon().reporting_verbs)
        ):
            end = e
            break
    del pre
    return _role_np(toks[: k + end], text, 0) if end else None
