"""Official rank: resolve free-text titles to a rank family and a comparable level.

``resolve_rank("Lieutenant General, head of the Defence Intelligence Directorate")`` reads the
title against versioned rank tables (``credscore/features/data/ranks/*.json``) and returns a
:class:`Rank`: a family (military, government, judiciary, organization, media, anonymous or
unknown), a level on one common scale in [0, 1] (see ``docs/rank_scale.md``), a NATO STANAG 2116
or office code, and whether the title heads or speaks for a body.

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

from credscore.features._rank_resolve import ANONYMOUS_CAP, resolve_text
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
    "UNKNOWN_LEVEL_FILL",
    "Rank",
    "RankTable",
    "default_rank_table",
    "describe_rank",
    "load_rank_table",
    "normalize_title",
    "rank_features",
    "resolve_rank",
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


def resolve_rank(title: object, table: RankTable | None = None) -> Rank:
    """Resolve one free-text title to a :class:`Rank`.

    Parameters
    ----------
    title : str or any
        Free-text title ("Colonel", "U.S. Senator", "sources close to the cabinet"). Empty,
        missing (None/NaN) and non-string values resolve to the unknown rank (level NaN); this
        function never raises on its input.
    table : RankTable, optional
        Rank tables; the bundled default when None.

    Returns
    -------
    Rank

    Examples
    --------
    >>> r = resolve_rank("Lieutenant General, head of the Defence Intelligence Directorate")
    >>> r.family, r.code, r.is_head
    ('military', 'OF-8', True)
    >>> resolve_rank("Colonel").level < r.level
    True
    >>> resolve_rank("spokesperson for the Ministry of Defence").is_spokesperson
    True
    >>> resolve_rank(None).family
    'unknown'
    """
    return resolve_text(title, table if table is not None else default_rank_table())


def rank_features(
    titles: pd.Series | Sequence[object], table: RankTable | None = None
) -> pd.DataFrame:
    """Rank feature columns for many titles, resolving each distinct title once.

    Parameters
    ----------
    titles : Series or sequence
        Free-text titles; missing values are allowed.
    table : RankTable, optional
        Rank tables; the bundled default when None.

    Returns
    -------
    DataFrame
        Columns :data:`RANK_COLUMNS`: ``rank_family`` (string), ``rank_level`` (float, unknown
        titles filled with :data:`UNKNOWN_LEVEL_FILL`), ``rank_is_head``,
        ``rank_is_spokesperson`` and ``rank_known`` (int 0/1). Same index as ``titles`` when it
        is a Series, a RangeIndex otherwise.

    Examples
    --------
    >>> df = rank_features(pd.Series(["Colonel", None, "U.S. Senator", "Colonel"]))
    >>> df["rank_family"].tolist()
    ['military', 'unknown', 'government', 'military']
    >>> df["rank_known"].tolist()
    [1, 0, 1, 1]
    """
    table = table if table is not None else default_rank_table()
    s = titles if isinstance(titles, pd.Series) else pd.Series(list(titles), dtype="object")
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype("object")
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    ranks = [resolve_text(u, table) for u in uniques]
    fam = np.array([r.family for r in ranks] + ["unknown"], dtype=object)
    lvl = np.array(
        [UNKNOWN_LEVEL_FILL if math.isnan(r.level) else r.level for r in ranks]
        + [UNKNOWN_LEVEL_FILL],
        dtype=float,
    )
    head = np.array([r.is_head for r in ranks] + [False], dtype=np.int8)
    spokes = np.array([r.is_spokesperson for r in ranks] + [False], dtype=np.int8)
    known = np.array([r.known for r in ranks] + [False], dtype=np.int8)
    idx = np.where(codes < 0, len(ranks), codes)  # -1 (missing) -> the trailing unknown slot
    return pd.DataFrame(
        {
            "rank_family": pd.array(fam, dtype="string").take(idx),
            "rank_level": lvl[idx],
            "rank_is_head": head[idx],
            "rank_is_spokesperson": spokes[idx],
            "rank_known": known[idx],
        },
        index=s.index,
    )


_MIL_BANDS = (
    (9, "top general/flag officer"),
    (6, "senior military officer"),
    (3, "field-grade military officer"),
    (1, "junior military officer"),
)
_NOUN = {
    "government": "government official",
    "judiciary": "judicial official",
    "organization": "organization figure",
    "media": "media source",
}


def _band(level: float) -> str:
    if level >= 0.9:
        return "top-level"
    if level >= 0.75:
        return "senior"
    if level >= 0.55:
        return "mid-level"
    if level >= 0.35:
        return "junior"
    return "low-level"


def describe_rank(rank: Rank) -> str:
    """A short phrase a fact-checker reads, for explanations.

    Parameters
    ----------
    rank : Rank

    Returns
    -------
    str

    Examples
    --------
    >>> describe_rank(resolve_rank("Lt. Gen."))
    'senior military officer (OF-8)'
    >>> describe_rank(resolve_rank("a person familiar with the talks"))
    'unnamed source'
    >>> describe_rank(resolve_rank(""))
    'unknown title'
    """
    if not rank.known:
        return "unknown title"
    if rank.family == "anonymous":
        return "unnamed source" if rank.level >= 0.1 else "anonymous social-media content"
    code = rank.code or ""
    if rank.family == "military" and code.startswith("OF-"):
        n = int(code[3:])
        text = next(name for lo, name in _MIL_BANDS if n >= lo)
    elif rank.family == "military" and code.startswith(("OR-", "WO")):
        text = "non-commissioned officer" if code >= "OR-5" or code.startswith("WO") else (
            "enlisted service member")  # fmt: skip
    elif rank.family == "military":
        text = f"{_band(rank.level)} military figure"
    else:
        text = f"{_band(rank.level)} {_NOUN[rank.family]}"
    flags = (("head of a body", rank.is_head), ("spokesperson", rank.is_spokesperson))
    roles = [r for r, on in flags if on]
    if roles:
        text += ", " + " and ".join(roles)
    return f"{text} ({code})" if code else text
