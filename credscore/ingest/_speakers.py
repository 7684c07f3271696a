"""Noun phrases that name who is speaking: people with titles, outlets, organisations,
unnamed sources and pronouns.

All parsers work on a bounded window of the article (at most :data:`WINDOW` characters), so
their cost does not grow with the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from credscore.ingest._lexicon import lexicon
from credscore.ingest._titles import (
    appositive,
    lower_pretitle,
    organization_of,
    pre_appositive,
)
from credscore.ingest._tokens import (
    DETS,
    GAP_WORDS,
    PREPS,
    Token,
    _classify,
    is_word,
    join,
    runs,
    tokens,
)

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

_INDEFINITE = frozenset("a an one two three several some many other two senior".split())
_PRONOUNS = {"he": "m", "she": "f", "they": "p", "we": "p", "i": "s"}
_NP_STOP = frozenset(
    """and but or who which that as it its is was were are be been not only wasn't isn't
    there here what when where while if because have has had do does did will would could
    can should may might must also then""".split()
)
_ORG_DESCRIPTORS = frozenset(
    "company firm maker carmaker steelmaker drugmaker chipmaker automaker group retailer "
    "lender bank insurer airline agency startup start-up manufacturer giant developer chain "
    "operator producer supplier charity organisation organization brand conglomerate".split()
)
_ROLE_PP = frozenset("for of at with familiar close from to in".split())
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


#: A pronoun with a clitic, capitalised at a sentence start ("I'm", "We’ve", "It's").
_CONTRACTION = re.compile(r"(?i)(?:i|we|you|they|he|she|it)['’](?:m|ve|d|ll|re|s)$")


def person_or_org(
    toks: list[Token], i: int, j: int, text: str, lo: int, appos_stop: int | None = None
) -> Mention | None:
    if j - i == 1 and _CONTRACTION.match(toks[i].text):
        return None  # "I'm old enough to remember": a pronoun, never a name
    kind, ns, ne, pre = _classify(toks, i, j)
    if kind == "none":
        return None
    ctx = toks[max(0, i - 2) : i]
    if kind in ("person", "organization") and any(
        t.low in lexicon().outlet_descriptors and not t.cap for t in ctx
    ):
        kind = "outlet"
    elif kind == "person" and any(t.low in _ORG_DESCRIPTORS and not t.cap for t in ctx):
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
    low_pre, k0 = ("", ns) if pre else lower_pretitle(toks, i, text)
    pre = pre or low_pre
    appos, _ = appositive(toks, ne, text, appos_stop)
    org_pp = ""
    if not appos and ne + 1 < len(toks) and toks[ne].low in ("of", "at", "from"):
        k = ne + 1 + (toks[ne + 1].low == "the")
        for ri, rj in runs(toks[k : k + 8]):
            if ri == 0:
                org_pp = join(toks[k : k + rj], text)
            break
    before = pre_appositive(toks, k0 if low_pre else i, text, lo) if not pre else ""
    parts = [p for p in (pre, before, appos) if p]
    title = ", ".join(parts)
    for w in title.lower().replace(",", " ").split():
        gender = gender or _GENDER_TITLES.get(w, "")
    org = organization_of(title) or org_pp
    return Mention("person", name, title, org, toks[ns].start, toks[ne - 1].end, gender)


def _in_pp(toks: list[Token], i: int) -> bool:
    k = i - 1
    while k >= 0 and (toks[k].low in DETS or (toks[k].possessive and toks[k].cap)):
        k -= 1
    return k >= 0 and toks[k].low in PREPS


def role_np(toks: list[Token], text: str, lo: int, strict: bool = False) -> Mention | None:
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
            and is_word(toks[r + 1])
            and not toks[r + 1].cap
            and (
                toks[r + 1].low not in PREPS
                and toks[r + 1].low not in GAP_WORDS
                and toks[r + 1].low not in ("familiar", "close", "who", "which", "with", "involved")
            )
        ):
            continue  # not the head noun ("military spokespersons")
        k = r
        while (
            k - 1 >= lo
            and r - k < 5
            and is_word(toks[k - 1])
            and (toks[k - 1].low not in PREPS)
            and toks[k - 1].low not in lex.reporting_verbs
            and toks[k - 1].low not in _NP_STOP
        ):
            k -= 1
            if toks[k].low in DETS or (toks[k].low in _INDEFINITE and toks[k].low != "senior"):
                break
        head = t.low
        det = toks[k].low
        e = r + 1
        if e < len(toks) and toks[e].low in _ROLE_PP:
            e += 1
            while (
                e < len(toks)
                and e - r < 9
                and (is_word(toks[e]) or toks[e].text in "'’-")
                and toks[e].low not in _NP_STOP
                and toks[e].low not in lex.reporting_verbs
            ):
                e += 1
        rest = [x for x in toks[e:] if x.low not in GAP_WORDS and x.text not in ",()"]
        if strict and rest:
            return None
        phrase = join(toks[k:e], text).rstrip(",")
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
            organization_of(bare),
            toks[k].start,
            toks[e - 1].end,
        )
    return None


def _strip_gap(toks: list[Token]) -> list[Token]:
    e = len(toks)
    while e > 0 and (toks[e - 1].low in GAP_WORDS or toks[e - 1].text == ","):
        e -= 1
    return toks[:e]


#: The first piece of a party-and-state tag as tokenised: "R-Wis", "D-N" (of "D-N.Y."),
#: "I-Vt", "R-Texas".
_PARTY_TAG = re.compile(r"[RDI]-[A-Z][A-Za-z]*$")


def _strip_party_tag(toks: list[Token]) -> list[Token]:
    """``Sen. Ron Johnson, R-Wis.,`` -> ``Sen. Ron Johnson``: a party-and-state tag apposed
    after a comma is not the subject, the name before it is."""
    k = len(toks)
    while k > 0 and (toks[k - 1].text == "." or re.fullmatch(r"[A-Z]", toks[k - 1].text)):
        k -= 1
    if k >= 2 and _PARTY_TAG.match(toks[k - 1].text) and toks[k - 2].text == ",":
        return _strip_gap(toks[: k - 2])
    return toks


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
    if toks and toks[-1].text == ")":
        # "Sen. Lindsey Graham (R-S.C.) said": the party and state are not the subject
        opened = [k for k, t in enumerate(toks) if t.text == "("]
        if opened:
            toks = _strip_gap(toks[: opened[-1]])
    toks = _strip_party_tag(toks)
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
        m = person_or_org(toks, i, j, text, 0)
        if m is None:
            continue
        if any(
            not t.cap and t.low in lexicon().role_nouns and not relative[x]
            for x, t in enumerate(toks[j : j + 3], start=j)
        ) and not (j < len(toks) and toks[j].text == ","):
            continue  # "Political analysts", "a U.S. defense official": a modifier
        _, after = appositive(toks, j, text)
        rest = [
            t
            for x, t in enumerate(toks[max(after, j) :], start=max(after, j))
            if t.low not in GAP_WORDS and t.text not in ",()" and not relative[x]
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
    return role_np(bare, text, 0, strict=True)


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
    while k < len(toks) and not toks[k].cap and toks[k].low in DETS | {"its", "his", "her"}:
        k += 1
    lead = toks[k:] if k < len(toks) else []
    pre, _ = ("", 0)
    start_idx = k
    while (
        start_idx < len(toks)
        and not toks[start_idx].cap
        and start_idx - k < 4
        and (is_word(toks[start_idx]))
    ):
        start_idx += 1
    rs = runs(toks)
    if rs and rs[0][0] <= start_idx:
        i, j = rs[0]
        if i == start_idx or toks[i - 1].low in lexicon().title_words:
            m = person_or_org(toks, i, j, text, 0)
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
    return role_np(toks[: k + end], text, 0) if end else None
