"""The speaker linker's features: what each candidate speaker of a statement is, and how it
compares with the statement's other candidates, in the weight block of the statement's class.

:data:`CANDIDATE_FEATURES` describe one candidate (how it was found, its type, where it is
mentioned against the cue and the content; for a he/she statement gender agreement and the
order of the people and speakers before it) and compare it with the others (nearest the cue,
touching it, the first compatible person or speaker going back). :func:`featurize` places
them in the block of the statement's class (:data:`STATEMENT_CLASSES`), so that each class
has its own weights in one linear model.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from credscore.ingest._speakers_registry import Source

__all__ = [
    "CANDIDATE_FEATURES",
    "FEATURES",
    "STATEMENT_CLASSES",
    "Candidate",
    "Context",
    "candidate_features",
    "featurize",
    "statement_class",
]

_ORIGINS = ("default", "tagsrc", "subject", "rule", "according", "window", "prev1", "prev2")
_TYPES = ("person", "organization", "outlet", "anonymous")
_DEFAULT_KINDS = ("pronoun", "person", "organization", "anonymous")
_STATEMENT_KINDS = ("direct", "according_to", "indirect")

#: What is known of one candidate, and how it compares with the statement's other candidates.
CANDIDATE_FEATURES: tuple[str, ...] = (
    *(f"origin_{o}" for o in _ORIGINS),
    *(f"type_{t}" for t in _TYPES),
    *(f"default_x_{k}" for k in _DEFAULT_KINDS),
    *(f"default_x_{k}" for k in _STATEMENT_KINDS),
    *(f"according_x_{k}" for k in _STATEMENT_KINDS),
    *(f"subject_x_{k}" for k in _STATEMENT_KINDS),
    *(f"tagsrc_x_{k}" for k in _STATEMENT_KINDS),
    "pron_agree",
    "pron_disagree",
    "pron_unknown",
    "pron_not_person",
    "pron_prev1",
    "pron_prev2",
    "pron_log_distance",
    "pron_rank",
    "no_mention",
    "log_distance",
    "before_cue",
    "in_content",
    "same_sentence",
    "sentence_back",
    "sentence_initial",
    "n_mentions",
    "one_word",
    "in_content_x_person",
    "window_only",
    "default_anon_x_person",
    # relative to the statement's other candidates (what a per-statement choice compares)
    "rel_nearest",
    "rel_nearest_before",
    "rel_nearest_person_before",
    "rel_log_distance_gap",
    "adjacent_before_cue",
    "adjacent_after_cue",
    "pron_first_compatible",
    "pron_last_compatible_speaker",
    # how the nearest mention sits in its clause ("Renaud's lawyer", "attacked by Reed")
    "possessive",
    "after_preposition",
    "plain_mention",
)
#: Statements are scored with one weight vector per class: a he/she statement, a direct
#: quote, reported speech (indirect or "according to"), anything else (belief and the rest).
STATEMENT_CLASSES = ("he_she", "direct", "reported", "other")
#: The model's inputs: :data:`CANDIDATE_FEATURES` in the block of the statement's class
#: (``"direct:origin_subject"``), zeros in the other blocks.
FEATURES: tuple[str, ...] = tuple(f"{k}:{f}" for k in STATEMENT_CLASSES for f in CANDIDATE_FEATURES)


@dataclass
class Candidate:
    """One possible speaker: a resolved source, where it is mentioned, and how it was found."""

    source: Source
    origins: set[str] = field(default_factory=set)
    spans: list[tuple[int, int]] = field(default_factory=list)
    #: 1-based rank among the people mentioned before a he/she statement (0: not one of them)
    pron_rank: int = 0
    #: 1-based rank among the last speakers before the statement (0: not one of them)
    prev_rank: int = 0


@dataclass
class Context:
    """What the features need to know about the statement."""

    start: int
    end: int
    cue: int
    spans: list[tuple[int, int]]
    kind: str
    default_kind: str
    pronoun: str
    sent_starts: list[int]
    sentence: int
    #: end of the cue's last piece (``cue`` when the statement has no cue)
    cue_end: int = -1
    #: the article (for the words around a mention)
    text: str = ""


_POSSESSIVE = re.compile(r"['’]s?\b")
_PREPOSITION = re.compile(
    r"\b(?i:to|of|for|with|against|on|at|by|about|from|in|into|over|under|than|like|toward|"
    r"towards|between|among|behind|after|before)\s+(?i:(?:the|a|an)\s+)?(?:[A-Z][\w.\-]*\s+){0,3}$"
)


def _possessive(text: str, start: int, end: int) -> bool:
    """ "Reed's" (the mention may hold the "'s" or stop before it)."""
    return (
        text.endswith(("'s", "’s"), start, end) or _POSSESSIVE.match(text, end, end + 3) is not None
    )


def _after_preposition(text: str, start: int) -> bool:
    return _PREPOSITION.search(text[max(0, start - 40) : start]) is not None


def _sentence_of(starts: list[int], pos: int) -> int:
    return max(0, bisect.bisect_right(starts, pos) - 1)


def statement_class(ctx: Context) -> str:
    """The class of the statement (:data:`STATEMENT_CLASSES`), whose weights score it."""
    if ctx.pronoun in ("he", "she"):
        return "he_she"
    if ctx.kind == "direct":
        return "direct"
    return "reported" if ctx.kind in ("indirect", "according_to") else "other"


def featurize(cands: Sequence[Candidate], ctx: Context) -> np.ndarray:
    """``(len(cands), len(FEATURES))`` feature matrix: the candidate features in the block of
    the statement's class."""
    n = len(CANDIDATE_FEATURES)
    k = STATEMENT_CLASSES.index(statement_class(ctx))
    x = np.zeros((len(cands), len(FEATURES)))
    x[:, k * n : (k + 1) * n] = candidate_features(cands, ctx)
    return x


