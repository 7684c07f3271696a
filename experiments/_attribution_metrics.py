"""Matching and scoring of predicted attributions against PolNeAR gold spans.

* **lenient**: a predicted span matches a gold one when their overlap (in characters, over
  all pieces) is at least half of the shorter of the two; pairs are matched one-to-one,
  largest overlap first.
* **exact**: the same set of word tokens (punctuation and quote marks ignored, so that a
  trimmed full stop or quote mark does not count as an error).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache

from credscore.ingest._text import segment

Span = tuple[int, int]
_WORD_RE = re.compile(r"\w+")
_PRONOUNS = frozenset("he she they we i you it him her his them us".split())
_GENDERED = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
_PLURAL = frozenset("they we them us".split())


@dataclass
class Pred:
    """One predicted attribution."""

    content: list[Span]
    cue: list[Span] = field(default_factory=list)
    source: Span | None = None
    kind: str = "other"
    speaker: str = ""
    speaker_type: str = ""
    confidence: float = float("inf")


@dataclass
class Gold:
    """One gold attribution, with its kind and cue class computed from the spans."""

    content: list[Span]
    cue: list[Span]
    source: list[Span]
    kind: str
    speech_cue: bool
    antecedent: str = ""
    #: the antecedent under the older "source" rule, kept for side-by-side figures
    antecedent_source: str = ""


def length(spans: list[Span]) -> int:
    return sum(b - a for a, b in spans)


def overlap(x: list[Span], y: list[Span]) -> int:
    return sum(max(0, min(b, d) - max(a, c)) for a, b in x for c, d in y)


def words(text: str, spans: list[Span]) -> frozenset[tuple[int, int]]:
    out = set()
    for a, b in spans:
        for m in _WORD_RE.finditer(text, a, b):
            out.add((m.start(), m.end()))
    return frozenset(out)


def match(pred: list[list[Span]], gold: list[list[Span]]) -> dict[int, int]:
    """Lenient one-to-one matching: predicted index -> gold index."""
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            ov = overlap(p, g)
            if ov > 0 and ov >= 0.5 * min(length(p), length(g)):
                pairs.append((ov, -i, -j))
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = {}
    for _, i, j in sorted(pairs, reverse=True):
        if -i not in used_p and -j not in used_g:
            used_p.add(-i)
            used_g.add(-j)
            out[-i] = -j
    return out


def exact_matches(text: str, pred: list[list[Span]], gold: list[list[Span]]) -> int:
    p = Counter(words(text, s) for s in pred if words(text, s))
    g = Counter(words(text, s) for s in gold if words(text, s))
    return sum((p & g).values())


class Tally:
    """Counts of true positives on the predicted and the gold side, and totals."""

    def __init__(self) -> None:
        self.c: Counter[str] = Counter()

    def add(self, key: str, tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> None:
        self.c[key + ".tp_p"] += tp_pred
        self.c[key + ".n_p"] += n_pred
        self.c[key + ".tp_g"] += tp_gold
        self.c[key + ".n_g"] += n_gold

    def prf(self, key: str) -> dict[str, float | int | None]:
        tp_p, n_p = self.c[key + ".tp_p"], self.c[key + ".n_p"]
        tp_g, n_g = self.c[key + ".tp_g"], self.c[key + ".n_g"]
        p = tp_p / n_p if n_p else None
        r = tp_g / n_g if n_g else None
        f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        return {"precision": p, "recall": r, "f1": f, "n_pred": n_p, "n_gold": n_g}

    def keys(self) -> list[str]:
        return sorted({k.rsplit(".", 1)[0] for k in self.c})


def _name_words(s: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_][\w\-]*", re.sub(r"['’]s\b", "", s))}


def gold_head(text: str, spans: list[Span]) -> str:
    """The last capitalised word of a gold source before any apposition or parenthesis
    ("Sen. Elizabeth Warren (D-Mass.)" -> "warren"; "Ann Lee, head of X," -> "lee")."""
    s = " ".join(text[a:b] for a, b in spans)
    s = re.split(r"[,(—–]| - ", s, maxsplit=1)[0]
    caps = [w for w in re.findall(r"[^\W\d_][\w\-]*", re.sub(r"['’]s\b", "", s)) if w[:1].isupper()]
    caps = [w for w in caps if w.lower() not in _PRONOUNS and w.lower() not in ("the", "a", "an")]
    return caps[-1].lower() if caps else ""


_NAME_RE = re.compile(r"(?:[A-Z][\w\-’']*\.?\s+){0,3}[A-Z][\w\-]+")
_NOT_NAMES = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december republican republicans democrat
    democrats democratic gop the a an""".split()
)


