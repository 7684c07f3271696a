"""Validated tables reduced to the arrays of :mod:`credscore.features.history` (conversion only).

The tables come from :func:`credscore.validate_tables` (or its history-only variant), which has
checked every rule the history computation relies on: unique, present ids, events pointing to
known statements and not dated before them, tz-aware nanosecond times, labels in {0, 1, NaN},
known event kinds. Nothing is checked twice here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from credscore._ids import event_positions_fast, id_codes
from credscore._schema_check import cache_holds
from credscore._tables import EVENT_KINDS, ValidatedTables

__all__ = ["HistoryArrays", "history_arrays"]

_NAT = np.iinfo(np.int64).min


@dataclass
class HistoryArrays:
    """The two tables reduced to the numpy arrays the kernels need (positional)."""

    src: NDArray[np.int64]  # source code per statement (order of codes is irrelevant)
    n_sources: int
    made: NDArray[np.int64]  # UTC ns
    label: NDArray[np.float64]  # 0.0 / 1.0 / NaN
    verdict_at: NDArray[np.int64]  # UTC ns: label_at if present, else made_at
    ev_stmt: NDArray[np.int64]  # position of the event's statement in ``statements``
    ev_kind: NDArray[np.int64]  # index into credscore._tables.EVENT_KINDS
    ev_at: NDArray[np.int64]  # UTC ns


def _ns(col: pd.Series) -> NDArray[np.int64]:
    """UTC nanoseconds of a validated ``datetime64[ns, UTC]`` column (NaT: int64 min)."""
    return np.asarray(col.array.asi8, dtype=np.int64)  # type: ignore[attr-defined]


def _event_positions(st_ids: pd.Series, ev_ids: pd.Series) -> NDArray[np.int64]:
    """Position of each event's statement: the sort-based path, else an exact index lookup
    (hash collisions, ids longer than the fast path takes)."""
    pos = event_positions_fast(st_ids, ev_ids)
    if pos is None:
        pos = pd.Index(st_ids).get_indexer(ev_ids).astype(np.int64)
    return pos


def history_arrays(tables: ValidatedTables) -> HistoryArrays:
    """The arrays of the history computation: source codes, ns times, labels, event targets.

    Examples
    --------
    >>> import pandas as pd
    >>> from credscore import validate_tables
    >>> t = validate_tables(pd.DataFrame({"statement_id": ["s1", "s2"], "source_id": ["a", "b"],
    ...     "text": "", "made_at": ["2024-01-01", "2024-01-02"], "label": [1, None]}),
    ...     events=pd.DataFrame({"event_id": ["e1"], "statement_id": ["s2"],
    ...     "kind": ["correction"], "at": ["2024-01-03"]}))
    >>> a = history_arrays(t)
    >>> a.n_sources, a.ev_stmt.tolist(), a.ev_kind.tolist(), a.label.tolist()[0]
    (2, [1], [1], 1.0)
    """
    st, ev = tables.statements, tables.events
    known = tables._known if cache_holds(tables) else {}  # what the validator computed
    src, n_sources = known.get("source_codes") or id_codes(st["source_id"])
    made = _ns(st["made_at"])
    label_at = _ns(st["label_at"])
    if len(ev):
        kind_codes, kind_uniques = pd.factorize(ev["kind"])
        kind_idx = np.array([EVENT_KINDS.index(k) for k in kind_uniques], dtype=np.int64)
    return HistoryArrays(
        src=src,
        n_sources=n_sources,
        made=made,
        label=st["label"].to_numpy(dtype=np.float64),
        verdict_at=np.where(label_at != _NAT, label_at, made),
        ev_stmt=known["event_statement"]
        if "event_statement" in known
        else _event_positions(st["statement_id"], ev["statement_id"]),
        ev_kind=kind_idx[kind_codes] if len(ev) else np.zeros(0, np.int64),  # no events: no codes
        ev_at=_ns(ev["at"]),
    )
