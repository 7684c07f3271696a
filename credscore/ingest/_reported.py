"""Reported speech ("X said that ...", "..., X said") and "according to X"."""

from __future__ import annotations

import re

from credscore.ingest._lexicon import lexicon
from credscore.ingest._quotes import (
    Attribution,
    Raw,
    cites_source,
    clause_start,
    frame_via,
    via_after_verb,
)
from credscore.ingest._speakers import (
    WINDOW,
    Mention,
    parse_np_at_start,
    parse_subject,
    person_or_org,
    role_np,
    runs,
    tokens,
)
from credscore.ingest._speakers_registry import _STATE_ABBREVIATIONS
from credscore.ingest._text import Sentence

__all__ = ["according_to", "parenthetical", "reported", "sentence_subject"]

_ACCORDING_RE = re.compile(r"\baccording\s+to\b", re.IGNORECASE)
_THAT_RE = re.compile(r"\bthat\b")
_ADDING_RE = re.compile(r",?\s+(?:adding|and\s+added|saying|noting|warning|insisting)\s+that\s+")
_AUX_RE = re.compile(
    r"\b(?:could|would|will|should|may|might|must|can|is|are|was|were|has|have|had)\b"
)


def according_to(text: str, s: Sentence, index: int) -> Raw | None:
    """``According to X, ...`` / ``..., according to X.``"""
    m = _ACCORDING_RE.search(text, s.start, s.end)
    if m is None:
        return None
    comma = text.find(",", m.end(), s.end)
    np_end = comma if comma > 0 else s.end
    who = parse_np_at_start(text, m.end(), np_end)
    if who is None:
        phrase = text[m.end() : np_end].strip(" .")
        if not phrase or len(phrase) > 120:
            return None
        who = Mention("anonymous", phrase, phrase, "", m.end(), np_end)
    if len(text[s.start : m.start()].split()) <= 1 and m.start() - s.start < 12:
        a, b = (comma + 1 if comma > 0 else np_end), s.end
    else:
        a, b = s.start, m.start()
    a, b = _trim(text, a, b)
    if b - a < 8:
        return None
    return Raw(a, b, [(a, b)], "according_to", Attribution(who), sentence=index)


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in ",;:"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ".,;:!?"):
        b -= 1
    return a, b


def _clause_after(text: str, s: Sentence, v: re.Match[str]) -> tuple[int, Mention | None]:
    """Where the reported clause starts after a verb (``-1`` if there is none)."""
    lex = lexicon()
    via, j = via_after_verb(text, v.end(), s.end, v.group())
    that = _THAT_RE.search(text, j, min(s.end, j + 90))
    if that is not None:
        filler = text[j : that.start()]
        if (
            len(filler.split()) <= 9
            and not _AUX_RE.search(filler)
            and not lex.verb_re.search(filler)
            and not any(c in filler for c in '"“”«»')
            and not _PARTICIPLE_RE.search(filler)
        ):
            return that.end(), via or frame_via(text, j, that.start())
    verb = v.group().lower()
    if verb in lex.zero_that_verbs or verb.endswith("saying"):
        j = _skip_filler(text, j, s.end)
        rest = tokens(text, j, min(s.end, j + 40))
        if (
            rest
            and rest[0].text[:1].isalnum()
            and not rest[0].low.endswith("ing")
            and rest[0].low
            not in (
                "to",
                "in",
                "on",
                "at",
                "for",
                "by",
                "with",
                "of",
                "from",
                "about",
                "so",
                "as",
                "nothing",
                "goodbye",
                "yes",
                "no",
                "sorry",
                "thanks",
                "hello",
                "during",
            )
        ):
            return j, via
        if len(rest) > 1 and rest[0].low in ("about", "over") and rest[1].text[:1].isdigit():
            return j, via  # "said about 80,000 ballots had been mailed"
    return -1, via


