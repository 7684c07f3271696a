"""Titles of people: pre-modifiers ("defence minister Anna Kovacs"), appositions after the name
(", head of the agency,") and before it ("An adviser to the President, E F,")."""

from __future__ import annotations

import re

from credscore.ingest._lexicon import lexicon
from credscore.ingest._tokens import DETS, GAP_WORDS, PREPS, Token, is_word, join

__all__ = ["org_of"]

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
_STOP_APPOS = frozenset("who which whose where when and but said says told".split())


def organization_of(title: str) -> str:
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


#: Nouns that end a lower-case title on the left: "a claim ministry spokeswoman X denied".
_NOT_TITLE = frozenset(
    """claim claims statement statements report reports allegation allegations account
    remark remarks comment comments assertion assertions denial suggestion view idea
    said says told according which that who whom when while after before""".split()
)


def lower_pretitle(toks: list[Token], i: int, text: str) -> tuple[str, int]:
    """Lower-case title words right before a name: ``defence minister`` Anna Kovacs."""
    lex = lexicon()
    if i == 0 or toks[i - 1].cap or toks[i - 1].low not in lex.title_words:
        return "", i
    k = i - 1
    while (
        k - 1 >= 0
        and i - k < 5
        and is_word(toks[k - 1])
        and not toks[k - 1].cap
        and toks[k - 1].low not in DETS
        and toks[k - 1].low not in PREPS
        and toks[k - 1].low not in lex.reporting_verbs
        and toks[k - 1].low not in GAP_WORDS
        and toks[k - 1].low not in ("and", "or", "but", "as", "is", "was", "by")
        and toks[k - 1].low not in _NOT_TITLE
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
            and is_word(toks[c - 1])
            and (toks[c - 1].low not in lex.non_names)
        ):
            c -= 1
        k = c
    return join(toks[k:i], text), k


def appositive(toks: list[Token], j: int, text: str, stop: int | None = None) -> tuple[str, int]:
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
    if e < n and toks[e].low in lex.reporting_verbs and any(x.text == "," for x in toks[e : e + 5]):
        # "Prices, the minister warned, will rise": the subject of a parenthetical reporting
        # clause, not an apposition of "Prices"
        return "", j
    phrase = join(toks[k:e], text)
    phrase = re.sub(r"^(?:a|an|the)\s+", "", phrase, flags=re.IGNORECASE)
    if rel and phrase:
        phrase = f"{rel} {phrase}".strip()
    if not phrase or e - k > 24:
        return "", j
    return phrase, e


def pre_appositive(toks: list[Token], i: int, text: str, lo: int) -> str:
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
    return re.sub(r"^(?:a|an|the)\s+", "", join(seg, text), flags=re.IGNORECASE)


org_of = organization_of
