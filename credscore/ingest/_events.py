"""Retraction-type events and contradiction mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from credscore.ingest._lexicon import lexicon
from credscore.ingest._speakers import WINDOW, Mention, parse_subject, runs, tokens
from credscore.ingest._text import Sentence

__all__ = ["SENTENCE_SPEAKER", "Cue", "contradiction_cues", "event_cues"]

_EVENT_RE = re.compile(
    r"\b(?P<verb>rowed\s+back|walked\s+back|backtracked|back-?pedal+ed|retracted|withdrew|"
    r"recanted|took\s+back|disavowed|corrected|clarified|denied|reversed|stood\s+by|"
    r"reaffirmed|reiterated|confirmed|misspoke|revised|amended|apologi[sz]ed\s+for|"
    r"sought\s+to\s+clarify|issued\s+a\s+correction|correcting|later\s+said)\b",
    re.IGNORECASE,
)
_SCOPE_RE = re.compile(
    r"\b(?:only|solely|just|limited\s+to|restricted\s+to|specifically|exclusively|"
    r"applied\s+to|referred\s+to|confined\s+to)\b",
    re.IGNORECASE,
)
_OWN_RE = re.compile(
    r"\b(?:his|her|their|its|these|those|this|that|the|earlier|own)\s+(?:own\s+)?"
    r"(?:earlier\s+|previous\s+|initial\s+|original\s+|first\s+)?"
    r"(?:comments?|remarks?|claims?|statements?|assessment|figures?|account|words|posts?|"
    r"estimates?|assertions?|tweets?|report|numbers?|forecast|prediction|allegations?)\b|"
    r"\b(?:having\s+said|ever\s+said|saying|making|(?:he|she|they)\s+had\s+said)\b",
    re.IGNORECASE,
)
_LATER_RE = re.compile(r"\b(?:later|subsequently|since|afterwards|then|on\s+\w+day)\b", re.I)
_CONTRA_RE = re.compile(
    r"\b(?:contradict(?:ed|s|ing)?|disputed|disputes|rejected|rejects|refuted|refutes|"
    r"dismissed|dismisses|challenged|at\s+odds\s+with|conflict(?:s|ed)?\s+with|contrary\s+to|"
    r"r[au]n\s+counter\s+to|runs\s+counter\s+to|denied|denies)\b",
    re.IGNORECASE,
)
_KIND = {
    "retracted": "retraction",
    "withdrew": "retraction",
    "recanted": "retraction",
    "took back": "retraction",
    "disavowed": "retraction",
    "denied": "retraction",
    "reversed": "retraction",
    "apologised for": "retraction",
    "apologized for": "retraction",
    "rowed back": "retraction",
    "walked back": "retraction",
    "backtracked": "retraction",
    "corrected": "correction",
    "misspoke": "correction",
    "revised": "correction",
    "amended": "correction",
    "issued a correction": "correction",
    "clarified": "clarification",
    "sought to clarify": "clarification",
    "later said": "clarification",
    "correcting": "correction",
    "stood by": "confirmation",
    "reaffirmed": "confirmation",
    "reiterated": "confirmation",
    "confirmed": "confirmation",
}
_NEEDS_OWN = {
    "denied",
    "confirmed",
    "reiterated",
    "reversed",
    "later said",
    "revised",
    "amended",
    "withdrew",
    "reaffirmed",
}


@dataclass
class Cue:
    """An event or contradiction cue: who (``subject``), what kind, where."""

    kind: str
    subject: Mention
    start: int
    end: int
    sentence: int
    objects: list[Mention]


def _norm(verb: str) -> str:
    v = re.sub(r"\s+", " ", verb.lower())
    return "backtracked" if v.startswith("back") and "track" not in v else v


def _subject(text: str, s: Sentence, pos: int) -> Mention | None:
    a = max(s.start, pos - WINDOW)
    m = parse_subject(text, a, pos)
    if m is not None:
        return m
    # Possessive subject: "Budanov's comments contradicted ...", "His remarks ...".
    toks = tokens(text, a, pos)
    for i, j in reversed(runs(toks)):
        if toks[j - 1].possessive:
            name = text[toks[i].start : toks[j - 1].end - 2]
            return Mention("person", name, "", "", toks[i].start, toks[j - 1].end)
    for t in toks:
        if t.low in ("his", "her"):
            return Mention("pronoun", t.low, "", "", t.start, t.end, "m" if t.low == "his" else "f")
    return None


def event_cues(text: str, s: Sentence, index: int) -> list[Cue]:
    """Retraction-type cues of a sentence.

    Examples
    --------
    >>> from credscore.ingest._text import segment
    >>> t = "Smith later walked back the claim, saying it applied only to the north."
    >>> c = event_cues(t, segment(t)[0], 0)[0]
    >>> c.kind, c.subject.name
    ('scope_narrowing', 'Smith')
    """
    out: list[Cue] = []
    for m in _EVENT_RE.finditer(text, s.start, s.end):
        verb = _norm(m.group("verb"))
        reach = min(s.end, m.end() + 200)
        if verb == "later said" and not _SCOPE_RE.search(text, m.end(), reach):
            continue
        tail = text[m.end() : min(s.end, m.end() + 200)]
        if verb in _NEEDS_OWN and not (
            _OWN_RE.search(tail[:80])
            or (
                verb != "confirmed"
                and _LATER_RE.search(text, max(s.start, m.start() - 30), m.end())
            )
        ):
            continue
        subj = _subject(text, s, m.start())
        if out and (subj is None or verb.endswith("ing")):
            subj = out[0].subject  # ", correcting his earlier account": same subject
        if subj is None:
            continue
        kind = _KIND.get(verb, "retraction")
        scope = _SCOPE_RE.search(text, m.end(), reach)
        if scope is not None and kind in ("retraction", "clarification", "correction"):
            kind = "scope_narrowing"
        out.append(Cue(kind, subj, m.start(), m.end(), index, []))
    if not out:
        own = _own_remarks(text, s, index)
        if own is not None:
            out.append(own)
    out.sort(key=lambda c: _PRIORITY.index(c.kind))
    return out[:1]


_OWN_REMARKS_RE = re.compile(
    r"\b(?:his|her|their|its)\s+(?:own\s+)?(?:earlier\s+|previous\s+|original\s+)?"
    r"(?:remarks?|comments?|claims?|statements?|words|assessment|figures?|account)\s+"
    r"(?:had\s+|have\s+)?(?P<only>(?:only|solely|just)\s+)?"
    r"(?:applied|referred|related|pertained|concerned|(?:was|were)\s+(?:only\s+)?about)\b",
    re.IGNORECASE,
)


def _own_remarks(text: str, s: Sentence, index: int) -> Cue | None:
    """``X said his remarks only applied to the eastern tanks``: X narrows (or clarifies)
    an earlier statement of his own; the subject is the one of the reporting verb."""
    m = _OWN_REMARKS_RE.search(text, s.start, s.end)
    if m is None:
        return None
    verb = None
    for v in lexicon().verb_re.finditer(text, max(s.start, m.start() - WINDOW), m.start()):
        verb = v
    if verb is None:
        return None
    subj = _subject(text, s, verb.start())
    if subj is None:
        return None
    scope = m.group("only") or _SCOPE_RE.search(text, m.end(), min(s.end, m.end() + 200))
    kind = "scope_narrowing" if scope else "clarification"
    return Cue(kind, subj, m.start(), m.end(), index, [])


_PRIORITY = ("retraction", "correction", "scope_narrowing", "clarification", "confirmation")


#: Marker object: "the speaker of this sentence's statement" ("..., a claim Kerr denied").
SENTENCE_SPEAKER = "\x00speaker"
_A_CLAIM_RE = re.compile(
    r"\b(?:a|an|the)\s+(?:claim|assertion|allegation|account|statement|characteri[sz]ation|"
    r"version|figure|suggestion)\s+(?:that\s+|which\s+)?",
    re.IGNORECASE,
)


def contradiction_cues(text: str, s: Sentence, index: int) -> list[Cue]:
    """Contradiction mentions of a sentence.

    "X's comments contradicted reports by A, B and C": subject X, objects A, B, C;
    "..., a claim X denied": X contradicts the speaker of the sentence's statement.
    """
    m = _CONTRA_RE.search(text, s.start, s.end)
    if m is None:
        return []
    for c in _A_CLAIM_RE.finditer(text, max(s.start, m.start() - 80), m.start()):
        between = text[c.end() : m.start()]
        if between.strip() and len(between.split()) <= 4:
            subj = parse_subject(text, c.end(), m.start())
            if subj is not None:
                marker = Mention("unknown", SENTENCE_SPEAKER, "", "", m.start(), m.end())
                return [Cue("contradicts", subj, m.start(), m.end(), index, [marker])]
    subj = _subject(text, s, m.start())
    if subj is None:
        return []
    toks = tokens(text, m.end(), min(s.end, m.end() + 2 * WINDOW))
    objects = []
    for i, j in runs(toks):
        name = " ".join(t.text for t in toks[i:j] if t.text != ".")
        name = re.sub(r"(?:'s|’s)$", "", name)
        objects.append(Mention("unknown", name, "", "", toks[i].start, toks[j - 1].end))
    for t in toks[:6]:
        if t.low in ("his", "her"):
            g = "m" if t.low == "his" else "f"
            objects.append(Mention("pronoun", t.low, "", "", t.start, t.end, g))
    return [Cue("contradicts", subj, m.start(), m.end(), index, objects)]