def candidate_features(cands: Sequence[Candidate], ctx: Context) -> np.ndarray:
    """``(len(cands), len(CANDIDATE_FEATURES))`` matrix of the candidate features."""
    x = np.zeros((len(cands), len(CANDIDATE_FEATURES)))
    col = {f: i for i, f in enumerate(CANDIDATE_FEATURES)}
    gender = {"he": "m", "she": "f"}.get(ctx.pronoun, "")
    for r, c in enumerate(cands):
        row = x[r]
        for o in c.origins:
            row[col[f"origin_{o}"]] = 1.0
        t = c.source.source_type
        if t in _TYPES:
            row[col[f"type_{t}"]] = 1.0
        if "default" in c.origins:
            row[col[f"default_x_{ctx.default_kind}"]] = 1.0
            if ctx.kind in _STATEMENT_KINDS:
                row[col[f"default_x_{ctx.kind}"]] = 1.0
        for o, name in (("according", "according"), ("subject", "subject"), ("tagsrc", "tagsrc")):
            if o in c.origins and ctx.kind in _STATEMENT_KINDS:
                row[col[f"{name}_x_{ctx.kind}"]] = 1.0
        if gender:
            if t != "person":
                row[col["pron_not_person"]] = 1.0
            elif not c.source.gender:
                row[col["pron_unknown"]] = 1.0
            elif c.source.gender == gender:
                row[col["pron_agree"]] = 1.0
            else:
                row[col["pron_disagree"]] = 1.0
            row[col["pron_prev1"]] = float("prev1" in c.origins)
            row[col["pron_prev2"]] = float("prev2" in c.origins)
            row[col["pron_rank"]] = min(c.pron_rank, 6) / 6 if c.pron_rank else 1.5
        before = [s for s in c.spans if s[1] <= ctx.cue]
        near = min(c.spans, key=lambda s: abs(s[0] - ctx.cue)) if c.spans else None
        if near is None:
            row[col["no_mention"]] = 1.0
        else:
            d = abs(near[0] - ctx.cue)
            row[col["log_distance"]] = math.log1p(d) / 8
            if gender:
                row[col["pron_log_distance"]] = math.log1p(d) / 8
            row[col["before_cue"]] = float(bool(before))
            inside = any(a <= s[0] < b for s in c.spans for a, b in ctx.spans)
            outside = any(not any(a <= s[0] < b for a, b in ctx.spans) for s in c.spans)
            row[col["in_content"]] = float(inside and not outside)
            row[col["in_content_x_person"]] = float(inside and not outside and t == "person")
            k = _sentence_of(ctx.sent_starts, near[0]) if ctx.sent_starts else ctx.sentence
            row[col["same_sentence"]] = float(k == ctx.sentence)
            row[col["sentence_back"]] = min(3, max(0, ctx.sentence - k)) / 3
            s0 = ctx.sent_starts[k] if ctx.sent_starts else 0
            row[col["sentence_initial"]] = float(near[0] - s0 <= 4)
        row[col["n_mentions"]] = min(len(c.spans), 5) / 5
        row[col["one_word"]] = float(len(c.source.name.split()) == 1)
        row[col["window_only"]] = float(c.origins <= {"window"})
        row[col["default_anon_x_person"]] = float(ctx.default_kind == "anonymous" and t == "person")
    _relative(x, cands, ctx, col, gender)
    if ctx.text:
        _clause_roles(x, cands, ctx, col)
    return x


