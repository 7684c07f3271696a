"""Statements from the learned tagger: tagged attributions become :class:`Raw` statements
whose speaker is a :class:`Mention` (resolved later, like the rules' ones)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

import numpy as np

from credscore.ingest._lexicon import lexicon
from credscore.ingest._link import TagAttribution, link
from credscore.ingest._quotes import Attribution, Raw, cites_source, clause_start
from credscore.ingest._reported import sentence_subject
from credscore.ingest._speakers import (
    Mention,
    parse_np_at_start,
    parse_subject,
    person_or_org,
    role_np,
)
from credscore.ingest._speakers_registry import implausible_person
from credscore.ingest._stack import rule_codes
from credscore.ingest._tagdoc import TagDoc
from credscore.ingest._tagger import TaggerModel
from credscore.ingest._text import ABBREVIATIONS
from credscore.ingest._tokens import runs, tokens

__all__ = ["combine", "confidence", "mention_of_span", "tagged_statements"]

_PRONOUN_GENDER = {
    "he": "m",
    "she": "f",
    "they": "p",
    "we": "p",
    "him": "m",
    "her": "f",
    "his": "m",
}
_TRAILING = frozenset("while whereas but although though and or".split())
_EDGE = " \t\n,;:.“”\"‘’'«»()[]—–-…!?"
_QUOTE_TYPE = {"direct": "direct", "according_to": "according_to"}


_FUNCTION_WORDS = frozenset(
    """but and or nor which who whom whose that this these those all some any each both what
    where when while if because though although as so then also there here such many most
    few several one none no not to of in on at by for with from about the a an its their
    our my your nor neither either""".split()
)
#: What an apostrophe word starts with when it is a contraction, not a name ("don’t",
#: "That’s", "I'm"): never a speaker on its own.
_CONTRACTED = frozenset(
    """i you it me us we they he she that there here what who let don doesn didn can won
    isn wasn aren weren haven hasn hadn wouldn couldn shouldn ain""".split()
)


def mention_of_span(text: str, a: int, b: int) -> Mention | None:
    """The speaker mention in the source span ``text[a:b]`` (a pronoun, a named person or
    organisation, an outlet, a role or an unnamed source). In "Billionaire entrepreneur Peter
    Thiel" or "Sanders campaign spokesman Michael Briggs" the head is the last name; in
    "a spokesman for Mayor Frank Jackson" it is the spokesman (an unnamed source).

    Examples
    --------
    >>> t = "Sen. Lindsey Graham (R-S.C.)"
    >>> m = mention_of_span(t, 0, len(t)); m.kind, m.name
    ('person', 'Lindsey Graham')
    >>> t = "Sanders campaign spokesman Michael Briggs"
    >>> mention_of_span(t, 0, len(t)).name
    'Michael Briggs'
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
    if all(w.low in _FUNCTION_WORDS or _contraction(w.low) for w in words):
        return None
    if (
        _TIME_AGO.fullmatch(text, words[0].start, words[-1].end)
        or words[0].low in _AUXILIARIES  # "were decided by 5-to-4 votes"
        or _FIRST_PERSON.match(words[0].low)  # "I'm old enough to remember"
        or (
            len(words) == 1
            and (
                words[0].low in lexicon().non_names
                or _ADVERB.fullmatch(words[0].low)
                or (words[0].text.islower() and words[0].low.endswith("ly"))  # "softly"
                or words[0].low.endswith("-based")  # "Orlando-based"
            )
        )
    ):
        return None  # "two weeks ago", "Previously", "Inside": no one
    cut = next((k for k, t in enumerate(toks) if t.text in ",(—–" and k > 0), len(toks))
    head = _before_pp(toks[:cut])
    if cut < len(toks) and toks[cut].text == "," and _last_named(head, text) is None:
        # "France's National Front party leader, Marine Le Pen,": the apposed name
        rest = toks[cut + 1 :]
        stop = next((k for k, t in enumerate(rest) if t.text in ",(—–"), len(rest))
        named = _last_named(rest[:stop], text) if stop else None
        if named is not None and named.kind == "person" and rest[0].cap:
            return named
    if head and (not head[0].cap or head[0].low in lexicon().non_names):
        if len(head) > 1 and head[0].low in ("the", "this", "that") and head[1].cap:
            m = parse_np_at_start(text, head[0].start, head[-1].end)
            if m is not None and m.kind != "person":
                return m
        role = role_np(head, text, 0)
        if role is not None:
            return role
        # "master of ceremonies Omar Haddad": a title no lexicon holds, then the name
        named = _last_named(toks[:cut], text)
        if named is not None and named.kind == "person" and named.end == toks[cut - 1].end:
            return named
    best = _last_named(head, text)
    if best is not None:
        return best
    m = parse_subject(text, a, head[-1].end if head else b)
    if m is not None:
        return m
    role = role_np(toks, text, 0)
    if role is not None:
        return role
    phrase = text[words[0].start : words[-1].end]
    if any(w.cap for w in words[1:]) or (words[0].cap and words[0].low not in lexicon().non_names):
        return Mention("organization", phrase, "", phrase, words[0].start, words[-1].end)
    return Mention("anonymous", phrase, phrase, "", words[0].start, words[-1].end)