def reported(text: str, s: Sentence, index: int) -> list[Raw]:
    """Reported speech of a sentence without standalone quotes.

    Examples
    --------
    >>> from credscore.ingest._text import segment
    >>> t = "The minister said on Monday that prices would fall."
    >>> r = reported(t, segment(t)[0], 0)[0]
    >>> r.text(t), r.attribution.speaker.name
    ('prices would fall', 'minister')
    """
    lex = lexicon()
    paren = parenthetical(text, s, index)
    if paren is not None:
        return [paren]
    last = _last_verb(text, s)
    if _inverted(text, s, last):
        trail = _trailing(text, s, index, last)
        if trail:
            return trail
    for v in lex.verb_re.finditer(text, s.start, s.end):
        if not v.group()[:1].islower() or _noun_use(text, s.start, v.start()):
            continue
        subj = parse_subject(text, clause_start(text, s.start, v.start()), v.start())
        if subj is None:
            continue
        a, via = _clause_after(text, s, v)
        if a < 0:
            continue
        b = s.end
        add = _ADDING_RE.search(text, a, b)
        out = []
        ends = [(a, add.start() if add else b)]
        if add:
            ends.append((add.end(), b))
        for x, y in ends:
            contrast = _CONTRAST_RE.search(text, x, y)
            if contrast is not None:
                y = contrast.start()  # ", while Y argued...": another clause, not the claim
            x, y = _trim(text, x, y)
            if len(text[x:y].split()) >= 3:
                out.append(
                    Raw(
                        x,
                        y,
                        [(x, y)],
                        "reported",
                        Attribution(subj, via),
                        cites=cites_source(text, x, y),
                        sentence=index,
                    )
                )
        if out:
            return out
    part = _participle(text, s, index)
    if part:
        return part
    return _trailing(text, s, index, last)


#: At most this many words between a parenthetical reporting verb and its closing comma
#: ("The tax, he said on Monday, would hurt families").
_PAREN_TAIL_WORDS = 4


def parenthetical(text: str, s: Sentence, index: int) -> Raw | None:
    """``The tax, he said, would hurt families.`` / ``Voters, Clinton suggested, need not
    worry.``: a reporting clause set off by commas inside the claim it reports. The claim is
    the two pieces around it; the speaker the clause's subject. The ``extra`` records the
    verb's span (``cue_spans``) and marks the reading (``"parenthetical"``).

    Examples
    --------
    >>> from credscore.ingest._text import segment
    >>> t = "The tax, the minister warned on Monday, would hurt families."
    >>> r = parenthetical(t, segment(t)[0], 0)
    >>> r.text(t), r.attribution.speaker.name
    ('The tax would hurt families', 'minister')
    """
    for v in lexicon().verb_re.finditer(text, s.start, s.end):
        if not v.group()[:1].islower():
            continue
        open_ = text.rfind(",", s.start, v.start())
        close = text.find(",", v.end(), s.end)
        if open_ < 0 or close < 0:
            continue
        between = text[open_ + 1 : v.start()].split()
        tail = text[v.end() : close].split()
        if not 1 <= len(between) <= 6 or len(tail) > _PAREN_TAIL_WORDS:
            continue
        if any(w.lower() in ("that", "which", "who", "and", "but", "or") for w in tail):
            continue
        a0, a1 = _trim(text, s.start, open_)
        b0, b1 = _trim(text, close + 1, s.end)
        before, after = text[a0:a1].split(), text[b0:b1].split()
        if not before or len(after) < 2 or len(before) + len(after) < 3:
            continue
        if before[0].lower() in ("according", "as") or _ACCORDING_RE.search(text, a0, a1):
            continue
        subj = parse_subject(text, open_ + 1, v.start())
        if subj is None or subj.start < open_:
            continue
        raw = Raw(
            a0,
            b1,
            [(a0, a1), (b0, b1)],
            "reported",
            Attribution(subj),
            cites=cites_source(text, b0, b1),
            sentence=index,
        )
        raw.extra = {"parenthetical": True, "cue_spans": [(v.start(), v.end())]}
        return raw
    return None


_CONTRAST_RE = re.compile(r",\s+(?:while|whereas)\b")
_NOUN_BEFORE = frozenset(
    "a an the of these those this that media news press his her their its our new such".split()
)
_PARTICIPLE_RE = re.compile(
    r",\s+(?:later\s+)?(telling|saying|adding|writing|noting|insisting|arguing|warning|"
    r"claiming|explaining|stressing)\b"
)


