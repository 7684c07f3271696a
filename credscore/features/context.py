"""Context-type features: where a statement was made, as a small set of one-hot columns.

PolitiFact-style corpora give each statement a free-text venue ("a speech", "a TV
interview", "a tweet", "a campaign mailer", "comments on ABC's This Week"...). This module
maps it to one of a few context types defined in the versioned data file
``credscore/features/data/contexts.json`` (hash in :attr:`ContextTable.sha256`):

=========================  ====================================================
column                     what it covers
=========================  ====================================================
``ctx_speech``             speeches, addresses, floor remarks, rallies, hearings, news conferences
``ctx_interview``          TV/radio/newspaper interviews, talk-show comments
``ctx_social_media``       tweets, Facebook/Instagram posts, memes, viral images, chain emails
``ctx_ad``                 campaign and paid ads, commercials, mailers, fliers
``ctx_debate``             debates and candidate forums
``ctx_press_release``      press/news releases, written statements
``ctx_written``            op-eds, columns, articles, letters, emails, blogs, websites, books
``ctx_other``              a context that matches no pattern (often just a place name)
``ctx_unknown``            no context given
=========================  ====================================================

Each distinct context is resolved once, so scoring a million rows costs one regex pass per
distinct venue string.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from credscore.features._context_table import ContextTable, load_context_table, normalise_context

__all__ = [
    "CONTEXT_COLUMNS",
    "ContextTable",
    "context_features",
    "context_type",
    "load_context_table",
]

#: Columns of :func:`context_features` with the bundled table, in order.
CONTEXT_COLUMNS: tuple[str, ...] = (
    "ctx_speech",
    "ctx_interview",
    "ctx_social_media",
    "ctx_ad",
    "ctx_debate",
    "ctx_press_release",
    "ctx_written",
    "ctx_other",
    "ctx_unknown",
)

_DEFAULT: dict[str, ContextTable] = {}


def _table(table: ContextTable | str | Path | None) -> ContextTable:
    if isinstance(table, ContextTable):
        return table
    if table is not None:
        return load_context_table(table)
    if "t" not in _DEFAULT:
        _DEFAULT["t"] = load_context_table()
    return _DEFAULT["t"]


#: Up to this many contexts, they are read in a Python loop.
_SMALL = 64


def _codes(
    contexts: pd.Series | Iterable[object], table: ContextTable
) -> tuple[pd.Index, np.ndarray]:
    s = contexts if isinstance(contexts, pd.Series) else pd.Series(list(contexts), dtype=object)
    position = {c: i for i, c in enumerate(table.categories)}
    if len(s) <= _SMALL:  # a few rows: the same keys in a loop, without pandas' fixed costs
        seen: dict[str, int] = {}
        codes = np.empty(len(s), dtype=np.intp)
        for i, v in enumerate(s.tolist()):
            key = normalise_context(v)  # "" for a missing value, as below
            if key not in seen:
                seen[key] = position[table.resolve(key)]
            codes[i] = seen[key]
        return s.index, codes
    # each distinct value normalised once (contexts repeat); missing ones read as ""
    raw, uniques = pd.factorize(s, use_na_sentinel=True)
    by_key: dict[str, int] = {}
    resolved = np.zeros(len(uniques) + 1, dtype=np.intp)  # the last one: missing values (-1)
    values = [*uniques.tolist(), None] if (raw < 0).any() else uniques.tolist()
    for i, v in enumerate(values):
        key = normalise_context(v)
        if key not in by_key:
            by_key[key] = position[table.resolve(key)]
        resolved[i] = by_key[key]
    return s.index, resolved[raw]


def context_type(
    contexts: pd.Series | Iterable[object], table: ContextTable | str | Path | None = None
) -> pd.Series:
    """Context type of each free-text context, as a categorical Series.

    Parameters
    ----------
    contexts : Series or iterable of str
        Free-text venues; missing or empty values get the table's ``missing`` type.
    table : ContextTable or path-like, optional
        The context table; default the bundled one.

    Returns
    -------
    Series
        Categorical with the table's categories, aligned with ``contexts``.

    Examples
    --------
    >>> context_type(["a speech.", "an interview on CNN", "a TV ad", "Denver", None]).tolist()
    ['speech', 'interview', 'ad', 'other', 'unknown']
    """
    t = _table(table)
    index, codes = _codes(contexts, t)
    cat = pd.Categorical.from_codes(codes, categories=list(t.categories))  # type: ignore[call-overload]
    return pd.Series(cat, index=index, name="context_type")


def context_features(
    contexts: pd.Series | Iterable[object], table: ContextTable | str | Path | None = None
) -> pd.DataFrame:
    """One-hot context-type columns (``ctx_<type>``), exactly one 1 per row.

    Parameters
    ----------
    contexts : Series or iterable of str
        Free-text venues such as ``"a speech"`` or ``"a Facebook post"``.
    table : ContextTable or path-like, optional
        The context table; default the bundled one (columns :data:`CONTEXT_COLUMNS`).

    Returns
    -------
    DataFrame
        ``int8`` columns ``table.columns``, index aligned with ``contexts``.

    Examples
    --------
    >>> import pandas as pd
    >>> X = context_features(pd.Series(["a tweet", "a campaign mailer"], index=["s1", "s2"]))
    >>> X.loc["s1", "ctx_social_media"], X.loc["s2", "ctx_ad"], int(X.to_numpy().sum())
    (np.int8(1), np.int8(1), 2)
    """
    t = _table(table)
    index, codes = _codes(contexts, t)
    values = np.zeros((len(codes), len(t.categories)), dtype=np.int8)
    values[np.arange(len(codes)), codes] = 1
    return pd.DataFrame(values, index=index, columns=list(t.columns))
