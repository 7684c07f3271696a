"""From tagged tokens to attributions: spans, cue-centred linking and the attribution kind.

Every content span joins its nearest cue (same sentence first, then the paragraph); every
source span its nearest cue in the same sentence. A cue with content is one attribution; its
source is the nearest source span linked to it (or none).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np

from credscore.exceptions import LexiconError
from credscore.ingest._tagdoc import CLOSE_MARK, IN_STANDALONE, OPEN_MARK, TagDoc

__all__ = ["ASSERTION_KINDS", "KINDS", "TagAttribution", "attribution_kind", "link", "spans_of"]

#: Every attribution kind, and the ones scored by default (assertions).
KINDS = ("direct", "indirect", "according_to", "belief", "other")
ASSERTION_KINDS = ("direct", "indirect", "according_to")

TokSpan = tuple[int, int]


@dataclass
class TagAttribution:
    """Token ranges ``[a, b)`` of one attribution's cue pieces, content pieces and source."""

    cue: list[TokSpan]
    content: list[TokSpan]
    source: TokSpan | None = None
    kind: str = "other"
    tagged: list[TokSpan] = field(default_factory=list)
    #: True when the content was not tagged but read off the clause an "according to"
    #: cue ends (:func:`_according_claim`)
    derived: bool = False

    def __post_init__(self) -> None:
        if not self.tagged:
            self.tagged = list(self.content)


@cache
def cue_lexicon() -> dict[str, frozenset[str]]:
    """Cue word forms by kind, from ``data/cues.json`` (lower-case).

    Examples
    --------
    >>> "said" in cue_lexicon()["speech"], "believes" in cue_lexicon()["belief"]
    (True, True)
    """
    path = "data/cues.json"
    try:
        raw = json.loads(resources.files("credscore.ingest").joinpath(path).read_text("utf-8"))
        return {k: frozenset(w.lower() for w in raw[k]) for k in ("speech", "belief", "other")}
    except (KeyError, TypeError, ValueError) as exc:
        raise LexiconError(
            f"credscore/ingest/{path}: needs lists 'speech', 'belief' and 'other' of word "
            f"forms ({exc}); reinstall credscore or fix the file"
        ) from exc


def spans_of(labels: np.ndarray) -> list[tuple[str, int, int]]:
    """``(role, a, b)`` token ranges of a BIO label sequence (see ``_tagger.LABELS``).

    Examples
    --------
    >>> spans_of(np.array([1, 2, 3, 5, 6, 6, 0]))
    [('source', 0, 2), ('cue', 2, 3), ('content', 3, 6)]
    """
    roles = {1: "source", 3: "cue", 5: "content"}
    out: list[tuple[str, int, int]] = []
    i, n = 0, len(labels)
    lab = labels.tolist()
    while i < n:
        b = lab[i]
        if b in roles:
            j = i + 1
            while j < n and lab[j] == b + 1:
                j += 1
            out.append((roles[b], i, j))
            i = j
        else:
            i += 1
    return out


def _gap(x: TokSpan, y: TokSpan) -> int:
    return max(y[0] - x[1], x[0] - y[1], 0)


def _nearest(span: TokSpan, cues: list[TokSpan], sent: np.ndarray, same: bool) -> int:
    best, best_d = -1, 10**9
    for k, c in enumerate(cues):
        if same and sent[c[0]] != sent[span[0]] and sent[c[0]] != sent[span[1] - 1]:
            continue
        d = _gap(span, c)
        if d < best_d:
            best, best_d = k, d
    return best


def _group_by_unit(doc: TagDoc, spans: list[tuple[str, int, int]]) -> list[list]:
    starts = np.array([a for a, _ in doc.units])
    groups: list[list] = [[] for _ in doc.units]
    for role, a, b in spans:
        u = int(np.searchsorted(starts, a, side="right")) - 1
        groups[u].append((role, a, b))
    return groups