_FILLER_RE = re.compile(
    r"\s*,?\s*(?:(?:late|early|earlier|also)\s+)?(?:on|in|at|during|via|through|by|over|last|"
    r"this|earlier|later)\s+(?:(?:a|an|the|his|her|their|its)\s+)?(?:[\w\-]+\s+){0,3}?"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|month|year|"
    r"weekend|night|morning|evening|afternoon|statement|interview|conference|briefing|email|"
    r"post|speech|call|hearing|letter|video|message|release|filing|note|report|"
    r"january|february|march|april|may|june|july|august|september|october|november|"
    r"december|today|yesterday)\b(?:\s+with\s+[^,.;:]{1,40}?(?=\s+(?:that\s+)?[a-z]))?,?",
    re.IGNORECASE,
)


def _skip_filler(text: str, j: int, b: int) -> int:
    """Skip "on Tuesday", "in a statement", "at a news conference" after a verb."""
    for _ in range(2):
        m = _FILLER_RE.match(text, j, min(b, j + 80))
        if m is None:
            break
        j = m.end()
    return j


def _noun_use(text: str, a: int, pos: int) -> bool:
    """``a wave of reports that``: the verb form is a noun here."""
    prev = tokens(text, max(a, pos - 30), pos)
    return bool(prev) and (prev[-1].low in _NOUN_BEFORE or prev[-1].possessive)


def _participle(text: str, s: Sentence, index: int) -> list[Raw]:
    """``X walked back the claim, telling CNN that ...``: the subject is the sentence's."""
    m = _PARTICIPLE_RE.search(text, s.start, s.end)
    if m is None:
        return []
    subj = sentence_subject(text, s.start, m.start())
    if subj is None:
        return []
    verb = "told" if m.group(1) == "telling" else "said"
    via, j = via_after_verb(text, m.end(), s.end, verb)
    that = _THAT_RE.search(text, j, min(s.end, j + 90))
    a = that.end() if that is not None and len(text[j : that.start()].split()) <= 9 else -1
    if a < 0 and m.group(1) == "saying":
        a = m.end()
    if a < 0:
        return []
    x, y = _trim(text, a, s.end)
    if len(text[x:y].split()) < 3:
        return []
    return [
        Raw(
            x,
            y,
            [(x, y)],
            "reported",
            Attribution(subj, via),
            cites=cites_source(text, x, y),
            sentence=index,
        )
    ]


#: A dateline opening a sentence: a place in capitals, then at most 40 characters after a
#: comma (state, date) and an agency in parentheses, and a dash ("PARIS (Reuters) - ").
_DATELINE = re.compile(
    r"[A-Z][A-Z.'\- ]{1,30}[A-Z.](?:,[^—–\n.]{0,40}?(?:\.[^—–\n]{0,20}?)?)?\s*"
    r"(?:\([^)\n]{1,30}\)\s*)?[—–-]{1,2}\s+"
)


#: Words that open a fronted phrase before the subject ("Inside the hall, ...").
_FRONTING = frozenset(
    """in inside outside at after before during prior despite following amid since
    without under unlike on""".split()
)


def _place_word(m: Mention) -> bool:
    """A one-word "person" that is a state abbreviation or a place ("Tex", "Iowa")."""
    name = m.name.strip().rstrip(".")
    if m.kind != "person" or " " in name:
        return False
    return name.lower() in _STATE_ABBREVIATIONS or name in lexicon().collective_names


def sentence_subject(text: str, a: int, b: int, fronted: bool = True) -> Mention | None:
    """The grammatical subject at the start of a sentence (first name, pronoun or role); a
    dateline ("LA CROSSE, Wisc. —") is not the subject. With ``fronted`` (one level only,
    so that "In a, in b, in c, ..." stays linear), a fronted phrase before it is skipped."""
    d = _DATELINE.match(text, a, b)
    if d is not None:
        a = d.end()
    toks = tokens(text, a, min(b, a + WINDOW))
    if not toks:
        return None
    opener = (
        len(toks) > 1
        and toks[1].text == ","
        and (toks[0].low.endswith("ly") or toks[0].low in lexicon().non_names)
    )
    if fronted and (toks[0].low in _FRONTING or opener):
        # "Inside the hotel, Trump dismissed ...", "Previously, the department had ...":
        # the subject follows the fronted phrase
        for k, comma in enumerate(toks[1:16], start=1):
            if comma.text != ",":
                continue
            if comma.end >= b:
                break
            if k + 1 < len(toks) and toks[k + 1].low in _FRONTING:
                continue  # "After the vote, in a statement, Trump said": another phrase
            rest = sentence_subject(text, comma.end, b, fronted=False)
            if rest is not None and not _place_word(rest):
                return rest  # "At a rally in Beaumont, Tex., Mr. Trump": past the state
    if toks[0].low in ("he", "she"):
        return Mention(
            "pronoun",
            toks[0].low,
            "",
            "",
            toks[0].start,
            toks[0].end,
            "m" if toks[0].low == "he" else "f",
        )
    if toks[0].low in lexicon().anonymous_cues or (
        len(toks) > 1 and toks[1].low in lexicon().anonymous_cues
    ):
        role = role_np(toks[:8], text, 0)
        if role is not None:
            return role
    for i, j in runs(toks):
        if i > 4:
            break
        m = person_or_org(toks, i, j, text, 0)
        if m is not None:
            return m
    return role_np(toks[:8], text, 0)