#: Demonyms and group words that a gold source may hold capitalised ("Americans", "Latino
#: voters"): never one person.
_GROUP_WORDS = frozenset(
    """american americans latino latinos latina latinas hispanic hispanics russian russians
    chinese english british french german germans mexican mexicans african africans asian
    asians european europeans cuban cubans jewish muslim muslims christian christians
    catholic catholics evangelical evangelicals iraqi iraqis iranian iranians syrian syrians
    israeli israelis palestinian palestinians turkish ukrainian ukrainians japanese korean
    koreans canadian canadians indian indians arab arabs kurdish kurds black white""".split()
)
_HONORIFIC_RE = re.compile(
    r"\b(?:mr|mrs|ms|dr|sen|rep|gov|gen|sec|pres|president|senator|governor|secretary|"
    r"judge|justice|mayor|speaker|chairman|chairwoman)\b\.?\s+[A-Z]",
    re.IGNORECASE,
)


@cache
def _places() -> frozenset[str]:
    """Lower-case place names and their last words ("new york", "york")."""
    from credscore.ingest._lexicon import lexicon

    out: set[str] = set()
    for name in lexicon().collective_names:
        out.add(name.lower())
        out.add(name.split()[-1].lower())
    return frozenset(out)


@cache
def _org_words() -> frozenset[str]:
    """Head words of organisations, outlets and polls ("Project", "Times", "Institute"), and
    the function words a sentence may start with ("Some", "But")."""
    from credscore.ingest._lexicon import lexicon

    extra = """project institute center centre partnership press watch times post globe journal
    group foundation association network news poll survey fund coalition alliance council
    campaign committee party people allies""".split()
    return frozenset(lexicon().organization_nouns) | lexicon().non_names | frozenset(extra)


def _common_word(text: str, word: str) -> bool:
    """Whether ``word`` also appears in lower case in ``text`` (a common noun or function
    word written with a capital at a sentence start: "But", "Street", "Party")."""
    return re.search(r"(?<![\w.])" + re.escape(word.lower()) + r"(?!\w)", text) is not None


def _person_head(text: str, spans: list[Span]) -> tuple[str, str]:
    """(surname, gender) of a gold source that names one person, else ("", "").

    A lone capitalised word names a person only if it is no place, demonym or group word
    and does not also appear in lower case in the article ("Florida", "Americans", "But",
    "Street" are not people); a given name or an honorific before it ("Jeb Bush", "Mr.
    King") makes it a person regardless."""
    from credscore.ingest._speakers_registry import given_name_gender

    s = re.split(r"[,(—–]| - ", " ".join(text[a:b] for a, b in spans), maxsplit=1)[0]
    names = _NAME_RE.findall(s)
    if not names:
        return "", ""
    name = re.sub(r"['’]s$", "", names[-1].strip())
    parts = [w.rstrip(".") for w in name.split()]
    head = parts[-1].lower()
    if head in _NOT_NAMES or parts[-1].isupper():
        return "", ""
    gender = ""
    for k in range(len(parts) - 1):
        gender = given_name_gender(" ".join(parts[k:])) or gender
        if gender:
            break
    low = s.lower().split()
    if any(w in ("mr", "mr.", "sen.", "rep.") for w in low[:1]) and not gender:
        gender = "m" if low[0].startswith("mr") else ""
    if any(w in ("ms", "ms.", "mrs", "mrs.") for w in low[:1]):
        gender = "f"
    # a given name or an honorific just before the head vouches for a person
    first = len(names) == 1 and bool(re.match(r"(?:mr|ms|mrs)\b", low[0] if low else ""))
    vouched = (
        (len(parts) >= 2 and bool(given_name_gender(" ".join(parts[-2:]))))
        or _HONORIFIC_RE.search(" ".join(parts[-3:])) is not None
        or first
    )
    if head in _org_words() or head.split("-")[-1] in _GROUP_WORDS:
        return "", ""
    if not vouched and (
        head in _places() or " ".join(parts[-2:]).lower() in _places() or _common_word(text, head)
    ):
        return "", ""
    return head, gender


