"""Direct quotes and their attribution (speaker before or after, colon introductions, split
quotes, continuation of the previous speaker).

Each finder returns :class:`Raw` statements whose speaker is still a :class:`Mention`; the
caller resolves mentions to sources in text order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from credscore.ingest._lexicon import lexicon
from credscore.ingest._speakers import (
    WINDOW,
    Mention,
    parse_np_at_start,
    parse_subject,
    tokens,
)
from credscore.ingest._text import Quote, Sentence

__all__ = ["Attribution", "Raw", "colon_intro", "direct", "frame_after", "frame_before"]

_CITING_RE = re.compile(r"\b(?:according\s+to|citing|cited)\s+([^,.;:!?“”\"…\[\]()]{2,120})", re.I)
_VIA_RE = re.compile(
    r"\b(?:on|in|to)\s+(?:his|her|their|its|an?|the)\s+(?:interview\s+with|own\s+)?"
    r"(?:[\w\-]+\s+){0,3}?(channel|account|page|blog|website|podcast|newsletter|interview)",
    re.IGNORECASE,
)
_INTERVIEW_RE = re.compile(r"\b(?:in\s+an\s+interview\s+with|speaking\s+to|told)\s+", re.I)
_CLAUSE_BREAK = ":;—–"


@dataclass
class Attribution:
    """Who spoke (``speaker``) and through which outlet (``via``)."""

    speaker: Mention | None
    via: Mention | None = None


@dataclass
class Raw:
    """A statement before its speaker is resolved."""

    start: int
    end: int
    spans: list[tuple[int, int]]
    quote_type: str
    attribution: Attribution
    cites: str = ""
    sentence: int = -1
    extra: dict = field(default_factory=dict)

    def text(self, article: str) -> str:
        """The statement text: the quoted pieces joined by one space."""
        return " ".join(article[a:b] for a, b in self.spans)


def via_after_verb(text: str, verb_end: int, b: int, verb: str) -> tuple[Mention | None, int]:
    """Object of ``told``: an outlet or person, and where it ends."""
    if verb.lower() not in ("told", "tells", "telling"):
        return None, verb_end
    obj = parse_np_at_start(text, verb_end, b)
    if obj is None or obj.kind in ("pronoun",):
        return None, verb_end
    end = obj.end
    # "the website The War Zone (TWZ)": include a parenthesised alias.
    m = re.match(r"\s*\([^()]{1,20}\)", text[end : min(b, end + 30)])
    if m:
        end += m.end()
    if obj.kind != "outlet":
        return None, end  # "told reporters", "told a briefing in Geneva": not a carrier
    return obj, end


def frame_via(text: str, a: int, b: int) -> Mention | None:
    m = _INTERVIEW_RE.search(text, a, b)
    if m is None:
        return None
    obj = parse_np_at_start(text, m.end(), b)
    return obj if obj is not None and obj.kind == "outlet" else None


def clause_start(text: str, a: int, b: int) -> int:
    k = b - 1
    while k >= a and b - k < WINDOW:
        if text[k] in _CLAUSE_BREAK or text[k] in '”"»':
            return k + 1
        k -= 1
    return max(a, b - WINDOW)


def frame_after(text: str, a: int, b: int) -> Attribution | None:
    """Attribution right after a quote: ``," she said`` / ``," said Jane Doe, a ...``."""
    verb = lexicon().verb_re.search(text, a, min(b, a + 120))
    if verb is None:
        return None
    pre = text[a : verb.start()]
    if len(tokens(text, a, verb.start())) > 14:
        return None
    if not pre.strip(" ,\t—–-"):
        m = parse_np_at_start(text, verb.end(), b)
        via, _ = via_after_verb(text, verb.end(), b, verb.group())
        return Attribution(m, via) if m is not None else None
    m = parse_subject(text, a, verb.start())
    if m is None:
        return None
    via, _ = via_after_verb(text, verb.end(), b, verb.group())
    return Attribution(m, via or frame_via(text, verb.end(), b))


def frame_before(text: str, a: int, b: int) -> Attribution | None:
    """Attribution before a quote: ``X told CNN: "`` / ``He added, "``."""
    tail = text[a:b].rstrip()
    if not tail or tail[-1] not in ":,":
        return None
    last = None
    for v in lexicon().verb_re.finditer(text, max(a, b - WINDOW), b):
        last = v
    if last is None:
        return None
    m = parse_subject(text, clause_start(text, a, last.start()), last.start())
    if m is None:
        return None
    via, _ = via_after_verb(text, last.end(), b, last.group())
    return Attribution(m, via or frame_via(text, last.end(), b))


def cites_source(text: str, a: int, b: int) -> str:
    m = _CITING_RE.search(text, a, b)
    return m.group(1).strip() if m else ""


def direct(
    text: str, s: Sentence, index: int, pending: Attribution | None, previous: Attribution | None
) -> tuple[list[Raw], Attribution | None]:
    """Direct quotes of one sentence; returns them and the last attribution used.

    ``pending`` is an attribution announced by a previous sentence ending with a colon;
    ``previous`` the speaker of the last direct quote (a following unattributed quote at the
    start of a paragraph continues it, as news style does).
    """
    qs = [q for q in s.standalone if any(c.isalpha() for c in text[q.start : q.end])]
    out: list[Raw] = []
    groups: list[list[Quote]] = []
    for q in qs:
        if groups:
            g = groups[-1][-1]
            gap = text[(g.close_at + 1) : q.open_at] if g.closed else ""
            if (
                g.closed
                and gap.strip().endswith(",")
                and frame_after(text, g.close_at + 1, q.open_at)
            ):
                groups[-1].append(q)
                continue
        groups.append([q])
    last_used = previous
    for gi, group in enumerate(groups):
        first, lastq = group[0], group[-1]
        nxt = groups[gi + 1][0].open_at if gi + 1 < len(groups) else s.end
        prv = (groups[gi - 1][-1].close_at + 1) if gi > 0 else s.start
        att = None
        if len(group) > 1:
            att = frame_after(text, first.close_at + 1, group[1].open_at)
        if att is None and lastq.closed:
            att = frame_after(text, lastq.close_at + 1, nxt)
        if att is None:
            att = frame_before(text, prv, first.open_at)
        if att is None and gi == 0 and pending is not None:
            att = pending
        if att is None and last_used is not None and (gi > 0 or first.open_at == s.start):
            att = last_used
        if att is None:
            continue
        spans = [(q.start, q.end) for q in group]
        out.append(
            Raw(
                spans[0][0],
                spans[-1][1],
                spans,
                "direct",
                att,
                cites=cites_source(text, first.start, lastq.end),
                sentence=index,
            )
        )
        last_used = att
    return out, last_used


def colon_intro(text: str, s: Sentence) -> Attribution | None:
    """A sentence ending with a colon that announces the next quote."""
    if text[s.end - 1] != ":":
        return None
    return frame_before(text, s.start, s.end)