def link(doc: TagDoc, labels: np.ndarray) -> list[TagAttribution]:
    """Attributions of a tagged article, in text order of their first content token."""
    out: list[TagAttribution] = []
    for group in _group_by_unit(doc, spans_of(labels)):
        cues = [(a, b) for r, a, b in group if r == "cue"]
        if not cues:
            continue
        atts = [TagAttribution([c], []) for c in cues]
        for role, a, b in group:
            if role == "cue":
                continue
            k = _nearest((a, b), cues, doc.sentence, same=True)
            if k < 0 and role == "content":
                k = _nearest((a, b), cues, doc.sentence, same=False)
            if k < 0 or (role == "source" and not _has_word(doc, a, b)):
                continue
            if role == "content":
                atts[k].content.append((a, b))
            else:
                old = atts[k].source
                if old is None or _closer((a, b), old, cues[k]):
                    atts[k].source = (a, b)
        _merge_bare_cues(doc, atts)
        _share_subjects(doc, atts)
        for att in atts:
            att.tagged = list(att.content)
            _according_claim(doc, att)
            _reach_comma(doc, att)
            out.extend(_by_sentence(doc, att))
    for att in out:
        att.kind = attribution_kind(doc, att)
    out.sort(key=lambda t: t.content[0][0])
    return out


def _has_word(doc: TagDoc, a: int, b: int) -> bool:
    """Whether tokens ``[a, b)`` hold a word ("’s" or a comma alone names no source)."""
    return any(doc.words[i][:1].isalnum() for i in range(a, b))


#: Words between a claim and a trailing "according to": "That's according to X".
_BEFORE_ACCORDING = frozenset(",  ’s 's is was are were".split())


def _is_according(doc: TagDoc, cue: TokSpan) -> bool:
    return [w.lower() for w in doc.words[cue[0] : cue[1]]] == ["according", "to"]


def _own_according(doc: TagDoc, att: TagAttribution, other: TagAttribution) -> bool:
    """Whether a bare "according to" cue has a source of its own, not ``other``'s."""
    return (
        att.source is not None
        and other.source is not None
        and att.source != other.source
        and _is_according(doc, att.cue[0])
    )


def _according_claim(doc: TagDoc, att: TagAttribution) -> None:
    """ "Romney has said otherwise, according to Scott Brown." / "That's according to a
    poll.": an "according to" cue with a source after it but no tagged content cites that
    source for the clause before it (the sentence up to the cue, a nested report included)."""
    if att.content or att.source is None or len(att.cue) != 1:
        return
    a, b = att.cue[0]
    if not _is_according(doc, att.cue[0]) or att.source[0] < b:
        return
    s0 = a
    while s0 > 0 and not doc.sent_first[s0]:
        s0 -= 1
    e = a
    while e > s0 and doc.words[e - 1].lower() in _BEFORE_ACCORDING:
        e -= 1
    if e > s0 and _has_word(doc, s0, e):
        att.content = [(s0, e)]
        att.derived = True


def _closer(new: TokSpan, old: TokSpan, cue: TokSpan) -> bool:
    """Whether ``new`` is a better source of ``cue`` than ``old``: nearer, or as near and on
    the left ("Axelrod told CNN": Axelrod, not CNN)."""
    dn, do = _gap(new, cue), _gap(old, cue)
    return dn < do or (dn == do and new[0] < old[0])


def _reach_comma(doc: TagDoc, att: TagAttribution) -> None:
    """ "Prices would fall next [year], Clara Holm warned": a content that stops one or two
    words short of the comma before its trailing source or cue runs to that comma."""
    if not att.content or not att.cue:
        return
    a, b = att.content[-1]
    after = att.source[0] if att.source is not None and att.source[0] >= b else att.cue[0][0]
    if after < b:
        return
    k = b
    while k < min(b + 3, after) and doc.words[k][:1].isalnum():
        k += 1
    if k > b and k < after and doc.words[k] == "," and k + 1 == after:
        att.content[-1] = (a, k)