#: Speech verbs that come before their speaker in "..., said Jane Doe." ("told" or
#: "announced" never do: "..., Ann Lee told CNN").
_INVERTING = frozenset(
    "said says added adds wrote writes argued argues noted notes explained explains "
    "continued asked stated acknowledged insisted warned recalled concluded".split()
)
_SPEAKER_LEAD = frozenset("the a an several some many one two three other".split())
_NOT_A_SPEAKER_START = frozenset(
    "of in on to at with for about from by during after before that it this".split()
)


def _last_verb(text: str, s: Sentence) -> re.Match[str] | None:
    """The sentence's last reporting verb (within :data:`WINDOW` of its end)."""
    last = None
    for v in lexicon().verb_re.finditer(text, max(s.start, s.end - WINDOW), s.end):
        last = v
    return last


def _inverted(text: str, s: Sentence, last: re.Match[str] | None) -> bool:
    """Whether the sentence ends "..., said Jane Doe." or "..., said Jane Doe, a pollster.":
    its last verb follows a comma and is followed by a speaker and at most an apposition.
    Read forward, "... Trump and Sanders, said Brad Bannon, a pollster" made Sanders say
    "Brad Bannon, a pollster".

    Examples
    --------
    >>> from credscore.ingest._text import segment
    >>> t = "It would hurt both Trump and Sanders, said Brad Bannon, a Democratic pollster."
    >>> s = segment(t)[0]
    >>> _inverted(t, s, _last_verb(t, s))
    True
    >>> t = "The senator, who opposed the plan, said Congress would act."
    >>> s = segment(t)[0]
    >>> _inverted(t, s, _last_verb(t, s))
    False
    """
    if last is None or last.group().lower() not in _INVERTING:
        return False
    if not text[s.start : last.start()].rstrip().endswith(","):
        return False
    nxt = text[last.end() : s.end].split(maxsplit=1)[:1]
    if not nxt or nxt[0].lower() in _NOT_A_SPEAKER_START:
        return False  # "..., wrote in German Energy Transition", "said of Mr. Trump"
    m = parse_np_at_start(text, last.end(), s.end)
    if m is None or m.kind == "pronoun":
        return False
    lead = text[last.end() : m.start].split()
    if any(w[:1].islower() and w.lower() not in _SPEAKER_LEAD for w in lead):
        return False  # "..., wrote an assessment of cases before the Supreme Court."
    after = text[m.end : s.end].strip()
    return after == "" or after[0] in ",.;!?"


def _trailing(text: str, s: Sentence, index: int, last: re.Match[str] | None) -> list[Raw]:
    """``Prices will rise, the minister said.`` / ``..., said Jane Doe.`` (``last``: the
    sentence's :func:`_last_verb`)."""
    if last is None:
        return []
    comma = text.rfind(",", max(s.start, last.start() - 150), last.start())
    if comma < 0:
        return []
    if text[comma + 1 : last.start()].strip():
        subj = parse_subject(text, comma + 1, last.start())
    else:
        subj = parse_np_at_start(text, last.end(), s.end)
    if subj is None or len(text[last.end() : s.end].split()) > 14:
        return []
    a, b = _trim(text, s.start, comma)
    d = _DATELINE.match(text, a, b)
    if d is not None:
        a = d.end()
    if len(text[a:b].split()) < 4:
        return []
    return [
        Raw(
            a,
            b,
            [(a, b)],
            "reported",
            Attribution(subj),
            cites=cites_source(text, a, b),
            sentence=index,
        )
    ]
