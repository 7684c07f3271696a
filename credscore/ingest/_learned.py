"""Statements from the learned tagger: tagged attributions become :class:`Raw` statements
whose speaker is a :class:`Mention` (resolved later, like the rules' ones)."""

from __future__ import annotations

from collections.abc import Sequence

from credscore.ingest._link import TagAttribution, link
from credscore.ingest._quotes import Attribution, Raw, _cites
from credscore.ingest._speakers import Mention, _role_np, parse_np_at_start, parse_subject
from credscore.ingest._stack import rule_codes
from credscore.ingest._tagdoc import TagDoc
from credscore.ingest._tagger import TaggerModel
from credscore.ingest._tokens import tokens

__all__ = ["learned_raws", "mention_of_span"]

_PRONOUN_GENDER = {"he": "m", "she": "f", "they": "p", "we": "p", "him": "m", "her": "f"}
_EDGE = " \t\n,;:.“”\"‘’'«»()[]—–-…!?"
_QUOTE_TYPE = {"direct": "direct", "according_to": "according_to"}


def mention_of_span(text: str, a: int, b: int) -> Mention | None:
    """The speaker mention in the source span ``text[a:b]`` (a pronoun, a named person or
    organisation, an outlet, a role or an unnamed source).

    Examples
    --------
    >>> t = "Sen. Lindsey Graham (R-S.C.) said"
    >>> m = mention_of_span(t, 0, 28); m.kind, m.name
    ('person', 'Lindsey Graham')
    >>> mention_of_span("an unnamed official at the ministry", 0, 35).kind
    'anonymous'
    """
    toks = tokens(text, a, b)
    words = [t for t in toks if t.text[:1].isalnum()]
    if not words:
        return None
    if len(words) == 1 and words[0].low in _PRONOUN_GENDER:
        w = words[0]
        return Mention("pronoun", w.low, "", "", w.start, w.end, _PRONOUN_GENDER[w.low])
    if len(words) == 1 and words[0].low in ("i", "you", "it", "me", "us", "one"):
        return None
    paren = text.find("(", a, b)
    end = paren if paren > a else b
    m = parse_np_at_start(text, a, end)
    if m is None or m.kind in ("role", "anonymous"):
        m2 = parse_subject(text, a, end)
        if m2 is not None and (m is None or m2.kind not in ("role", "anonymous")):
            m = m2
    if m is not None:
        return m
    role = _role_np(toks, text, 0)
    if role is not None:
        return role
    phrase = text[words[0].start : words[-1].end]
    if any(w.cap for w in words[1:]) or words[0].cap:
        return Mention("organization", phrase, "", phrase, words[0].start, words[-1].end)
    return Mention("anonymous", phrase, phrase, "", words[0].start, words[-1].end)


def _char_spans(doc: TagDoc, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for ta, tb in pieces:
        a, b = int(doc.starts[ta]), int(doc.ends[tb - 1])
        while a < b and doc.text[a] in _EDGE:
            a += 1
        while b > a and doc.text[b - 1] in _EDGE:
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def _overlapping(raws: Sequence[Raw], a: int, b: int) -> Raw | None:
    best, best_ov = None, 0
    for r in raws:
        ov = min(b, r.end) - max(a, r.start)
        if ov > best_ov:
            best, best_ov = r, ov
    return best


def _to_raw(text: str, doc: TagDoc, att: TagAttribution, rules: Sequence[Raw]) -> Raw | None:
    spans = _char_spans(doc, att.content)
    if not spans or sum(b - a for a, b in spans) < 2:
        return None
    a, b = spans[0][0], spans[-1][1]
    rule = _overlapping(rules, a, b)
    speaker = None
    if att.source is not None:
        sa, sb = int(doc.starts[att.source[0]]), int(doc.ends[att.source[1] - 1])
        speaker = mention_of_span(text, sa, sb)
    via = None
    if rule is not None and (speaker is None or _same(rule.attribution.speaker, speaker)):
        speaker = speaker or rule.attribution.speaker
        via = rule.attribution.via
    if speaker is None:
        return None
    cue = [(int(doc.starts[x]), int(doc.ends[y - 1])) for x, y in att.cue]
    raw = Raw(
        a,
        b,
        spans,
        _QUOTE_TYPE.get(att.kind, "reported"),
        Attribution(speaker, via),
        cites=_cites(text, a, b),
        sentence=int(doc.sentence[att.content[0][0]]),
    )
    raw.extra = {
        "kind": att.kind,
        "cue_spans": cue,
        "source_span": (speaker.start, speaker.end),
    }
    return raw


def _same(x: Mention | None, y: Mention) -> bool:
    return x is not None and x.start < y.end and y.start < x.end


def learned_raws(text: str, doc: TagDoc, tagger: TaggerModel, rules: Sequence[Raw]) -> list[Raw]:
    """Statements read by the tagger (which sees the rules' reading as features)."""
    labels = tagger.tag(doc, rule_codes(doc, rules))
    out = []
    for att in link(doc, labels):
        raw = _to_raw(text, doc, att, rules)
        if raw is not None:
            out.append(raw)
    return out
