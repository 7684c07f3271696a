"""Span detection, feature counts and the spans table for qualifier cues (private).

The public functions live in :mod:`credscore.features.qualifiers`; the scan itself in
:mod:`._qualifiers_core`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from credscore.exceptions import SchemaError
from credscore.features._qualifiers_core import COUNT_CAP, QUALIFYING, ScanResult, scan_unique
from credscore.features._qualifiers_lexicon import QUALIFIER_CATEGORIES, Lexicon, load_lexicon

__all__ = [
    "FEATURE_COLUMNS",
    "SPAN_COLUMNS",
    "Qualifier",
    "find_qualifiers",
    "qualifier_features",
    "scan_qualifiers",
]

#: Feature columns produced by :func:`qualifier_features` with the learned model attached, in
#: order (without a model, ``q_uncertainty`` is left out).
FEATURE_COLUMNS: tuple[str, ...] = (
    *(f"q_{c}" for c in QUALIFIER_CATEGORIES),
    "q_any",
    "q_per_100_words",
    "q_uncertainty",
)
#: Columns of the spans table of :func:`scan_qualifiers`.
SPAN_COLUMNS: tuple[str, ...] = ("row", "category", "cue", "start", "end", "learned")
_CATEGORY_NAMES = np.array(QUALIFIER_CATEGORIES, dtype=object)
_QUALIFYING = np.array([c in QUALIFYING for c in QUALIFIER_CATEGORIES])
_HEARSAY = QUALIFIER_CATEGORIES.index("hearsay")
_WEASEL = QUALIFIER_CATEGORIES.index("weasel")


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
    learned : bool
        ``True`` for a cue found by the learned model rather than by a lexicon phrase.
    """

    category: str
    start: int
    end: int
    cue: str
    learned: bool = False


@lru_cache(maxsize=1)
def _default_lexicon() -> Lexicon:
    return load_lexicon()


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def find_qualifiers(text: str | None, lexicon: Lexicon | None = None) -> list[Qualifier]:
    """Find the qualifier cues of one text: lexicon phrases and learned cue words.

    Lexicon cues of every category are found in one left-to-right scan; at each position the
    longest cue wins, and spans never overlap. With a learned model attached to the lexicon
    (the default), words it reads as uncertainty cues outside every lexicon span are added
    as ``hedge`` spans with ``learned=True``.

    Parameters
    ----------
    text : str
        The statement. ``None``, NaN and ``""`` give an empty list.
    lexicon : Lexicon, optional
        A lexicon from :func:`load_lexicon`; the bundled default (with its model) when omitted.

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
    r = scan_unique([text], lex, cues=True)
    assert r.cues is not None
    return [
        Qualifier(QUALIFIER_CATEGORIES[c], s, e, cue, bool(learned))
        for c, s, e, cue, learned in zip(
            r.category.tolist(),
            r.start.tolist(),
            r.end.tolist(),
            r.cues,
            r.learned.tolist(),
            strict=True,
        )
    ]


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


def _features(r: ScanResult, codes: np.ndarray, index: pd.Index) -> pd.DataFrame:
    counts = np.minimum(r.counts, COUNT_CAP)[codes]
    words = r.words[codes]
    qual = counts[:, _QUALIFYING].sum(axis=1)
    per100 = np.divide(100.0 * qual, words, out=np.zeros(len(words)), where=words > 0)
    data: dict[str, np.ndarray] = {
        f"q_{c}": counts[:, i] for i, c in enumerate(QUALIFIER_CATEGORIES)
    }
    # vague attribution ("critics argue", "it is widely expected") is hearsay without a named
    # source: q_hearsay counts it too, q_weasel counts it alone
    data["q_hearsay"] = np.minimum(counts[:, _HEARSAY] + counts[:, _WEASEL], COUNT_CAP)
    data["q_any"] = (qual > 0).astype(np.int64)
    data["q_per_100_words"] = per100
    if r.uncertainty is not None:
        data["q_uncertainty"] = r.uncertainty[codes]
    # built in FEATURE_COLUMNS order: a ``columns=`` argument would cost a reindex
    return pd.DataFrame(data, index=index)


def _span_table(r: ScanResult, codes: np.ndarray) -> pd.DataFrame:
    """The long spans table: each distinct text's spans repeated for every row holding it.

    Index arithmetic instead of a merge and a sort (a one-statement call paid 3.6 ms for
    those): the scan gives spans ordered by (distinct text, start) (:class:`ScanResult`), and
    each row takes its text's block, so rows come in order and spans by ``start``, ties in scan
    order.
    """
    assert r.cues is not None
    u = np.asarray(r.row, dtype=np.int64)
    start = np.asarray(r.start, dtype=np.int64)
    n_unique = int(codes.max()) + 1 if len(codes) else 0
    per_unique = np.bincount(u, minlength=n_unique)
    first = np.cumsum(per_unique) - per_unique
    per_row = per_unique[codes]
    total = int(per_row.sum())
    row = np.repeat(np.arange(len(codes), dtype=np.int64), per_row)
    row_start = np.cumsum(per_row) - per_row
    within = np.arange(total, dtype=np.int64) - np.repeat(row_start, per_row)
    take = first[codes][row] + within  # the scan's spans are sorted by (text, start) already
    if len(take) == len(u) and bool((take == np.arange(len(u))).all()):
        take = slice(None)  # every text once, in order (distinct texts): no gathers
    cues = r.cues if isinstance(take, slice) else [r.cues[i] for i in take.tolist()]
    return pd.DataFrame(
        {
            "row": row,
            "category": _CATEGORY_NAMES[np.asarray(r.category)[take]],
            "cue": pd.Series(cues, dtype=object),
            "start": start[take],
            "end": np.asarray(r.end, dtype=np.int64)[take],
            "learned": np.asarray(r.learned, dtype=bool)[take],
        },  # in SPAN_COLUMNS order
    )


def scan_qualifiers(
    texts: pd.Series | Sequence[str | None],
    lexicon: Lexicon | None = None,
    *,
    spans: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The qualifier features and, optionally, every cue span, from one scan of the texts.

    Parameters
    ----------
    texts : pandas.Series or sequence of str
        Statement texts. ``None``, NaN, ``pd.NA`` and ``""`` give a row of zeros.
    lexicon : Lexicon, optional
        A lexicon from :func:`load_lexicon`; the bundled default (with its model) when omitted.
    spans : bool, default False
        Also return the spans table.

    Returns
    -------
    features : pandas.DataFrame
        Exactly :func:`qualifier_features` of the same texts.
    spans : pandas.DataFrame or None
        With ``spans=True``, one row per cue span: ``row`` (0-based position of its text in
        ``texts``), ``category``, ``cue`` (the exact matched text), ``start``, ``end``
        (offsets into that text) and ``learned``; sorted by ``row`` then ``start``. Spans are
        listed in full even where the counts saturate.

    Examples
    --------
    >>> feats, table = scan_qualifiers(["It may rain.", None, "Reportedly, almost all left."],
    ...                                spans=True)
    >>> feats["q_hedge"].tolist(), feats["q_hearsay"].tolist()
    ([1, 0, 0], [0, 0, 1])
    >>> for row in table[["row", "category", "cue"]].itertuples(index=False):
    ...     print(*row)
    0 hedge may
    2 hearsay Reportedly
    2 approximator almost
    2 absolute all
    """
    series = _as_series(texts)
    lex = lexicon if lexicon is not None else _default_lexicon()
    clean = _clean_texts(series)
    codes, uniques = pd.factorize(clean, sort=False)
    r = scan_unique(list(uniques), lex, cues=spans)
    features = _features(r, codes, series.index)
    return features, (_span_table(r, codes) if spans else None)