_FULL_NAME_RE = re.compile(r"\b([A-Z][a-z]+)\s+(?:[A-Z]\.\s+)?([A-Z][\w\-]+)")
_MR_RE = re.compile(r"\b(Mr|Mrs|Ms)\.?\s+([A-Z][\w\-]+)")


def article_genders(text: str) -> dict[str, str]:
    """Surname -> gender from the whole article: "<given name> <surname>" (given-name list)
    and "Mr./Mrs./Ms. <surname>"; a surname seen with both genders maps to ""."""
    from credscore.ingest._speakers_registry import given_name_gender

    seen: dict[str, set[str]] = {}
    for m in _FULL_NAME_RE.finditer(text):
        g = given_name_gender(f"{m.group(1)} {m.group(2)}")
        if g:
            seen.setdefault(m.group(2).lower(), set()).add(g)
    for m in _MR_RE.finditer(text):
        seen.setdefault(m.group(2).lower(), set()).add("m" if m.group(1) == "Mr" else "f")
    return {k: next(iter(v)) if len(v) == 1 else "" for k, v in seen.items()}


#: A maximal run of capitalised words ("Senate Majority Leader Mitch McConnell", "Ms. Gil").
_NAME_WORD = r"(?:[\w\-]|['’](?!s\b)(?=\w))"
_RUN_RE = re.compile(rf"(?:[A-Z]{_NAME_WORD}*\.?\s+)*[A-Z]{_NAME_WORD}+")


_SAME_GENDER = {
    "m": re.compile(r"\bhe\b", re.IGNORECASE),
    "f": re.compile(r"\bshe\b", re.IGNORECASE),
}


def _run_gender(words: list[str], head: str, genders: dict[str, str]) -> str:
    from credscore.ingest._speakers_registry import given_name_gender

    for w in words[:-1]:
        low = w.lower().rstrip(".")
        if low in ("mr", "mrs", "ms"):
            return "m" if low == "mr" else "f"
    # the given name right before the surname, or before a middle initial ("Michelle F.
    # Tanzer"), never an earlier word ("George Washington University's Program")
    for j in (len(words) - 2, len(words) - 3):
        if j < 0 or (j == len(words) - 3 and not re.fullmatch(r"[A-Z]\.", words[-2])):
            continue
        g = given_name_gender(f"{words[j]} {words[-1]}")
        if g:
            return g
    return genders.get(head, "")


#: Words before a name that make it no subject: an article ("the Trump release") or a
#: preposition other than an agent's "by" ("Of Sanders, McCaskill said", "speeches for Cruz").
_NOT_SUBJECT_BEFORE = re.compile(
    r"\b(?:the|a|an|of|for|against|with|to|about|at|from|on|in|over|behind|toward|"
    r"towards|like|than|between|among)\s+$",
    re.IGNORECASE,
)
_ARTICLE_RE = re.compile(r"(?:The|A|An)\s+")


