"""Joins on the ids of validated tables (private to :mod:`credscore.schema`).

:func:`join_ids` finds each query id's row in a table's id column: a dict for a few ids, the
sort- and hash-based kernels of :mod:`credscore._ids` beyond, an exact fallback that names
duplicated ids as problems.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from credscore._ids import dictionary_positions, event_positions_fast
from credscore._problems import Problems

__all__ = ["ID_COLUMN", "join_ids"]

#: The id column of each table.
ID_COLUMN = {"sources": "source_id", "statements": "statement_id", "events": "event_id"}

#: Up to this many ids, a join is a Python dict (the array paths cost more to set up).
_SMALL = 256


def _dict_positions(table_ids: pd.Series, query_ids: pd.Series) -> np.ndarray | None:
    """``join_ids``'s path for a few ids: ``None`` on missing or duplicated table ids."""
    keys = table_ids.tolist()
    if any(not isinstance(k, str) for k in keys):
        return None
    where = {k: i for i, k in enumerate(keys)}
    if len(where) < len(keys):
        return None
    return np.array([where.get(q, -1) for q in query_ids.tolist()], dtype=np.int64)


def join_ids(
    table_ids: pd.Series, query_ids: pd.Series, table: str, problems: Problems
) -> np.ndarray:
    """Position in ``table_ids`` of each query id (-1: absent or missing); duplicated table
    ids are recorded as problems of ``table``. Fast paths (Arrow's hash table when the
    queries outnumber the table, else sorting), exact fallback."""
    if len(table_ids) + len(query_ids) <= _SMALL:
        pos = _dict_positions(table_ids, query_ids)
    else:
        fast = dictionary_positions if len(query_ids) > len(table_ids) else event_positions_fast
        pos = fast(table_ids, query_ids)
    if pos is not None:
        return pos
    present = table_ids.notna().to_numpy()
    dup = table_ids.duplicated(keep=False).to_numpy() & present
    if dup.any():
        problems.add(
            table,
            ID_COLUMN[table],
            "duplicate_id",
            "has duplicate ids",
            "give every row its own id",
            rows=dup,
        )
    first = np.flatnonzero(present & ~table_ids.duplicated().to_numpy())
    found = pd.Index(table_ids.iloc[first]).get_indexer(query_ids)
    out = np.append(first, -1)[found]  # the last entry: ids not found (-1)
    out[query_ids.isna().to_numpy()] = -1
    return out.astype(np.int64)