def qualifier_features(
    texts: pd.Series | Sequence[str | None], lexicon: Lexicon | None = None
) -> pd.DataFrame:
    """Count qualifier spans per text: the qualifier block of the feature matrix.

    Columns ``q_<category>`` (``hedge, approximator, scope_limiter, hearsay, absolute, number,
    weasel, peacock, refutation``) are span counts (the per-category lengths of
    :func:`find_qualifiers`, learned spans included), saturating at ``COUNT_CAP`` (3), except
    that ``q_hearsay`` also counts the ``weasel`` spans: vague attribution ("critics argue",
    "it is widely expected") is hearsay without a named source, and ``q_weasel`` counts it
    alone.
    ``q_any`` is 1 when the text has at least one span of a qualifying category (``hedge,
    approximator, scope_limiter, hearsay, absolute, weasel``: numbers are specificity, peacock
    wording and refutation do not bound the claim), else 0. ``q_per_100_words`` is the number
    of those spans (saturated counts) per 100 whitespace-separated words (0.0 for a text
    without words). ``q_uncertainty`` (with a learned model, the default) is the model's
    probability that the text carries an uncertainty cue (hedge, weasel or peacock wording,
    speculation), in [0, 1].

    To call a text uncertain, ``q_uncertainty >= lexicon.model.threshold`` is the rule the
    folds of the training corpora picked. On a domain the model never saw it falls behind the
    lexicon (measured by fitting on one corpus and testing on the other,
    ``experiments/results/qualifiers_transfer.md``); there, also counting any span of
    ``hedge, hearsay, weasel, peacock`` keeps most of the lexicon's recall. The spans and
    counts agree with ``q_uncertainty``: a text at or above the model's
    ``fallback_threshold`` that no hedge, hearsay, weasel or peacock span explains gets its
    most probable content word as a learned hedge span (the bundled model uses its decision
    threshold).

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
    >>> bool(df.loc[0, "q_uncertainty"] > df.loc[1, "q_uncertainty"])
    True
    """
    return scan_qualifiers(texts, lexicon)[0]