def _subject_mention(
    text: str,
    sents: list,
    k: int,
    pos: int,
    want: str,
    genders: dict[str, str],
    skip: list[Span] | tuple[Span, ...] = (),
) -> str:
    """The first person named in sentence ``k`` before ``pos`` whose gender is known and is
    ``want``: outside quotation marks and the ``skip`` spans (the attribution's own
    content: in "Trump isn't a conservative, he said" he is not Trump), not a possessive
    ("Trump's proposal"), not after an article or a preposition ("the Trump release", "for
    Cruz") and not after a subject pronoun of that gender; "" when there is none."""
    s = sents[k]
    quoted = [(q.open_at, q.close_at if q.closed else q.end) for q in s.quotes]
    quoted += list(skip)
    same = _SAME_GENDER[want]
    first_pronoun = min(
        (
            m.start()
            for m in same.finditer(text, s.start, min(pos, s.end))
            if not any(qa <= m.start() < qb for qa, qb in quoted)
        ),
        default=pos,
    )
    # "He avoided criticism of Trump until ..., when he": a pronoun of the same gender before
    # any name is the sentence's subject, and the names after it are not
    for m in _RUN_RE.finditer(text, s.start, min(first_pronoun, s.end)):
        a, b = m.span()
        art = _ARTICLE_RE.match(m.group())
        if art:
            continue  # "The Murdoch outlets"
        if any(qa <= a < qb for qa, qb in quoted) or text[b : b + 2] in ("'s", "’s"):
            continue
        if _NOT_SUBJECT_BEFORE.search(text, max(s.start, a - 12), a):
            continue
        head, _ = _person_head(text, [(a, b)])
        if head and _run_gender(m.group().split(), head, genders) == want:
            return head
    return ""


def antecedents(text: str, golds: list[Gold], rule: str = "subject") -> None:
    """Resolve each gold he/she/him/his/her source to the person it refers to; a pair whose
    antecedent cannot be found is not judged.

    ``rule="source"`` (the rule before 2026-12): the nearest earlier gold source naming a
    person whose gender does not contradict the pronoun's, within 2,000 characters.

    ``rule="subject"`` (default) looks at the people the text names near the pronoun: a
    *subject mention* of a sentence is the first person it names before the pronoun, outside
    quotation marks, not possessive ("Trump's proposal"), not after an article ("the Trump
    release"), whose gender is known (a given name, Mr/Ms, or the article) and is the
    pronoun's. In order: the subject mention of the pronoun's own sentence ("Mr. Ryan is
    shaping an agenda that he plans"); else the ``"source"`` rule's antecedent if that gold
    source is in this or the previous sentence ("..., Kunin said. 'His demeanor is grumpy,'
    she said"); else the previous sentence's subject mention ("Ms. Gil gazed out. 'I'll put
    it this way,' she said"); else the ``"source"`` rule."""
    named: list[tuple[int, str, str]] = []
    genders = article_genders(text)
    sents = segment(text) if rule == "subject" else []
    starts = [x.start for x in sents]
    for g in sorted(golds, key=lambda x: x.source[0][0] if x.source else -1):
        if not g.source:
            continue
        src = " ".join(text[a:b] for a, b in g.source).strip().lower()
        pos = g.source[0][0]
        if src in ("who", "which", "that"):
            head, _ = _person_head(text, [(max(0, pos - 150), pos)])
            before = re.split(r"[.;:!?\n]", text[max(0, pos - 150) : pos])[-1]
            if head and head in before.lower():
                g.antecedent = head
            continue
        if src in _GENDERED:
            want = _GENDERED[src]
            near, near_pos = "", -1
            for p, head, gender in reversed(named):
                if pos - p > 2000:
                    break
                if gender in ("", want):
                    near, near_pos = head, p
                    break
            g.antecedent = g.antecedent_source = near
            if not sents:
                continue
            k = bisect.bisect_right(starts, pos) - 1
            if k < 0:
                continue
            own = _subject_mention(text, sents, k, pos, want, genders, g.content)
            if own:
                g.antecedent = own
            elif not (near and near_pos >= sents[max(0, k - 1)].start) and k >= 1:
                prev = _subject_mention(text, sents, k - 1, pos, want, genders, g.content)
                g.antecedent = prev or near
            continue
        head, gender = _person_head(text, g.source)
        if head:
            named.append((pos, head, gender or genders.get(head, "")))


#: Words of a source that name nothing by themselves.
_FILLER = frozenset(
    """the a an of for in on at by to from with and or s new one some many most other
    former senior top two three released friday monday tuesday wednesday thursday saturday
    sunday""".split()
)