def _share_subjects(doc: TagDoc, atts: list[TagAttribution]) -> None:
    """A cue without a source after another cue of the same sentence shares its source:
    "X called the figures fiction and said that ..." (coordinated verbs, one subject)."""
    for prev, att in itertools.pairwise(atts):
        if att.source is None and att.cue and prev.source is not None and prev.cue:
            same = doc.sentence[prev.cue[0][0]] == doc.sentence[att.cue[0][0]]
            if same and prev.source[1] <= prev.cue[0][0] < att.cue[0][0]:
                att.source = prev.source


def _by_sentence(doc: TagDoc, att: TagAttribution) -> list[TagAttribution]:
    """One attribution per sentence of its content: ``"A," he said, "B."`` stays one, a
    quote in the next sentence by the same speaker is its own statement."""
    if not att.content:
        return []
    groups: dict[int, list[TokSpan]] = {}
    for piece in sorted(att.content):
        groups.setdefault(int(doc.sentence[piece[0]]), []).append(piece)
    if len(groups) == 1:
        return [att]
    return [
        TagAttribution(
            att.cue,
            pieces,
            att.source,
            tagged=[
                p
                for p in att.tagged
                if p[0] in {q[0] for q in pieces} or any(q[0] <= p[0] < q[1] for q in pieces)
            ],
        )
        for pieces in groups.values()
    ]


def _merge_bare_cues(doc: TagDoc, atts: list[TagAttribution]) -> None:
    """A cue piece without content next to a cue with content ("said ... in a statement")
    joins it; so does its source."""
    for k, att in enumerate(atts):
        if att.content:
            continue
        for other in (atts[k - 1] if k else None, atts[k + 1] if k + 1 < len(atts) else None):
            if other is None or not other.content or _gap(att.cue[0], other.cue[0]) > 4:
                continue
            # "X has said Y, according to Z": a cue with a source of its own is Z's report
            if not _own_according(doc, att, other):
                other.cue = sorted(other.cue + att.cue)
                if other.source is None:
                    other.source = att.source
                att.cue = []
                break


def attribution_kind(doc: TagDoc, att: TagAttribution) -> str:
    """``direct`` (content mostly inside a clause-opening quote), ``according_to``,
    ``indirect`` (a speech or report verb), ``belief`` (belief or intention) or ``other``."""
    inside = total = 0
    for a, b in att.content:
        q = doc.inq[a:b]
        total += b - a
        inside += int(((q == IN_STANDALONE) | (q == OPEN_MARK) | (q == CLOSE_MARK)).sum())
    if total and inside >= 0.5 * total:
        return "direct"
    kind = cue_kind(" ".join(doc.words[i] for a, b in att.cue for i in range(a, b)))
    words = [
        doc.words[i] for a, b in att.content for i in range(a, b) if doc.words[i][:1].isalnum()
    ]
    first = words[0].lower() if words else ""
    noun_phrase = first in _NP_START and len(words) < 4 and not (first == "that" and len(words) > 2)
    if kind == "indirect" and (not words or first == "to" or noun_phrase):
        return "other"  # "denied the story", "agreed to meet": no reported claim
    return kind


_NP_START = frozenset("the a an this that these those his her their its our my your".split())


def cue_kind(cue_text: str) -> str:
    """Kind of an attribution that is not a direct quote, from its cue words.

    Examples
    --------
    >>> cue_kind("According to"), cue_kind("has said"), cue_kind("wants"), cue_kind("mocked")
    ('according_to', 'indirect', 'belief', 'other')
    """
    words = cue_text.lower().split()
    if "according" in words:
        return "according_to"
    lex = cue_lexicon()
    if any(w in lex["other"] for w in words):
        return "other"
    if any(w in lex["speech"] for w in words):
        return "indirect"
    if any(w in lex["belief"] for w in words):
        return "belief"
    return "other"
