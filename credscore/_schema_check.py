"""The one validation pass behind :func:`credscore.schema.validate_tables` (private).

:func:`validate_frames` runs every check of the three tables, collects all problems in one
:class:`~credscore._problems.Problems` and returns :class:`~credscore._tables.ValidatedTables`.
Columns go through vectorised paths for their usual dtypes (``str``/Arrow ids and text,
``datetime64`` times, numeric labels); joins on ids are in :mod:`credscore._schema_joins`.
Tables of a few rows (a statement scored as it arrives) take value-by-value paths where
pandas would cost more to set up than the work (:func:`~credscore._schema_values.is_small`).
The rules are in the docstring of :mod:`credscore.schema`.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping

import numpy as np
import pandas as pd

from credscore._ids import id_codes
from credscore._problems import Problems
from credscore._schema_joins import join_ids
from credscore._schema_times import check_time_unit, parse_times
from credscore._schema_values import (
    STR,
    is_small,
    normalise_ids,
    normalise_kinds,
    normalise_labels,
    normalise_optional_text,
    normalise_text,
)
from credscore._tables import _VALIDATOR_TOKEN, TABLE_COLUMNS, ValidatedTables

__all__ = ["cache_holds", "id_arrays", "validate_frames"]

_UTC_NS = "datetime64[ns, UTC]"
_NAT = np.iinfo(np.int64).min


def validate_frames(
    statements: object,
    sources: object | None,
    events: object | None,
    *,
    time_unit: str | None = None,
    require_text: bool = True,
) -> ValidatedTables:
    """Validate and normalise; raise one ``SchemaError`` listing every problem.

    ``require_text=False`` is for the history features alone, which never read ``text``: the
    column may then be absent (and stays absent). ``validate_tables`` always requires it.
    """
    check_time_unit(time_unit)
    problems = Problems()
    given = {"statements": statements, "sources": sources, "events": events}
    checked = {name: _frame(obj, name, problems) for name, obj in given.items() if obj is not None}
    problems.raise_if_any()
    frames = {name: df for name, df in checked.items() if df is not None}
    for name, df in frames.items():
        _check_column_names(name, df, problems, require_text)
    problems.raise_if_any()  # the checks below need the required columns, once each
    zones: dict[str, bool] = {}
    st, columns = _statements(frames["statements"], problems, zones, time_unit)
    known: dict = {}
    derived = "sources" not in frames
    if derived:
        src = _derived_sources(columns["source_id"], known)
    else:
        src = _sources(frames["sources"], problems)
    ev = _events(frames.get("events"), problems, zones, time_unit)
    known["event_statement"] = _cross_checks(columns, src, ev, problems, sources_derived=derived)
    known["arrays"] = id_arrays(st, ev)
    _check_zones(zones, problems)
    problems.raise_if_any()
    return ValidatedTables(
        statements=st, sources=src, events=ev, _token=_VALIDATOR_TOKEN, _known=known
    )


def id_arrays(statements: pd.DataFrame, events: pd.DataFrame) -> tuple:
    """The arrays the cached positions and codes were computed from: a frame sorted or
    rebuilt since holds other arrays, and the cache is then not used."""
    return (
        statements["statement_id"].array,
        statements["source_id"].array,
        events["statement_id"].array,
    )


def cache_holds(tables: ValidatedTables) -> bool:
    """Whether the arrays the validator cached in ``tables`` still describe its frames."""
    cached = tables._known.get("arrays")
    now = id_arrays(tables.statements, tables.events)
    return cached is not None and all(a is b for a, b in zip(cached, now, strict=True))


def _frame(obj: object, table: str, problems: Problems) -> pd.DataFrame | None:
    if isinstance(obj, pd.DataFrame):
        return obj.reset_index(drop=True)  # copy-on-write: the input is never changed
    problems.add(
        table,
        None,
        "not_a_dataframe",
        f"is a {type(obj).__name__}, not a pandas DataFrame",
        "pass a DataFrame (or use credscore.read_tables to read files)",
    )
    return None


def _check_column_names(
    table: str, df: pd.DataFrame, problems: Problems, require_text: bool
) -> None:
    names = df.columns
    counts = {} if names.is_unique else Counter(names)  # is_unique: the cheaper test
    for name, count in counts.items():
        if count > 1:
            problems.add(
                table,
                str(name),
                "duplicate_column",
                f"appears {count} times as a column name",
                "keep one column of each name (rename or drop the others)",
            )
    required = [c for c in TABLE_COLUMNS[table]["required"] if require_text or c != "text"]
    for name in required:
        if name not in names:
            problems.add(
                table,
                name,
                "missing_column",
                "is missing",
                "add the column (see credscore.schema.TABLE_COLUMNS)",
            )


def _times(
    df: pd.DataFrame,
    table: str,
    column: str,
    problems: Problems,
    zones: dict[str, bool],
    time_unit: str | None,
    *,
    required: bool,
) -> pd.Series:
    if column not in df.columns:
        return pd.Series(pd.NaT, index=df.index, dtype=_UTC_NS)
    values, aware = parse_times(df[column], table, column, problems, time_unit=time_unit)
    if aware is not None:
        zones[f"{table}.{column}"] = aware
    nat = _ns(values) == _NAT
    if required and nat.any():  # missing or blank; values that are no time are named already
        raw = df[column]
        missing = nat & raw.isna().to_numpy()
        for pos in np.flatnonzero(nat & ~missing).tolist():
            value = raw.iat[pos]
            missing[pos] = isinstance(value, str) and not value.strip()
        if missing.any():
            problems.add(
                table,
                column,
                "missing_value",
                "has missing values",
                "fill in the missing values; they are required",
                rows=missing,
            )
    return values


def _statements(
    df: pd.DataFrame, problems: Problems, zones: dict[str, bool], time_unit: str | None
) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """The statements table and its normalised columns (the checks across tables read them:
    taking a column out of a frame costs more than checking it, on a few rows)."""
    out = {
        "statement_id": normalise_ids(df["statement_id"], "statements", "statement_id", problems)
    }
    problems.name_rows_by("statements", out["statement_id"])
    out["source_id"] = normalise_ids(df["source_id"], "statements", "source_id", problems)
    for column, required in (("made_at", True), ("label_at", False)):
        out[column] = _times(
            df, "statements", column, problems, zones, time_unit, required=required
        )
    out["label"] = pd.Series(normalise_labels(df.get("label"), len(df), problems), df.index)
    if "text" in df.columns:
        out["text"] = normalise_text(df["text"], problems)
    _optional_text(df, ("topic", "context"), out)
    return _assemble(df, out), out


def _optional_text(df: pd.DataFrame, columns: tuple[str, ...], out: dict) -> None:
    missing = None  # one empty column serves every absent one (frames share it, read-only)
    for column in columns:
        if column in df.columns:
            out[column] = normalise_optional_text(df[column])
        else:
            if missing is None:
                missing = _no_text(len(df))
            out[column] = missing


def _no_text(n: int) -> pd.Series:
    return pd.Series(np.full(n, np.nan, dtype=object), dtype=STR)


def _assemble(df: pd.DataFrame, normalised: dict[str, pd.Series]) -> pd.DataFrame:
    """One frame: the input's columns in order (normalised ones replaced), then the
    columns added; built at once (setting columns one by one costs more than checking)."""
    data = {c: normalised[c] if c in normalised else df[c] for c in df.columns}
    data.update({c: v for c, v in normalised.items() if c not in data})
    return pd.DataFrame(data, index=df.index, copy=False)


def _sources(df: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    out = {"source_id": normalise_ids(df["source_id"], "sources", "source_id", problems)}
    problems.name_rows_by("sources", out["source_id"])
    _optional_text(df, TABLE_COLUMNS["sources"]["optional"], out)
    return _assemble(df, out)


def _derived_sources(col: pd.Series, known: dict) -> pd.DataFrame:
    """One source without a title per distinct ``source_id`` of the statements (``col``), in
    order of first appearance (the statements' source codes go to ``known``)."""
    if is_small(len(col)):
        values = col.tolist()  # strings or NaN
        first = dict.fromkeys(v for v in values if isinstance(v, str))  # in order of appearance
        code = {v: i for i, v in enumerate(first)}
        codes = np.array([code.get(v, -1) for v in values], dtype=np.int64)
        k = len(code)
        ids = pd.Series(list(code), dtype=STR)
    else:
        codes, k = id_codes(col)  # codes in order of first appearance; -1: missing
        some_row = np.empty(k, dtype=np.int64)
        present = codes >= 0
        some_row[codes[present]] = np.flatnonzero(present)  # any row of each id will do
        ids = col.take(some_row).reset_index(drop=True)
    known["source_codes"] = (codes, k)
    missing = _no_text(k)  # shared by every optional column, read-only
    out = {"source_id": ids, **dict.fromkeys(TABLE_COLUMNS["sources"]["optional"], missing)}
    return pd.DataFrame(out, index=ids.index, copy=False)


def _events(
    df: pd.DataFrame | None, problems: Problems, zones: dict[str, bool], time_unit: str | None
) -> pd.DataFrame:
    if df is None:  # copy-on-write: a shallow copy cannot change the shared empty table
        return _no_events().copy(deep=False)
    out = {"event_id": normalise_ids(df["event_id"], "events", "event_id", problems)}
    problems.name_rows_by("events", out["event_id"])
    out["statement_id"] = normalise_ids(df["statement_id"], "events", "statement_id", problems)
    out["kind"] = normalise_kinds(df["kind"], problems)
    out["at"] = _times(df, "events", "at", problems, zones, time_unit, required=True)
    return _assemble(df, out)


@functools.cache
def _no_events() -> pd.DataFrame:
    """The events table of tables given none (built once: it costs more than the checks)."""
    return pd.DataFrame(
        {
            "event_id": pd.Series([], dtype=STR),
            "statement_id": pd.Series([], dtype=STR),
            "kind": pd.Series([], dtype=STR),
            "at": pd.Series([], dtype=_UTC_NS),
        }
    )


def _cross_checks(
    st: Mapping[str, pd.Series],
    src: pd.DataFrame,
    ev: pd.DataFrame,
    problems: Problems,
    *,
    sources_derived: bool,
) -> np.ndarray:
    """Uniqueness of ids, references between tables and the order of dates; returns the
    position of each event's statement (-1: unknown)."""
    if len(ev):  # duplicated event ids
        join_ids(ev["event_id"], ev["event_id"].iloc[:0], "events", problems)
    if not sources_derived:
        _check_sources(st["source_id"], src["source_id"], problems)
    # also the check of duplicated statement ids, with events or without
    ev_pos = join_ids(st["statement_id"], ev["statement_id"], "statements", problems)
    made = _ns(st["made_at"])
    if len(ev):
        _check_events(ev, ev_pos, made, problems)
    label_at = _ns(st["label_at"])
    early_label = (label_at < made) & _present(label_at, made)
    if early_label.any():
        problems.add(
            "statements",
            "label_at",
            "label_before_statement",
            "is earlier than made_at (a verdict before the statement was made)",
            "check the dates, or leave label_at empty (the verdict is then dated at made_at)",
            rows=early_label,
        )
    return ev_pos


def _check_sources(sources: pd.Series, src_ids: pd.Series, problems: Problems) -> None:
    """Duplicated ids of the sources table, and statements naming sources it lacks."""
    src_pos = join_ids(src_ids, sources, "sources", problems)
    unknown = (src_pos < 0) & ~sources.array.isna()
    if unknown.any():
        names = sorted(set(sources[unknown].tolist()))
        problems.add(
            "statements",
            "source_id",
            "unknown_source",
            f"names sources that are not in the sources table ({names[:10]})",
            "add these sources to the sources table, or correct the ids",
            rows=unknown,
        )


def _check_events(
    ev: pd.DataFrame, ev_pos: np.ndarray, made: np.ndarray, problems: Problems
) -> None:
    """Events naming statements that are not there, and events before their statement."""
    unknown = (ev_pos < 0) & ~ev["statement_id"].array.isna()
    if unknown.any():
        problems.add(
            "events",
            "statement_id",
            "unknown_statement",
            "points to statements that are not in the statements table",
            "add the statements the events refer to (they carry the source's history), "
            "or remove these events",
            rows=unknown,
        )
    known = ev_pos >= 0
    at = _ns(ev["at"])
    early = np.zeros(len(ev), dtype=bool)
    early[known] = (at[known] < made[ev_pos[known]]) & _present(at[known], made[ev_pos[known]])
    if early.any():
        problems.add(
            "events",
            "at",
            "event_before_statement",
            "is earlier than the statement the event happened to",
            "check the dates: an event (retraction, correction...) cannot precede its statement",
            rows=early,
        )


def _ns(col: pd.Series) -> np.ndarray:
    """UTC nanoseconds of a ``datetime64[ns, UTC]`` column (``NaT``: int64 min)."""
    return col.array.asi8  # type: ignore[attr-defined]


def _present(*arrays: np.ndarray) -> np.ndarray:
    nat = np.iinfo(np.int64).min
    out = np.ones(len(arrays[0]), dtype=bool)
    for a in arrays:
        out &= a != nat
    return out


def _check_zones(zones: dict[str, bool], problems: Problems) -> None:
    if len(set(zones.values())) <= 1:
        return
    naive = [k for k, v in zones.items() if not v]
    aware = [k for k, v in zones.items() if v]
    problems.add(
        "statements" if any(k.startswith("statements") for k in naive) else "events",
        None,
        "mixed_timezones",
        f"timestamps in {naive} are naive while those in {aware} carry a timezone",
        "use timezone-aware timestamps everywhere, or naive ones everywhere (read as UTC)",
    )