#: Head nouns of a source that is a document or a count: its author speaks through it.
_ARTIFACTS = frozenset(
    """poll polls survey surveys report reports study studies analysis data statement memo
    letter email emails release figures estimates estimate records documents filing ad ads
    video footage book article editorial story tweet tweets post website account review
    audit investigation assessment forecast projections count tally results""".split()
)
_PP_WORDS = frozenset(
    """of for in at on with from to about into over under that who which whose where when
    before after during since than by""".split()
)
_WORD_SPAN_RE = re.compile(r"[^\W\d_][\w\-’']*|\S")


def _first_break(toks: list[tuple[int, str]]) -> int:
    return next((i for i, (_, w) in enumerate(toks) if w in ",(—–"), len(toks))


def _core(text: str, spans: list[Span]) -> tuple[Span, set[str]]:
    """The head noun phrase of a gold source, up to its first preposition, relative or
    apposition ("a spokesman for Mayor Jackson", "The little polling that was done ..."),
    plus the agent after "by" ("data released Friday by state gaming regulators"): its
    character span and its content words."""
    a, b = spans[0][0], spans[-1][1]
    toks = [(m.start() + a, m.group()) for m in _WORD_SPAN_RE.finditer(text[a:b])]
    words: set[str] = set()
    end, k = b, 0
    while k < len(toks) and toks[k][1] not in _PP_WORDS and toks[k][1] not in ",(—–":
        k += 1
    if k < len(toks):
        end = toks[k][0]
    head = toks[:k]
    agent = [i for i, (_, w) in enumerate(toks[: _first_break(toks)]) if w == "by"]
    if agent:
        j = agent[0] + 1
        while j < len(toks) and toks[j][1] not in _PP_WORDS and toks[j][1] not in ",(—–":
            head.append(toks[j])
            j += 1
    for _, w in head:
        w = re.sub(r"['’]s$", "", w).lower()
        if w not in _FILLER and len(w) > 2:
            words.add(w)
    return (a, end), words


def _holder_named(text: str, spans: list[Span], surname: str) -> bool:
    """Whether a gold source is a role ("the White House press secretary", "Clinton's
    opponent", "The French interior minister": a head noun in lower case) followed by an
    apposition that names its holder with ``surname`` ("..., Josh Earnest,")."""
    (a, b), _ = _core(text, spans)
    head = re.findall(r"[^\W\d_][\w\-]*", text[a:b])
    if not head or not head[-1][:1].islower():
        return False
    s = " ".join(text[x:y] for x, y in spans)
    parts = re.split(r"[,(—–]| - ", s, maxsplit=1)
    return len(parts) == 2 and surname in _name_words(parts[1])


def _names_a_person(text: str, spans: list[Span]) -> bool:
    """Whether a gold source names a person in its head noun phrase (:func:`_core`):
    "Sen. Ted Cruz (Tex.)" does, "Authorities in North-Rhine Westphalia" and "Patient
    advocacy groups" do not."""
    head, _ = _person_head(text, spans)
    if not head:
        return False
    (a, b), _ = _core(text, spans)
    return head in _name_words(text[a:b])


_CUE_FIRST = re.compile(r"(?i:said|says|say|told|tells|added|wrote|according to)\b")


def swapped(text: str, g: Gold) -> bool:
    """Whether an annotator swapped the source and cue spans: a "source" that is a speech
    verb ("said in an interview in her office", "According to") beside a "cue" that is a
    name ("Hassan", "Woodward"). The speaker is then judged against the cue span."""
    src = " ".join(text[a:b] for a, b in g.source).strip()
    cue = " ".join(text[a:b] for a, b in g.cue).strip()
    return (
        bool(src)
        and _CUE_FIRST.match(src) is not None
        and bool(cue)
        and cue[:1].isupper()
        and _CUE_FIRST.match(cue) is None
    )


