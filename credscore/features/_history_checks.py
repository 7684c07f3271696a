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

__all__ = ["HistoryArrays", "prepare_history_inputs"]

_NAT = np.iinfo(np.int64).min
_MAX_IDS = 10


@dataclass
class HistoryArrays:
    """The two tables reduced to the numpy arrays the kernels need (positional)."""

    src: NDArray[np.int64]  # source code per statement, codes sorted by source_id
    n_sources: int
    made: NDArray[np.int64]  # UTC ns
    label: NDArray[np.float64]  # 0.0 / 1.0 / NaN
    verdict_at: NDArray[np.int64]  # UTC ns: label_at if present, else made_at
    ev_stmt: NDArray[np.int64]  # position of the event's statement in ``statements``
    ev_kind: NDArray[np.object_]
    ev_at: NDArray[np.int64]  # UTC ns


class _Problems:
    def __init__(self) -> None:
        self.items: list[dict] = []
        self.lines: list[str] = []

    def add(self, table: str, column: str, check: str, rows, what: str, fix: str) -> None:
        rows = [str(r) for r in list(rows)]
        shown = ", ".join(rows[:_MAX_IDS]) + (f", … ({len(rows)} in all)" if len(rows) > 10 else "")
        where = f" (rows: {shown})" if rows else ""
        self.lines.append(f"{table}.{column}: {what}{where}. Fix: {fix}")
        self.items.append({"table": table, "column": column, "check": check, "rows": rows})

    def raise_if_any(self) -> None:
        if self.items:
            tables = sorted({p["table"] for p in self.items})
            raise SchemaError(
                "history inputs are invalid:\n  " + "\n  ".join(self.lines),
                table=tables[0] if len(tables) == 1 else None,
                problems=self.items,
            )


def _ids(table: str, df: pd.DataFrame) -> np.ndarray:
    col = "statement_id" if table == "statements" else "event_id"
    if col in df.columns:
        return df[col].to_numpy(dtype=object)
    return np.asarray(df.index, dtype=object)


def _to_utc_ns(
    col: pd.Series, table: str, name: str, ids: np.ndarray, probs: _Problems, *, allow_nat: bool
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
                ids[kinds == "other"],
                "values are not timestamps",
                "parse them with pd.to_datetime(..., utc=True)",
            )
            return None
        if (kinds == "naive").any():
            mixed = "mixed timezone-aware and naive" if (kinds == "aware").any() else "naive"
            probs.add(table, name, "tz_naive", ids[kinds == "naive"], f"{mixed} timestamps", fix_tz)
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
    if not allow_nat and (ns == _NAT).any():
        probs.add(
            table,
            name,
            "missing",
            ids[ns == _NAT],
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


def prepare_history_inputs(statements: pd.DataFrame, events: pd.DataFrame | None) -> HistoryArrays:
    """Check the two tables and reduce them to positional numpy arrays.

    Raises
    ------
    SchemaError
        On any problem, listing all problems found (see ``check_history_inputs``).
    """
    probs = _Problems()
    missing = [c for c in ("statement_id", "source_id", "made_at") if c not in statements.columns]
    if missing:
        for c in missing:
            probs.add(
                "statements",
                c,
                "missing_column",
                [],
                "required column is missing",
                f"add a '{c}' column",
            )
        probs.raise_if_any()
    sids = _ids("statements", statements)
    stmt_index = pd.Index(statements["statement_id"])
    if stmt_index.hasnans:
        probs.add(
            "statements",
            "statement_id",
            "missing",
            np.asarray(statements.index)[stmt_index.isna()],
            "missing statement ids (row labels shown)",
            "give every row an id",
        )
    elif not stmt_index.is_unique:
        dup = stmt_index[stmt_index.duplicated()].unique()
        probs.add(
            "statements",
            "statement_id",
            "unique",
            dup,
            "duplicated statement ids",
            "make statement_id unique (events refer to statements by id)",
        )
    src_col = statements["source_id"]
    if src_col.isna().any():
        probs.add(
            "statements",
            "source_id",
            "missing",
            sids[src_col.isna().to_numpy()],
            "missing source ids",
            "attribute every statement to a source",
        )
    made = _to_utc_ns(statements["made_at"], "statements", "made_at", sids, probs, allow_nat=False)

    n = len(statements)
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
                    sids[bad],
                    "labels must be 0, 1 or missing",
                    "map verdicts to 1 = held up, 0 = did not",
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
            label = np.full(n, np.nan)
    else:
        label = np.full(n, np.nan)

    verdict_at = made
    if "label_at" in statements.columns and n:
        lab_at = _to_utc_ns(
            statements["label_at"], "statements", "label_at", sids, probs, allow_nat=True
        )
        if lab_at is not None and made is not None:
            present = lab_at != _NAT
            early = present & (lab_at < made)
            if early.any():
                probs.add(
                    "statements",
                    "label_at",
                    "before_statement",
                    sids[early],
                    "verdicts dated before their statement",
                    "a verdict cannot precede the statement; correct label_at or made_at",
                )
            verdict_at = np.where(present, lab_at, made)

    if events is None or (len(events) == 0 and not {"statement_id", "at"} <= set(events.columns)):
        events = pd.DataFrame({"statement_id": [], "kind": [], "at": []})
    ev_missing = [c for c in ("statement_id", "kind", "at") if c not in events.columns]
    for c in ev_missing:
        probs.add(
            "events", c, "missing_column", [], "required column is missing", f"add an '{c}' column"
        )
    probs.raise_if_any()

    eids = _ids("events", events)
    ev_stmt = stmt_index.get_indexer(pd.Index(events["statement_id"]))
    unknown = ev_stmt < 0
    if unknown.any():
        probs.add(
            "events",
            "statement_id",
            "unknown_statement",
            eids[unknown],
            "events point to statements that are not in the statements table",
            "add the statements or remove the events",
        )
    kinds = events["kind"].to_numpy(dtype=object)
    bad_kind = ~pd.Index(kinds).isin(EVENT_KINDS)
    if bad_kind.any():
        probs.add(
            "events",
            "kind",
            "domain",
            eids[bad_kind],
            f"unknown event kinds {sorted({str(k) for k in kinds[bad_kind]})[:5]}",
            f"use one of {', '.join(EVENT_KINDS)}",
        )
    ev_at = _to_utc_ns(events["at"], "events", "at", eids, probs, allow_nat=False)
    if ev_at is not None and made is not None and not unknown.any():
        early = ev_at < made[ev_stmt]
        if early.any():
            probs.add(
                "events",
                "at",
                "before_statement",
                eids[early],
                "events dated before the statement they refer to",
                "an event cannot precede its statement; correct 'at' or 'statement_id'",
            )
    probs.raise_if_any()
    assert made is not None and ev_at is not None  # for type checkers

    codes, uniques = pd.factorize(src_col, sort=True)
    return HistoryArrays(
        src=codes.astype(np.int64, copy=False),
        n_sources=len(uniques),
        made=made,
        label=label,
        verdict_at=np.asarray(verdict_at, dtype=np.int64),
        ev_stmt=ev_stmt.astype(np.int64, copy=False),
        ev_kind=kinds,
        ev_at=ev_at,
    )
