"""Table definitions and validation.

:func:`validate_tables` checks the three tables of credscore (sources, statements, events) and
returns normalised copies; every problem found is reported at once in one
:class:`~credscore.exceptions.SchemaError` whose message names the table, the column, up to ten
offending row ids and the fix.

Normalisation rules (documented, tested):

* ids (``source_id``, ``statement_id``, ``event_id``) become strings; an integer id ``7`` and
  the string ``"7"`` are the same id;
* timestamps (``made_at``, ``label_at``, ``at``) are parsed and converted to UTC. Naive
  timestamps are read as UTC. Within one corpus they must be *consistently* naive or aware:
  mixing them is an error, because the order of "14:00" and "14:00+02:00" is ambiguous;
* ``label`` becomes float ``1.0`` / ``0.0`` / ``NaN`` (missing = not yet checked); booleans and
  the strings ``"0"``/``"1"``/``"true"``/``"false"`` are accepted;
* missing ``text`` becomes the empty string (a statement with no text has no qualifier cues);
  text that is not a string (e.g. a number) is an error;
* ``sources`` may be omitted (``None``): every ``source_id`` then becomes a source with no
  title, which the rank features read as ``unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from credscore._tables import EVENT_KINDS, TABLE_COLUMNS, Tables
from credscore.exceptions import SchemaError

__all__ = ["TABLE_COLUMNS", "validate_tables"]

_MAX_ROWS_SHOWN = 10
_ID_COLUMN = {"sources": "source_id", "statements": "statement_id", "events": "event_id"}
_TIME_COLUMNS = {"statements": ("made_at", "label_at"), "events": ("at",)}
_REQUIRED_TIMES = {("statements", "made_at"), ("events", "at")}
_TZ_SUFFIX = re.compile(r"(?:[zZ]|[+-]\d\d:?\d\d|UTC|GMT)\s*$")
_LABEL_WORDS = {"1": 1.0, "0": 0.0, "1.0": 1.0, "0.0": 0.0, "true": 1.0, "false": 0.0}


class _Problems:
    """Collects problems across tables and raises them together."""

    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, table: str, column: str | None, check: str, rows: Iterable, fix: str) -> None:
        self.items.append(
            {"table": table, "column": column, "check": check, "rows": list(rows), "fix": fix}
        )

    def raise_if_any(self) -> None:
        if not self.items:
            return
        lines = [f"{len(self.items)} problem(s) in the input tables:"]
        for p in self.items:
            rows = p["rows"]
            shown = ", ".join(repr(r) for r in rows[:_MAX_ROWS_SHOWN])
            more = f" and {len(rows) - _MAX_ROWS_SHOWN} more" if len(rows) > _MAX_ROWS_SHOWN else ""
            where = f"table '{p['table']}'" + (f", column '{p['column']}'" if p["column"] else "")
            row_text = f" rows [{shown}{more}]:" if rows else ""
            lines.append(f"- {where}:{row_text} {p['check']}. Fix: {p['fix']}")
        tables = {p["table"] for p in self.items}
        raise SchemaError(
            "\n".join(lines),
            table=tables.pop() if len(tables) == 1 else None,
            problems=self.items,
        )


def _row_names(df: pd.DataFrame, table: str, positions: Iterable[int]) -> list:
    """Names rows by their id where it exists, else by 0-based position ``'#3'``."""
    id_col = _ID_COLUMN[table]
    out = []
    for pos in positions:
        value = df[id_col].iat[pos] if id_col in df.columns else None
        out.append(value if isinstance(value, str) and value else f"#{pos}")
    return out


def _as_str(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Strings for non-missing values; returns the converted series and the missing mask."""
    missing = series.isna().to_numpy()
    if pd.api.types.is_float_dtype(series.dtype):  # 7.0 (an int column that met a NaN) -> "7"
        text = series.map(lambda v: str(int(v)) if v.is_integer() else str(v), na_action="ignore")
    else:
        text = series.astype("string").str.strip()
    return text.astype(object).where(~missing, None), missing


