"""Read any title value: hints, spelling correction, pay grades, long text, cache (private).

:func:`resolve_text` is what the public functions call. For one title (and hint) it

1. reads the hint (organisation and context) for the service and country it names, once per
   distinct hint;
2. normalises the title, joins parenthesised qualifiers back to their rank ("Rear Admiral
   (lower half)"), and reads it exactly (:func:`~credscore.features._rank_resolve.resolve_tokens`);
3. corrects misspelt words (:mod:`credscore.features._rank_fuzzy`) and keeps the corrected
   reading only when the exact one is unknown or the correction completes a longer phrase;
4. applies a pay grade or NATO code written in the title ("E-7", "Chief Warrant Officer, W-4");
5. reads descriptions longer than :data:`LONG_TEXT` sentence by sentence.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from credscore.features._rank_fuzzy import FuzzyIndex
from credscore.features._rank_military import grade_alone, grade_code
from credscore.features._rank_model import UNKNOWN, Rank, normalize_title
from credscore.features._rank_resolve import resolve_tokens
from credscore.features._rank_table import RankTable

#: Titles longer than this are read sentence by sentence (biographies, descriptions).
LONG_TEXT = 160
NO_HINT: tuple[str | None, str | None] = (None, None)
_SENTENCE = re.compile(r"(?<=[a-z0-9)\"”]{2})[.!?]+\s+(?=[A-Z\"“])")
_JOIN = re.compile(  # "Rear Admiral (lower half)", "Captain (N)", "Warrant Officer (Class 1)"
    r" , (lower half|upper half|junior grade|jg|n|class [12](?: technician)?"
    r"|(?:1st|2nd|first|second) class)(?= ,|$)"
)
_DIGIT = re.compile(r"\d")


def hint_context(hint: object, table: RankTable) -> tuple[str | None, str | None]:
    """(service, country) named by a hint, cached per distinct hint."""
    if not isinstance(hint, str) or not hint.strip() or not table.military.first:
        return NO_HINT
    cache = table.extra.setdefault("hints", {})
    hit = cache.get(hint)
    if hit is None:
        text = normalize_title(hint[:2000])
        hit = table.military.hint_context(hint, text.split(" "))
        if len(cache) < 100_000:
            cache[hint] = hit
    return hit


#: Core kinds: a correction must complete one of these (not a modifier such as "served as").
_CORE = frozenset({"title", "generic", "relational", "body", "adjective"})
#: A title this short (in tokens) may be corrected word by word when it reads as nothing.
SHORT_TITLE = 3


def _fuzzy(table: RankTable) -> FuzzyIndex | None:
    if not table.extra.get("fuzzy_enabled", True):
        return None
    idx = table.extra.get("fuzzy")
    if idx is None:
        vocab = {w for p, e in table.phrases.items() if e.get("kind") in _CORE for w in p.split()}
        vocab |= {w for m in table.military.markers for w in m.split(" ")}
        known = {w for form in table.lookup for w in form.split(" ")} | vocab
        idx = FuzzyIndex(vocab, table.extra.get("fuzzy_exclude", ()), known=known)
        table.extra["fuzzy"] = idx
    return idx


def _completing(items: list, fixed: set[int]) -> set[int]:
    """Corrected positions that sit in a matched core phrase beside a word read exactly."""
    out: set[int] = set()
    for it in items:
        span = set(range(it.i0, it.i1))
        if it.kind in _CORE and len(span) >= 2 and span & fixed and span - fixed:
            out |= span & fixed
    return out


def read_normalized(text: str, table: RankTable, hint: tuple[str | None, str | None]) -> Rank:
    """Exact reading of a normalised title, or its spelling-corrected reading (see module)."""
    if not text:
        return UNKNOWN
    if " , " in text:
        text = _JOIN.sub(r" \1", text)
    toks = text.split(" ")
    rank, _ = resolve_tokens(toks, table, hint)
    idx = _fuzzy(table)
    if idx is None:
        return rank
    known, short = idx.known, not rank.known and len(toks) <= SHORT_TITLE
    fixes = {}
    for i, t in enumerate(toks):
        # a correction must sit beside a word read exactly, unless the title is short
        if (
            len(t) >= 5
            and t not in known
            and (
                short
                or (i > 0 and toks[i - 1] in known)
                or (i + 1 < len(toks) and toks[i + 1] in known)
            )
        ):
            w = idx.correct(t)
            if w is not None:
                fixes[i] = w
    if not fixes:
        return rank
    fixed, items = resolve_tokens([fixes.get(i, t) for i, t in enumerate(toks)], table, hint)
    keep = set(fixes) if short else _completing(items, set(fixes))
    if not keep:
        return rank
    if keep != set(fixes):
        fixed, _ = resolve_tokens([fixes[i] if i in keep else t for i, t in enumerate(toks)],
                                  table, hint)  # fmt: skip
    return replace(fixed, fuzzy=True) if fixed.known else rank


def _with_grade(rank: Rank, raw: str, text: str, table: RankTable) -> Rank:
    """Apply a pay grade / NATO code written in the title to a military (or empty) reading."""
    g = grade_code(raw)
    if g is None:
        return rank
    code, written = g
    if rank.family == "military" or (not rank.known and grade_alone(text, written)):
        written = written.lower()
        matched = written if not rank.known else f"{rank.matched} {written}"
        return replace(rank, family="military", level=table.scale[code], code=code,
                       matched=matched, is_head=rank.is_head and rank.known)  # fmt: skip
    return rank


def _read_one(raw: str, table: RankTable, hint: tuple[str | None, str | None]) -> Rank:
    text = normalize_title(raw)
    rank = read_normalized(text, table, hint)
    if _DIGIT.search(raw):
        rank = _with_grade(rank, raw, text, table)
    return rank


def resolve_text(title: object, table: RankTable, hint: object = None) -> Rank:
    """Resolve any value: non-strings, NaN and blank strings give the unknown rank."""
    ctx = hint_context(hint, table) if hint is not None else NO_HINT
    return resolve_in_context(title, table, ctx)


def resolve_in_context(
    title: object, table: RankTable, ctx: tuple[str | None, str | None] = NO_HINT
) -> Rank:
    """:func:`resolve_text` with the hint already read into (service, country)."""
    if not isinstance(title, str):
        return UNKNOWN
    key: object = title if ctx == NO_HINT else (title, ctx)
    hit = table.cache.get(key)
    if hit is not None:
        return hit
    try:
        if len(title) > LONG_TEXT:
            rank = UNKNOWN
            for sent in _SENTENCE.split(title)[:3]:
                rank = _read_one(sent[:400], table, ctx)
                if rank.known:
                    break
        else:
            rank = _read_one(title, table, ctx)
    except RecursionError:  # pragma: no cover - pathological input
        rank = UNKNOWN
    if math.isnan(rank.level) and rank.known:  # pragma: no cover - defensive
        rank = UNKNOWN
    if len(table.cache) < 200_000:
        table.cache[key] = rank
    return rank
