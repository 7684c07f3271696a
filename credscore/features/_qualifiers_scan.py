"""Span detection and feature counts for qualifier cues (private; see ``qualifiers``)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from credscore.exceptions import SchemaError
from credscore.features._qualifiers_compile import canonical_key, scan_text
from credscore.features._qualifiers_lexicon import QUALIFIER_CATEGORIES, Lexicon, load_lexicon

__all__ = ["FEATURE_COLUMNS", "Qualifier", "find_qualifiers", "qualifier_features"]

#: Feature columns produced by :func:`qualifier_features`, in order.
FEATURE_COLUMNS: tuple[str, ...] = (
    *(f"q_{c}" for c in QUALIFIER_CATEGORIES),
    "q_any",
    "q_per_100_words",
)
_N_CAT = len(QUALIFIER_CATEGORIES)
_NUMBER = QUALIFIER_CATEGORIES.index("number")
#: Joins texts for one scan; no cue pattern can match across the NUL (neither a word character
#: nor whitespace); the space lets the first cue of the next text match. Texts that contain a
#: NUL themselves are scanned one by one.
_SEP = "\x00 "


@dataclass(frozen=True)
class Qualifier:
    """One qualifier span: ``text[start:end] == cue``.

    Attributes
    ----------
    category : str
        One of ``QUALIFIER_CATEGORIES``.
    start, end : int
        Character offsets into the original text (``end`` exclusive).
    cue : str
        The matched text, exactly as it appears in the input.
    """

    category: str
    start: int
    end: int
    cue: str


@lru_cache(maxsize=1)
def _default_lexicon() -> Lexicon:
    return load_lexicon()


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def find_qualifiers(text: str | None, lexicon: Lexicon | None = None) -> list[Qualifier]:
    """Find hedges, approximators, scope limiters, hearsay, absolutes and numbers in a text.

    All six categories are found in one left-to-right scan; at each position the longest cue
    wins, and spans never overlap.

    Parameters
    ----------
    text : str
        The statement. ``None``, NaN and ``""`` give an empty list.
    lexicon : Lexicon, optional
        A lexicon from :func:`load_lexicon`; the bundled default when omitted.

    Returns
    -------
    list of Qualifier
        Sorted by ``start``; ``text[q.start:q.end] == q.cue`` for each.

    Raises
    ------
    SchemaError
        If ``text`` is neither a string nor missing.

    Examples
    --------
    >>> for q in find_qualifiers("They were probably forced to withdraw, according to reports."):
    ...     print(q.category, repr(q.cue), q.start, q.end)
    hedge 'probably' 10 18
    hearsay 'according to' 39 51
    >>> [(q.category, q.cue) for q in find_qualifiers("As many as 8,000 remain.")]
    [('approximator', 'As many as'), ('number', '8,000')]
    """
    if not isinstance(text, str):
        if _is_missing(text):
            return []
        raise SchemaError(
            f"find_qualifiers expects a string, got {type(text).__name__} ({text!r}). "
            "Convert the value to str, or pass None for a missing text.",
            table="statements",
            problems=[{"table": "statements", "column": "text", "check": "is_str", "rows": []}],
        )
    lex = lexicon if lexicon is not None else _default_lexicon()
    # Matches include the space before the cue; scan_text adds one leading character, so the
    # match offsets minus one character at the end are offsets into ``text``.
    return [
        Qualifier(QUALIFIER_CATEGORIES[cat], start, end, text[start:end])
        for start, end, cat in _spans(scan_text(text), lex)
    ]


def _spans(scan: str, lex: Lexicon) -> list[tuple[int, int, int]]:
    """``(start, end, category index)`` of every match in a scan copy (see ``scan_text``)."""
    groups, literals = lex.group_category, lex.literal_category
    out: list[tuple[int, int, int]] = []
    append = out.append
    for m in lex.pattern.finditer(scan):
        index = m.lastindex
        if index is None:  # a phrase that its text classifies (most matches)
            key = m.group()
            cat = literals.get(key)
            if cat is None:
                cat = literals[canonical_key(key)]
        else:
            cat = groups[index]
        start, end = m.span()
        append((start, end - 1, cat))
    return out


def _as_series(texts: pd.Series | Sequence[Any]) -> pd.Series:
    if isinstance(texts, pd.Series):
        return texts
    if isinstance(texts, str):
        raise SchemaError(
            "qualifier_features expects a sequence of texts, got a single string. "
            "Wrap it in a list: qualifier_features([text]).",
            table="statements",
        )
    return pd.Series(list(texts), dtype=object)


def _clean_texts(series: pd.Series) -> np.ndarray:
    """Validate the texts: strings pass, missing become ``""``, anything else raises."""
    values = np.asarray(series.to_numpy(dtype=object), dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        missing = pd.isna(values)
        if missing.any():
            values = values.copy()
            values[missing] = ""
        return values
    bad = [i for i, v in enumerate(values) if not isinstance(v, str) and not _is_missing(v)]
    labels = [series.index[i] for i in bad[:10]]
    kinds = sorted({type(values[i]).__name__ for i in bad})
    raise SchemaError(
        f"statements.text must hold strings; {len(bad)} value(s) of type {kinds} at index "
        f"label(s) {labels}{' ...' if len(bad) > 10 else ''}. Convert them with "
        "astype(str) or set them to None (missing texts count as zero qualifiers).",
        table="statements",
        problems=[{"table": "statements", "column": "text", "check": "is_str", "rows": labels}],
    )


#: Bytes that end a word: NUL (separates texts) and ASCII whitespace as ``str.split`` sees it.
_WHITESPACE = np.zeros(256, dtype=bool)
_WHITESPACE[[0, *(c for c in range(128) if chr(c).isspace())]] = True
#: Non-ASCII whitespace, replaced by a space before counting words on UTF-8 bytes.
_UNICODE_SPACES = re.compile(
    "[" + "".join(chr(c) for c in range(128, 0x3001) if chr(c).isspace()) + "]"
)


def _count_unique(uniques: list[str], lex: Lexicon) -> tuple[np.ndarray, np.ndarray]:
    """Per-category span counts ``(n, 6)`` and word counts ``(n,)`` of distinct texts.

    All texts are joined with ``"\\x00 "`` and scanned once; spans and word starts are mapped
    back to their text with ``searchsorted`` (no Python loop over texts).
    """
    n = len(uniques)
    counts = np.zeros((n, _N_CAT), dtype=np.int64)
    if not n:
        return counts, np.zeros(0, dtype=np.int64)
    joined = _SEP.join(uniques)
    if joined.count("\x00") != n - 1:  # a text contains a NUL itself: one scan per text
        for i, t in enumerate(uniques):
            for _, _, cat in _spans(scan_text(t), lex):
                counts[i, cat] += 1
        return counts, np.fromiter((len(t.split()) for t in uniques), dtype=np.int64, count=n)
    hits = _spans(scan_text(joined), lex)
    if hits:
        arr = np.array(hits, dtype=np.int64)
        lengths = np.fromiter(map(len, uniques), dtype=np.int64, count=n)
        ends = np.cumsum(lengths + len(_SEP))  # end of each text (incl. separator), scan offsets
        rows = np.searchsorted(ends, arr[:, 0], side="right")
        flat = np.bincount(rows * _N_CAT + arr[:, 2], minlength=n * _N_CAT)
        counts = flat.reshape(n, _N_CAT)
    # Words as str.split() counts them: runs of non-whitespace; UTF-8 multi-byte sequences
    # never contain an ASCII byte, so whitespace can be found byte by byte.
    if not joined.isascii():
        joined = _UNICODE_SPACES.sub(" ", joined)
    raw = np.frombuffer(joined.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    if not len(raw):
        return counts, np.zeros(n, dtype=np.int64)
    space = _WHITESPACE[raw]
    starts = np.cumsum(~space & np.concatenate(([True], space[:-1])), dtype=np.int64)
    # Word starts up to each text's end (its NUL, or the end of the buffer), differenced.
    upto = np.append(starts[np.flatnonzero(raw == 0)], starts[-1])
    return counts, np.diff(upto, prepend=0)


def qualifier_features(
    texts: pd.Series | Sequence[str | None], lexicon: Lexicon | None = None
) -> pd.DataFrame:
    """Count qualifier spans per text: the qualifier block of the feature matrix.

    Columns ``q_hedge, q_approximator, q_scope_limiter, q_hearsay, q_absolute, q_number`` are
    span counts (the lengths of the per-category lists of :func:`find_qualifiers`). ``q_any`` is
    1 when the text has at least one span of the five qualifier categories (numbers excluded: a
    figure is specificity, not a qualifier), else 0. ``q_per_100_words`` is the number of those
    qualifier spans per 100 whitespace-separated words (0.0 for a text without words).

    Parameters
    ----------
    texts : pandas.Series or sequence of str
        Statement texts. ``None``, NaN, ``pd.NA`` and ``""`` give a row of zeros.
    lexicon : Lexicon, optional
        A lexicon from :func:`load_lexicon`; the bundled default when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per input, with the input Series' index (a RangeIndex for other sequences).

    Raises
    ------
    SchemaError
        If a value is neither a string nor missing; the message names the index labels.

    Examples
    --------
    >>> df = qualifier_features(["Almost all units probably left.", None])
    >>> df[["q_hedge", "q_approximator", "q_absolute", "q_any"]].to_numpy().tolist()
    [[1, 1, 1, 1], [0, 0, 0, 0]]
    """
    series = _as_series(texts)
    lex = lexicon if lexicon is not None else _default_lexicon()
    clean = _clean_texts(series)
    codes, uniques = pd.factorize(clean, sort=False)
    unique_counts, unique_words = _count_unique(list(uniques), lex)
    counts, words = unique_counts[codes], unique_words[codes]
    qual = counts.sum(axis=1) - counts[:, _NUMBER]
    per100 = np.divide(100.0 * qual, words, out=np.zeros(len(words)), where=words > 0)
    data = {f"q_{c}": counts[:, i] for i, c in enumerate(QUALIFIER_CATEGORIES)}
    data["q_any"] = (qual > 0).astype(np.int64)
    data["q_per_100_words"] = per100
    return pd.DataFrame(data, index=series.index, columns=list(FEATURE_COLUMNS))