def speaker_right(text: str, p: Pred, g: Gold, rule: str = "core") -> bool | None:
    """Whether the predicted speaker is the gold one (None: cannot be judged).

    A named gold source is judged by its last capitalised word (:func:`gold_head`), or by
    the surname of a person in its apposition. Under ``rule="core"`` (default), when that
    fails and the source names no person (:func:`_person_head`: "data released Friday by
    state gaming regulators", "a report in the Des Moines Register"), the prediction is
    still right if its source span overlaps the source's core (before any apposition) or
    its name shares a content word with that core; and a source without a capitalised word
    ("the president", "campaign finance records") needs a shared word or an overlapping
    source span. ``rule="head"`` (the measure before 2026-12) judged the first case by the
    last capitalised word alone ("friday"), counted every unnamed prediction right in the
    second ("hours" for "a senior adviser"), and judges he/she sources by the antecedent of
    :func:`antecedents`' ``"source"`` rule (``g.antecedent_source``)."""
    if swapped(text, g):
        g = replace(g, source=g.cue, cue=g.source)
    gsrc = " ".join(text[a:b] for a, b in g.source).strip()
    low = gsrc.lower()
    pw = _name_words(p.speaker)
    if low in ("who", "which", "that"):
        return (g.antecedent in pw) if g.antecedent else None
    if low in _PRONOUNS:
        if low in _PLURAL:
            return None if p.source is None else overlap([p.source], g.source) > 0
        ante = g.antecedent_source if rule == "head" and low in _GENDERED else g.antecedent
        return (ante in pw) if ante else None
    head = gold_head(text, g.source)
    if head:
        if head in pw:
            return True
        # "Clinton's opponent, Vermont Sen. Bernie Sanders": the named person in the
        # apposition, unless the source is a role of someone else ("a spokesman for X")
        surname = p.speaker.split()[-1].lower() if p.speaker.split() else ""
        role_of = re.match(r"(?:an?|the|one|some)\s+[a-z]", low) is not None
        if p.speaker_type == "person" and not role_of and surname in _name_words(gsrc):
            return True
        if p.speaker_type == "person" and surname and _holder_named(text, g.source, surname):
            return True
        if rule == "head" or _names_a_person(text, g.source):
            return False
        # a source that names no person, whose last capitalised word is no head: "data
        # released Friday by state gaming regulators", "a report in the Des Moines Register"
        span, words = _core(text, g.source)
        named = {w for w in pw if w not in _FILLER}
        if p.speaker_type == "person":
            # "The Holocaust Memorial Museum in Washington" (a person by its type): the whole
            # name; "A Times/CBS News poll": the author of a poll or report; but "a Trump
            # supporter" is not Donald Trump
            head_noun = (
                _name_words(text[span[0] : span[1]].split()[-1]) if span[1] > span[0] else set()
            )
            return bool(named) and (
                named <= words or bool(head_noun & _ARTIFACTS and named & words)
            )
        if p.source is not None and overlap([p.source], [span]):
            return True
        return bool(words & named)
    if p.speaker_type == "anonymous" and rule == "head":
        return True
    return bool(_name_words(gsrc) & pw) or (
        p.source is not None and overlap([p.source], g.source) > 0
    )


def choose_threshold(
    scored: list[tuple[float, bool]], n_gold: int, min_precision: float
) -> tuple[float, float, float]:
    """The confidence threshold with the best F1 among those whose precision is at least
    ``min_precision`` (else the most precise), from (confidence, matched) pairs.

    Returns (threshold, precision, recall) on the given pairs."""
    pairs = sorted(scored, key=lambda x: -x[0])
    best = (float("-inf"), 0.0, 0.0, -1.0)
    fallback = (float("-inf"), 0.0, 0.0)
    tp = 0
    for k, (conf, ok) in enumerate(pairs, start=1):
        tp += ok
        if k < len(pairs) and pairs[k][0] == conf:
            continue
        p, r = tp / k, tp / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        if p >= min_precision and f > best[3]:
            best = (conf, p, r, f)
        if p > fallback[1]:
            fallback = (conf, p, r)
    return best[:3] if best[3] >= 0 else fallback