def _clause_roles(
    x: np.ndarray, cands: Sequence[Candidate], ctx: Context, col: dict[str, int]
) -> None:
    """Whether the mention nearest the cue is a possessive ("Renaud's lawyer said") or the
    object of a preposition ("a letter to Reed"), and whether any mention is neither."""
    for r, c in enumerate(cands):
        if not c.spans:
            continue
        near = min(c.spans, key=lambda s: abs(s[0] - ctx.cue))
        x[r, col["possessive"]] = float(_possessive(ctx.text, *near))
        x[r, col["after_preposition"]] = float(_after_preposition(ctx.text, near[0]))
        x[r, col["plain_mention"]] = float(
            any(
                not _possessive(ctx.text, a, b) and not _after_preposition(ctx.text, a)
                for a, b in c.spans
            )
        )


def _relative(
    x: np.ndarray, cands: Sequence[Candidate], ctx: Context, col: dict[str, int], gender: str
) -> None:
    """Features of a candidate against the statement's other candidates: whose mention is
    nearest the cue (before it; a person before it), how much farther than the nearest,
    which mention touches the cue ("Reed said", "said Reed"), and for he/she the first
    person of a compatible gender going back from the cue."""
    cue_end = ctx.cue_end if ctx.cue_end >= 0 else ctx.cue
    far = float("inf")
    dist = np.full(len(cands), far)
    before = np.full(len(cands), far)
    for r, c in enumerate(cands):
        for a, b in c.spans:
            dist[r] = min(dist[r], abs(a - ctx.cue))
            if b <= ctx.cue:
                before[r] = min(before[r], ctx.cue - b)
            if 0 <= ctx.cue - b <= 2:
                x[r, col["adjacent_before_cue"]] = 1.0
            if 0 <= a - cue_end <= 2:
                x[r, col["adjacent_after_cue"]] = 1.0
    person = np.array([c.source.source_type == "person" for c in cands])
    if np.isfinite(dist).any():
        x[:, col["rel_nearest"]] = dist == dist.min()
        gap = np.log1p(dist) - np.log1p(dist.min())
        x[:, col["rel_log_distance_gap"]] = np.where(np.isfinite(dist), gap / 8, 1.0)
    if np.isfinite(before).any():
        x[:, col["rel_nearest_before"]] = before == before.min()
    pb = np.where(person, before, far)
    if np.isfinite(pb).any():
        x[:, col["rel_nearest_person_before"]] = pb == pb.min()
    if gender:
        ok = [
            r
            for r, c in enumerate(cands)
            if c.pron_rank and c.source.gender in ("", gender) and person[r]
        ]
        if ok:
            x[min(ok, key=lambda r: cands[r].pron_rank), col["pron_first_compatible"]] = 1.0
        spk = [r for r, c in enumerate(cands) if c.prev_rank and c.source.gender in ("", gender)]
        if spk:
            k = min(spk, key=lambda r: cands[r].prev_rank)
            x[k, col["pron_last_compatible_speaker"]] = 1.0