def _contraction(low: str) -> bool:
    """ "it", "you", "I'm", "don’t", "That’s": a pronoun or a contraction, never a name."""
    first = re.split(r"['’]", low)[0]
    return first in ("i", "you", "it", "me", "us") or (first != low and first in _CONTRACTED)


#: A manner or stance adverb ("Previously", "Reportedly"): no surname ends so.
_ADVERB = re.compile(r"[a-z]{2,}(?:al|ous|ive|ed|ib|ab|ent|ant|ss)ly")

#: Speech verbs written before their speaker ("..., said Lee Epstein").
_INVERTED = frozenset("said says added adds wrote writes argued noted explained".split())
#: Verbs that open a clause, never a source span.
_AUXILIARIES = frozenset(
    "is are was were be been being has have had will would could should must do does did".split()
)
#: A first-person contraction ("I'm", "we're"): the writer, never a source span's speaker.
_FIRST_PERSON = re.compile(r"(?:i|we)['’]")
#: A time phrase the tagger may take for a source ("less than two weeks ago said").
_TIME_AGO = re.compile(
    r"(?i)(?:\w+\s+){1,2}(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\s+ago"
)

_PP = frozenset("in at from of for with on near inside outside across".split())


def _before_pp(head: list) -> list:
    """``Parents in the town of Kessel`` -> ``Parents``; ``Robert Antonacci of the New York
    delegation`` -> ``Robert Antonacci``; ``Secretary of State John Kerry`` is kept whole."""
    lex = lexicon()
    for k in range(1, len(head) - 1):
        t = head[k]
        if t.low in _PP and not t.cap and head[k - 1].low not in lex.title_words:
            nxt = head[k + 1]
            if nxt.low in ("the", "a", "an") or not nxt.cap:
                return head[:k]
    return head


_AFTER_HEAD = frozenset("and or of from at in on for with who which ’s 's".split())


def _last_named(head: list, text: str) -> Mention | None:
    """The last capitalised run of ``head`` naming a person, else the last organisation."""
    person = other = None
    for i, j in runs(head):
        m = person_or_org(head, i, j, text, 0)
        if m is None:
            continue
        if j < len(head) and not head[j].cap and head[j].text[:1].isalpha():
            if head[j - 1].possessive or head[j].low not in _AFTER_HEAD:
                continue  # "Clinton's aides", "Political analysts": a modifier
        if m.kind == "person":
            person = m
        else:
            other = m
    return person or other