def _is_aware_value(v: object) -> bool | None:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp | np.datetime64):
        return getattr(v, "tzinfo", None) is not None
    if hasattr(v, "tzinfo"):
        return v.tzinfo is not None
    if isinstance(v, str):
        return bool(_TZ_SUFFIX.search(v.strip())) if v.strip() else None
    return False


def _parse_times(
    series: pd.Series, table: str, column: str, df: pd.DataFrame, problems: _Problems
) -> tuple[pd.Series, bool | None]:
    """Parses one timestamp column to UTC; returns it and whether the input was tz-aware."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return series.dt.tz_convert("UTC").astype("datetime64[ns, UTC]"), True
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        aware = None if series.isna().all() else False  # an all-missing column has no zone
        return series.dt.tz_localize("UTC").astype("datetime64[ns, UTC]"), aware
    raw = series.astype(object)
    if pd.api.types.infer_dtype(raw, skipna=True) == "string":  # the usual case, vectorised
        stripped = raw.where(raw.notna(), "").astype("string").str.strip()
        has_zone = stripped.str.contains(_TZ_SUFFIX).astype(object)
        awareness = has_zone.where(stripped != "", None).to_numpy(dtype=object)
    else:
        awareness = np.array([_is_aware_value(v) for v in raw], dtype=object)
    kinds = {a for a in awareness if a is not None}
    if len(kinds) > 1:
        naive = np.flatnonzero(awareness == False)  # noqa: E712 - object array comparison
        problems.add(
            table,
            column,
            "mixes timezone-aware and naive timestamps (these rows are naive, others are not)",
            _row_names(df, table, naive),
            "give every timestamp an explicit offset (e.g. '2024-05-01T10:00:00+00:00'), "
            "or none of them (naive timestamps are read as UTC)",
        )
    try:
        parsed = pd.to_datetime(raw, errors="coerce", utc=True, format="mixed")
    except (TypeError, ValueError):
        parsed = pd.Series(
            [pd.to_datetime(v, errors="coerce", utc=True) for v in raw], index=series.index
        )
    bad = np.flatnonzero(parsed.isna().to_numpy() & series.notna().to_numpy())
    if len(bad):
        problems.add(
            table,
            column,
            "has values that are not timestamps",
            _row_names(df, table, bad),
            "write timestamps as ISO 8601, e.g. '2024-05-01' or '2024-05-01T10:00:00+00:00'",
        )
    aware = kinds.pop() if len(kinds) == 1 else None
    return parsed.astype("datetime64[ns, UTC]"), aware


def _pandera_schema(table: str) -> pa.DataFrameSchema:
    spec = TABLE_COLUMNS[table]
    columns: dict[str, pa.Column] = {
        c: pa.Column(nullable=True, required=True) for c in spec["required"]
    }
    columns[_ID_COLUMN[table]] = pa.Column(nullable=False, unique=True, required=True)
    if table == "statements":
        columns["source_id"] = pa.Column(nullable=False, required=True)
        columns["made_at"] = pa.Column(nullable=False, required=True)
    if table == "events":
        columns["statement_id"] = pa.Column(nullable=False, required=True)
        columns["at"] = pa.Column(nullable=False, required=True)
        columns["kind"] = pa.Column(
            nullable=False, required=True, checks=pa.Check.isin(list(EVENT_KINDS))
        )
    return pa.DataFrameSchema(columns, strict=False, coerce=False, name=table)


_FIXES = {
    "column_in_dataframe": "add the column (see credscore.schema.TABLE_COLUMNS)",
    "not_nullable": "fill in the missing values; they are required",
    "field_uniqueness": "give every row its own id",
}


def _check_columns(table: str, df: pd.DataFrame, problems: _Problems) -> bool:
    """Runs the pandera schema lazily; returns False when required columns are missing."""
    try:
        _pandera_schema(table).validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        complete = True
        for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=False):
            if check == "column_in_dataframe":
                complete = False
                for name in group["failure_case"]:
                    problems.add(table, str(name), "is missing", [], _FIXES[check])
                continue
            positions = sorted({int(i) for i in group["index"].dropna()})
            if str(check).startswith("isin"):
                allowed = ", ".join(EVENT_KINDS)
                fix = f"use one of: {allowed}"
                bad_values = sorted(set(group["failure_case"].astype(str)))
                label = f"has values outside the allowed set ({bad_values})"
            else:
                fix = _FIXES.get(str(check), "correct these values")
                label = {
                    "not_nullable": "has missing values",
                    "field_uniqueness": "has duplicate ids",
                }.get(str(check), f"fails check {check}")
            problems.add(
                table,
                None if pd.isna(column) else str(column),
                label,
                _row_names(df, table, positions),
                fix,
            )
        return complete
    return True


def _normalise_labels(df: pd.DataFrame, problems: _Problems) -> None:
    if "label" not in df.columns:
        df["label"] = np.nan
        return
    raw = df["label"]
    # every accepted spelling (1, 1.0, True, "1", "true"...) is a key of _LABEL_WORDS once written
    # as lower-case text; missing values and blank strings are "not yet checked"
    words = raw.astype("string").str.strip().str.lower()
    missing = (raw.isna() | (words == "")).to_numpy()
    out = words.map(_LABEL_WORDS).astype(float).to_numpy()
    bad = np.flatnonzero(~missing & np.isnan(out))
    if len(bad):
        problems.add(
            "statements",
            "label",
            "has values other than 1 (held up), 0 (did not) or missing",
            _row_names(df, "statements", bad),
            "map your verdict scale to 1/0 (e.g. half-true and above = 1) or leave it empty",
        )
    df["label"] = out


def _normalise_text(df: pd.DataFrame, problems: _Problems) -> None:
    raw = df["text"].astype(object)
    missing = raw.isna().to_numpy()
    not_str = np.array([not (m or isinstance(v, str)) for v, m in zip(raw, missing, strict=True)])
    if not_str.any():
        problems.add(
            "statements",
            "text",
            "has values that are not text",
            _row_names(df, "statements", np.flatnonzero(not_str)),
            "give each statement its text as a string (missing text is read as empty)",
        )
    df["text"] = raw.where(~missing, "").astype(object)


def _as_frame(obj: object, table: str, problems: _Problems) -> pd.DataFrame | None:
    if isinstance(obj, pd.DataFrame):
        return obj.reset_index(drop=True).copy()
    problems.add(
        table,
        None,
        f"is a {type(obj).__name__}, not a pandas DataFrame",
        [],
        "pass a DataFrame (or use credscore.read_tables to read files)",
    )
    return None


def validate_tables(
    statements: pd.DataFrame | Tables,
    sources: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> Tables:
    """Validates the three tables and returns normalised copies.

    Parameters
    ----------
    statements : DataFrame or Tables
        The statements table, or a :class:`~credscore.Tables` holding all three.
    sources, events : DataFrame, optional
        Ignored when ``statements`` is a ``Tables``. Missing ``sources`` are derived from the
        statements' ``source_id`` (no titles); missing ``events`` mean no events.

    Returns
    -------
    Tables
        Normalised copies with a fresh ``RangeIndex``, in input row order.

    Raises
    ------
    SchemaError
        Listing every problem found, each with table, column, up to 10 row ids and the fix.

    Examples
    --------
    >>> import pandas as pd
    >>> st = pd.DataFrame({"statement_id": [1, 2], "source_id": ["a", "a"],
    ...                    "text": ["It rained.", None], "made_at": ["2024-01-01", "2024-01-02"]})
    >>> t = validate_tables(st)
    >>> t.statements["statement_id"].tolist(), t.statements["made_at"].dt.tz is not None
    (['1', '2'], True)
    >>> bad = st.assign(statement_id=[1, 1])
    >>> validate_tables(bad)
    Traceback (most recent call last):
    ...
    credscore.exceptions.SchemaError: 1 problem(s) in the input tables:
    - table 'statements', column 'statement_id': rows ['1', '1']: has duplicate ids. Fix: give every row its own id
    """  # noqa: E501
    if isinstance(statements, Tables):
        sources, events, statements = statements.sources, statements.events, statements.statements
    problems = _Problems()
    frames: dict[str, pd.DataFrame | None] = {
        "statements": _as_frame(statements, "statements", problems),
        "sources": None if sources is None else _as_frame(sources, "sources", problems),
        "events": None if events is None else _as_frame(events, "events", problems),
    }
    problems.raise_if_any()
    st = frames["statements"]
    assert st is not None
    if frames["sources"] is None:
        src_ids: Any = st["source_id"].dropna().unique() if "source_id" in st.columns else []
        frames["sources"] = pd.DataFrame({"source_id": pd.Series(src_ids, dtype=object)})
    if frames["events"] is None:
        frames["events"] = pd.DataFrame(
            {c: pd.Series(dtype=object) for c in TABLE_COLUMNS["events"]["required"]}
        )
    complete = {}
    for table, df in frames.items():
        assert df is not None
        for col in ("source_id", "statement_id", "event_id"):
            if col in df.columns:
                df[col], _ = _as_str(df[col])
        complete[table] = _check_columns(table, df, problems)
    if not all(complete.values()):
        problems.raise_if_any()  # later checks need the required columns

    sources_df, events_df = frames["sources"], frames["events"]
    assert sources_df is not None and events_df is not None
    awareness: dict[str, bool] = {}
    for table, columns in _TIME_COLUMNS.items():
        df = frames[table]
        assert df is not None
        for column in columns:
            if column not in df.columns:
                df[column] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
                continue
            df[column], aware = _parse_times(df[column], table, column, df, problems)
            if aware is not None:
                awareness[f"{table}.{column}"] = aware
    if len(set(awareness.values())) > 1:
        naive = [k for k, v in awareness.items() if not v]
        aware_cols = [k for k, v in awareness.items() if v]
        problems.add(
            "statements" if any(k.startswith("statements") for k in naive) else "events",
            None,
            f"timestamps in {naive} are naive while those in {aware_cols} carry a timezone",
            [],
            "use timezone-aware timestamps everywhere, or naive ones everywhere (read as UTC)",
        )
    _normalise_labels(st, problems)
    _normalise_text(st, problems)
    for col in TABLE_COLUMNS["sources"]["optional"]:
        if col not in sources_df.columns:
            sources_df[col] = pd.Series(None, index=sources_df.index, dtype=object)
    for col in ("topic", "context"):
        if col not in st.columns:
            st[col] = pd.Series(None, index=st.index, dtype=object)

    unknown_src = np.flatnonzero(~st["source_id"].isin(sources_df["source_id"]).to_numpy())
    if len(unknown_src):
        missing_ids = sorted(set(st["source_id"].iloc[unknown_src]))
        problems.add(
            "statements",
            "source_id",
            f"names sources that are not in the sources table ({missing_ids[:10]})",
            _row_names(st, "statements", unknown_src),
            "add these sources to the sources table, or correct the ids",
        )
    unknown_st = np.flatnonzero(~events_df["statement_id"].isin(st["statement_id"]).to_numpy())
    if len(unknown_st):
        problems.add(
            "events",
            "statement_id",
            "points to statements that are not in the statements table",
            _row_names(events_df, "events", unknown_st),
            "add the statements the events refer to (they carry the source's history), "
            "or remove these events",
        )

    made = st.drop_duplicates("statement_id").set_index("statement_id")["made_at"]
    known = events_df["statement_id"].isin(made.index).to_numpy()
    stmt_time = pd.Series(pd.NaT, index=events_df.index, dtype="datetime64[ns, UTC]")
    stmt_time[known] = made.reindex(events_df.loc[known, "statement_id"]).to_numpy()
    early = np.flatnonzero((events_df["at"] < stmt_time).fillna(False).to_numpy())
    if len(early):
        problems.add(
            "events",
            "at",
            "is earlier than the statement the event happened to",
            _row_names(events_df, "events", early),
            "check the dates: an event (retraction, correction...) cannot precede its statement",
        )
    early_label = np.flatnonzero((st["label_at"] < st["made_at"]).fillna(False).to_numpy())
    if len(early_label):
        problems.add(
            "statements",
            "label_at",
            "is earlier than made_at (a verdict before the statement was made)",
            _row_names(st, "statements", early_label),
            "check the dates, or leave label_at empty (the verdict is then dated at made_at)",
        )
    problems.raise_if_any()
    return Tables(statements=st, sources=sources_df, events=events_df)
