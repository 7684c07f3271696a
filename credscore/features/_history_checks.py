"""Input checks and array preparation for :mod:`credscore.features.history`.

The schema module (``credscore.schema``) validates and normalises tables before they get
here; these checks are the defensive second line. Every failure is a
:class:`~credscore.exceptions.SchemaError` naming the table, the column, up to 10 row ids
and the fix. Nothing is ever dropped silently.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from credscore._tables import EVENT_KINDS
from credscore.exceptions import SchemaError
from credscore.features._history_ids import event_positions_fast, id_codes

__all__ = ["HistoryArrays", "prepare_history_inputs"]

_NAT = np.iinfo(np.int64).min
_MAX_IDS = 10


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


class _Problems:
    def __init__(self) -> None:
        self.items: list[dict] = []
        self.lines: list[str] = []

    def add(self, table: str, column: str, check: str, rows, what: str, fix: str) -> None:
        """Record one problem; ``rows`` is a list of row ids or ``(first_ids, total)``."""
        total = None
        if isinstance(rows, tuple):
            rows, total = rows
        rows = [r if isinstance(r, str) else repr(r) for r in list(rows)[:_MAX_IDS]]
        total = len(rows) if total is None else total
        more = f" and {total - len(rows)} more" if total > len(rows) else ""
        where = f" (rows: {', '.join(rows)}{more})" if rows else ""
        self.lines.append(f"{table}.{column}: {what}{where}. Fix: {fix}")
        self.items.append(
            {
                "table": table,
                "column": column,
                "check": check,
                "rows": rows,
                "n_rows": total,
                "fix": fix,
            }
        )

    def raise_if_any(self) -> None:
        if self.items:
            tables = sorted({p["table"] for p in self.items})
            raise SchemaError(
                "history inputs are invalid:\n  " + "\n  ".join(self.lines),
                table=tables[0] if len(tables) == 1 else None,
                problems=self.items,
            )


class _Rows:
    """Names rows by id (``statement_id`` / ``event_id``), else by index label; lazily."""

    def __init__(self, table: str, df: pd.DataFrame) -> None:
        col = "statement_id" if table == "statements" else "event_id"
        self.values = df[col] if col in df.columns else None
        self.index = df.index

    def __call__(self, mask: np.ndarray) -> tuple[list, int]:
        pos = np.flatnonzero(mask)
        head = pos[:_MAX_IDS]
        if self.values is not None:
            names = [
                v if isinstance(v, str) else f"#{p}"
                for v, p in zip(self.values.iloc[head], head, strict=True)
            ]
        else:
            names = [f"#{p}" for p in head]
        return names, len(pos)


def _to_utc_ns(
    col: pd.Series, table: str, name: str, rows: _Rows, probs: _Problems, *, allow_nat: bool
) -> NDArray[np.int64] | None:
    """UTC nanoseconds of a tz-aware timestamp column, or ``None`` after recording problems."""
    if len(col) == 0:
        return np.zeros(0, dtype=np.int64)
    fix_tz = (
        "give timezone-aware timestamps; credscore.schema decides that naive means UTC, so "
        "validate the tables with credscore.schema first or use .dt.tz_localize('UTC')"
    )
    dtype = col.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        values = col
    elif pd.api.types.is_datetime64_dtype(dtype):
        probs.add(table, name, "tz_naive", [], "timestamps are timezone-naive", fix_tz)
        return None
    elif pd.api.types.is_object_dtype(dtype):
        kinds = np.array([_classify(v) for v in col.to_numpy(dtype=object)])
        if (kinds == "other").any():
            probs.add(
                table,
                name,
                "not_timestamp",
                rows(kinds == "other"),
                what="values are not timestamps",
                fix="parse them with pd.to_datetime(..., utc=True)",
            )
            return None
        if (kinds == "naive").any():
            mixed = "mixed timezone-aware and naive" if (kinds == "aware").any() else "naive"
            probs.add(
                table, name, "tz_naive", rows(kinds == "naive"), f"{mixed} timestamps", fix_tz
            )
            return None
        values = pd.to_datetime(col, utc=True)
    else:
        probs.add(
            table,
            name,
            "not_timestamp",
            [],
            f"column has dtype {dtype}, not timestamps",
            "parse it with pd.to_datetime(..., utc=True)",
        )
        return None
    try:
        ns = pd.DatetimeIndex(values).as_unit("ns").asi8.astype(np.int64, copy=False)
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        probs.add(
            table, name, "out_of_bounds", [], "timestamps outside 1677-2262", "correct the dates"
        )
        return None
    if not allow_nat:
        nat = ns == _NAT
        if nat.any():
            probs.add(
                table,
                name,
                "missing",
                rows(nat),
                "missing timestamps (NaT)",
                "every row needs a time; drop those rows or fill the time in",
            )
            return None
    return ns


def _classify(v) -> str:
    if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return "null"
    if isinstance(v, _dt.datetime):
        return "naive" if v.tzinfo is None else "aware"
    if isinstance(v, np.datetime64):
        return "null" if np.isnat(v) else "naive"
    return "other"


def _event_positions(
    statements: pd.DataFrame, events: pd.DataFrame, srows: _Rows, probs: _Problems
) -> NDArray[np.int64]:
    """Position in ``statements`` of each event's statement (-1: unknown), by factorizing.

    Also records missing and duplicated statement ids.
    """
    n, m = len(statements), len(events)
    # One hash pass over every statement id (statements, then events): uniqueness and the
    # event -> statement join at once.
    both = pd.concat(
        [
            statements["statement_id"].reset_index(drop=True),
            events["statement_id"].reset_index(drop=True),
        ],
        ignore_index=True,
    )
    codes, n_ids = id_codes(both) if n + m else (np.zeros(0, np.int64), 0)
    st_codes, ev_codes = codes[:n], codes[n:]
    if (st_codes < 0).any():
        probs.add(
            "statements",
            "statement_id",
            "missing",
            rows_by_pos(st_codes < 0),
            what="missing statement ids (row positions shown)",
            fix="give every row an id",
        )
    counts = np.bincount(st_codes[st_codes >= 0], minlength=n_ids)
    dup = (st_codes >= 0) & (counts[np.maximum(st_codes, 0)] > 1)
    if dup.any():
        probs.add(
            "statements",
            "statement_id",
            "unique",
            srows(dup),
            what="duplicated statement ids",
            fix="make statement_id unique (events refer to statements by id)",
        )
    pos_of = np.full(n_ids + 1, -1, dtype=np.int64)  # last slot: missing ids (-1 code)
    pos_of[st_codes] = np.arange(n, dtype=np.int64)
    pos_of[-1] = -1
    return pos_of[ev_codes]


def _empty_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "statement_id": pd.Series([], dtype=object),
            "kind": pd.Series([], dtype=object),
            "at": pd.Series([], dtype="datetime64[ns, UTC]"),
        }
    )


def prepare_history_inputs(statements: pd.DataFrame, events: pd.DataFrame | None) -> HistoryArrays:
    """Check the two tables and reduce them to positional numpy arrays.

    Raises
    ------
    SchemaError
        On any problem, listing all problems found (see ``check_history_inputs``).
    """
    probs = _Problems()
    for c in ("statement_id", "source_id", "made_at"):
        if c not in statements.columns:
            probs.add(
                "statements",
                c,
                "missing_column",
                [],
                "required column is missing",
                f"add a '{c}' column",
            )
    if events is None or (len(events) == 0 and not {"statement_id", "at"} <= set(events.columns)):
        events = _empty_events()
    for c in ("statement_id", "kind", "at"):
        if c not in events.columns:
            probs.add(
                "events",
                c,
                "missing_column",
                [],
                "required column is missing",
                f"add an '{c}' column",
            )
    probs.raise_if_any()
    n, m = len(statements), len(events)
    srows, erows = _Rows("statements", statements), _Rows("events", events)

    ev_stmt = event_positions_fast(statements["statement_id"], events["statement_id"])
    if ev_stmt is None:  # missing or duplicated ids, among others: the reference path
        ev_stmt = _event_positions(statements, events, srows, probs)
    unknown = ev_stmt < 0
    if unknown.any():
        probs.add(
            "events",
            "statement_id",
            "unknown_statement",
            erows(unknown),
            what="events point to statements that are not in the statements table",
            fix="add the statements or remove the events",
        )

    src_col = statements["source_id"]
    src, n_sources = id_codes(src_col) if n else (np.zeros(0, np.int64), 0)
    if (src < 0).any():
        probs.add(
            "statements",
            "source_id",
            "missing",
            srows(src < 0),
            what="missing source ids",
            fix="attribute every statement to a source",
        )
    made = _to_utc_ns(statements["made_at"], "statements", "made_at", srows, probs, allow_nat=False)

    label = np.full(n, np.nan)
    if "label" in statements.columns and n:
        lab_raw = statements["label"]
        if pd.api.types.is_bool_dtype(lab_raw) or pd.api.types.is_numeric_dtype(lab_raw):
            label = lab_raw.to_numpy(dtype=np.float64, na_value=np.nan)
            bad = ~(np.isnan(label) | (label == 0.0) | (label == 1.0))
            if bad.any():
                probs.add(
                    "statements",
                    "label",
                    "domain",
                    srows(bad),
                    what="labels must be 0, 1 or missing",
                    fix="map verdicts to 1 = held up, 0 = did not",
                )
        else:
            probs.add(
                "statements",
                "label",
                "dtype",
                [],
                f"label has dtype {lab_raw.dtype}",
                "map verdicts to 1.0 = held up, 0.0 = did not, NaN = unknown",
            )

    verdict_at = made
    if "label_at" in statements.columns and n:
        lab_at = _to_utc_ns(
            statements["label_at"], "statements", "label_at", srows, probs, allow_nat=True
        )
        if lab_at is not None and made is not None:
            present = lab_at != _NAT
            early = present & (lab_at < made)
            if early.any():
                probs.add(
                    "statements",
                    "label_at",
                    "before_statement",
                    srows(early),
                    what="verdicts dated before their statement",
                    fix="a verdict cannot precede its statement; correct label_at or made_at",
                )
            verdict_at = np.where(present, lab_at, made)

    kind_codes, kind_uniques = pd.factorize(events["kind"])
    known = np.array([k in EVENT_KINDS for k in kind_uniques], dtype=bool)
    bad_kind = (kind_codes < 0) | ~known[np.maximum(kind_codes, 0)] if m else np.zeros(0, bool)
    if bad_kind.any():
        shown = sorted({str(k) for k, ok in zip(kind_uniques, known, strict=True) if not ok})
        probs.add(
            "events",
            "kind",
            "domain",
            erows(bad_kind),
            what=f"unknown event kinds {shown[:5]}",
            fix=f"use one of {', '.join(EVENT_KINDS)}",
        )
    kind_idx = np.array(
        [EVENT_KINDS.index(k) if k in EVENT_KINDS else -1 for k in kind_uniques], dtype=np.int64
    )
    ev_kind = kind_idx[kind_codes] if m else np.zeros(0, np.int64)

    ev_at = _to_utc_ns(events["at"], "events", "at", erows, probs, allow_nat=False)
    if ev_at is not None and made is not None and not unknown.any():
        early = ev_at < made[ev_stmt]
        if early.any():
            probs.add(
                "events",
                "at",
                "before_statement",
                erows(early),
                what="events dated before the statement they refer to",
                fix="an event cannot precede its statement; correct 'at' or 'statement_id'",
            )
    probs.raise_if_any()
    assert made is not None and ev_at is not None  # for type checkers

    return HistoryArrays(
        src=src,
        n_sources=n_sources,
        made=made,
        label=label,
        verdict_at=np.asarray(verdict_at, dtype=np.int64),
        ev_stmt=ev_stmt,
        ev_kind=ev_kind,
        ev_at=ev_at,
    )


def rows_by_pos(mask: np.ndarray) -> tuple[list, int]:
    pos = np.flatnonzero(mask)
    return [f"#{p}" for p in pos[:_MAX_IDS]], len(pos)