def _char_spans(doc: TagDoc, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    if pieces and doc.words[pieces[0][0]].lower() == "that" and pieces[0][1] - pieces[0][0] > 2:
        pieces = [(pieces[0][0] + 1, pieces[0][1]), *pieces[1:]]  # "said that X": the claim is X
    if pieces:
        ta, tb = pieces[-1]
        # "X said the bill would fail, while Y argued...": the conjunction after the comma
        # opens the next clause, it is not part of the claim
        while tb - ta > 2 and doc.words[tb - 1].lower() in _TRAILING and doc.words[tb - 2] == ",":
            tb -= 2
        pieces = [*pieces[:-1], (ta, tb)]
    for ta, tb in pieces:
        a, b = int(doc.starts[ta]), int(doc.ends[tb - 1])
        while a < b and doc.text[a] in _EDGE:
            a += 1
        while b > a and doc.text[b - 1] in _EDGE:
            b -= 1
        if b > a:
            out.append((a, b))
    return out


class _ByStart:
    """Rule statements sorted by start, for overlap look-ups in logarithmic time."""

    def __init__(self, raws: Sequence[Raw]) -> None:
        self.raws = sorted(raws, key=lambda r: r.start)
        self.starts = [r.start for r in self.raws]
        # statements are at most one sentence long: bounded look-back
        self.longest = max((r.end - r.start for r in self.raws), default=0)

    def overlapping(self, a: int, b: int) -> Raw | None:
        """The rule statement that overlaps ``[a, b)`` most (None if none does)."""
        lo = bisect.bisect_left(self.starts, a - self.longest)
        hi = bisect.bisect_left(self.starts, b)
        best, best_ov = None, 0
        for r in self.raws[lo:hi]:
            ov = min(b, r.end) - max(a, r.start)
            if ov > best_ov:
                best, best_ov = r, ov
        return best


def _object_of_according(doc: TagDoc, att: TagAttribution) -> bool:
    """ "..., according to reports from X.": the words after "according to" at the end of a
    sentence are who is cited, not a claim."""
    if att.kind != "according_to" or not att.cue:
        return False
    cue_end, first = att.cue[-1][1], att.content[0][0]
    return 0 <= first - cue_end <= 1 and not doc.sent_first[att.cue[0][0]]


def _to_raw(text: str, doc: TagDoc, att: TagAttribution, rules: _ByStart) -> Raw | None:
    if _object_of_according(doc, att):
        return None
    spans = _char_spans(doc, att.content)
    if not spans or sum(b - a for a, b in spans) < 2:
        return None
    a, b = spans[0][0], spans[-1][1]
    rule = rules.overlapping(a, b)
    speaker = None
    if att.source is not None:
        sa = int(doc.starts[_np_start(doc, att.source[0])])
        sb = int(doc.ends[att.source[1] - 1])
        if att.cue and att.source[1] <= att.cue[0][0] <= att.source[1] + 6:
            # the subject runs up to its verb: "Opposition leader Tomas Berg called"
            gap = doc.words[att.source[1] : att.cue[0][0]]
            if all((w[:1].isalnum() and w[:1].isupper()) or w in (".", "-") for w in gap):
                sb = int(doc.ends[att.cue[0][0] - 1])
        first = text[sa:sb].split(maxsplit=1)[:1]
        if first and first[0].lower() in _RELATIVE:
            # "who" or "who worked for both Clintons for decades": whom the clause is about
            speaker = _subject_before(text, doc, att.source[0], sa)
        else:
            speaker = mention_of_span(text, sa, sb)
        if speaker is not None and att.cue:
            # "Mark Penn, the Democratic pollster, argued": the name the role is apposed to
            s0 = doc.sents[int(doc.sentence[att.source[0]])].start
            speaker = _apposed(text, s0, speaker, int(doc.starts[att.cue[0][0]]))
    alts = _alternatives(text, doc, att, speaker, rule)
    if rule is not None and _same_parenthetical(doc, att, rule):
        # "Voters, Ann Lee suggested, need not worry": the rules read a reporting clause set
        # off by commas; the tagger often takes "Voters, Ann Lee" for the source and drops
        # the claim's first piece
        speaker, spans, a, b = rule.attribution.speaker, list(rule.spans), rule.start, rule.end
    via = None
    if rule is not None and (speaker is None or _same(rule.attribution.speaker, speaker)):
        speaker = speaker or rule.attribution.speaker
        via = rule.attribution.via
    if speaker is None and att.cue:
        speaker = _subject_before(text, doc, att.cue[0][0], int(doc.starts[att.cue[0][0]]))
        x, y = att.cue[0]
        if (speaker is None or speaker.kind != "person") and y - x == 1 and y < doc.n:
            # "..., said Lee Epstein, who teaches ...": the name after an inverted verb
            if doc.words[x].lower() in _INVERTED and doc.words[y][:1].isupper():
                s_end = doc.sents[int(doc.sentence[x])].end
                after = parse_np_at_start(text, int(doc.starts[y]), s_end)
                if after is not None and after.kind == "person":
                    speaker = after
    if speaker is None:
        return None
    cue = [(int(doc.starts[x]), int(doc.ends[y - 1])) for x, y in att.cue]
    raw = Raw(
        a,
        b,
        spans,
        _QUOTE_TYPE.get(att.kind, "reported"),
        Attribution(speaker, via),
        cites=cites_source(text, a, doc.sents[int(doc.sentence[att.content[0][0]])].end),
        sentence=int(doc.sentence[att.content[0][0]]),
    )
    raw.extra = {
        "kind": att.kind,
        "cue_spans": cue,
        "source_span": (speaker.start, speaker.end),
        "alts": alts,
    }
    return raw


def _same_parenthetical(doc: TagDoc, att: TagAttribution, rule: Raw) -> bool:
    """Whether ``rule`` is a parenthetical reading (:func:`parenthetical`) of ``att``'s cue."""
    if not rule.extra.get("parenthetical") or not att.cue:
        return False
    (va, vb), *_ = rule.extra["cue_spans"]
    return any(int(doc.starts[x]) < vb and va < int(doc.ends[y - 1]) for x, y in att.cue)


def _alternatives(
    text: str, doc: TagDoc, att: TagAttribution, tagged: Mention | None, rule: Raw | None
) -> list[tuple[str, Mention]]:
    """Other readings of who speaks, for the speaker linker: the tagger's source span, the
    rules' speaker, the cue's subject and the object of "according to"."""
    out: list[tuple[str, Mention]] = []
    if tagged is not None:
        out.append(("tagsrc", tagged))
    if rule is not None and rule.attribution.speaker is not None:
        out.append(("rule", rule.attribution.speaker))
    if att.cue:
        c = att.cue[0][0]
        subj = _subject_before(text, doc, c, int(doc.starts[c]))
        if subj is not None:
            out.append(("subject", subj))
        if att.kind == "according_to":
            k = att.cue[-1][1]
            j = k
            while (
                j < min(doc.n, k + 10)
                and (doc.words[j] not in ',.;:“”"()' or _abbreviation_stop(doc, j))
                and (not doc.sent_first[j] or j == k)
            ):
                j += 1
            if j > k:
                m = mention_of_span(text, int(doc.starts[k]), int(doc.ends[j - 1]))
                if m is not None and m.kind != "pronoun":
                    out.append(("according", m))
    return out


def _abbreviation_stop(doc: TagDoc, j: int) -> bool:
    """Whether token ``j`` is the full stop of a title or an initial ("Sen.", "Frank G.")."""
    if doc.words[j] != "." or j == 0:
        return False
    w = doc.words[j - 1]
    return w.lower() in ABBREVIATIONS or (len(w) == 1 and w.isupper())


_RELATIVE = frozenset(("who", "which", "that", "whom"))
_DETERMINERS = frozenset(("the", "a", "an"))


def _unnamed(text: str, m: Mention) -> bool:
    """A mention that names no person: a role, an unnamed source, an organisation, a
    "person" that :func:`implausible_person` rejects ("Tennessee Republican") or a
    capitalised word after an article ("the Democratic pollster")."""
    if m.kind in ("anonymous", "role", "organization"):
        return True
    if m.kind != "person":
        return False
    before = text[max(0, m.start - 4) : m.start].lower().split()
    if before and before[-1] in _DETERMINERS:
        return True
    return " " in m.name.strip() and implausible_person(m.name)


def _apposed(text: str, sent_start: int, m: Mention, pos: int) -> Mention:
    """``m``, or the person it is apposed to when ``m`` names no one and is followed by a
    comma or a relative pronoun before ``pos`` (the cue or the relative): "Sen. Bob Corker,
    a Tennessee Republican who ..." is Corker, but in "Clinton, aides said, ..." the aides
    speak."""
    if not _unnamed(text, m) or m.end > pos:
        return m
    relative = text[pos : pos + 6].split()[:1]
    if "," not in text[m.end : pos] and not (relative and relative[0].lower() in _RELATIVE):
        return m
    return apposed_person(text, sent_start, m.start) or m


def apposed_person(text: str, sent_start: int, pos: int) -> Mention | None:
    """The person named right before ``, <the/a> ...`` at ``pos``, when the name opens its
    clause: "Mark Penn, the Democratic pollster", "Sen. Bob Corker, a Tennessee
    Republican", "Evans, the Georgia committeeman". ``None`` otherwise ("Asked about
    Clinton, the senator said" names no one in apposition).

    Examples
    --------
    >>> t = "Mark Penn, the Democratic pollster who worked for both Clintons, argued"
    >>> apposed_person(t, 0, t.index("the Dem")).name
    'Mark Penn'
    >>> t = "Asked about Clinton, the senator said"
    >>> apposed_person(t, 0, t.index("the sen")) is None
    True
    """
    k = pos
    while k > sent_start and text[k - 1] == " ":
        k -= 1
    back = text[max(sent_start, k - 40) : k].split()
    if back and back[-1].lower() in _DETERMINERS:  # pos is the role's head, after "a"
        k = text.rfind(back[-1], sent_start, k)
        while k > sent_start and text[k - 1] == " ":
            k -= 1
    if k <= sent_start or text[k - 1] != ",":
        return None
    end = k - 1
    cs = clause_start(text, sent_start, end)
    m = parse_subject(text, cs, end)
    if m is None or m.kind != "person" or m.end != end or implausible_person(m.name):
        return None
    lead = text[cs : m.start].split()
    if any(w[:1].islower() and w.lower() not in _DETERMINERS for w in lead):
        return None
    return m


#: Added to the confidence of a tagged statement that the rule-based reading finds too, with
#: a speaker mention at the same place.
RULES_AGREE = 0.25


_MODIFIER = re.compile(r"[a-z][a-z-]*")
_NOT_MODIFIERS = (
    _FUNCTION_WORDS
    | _AUXILIARIES
    | frozenset(
        "may might can he she it they we you i his her him them us me than who said says".split()
    )
)
_QUANTIFIERS = frozenset(
    "some many most several few all both these those this its their our his her".split()
)


def _np_start(doc: TagDoc, k: int) -> int:
    """Start of the noun phrase a source span begins inside: its lower-case modifiers
    ("Some advocates for stem [cell research] said" -> "stem"), and the noun whose
    prepositional phrase it is ("Parents in the town of [Kessel] said" -> "Parents")."""
    j = k
    head_word_ok = doc.words[k].lower() not in _NOT_MODIFIERS
    # the tagger often starts a source at its head: "Some advocates for stem [cell
    # research] said" -- take the lower-case modifiers before it
    while (
        head_word_ok
        and j > 0
        and k - j < 4
        and not doc.sent_first[j]
        and _MODIFIER.fullmatch(doc.words[j - 1])
        and not doc.words[j - 1].endswith(("ly", "ed", "ing"))  # "recently", "leaked"
        and doc.words[j - 1] not in _NOT_MODIFIERS
    ):
        j -= 1
    if j < k and j > 0 and doc.words[j - 1].lower() in _QUANTIFIERS:
        j -= 1
    head = j
    while j > 0 and doc.words[j - 1].lower() in ("the", "a", "an"):
        j -= 1
    if j == 0 or doc.words[j - 1].lower() not in _PP or doc.sent_first[j - 1]:
        return head
    lo = j - 1
    while lo > 0 and j - lo < 12 and not doc.sent_first[lo] and doc.words[lo - 1] not in ',;:“”"(':
        lo -= 1
    return lo


def _subject_before(text: str, doc: TagDoc, tok: int, pos: int) -> Mention | None:
    """The subject of the clause that ends at ``pos`` (a cue or a relative pronoun):
    "Romney fired back", "Hillary Clinton, who had ..., opposed", "Obama, who has denounced"."""
    s = doc.sents[int(doc.sentence[tok])]
    end = pos
    while end > s.start and text[end - 1] in " ,":
        end -= 1
    if end <= s.start:
        return None
    m = parse_subject(text, clause_start(text, s.start, end), end)
    if m is None:
        m = sentence_subject(text, s.start, end)
    if m is not None and m.kind == "pronoun" and m.gender == "p":
        return None
    return _apposed(text, s.start, m, pos) if m is not None else None


def _same(x: Mention | None, y: Mention) -> bool:
    return x is not None and x.start < y.end and y.start < x.end


def confidence(
    doc: TagDoc,
    em: np.ndarray,
    spans: list[tuple[int, int]],
    scale: float = 1.0,
    columns: tuple[int, int] = (5, 6),
) -> float:
    """Mean over the statement's tokens of (best content score - outside score), divided by
    the model's mean absolute margin on its training tokens (``scale``); ``columns`` are the
    B and I labels scored (content by default, (3, 4) for a cue)."""
    toks = [
        i
        for a, b in spans
        for i in range(
            int(np.searchsorted(doc.ends, a, side="right")),
            int(np.searchsorted(doc.starts, b, side="left")),
        )
    ]
    if not toks:
        return float("-inf")
    sub = em[toks]
    best = np.maximum(sub[:, columns[0]], sub[:, columns[1]])
    return float((best - sub[:, 0]).mean() / scale)


def tagged_statements(
    text: str, doc: TagDoc, tagger: TaggerModel, rules: Sequence[Raw]
) -> list[Raw]:
    """Statements read by the tagger (which sees the rules' reading as features), plus the
    rules' statements it did not cover; each with ``extra["confidence"]``."""
    labels, em = tagger.tag(doc, rule_codes(doc, rules))
    scale = float(tagger.meta.get("margin_scale", 1.0))
    out = []
    index = _ByStart(rules)
    for att in link(doc, labels):
        raw = _to_raw(text, doc, att, index)
        if raw is not None:
            # confidence on the words the tagger itself marked as content
            if att.derived:
                # no content was tagged: how sure the tagger is of the cue
                cue = [(int(doc.starts[a]), int(doc.ends[b - 1])) for a, b in att.cue]
                conf = confidence(doc, em, cue, scale, columns=(3, 4))
            else:
                tagged = [(int(doc.starts[a]), int(doc.ends[b - 1])) for a, b in att.tagged]
                conf = confidence(doc, em, tagged, scale)
            rule = index.overlapping(raw.start, raw.end)
            if rule is not None and raw.attribution.speaker is not None:
                if _same(rule.attribution.speaker, raw.attribution.speaker):
                    conf += RULES_AGREE  # the rules read the same claim by the same speaker
            raw.extra["confidence"] = conf
            out.append(raw)
    out = combine(out, list(rules))
    for raw in out:
        if "confidence" not in raw.extra:
            raw.extra["confidence"] = confidence(doc, em, raw.spans, scale)
    return out


def rule_kind(raw: Raw) -> str:
    return {"direct": "direct", "according_to": "according_to"}.get(raw.quote_type, "indirect")


def combine(learned: list[Raw], rules: list[Raw]) -> list[Raw]:
    """The tagger's statements, plus the rules' statements it did not cover."""
    out = list(learned)
    spans = sorted((r.start, r.end) for r in learned)
    starts = [a for a, _ in spans]
    longest = max((b - a for a, b in spans), default=0)
    for r in rules:
        lo = bisect.bisect_left(starts, r.start - longest)
        hi = bisect.bisect_left(starts, r.end)
        if not any(min(r.end, b) - max(r.start, a) > 0 for a, b in spans[lo:hi]):
            r.extra = {"kind": rule_kind(r), "cue_spans": [], "source_span": None}
            out.append(r)
    return out
