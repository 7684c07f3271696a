"""Official rank: resolve free-text titles to a rank family and a comparable level.

``resolve_rank("Lieutenant General, head of the Defence Intelligence Directorate")`` reads the
title against versioned rank tables (``credscore/features/data/ranks/*.json``) and returns a
:class:`Rank`: a family (military, government, judiciary, organization, media, anonymous or
unknown), a level on one common scale in [0, 1] (see ``docs/rank_scale.md``), a NATO STANAG 2116
or office code, and whether the title heads or speaks for a body.

Military ranks are read on the scale of their service and country ("Captain" is OF-2 in an army
and OF-5 in a navy; "Major General" OF-7 in the US and OF-6 in Russia), named in the title or in
a ``hint`` (the source's organisation and the statement's context). Pay grades and codes
("E-7", "O-5", "OR-4"), abbreviations ("Lt. Cmdr.", "RADM") and misspellings ("Air Vice
Marshall") are read too; see ``docs/rank_scale.md``.

Levels of the unknown family: :class:`Rank` carries NaN; the ``rank_level`` feature column is
filled with :data:`UNKNOWN_LEVEL_FILL` and ``rank_known`` is 0, so models that cannot take NaN
(logistic regression) still work.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from credscore.features._rank_describe import describe_rank
from credscore.features._rank_model import UNKNOWN
from credscore.features._rank_read import hint_context, resolve_in_context, resolve_text
from credscore.features._rank_resolve import ANONYMOUS_CAP
from credscore.features._rank_scales import SERVICES
from credscore.features._rank_table import (
    RANK_FAMILIES,
    Rank,
    RankTable,
    load_rank_table,
    normalize_title,
)

__all__ = [
    "ANONYMOUS_CAP",
    "FORMER_FACTOR",
    "RANK_COLUMNS",
    "RANK_FAMILIES",
    "SERVICES",
    "UNKNOWN_LEVEL_FILL",
    "Rank",
    "RankTable",
    "default_rank_table",
    "describe_rank",
    "load_rank_table",
    "normalize_title",
    "rank_features",
    "rank_frame",
    "resolve_rank",
    "resolve_ranks",
]

#: ``rank_level`` of rows whose title is unknown: a private individual with no office
#: (the level of a citizen or voter on the common scale). ``rank_known`` is 0 for these rows.
UNKNOWN_LEVEL_FILL: float = 0.2
#: Factor applied to the level of a title qualified by "former", "ex-", "retired"... (documented
#: here for readers; the value used is the ``factor`` of the ``former`` modifier in the tables).
FORMER_FACTOR: float = 0.85
#: Feature columns produced by :func:`rank_features`, in order.
RANK_COLUMNS: tuple[str, ...] = (
    "rank_family",
    "rank_level",
    "rank_is_head",
    "rank_is_spokesperson",
    "rank_known",
)


@lru_cache(maxsize=1)
def default_rank_table() -> RankTable:
    """The bundled rank tables, loaded once per process.

    Returns
    -------
    RankTable

    Examples
    --------
    >>> default_rank_table() is default_rank_table()
    True
    """
    return load_rank_table()


def resolve_rank(title: object, table: RankTable | None = None, *, hint: object = None) -> Rank:
    """Resolve one free-text title to a :class:`Rank`.

    Parameters
    ----------
    title : str or any
        Free-text title ("Colonel", "U.S. Senator", "sources close to the cabinet"). Empty,
        missing (None/NaN) and non-string values resolve to the unknown rank (level NaN); this
        function never raises on its input.
    table : RankTable, optional
        Rank tables; the bundled default when None.
    hint : str, optional
        Text that may name the service or country but is not the title (the source's
        organisation, the statement's context). It only picks the scale of a military rank
        word the title names; it never makes a rank of its own. A service or country named in
        the title wins over the hint; a hint naming several services (or countries) picks none.

    Returns
    -------
    Rank
        With ``service``/``country`` when a scale of theirs gave the code, ``fuzzy`` when a
        misspelt word was corrected, and a ``note`` when the service was not named and the
        word's most common reading was taken.

    Examples
    --------
    >>> r = resolve_rank("Lieutenant General, head of the Defence Intelligence Directorate")
    >>> r.family, r.code, r.is_head
    ('military', 'OF-8', True)
    >>> resolve_rank("Colonel").level < r.level
    True
    >>> resolve_rank("Captain").code, resolve_rank("Captain", hint="U.S. Navy").code
    ('OF-2', 'OF-5')
    >>> resolve_rank("Navy Commander").is_head, resolve_rank("commander of the navy").is_head
    (False, True)
    >>> resolve_rank("Major General", hint="Russian Ministry of Defence").code
    'OF-6'
    >>> resolve_rank("Air Vice Marshall").fuzzy, resolve_rank("E-7").code
    (True, 'OR-7')
    >>> resolve_rank("spokesperson for the Ministry of Defence").is_spokesperson
    True
    >>> resolve_rank(None).family
    'unknown'
    """
    return resolve_text(title, table if table is not None else default_rank_table(), hint)


def _factorize(values: pd.Series) -> tuple[NDArray[np.intp], NDArray[np.object_]]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype("object")
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def _as_series(values: pd.Series | Sequence[object]) -> pd.Series:
    if isinstance(values, pd.Series):
        return values
    return pd.Series(list(values), dtype="object")


def resolve_ranks(
    titles: pd.Series | Sequence[object],
    table: RankTable | None = None,
    *,
    hints: pd.Series | Sequence[object] | None = None,
) -> tuple[NDArray[np.intp], list[Rank]]:
    """Resolve many titles, each distinct (title, hint) once.

    Parameters
    ----------
    titles : Series or sequence
        Free-text titles; missing values are allowed.
    table : RankTable, optional
        Rank tables; the bundled default when None.
    hints : Series or sequence, optional
        One hint per title (aligned by position; None/NaN allowed), see :func:`resolve_rank`.
        Hints are read once per distinct hint; a title is read again only for the distinct
        (service, country) its hints name.

    Returns
    -------
    codes : ndarray of int
        ``ranks[codes[i]]`` is the rank of input ``i`` (every code is a valid index).
    ranks : list of Rank
        The distinct readings; ``ranks[0]`` is the unknown rank.

    Raises
    ------
    ValueError
        ``hints`` is not as long as ``titles``.

    Examples
    --------
    >>> codes, ranks = resolve_ranks(["Captain", "Captain", None], hints=["US Navy", None, None])
    >>> [ranks[c].code for c in codes]
    ['OF-5', 'OF-2', None]
    """
    table = table if table is not None else default_rank_table()
    s = _as_series(titles)
    t_codes, t_uniques = _factorize(s)
    ranks: list[Rank] = [UNKNOWN]
    plain = [resolve_text(u, table) for u in t_uniques]
    ranks += plain
    codes = t_codes.astype(np.intp) + 1  # -1 (missing) -> 0, the unknown rank
    if hints is None:
        return codes, ranks
    h = _as_series(hints)
    if len(h) != len(s):
        raise ValueError(
            f"rank hints: {len(h)} hints for {len(s)} titles; pass one hint per title "
            "(None where there is none)."
        )
    h_codes, h_uniques = _factorize(h)
    ctx = [hint_context(u, table) for u in h_uniques]
    ctx_id = {c: k for k, c in enumerate(dict.fromkeys([(None, None), *ctx]))}
    h_ctx = np.array([0] + [ctx_id[c] for c in ctx], dtype=np.intp)[h_codes + 1]
    military = np.array([False] + [r.family == "military" for r in plain])
    todo = (h_ctx > 0) & military[codes]
    if not todo.any():
        return codes, ranks
    pairs = codes[todo].astype(np.int64) * len(ctx_id) + h_ctx[todo]
    uniq, inverse = np.unique(pairs, return_inverse=True)
    contexts = list(ctx_id)
    new = np.empty(len(uniq), dtype=np.intp)
    for k, pair in enumerate(uniq.tolist()):
        title, c = t_uniques[pair // len(ctx_id) - 1], contexts[pair % len(ctx_id)]
        rank = resolve_in_context(title, table, c)
        if rank == plain[pair // len(ctx_id) - 1]:
            new[k] = pair // len(ctx_id)
        else:
            new[k] = len(ranks)
            ranks.append(rank)
    codes = codes.copy()
    codes[todo] = new[inverse.ravel()]
    return codes, ranks


def rank_features(
    titles: pd.Series | Sequence[object],
    table: RankTable | None = None,
    *,
    hints: pd.Series | Sequence[object] | None = None,
) -> pd.DataFrame:
    """Rank feature columns for many titles, resolving each distinct (title, hint) once.

    Parameters
    ----------
    titles : Series or sequence
        Free-text titles; missing values are allowed.
    table : RankTable, optional
        Rank tables; the bundled default when None.
    hints : Series or sequence, optional
        One hint per title (organisation and context text), see :func:`resolve_rank`.

    Returns
    -------
    DataFrame
        Columns :data:`RANK_COLUMNS`: ``rank_family`` (string), ``rank_level`` (float, unknown
        titles filled with :data:`UNKNOWN_LEVEL_FILL`), ``rank_is_head``,
        ``rank_is_spokesperson`` and ``rank_known`` (int 0/1). Same index as ``titles`` when it
        is a Series, a RangeIndex otherwise. Built from :func:`resolve_ranks`.

    Examples
    --------
    >>> df = rank_features(pd.Series(["Colonel", None, "U.S. Senator", "Colonel"]))
    >>> df["rank_family"].tolist()
    ['military', 'unknown', 'government', 'military']
    >>> df["rank_known"].tolist()
    [1, 0, 1, 1]
    >>> rank_features(["Captain"], hints=["Royal Navy"])["rank_level"].tolist()
    [0.7]
    """
    s = _as_series(titles)
    codes, ranks = resolve_ranks(s, table, hints=hints)
    return rank_frame(codes, ranks, index=s.index)


def rank_frame(
    codes: NDArray[np.intp], ranks: Sequence[Rank], index: pd.Index | None = None
) -> pd.DataFrame:
    """The :data:`RANK_COLUMNS` frame of readings from :func:`resolve_ranks`.

    Lets a caller that also words the ranks (explanations) resolve once: ``codes, ranks =
    resolve_ranks(...)``, then ``rank_frame(codes, ranks)`` and ``describe_rank(ranks[c])``.

    Parameters
    ----------
    codes : ndarray of int
        ``ranks[codes[i]]`` is the reading of row ``i``.
    ranks : sequence of Rank
    index : Index, optional
        Index of the frame (a RangeIndex when None).

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> codes, ranks = resolve_ranks(["Colonel", None])
    >>> rank_frame(codes, ranks)["rank_known"].tolist()
    [1, 0]
    """
    fam = np.array([r.family for r in ranks], dtype=object)
    lvl = np.array(
        [UNKNOWN_LEVEL_FILL if math.isnan(r.level) else r.level for r in ranks], dtype=float
    )
    head = np.array([r.is_head for r in ranks], dtype=np.int8)
    spokes = np.array([r.is_spokesperson for r in ranks], dtype=np.int8)
    known = np.array([r.known for r in ranks], dtype=np.int8)
    return pd.DataFrame(
        {
            "rank_family": pd.array(fam, dtype="string").take(codes),
            "rank_level": lvl[codes],
            "rank_is_head": head[codes],
            "rank_is_spokesperson": spokes[codes],
            "rank_known": known[codes],
        },
        index=index if index is not None else pd.RangeIndex(len(codes)),
    )
