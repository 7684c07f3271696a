"""Timestamp columns: parsed to UTC nanoseconds, with vectorised paths for the usual dtypes.

Private to :mod:`credscore.schema`, whose docstring states the rules. Each parser returns the
column as ``datetime64[ns, UTC]`` (missing values ``NaT``) and whether its values carried a
timezone (``True``), did not (``False``) or say nothing either way (``None``: no values, or
epoch numbers, which are UTC by definition), and records every problem it finds. Columns of
a few strings (:func:`~credscore._schema_values.is_small`) that all read as ISO 8601 skip the
vectorised string operations; any other value sends them down the vectorised path.
"""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np
import pandas as pd

from credscore._problems import Problems
from credscore._schema_values import fresh_index, is_small

__all__ = ["SUPPORTED_RANGE", "TIME_UNITS", "check_time_unit", "parse_times"]

#: Units accepted for epoch numbers (``time_unit``): days, seconds, milli-, micro-, nanoseconds.
TIME_UNITS: tuple[str, ...] = ("D", "s", "ms", "us", "ns")
_NS_PER = {"D": 86_400 * 10**9, "s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}
_I8_MAX = np.iinfo(np.int64).max
_NAT = np.iinfo(np.int64).min  # NaT, in every unit
#: The instants a nanosecond timestamp can hold (what every table column is stored as).
SUPPORTED_RANGE = (pd.Timestamp.min.tz_localize("UTC"), pd.Timestamp.max.tz_localize("UTC"))
_RANGE_TEXT = (
    f"{SUPPORTED_RANGE[0]:%Y-%m-%d %H:%M:%S} to {SUPPORTED_RANGE[1]:%Y-%m-%d %H:%M:%S} UTC"
)
# No \s, \d or $ (pyarrow's RE2 would hand the column to Python's re, 30 times slower).
_TZ_SUFFIX = re.compile(r"(?:[zZ]|[+-][0-9][0-9]:?[0-9][0-9]|UTC|GMT)[ \t\r\n]*\Z")
_NUMBER = re.compile(r"[ \t]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t]*")
_FIX_ISO = "write timestamps as ISO 8601, e.g. '2024-05-01' or '2024-05-01T10:00:00+00:00'"
_UTC_NS = "datetime64[ns, UTC]"


def check_time_unit(time_unit: str | None) -> None:
    """Raise ``ParameterError`` unless ``time_unit`` is None or one of :data:`TIME_UNITS`."""
    from credscore.exceptions import ParameterError

    if time_unit is not None and time_unit not in TIME_UNITS:
        raise ParameterError(
            f"time_unit={time_unit!r} is not a unit of epoch numbers. Fix: use one of "
            f"{', '.join(map(repr, TIME_UNITS))} (days, seconds, milli-, micro-, nanoseconds)."
        )


class _Column:
    """Where the values of one column go while they are parsed, and their problems."""

    def __init__(self, index: pd.Index, table: str, column: str, problems: Problems) -> None:
        self.index = index  # the result's: a frame built of columns sharing it need not align
        n = len(index)
        self.ns = np.full(n, _NAT, dtype=np.int64)
        self.aware = np.zeros(n, dtype=bool)
        self.naive = np.zeros(n, dtype=bool)
        self.table, self.column, self.problems = table, column, problems

    def add(self, check: str, what: str, fix: str, rows: np.ndarray) -> None:
        if rows.any():
            self.problems.add(self.table, self.column, check, what, fix, rows=rows)

    def put_datetimes(self, where: np.ndarray, values: pd.Series | pd.DatetimeIndex) -> None:
        """Store tz-aware or naive datetimes of any unit (naive ones are read as UTC)."""
        array = values.array  # integers since the epoch in UTC if tz-aware, else wall time
        unit = str(array.unit)  # type: ignore[union-attr]
        raw = array.asi8  # type: ignore[union-attr]
        lo_hi = _I8_MAX // _NS_PER[unit] if unit in _NS_PER else _I8_MAX
        missing = raw == _NAT
        ok = ~missing & (raw >= -lo_hi) & (raw <= lo_hi)
        out = np.full(len(raw), _NAT, dtype=np.int64)
        out[ok] = raw[ok] * _NS_PER.get(unit, 1)
        self.ns[where] = out
        rows = np.zeros(len(self.ns), dtype=bool)
        rows[where] = ~missing & ~ok
        self.add(
            "out_of_range",
            f"has dates outside the supported range ({_RANGE_TEXT})",
            "correct these dates (a year such as 1500 or 2999 is usually a typo); times are "
            "stored in nanoseconds, which cover that range only",
            rows,
        )

    def put_numbers(self, where: np.ndarray, values: np.ndarray, time_unit: str | None) -> None:
        """Store epoch numbers in ``time_unit``; without a unit they are refused."""
        rows = np.zeros(len(self.ns), dtype=bool)
        rows[where] = True
        if time_unit is None:
            self.add(
                "epoch_without_unit",
                "has numbers, not timestamps: epoch numbers are read only with their unit",
                "give the unit, e.g. validate_tables(..., time_unit='s') or "
                "read_tables(..., time_unit='s') for seconds since 1970 (units: "
                f"{', '.join(TIME_UNITS)}), or {_FIX_ISO}",
                rows,
            )
            return
        per, limit = _NS_PER[time_unit], _I8_MAX // _NS_PER[time_unit]
        if values.dtype.kind in "iu":  # exact integer arithmetic
            ok = values <= limit
            if values.dtype.kind == "i":
                ok &= values >= -limit
            self.ns[where[ok]] = values[ok].astype(np.int64) * per
        else:
            floats = values.astype(np.float64)
            ok = np.isfinite(floats) & (np.abs(floats) <= 0.999 * limit)
            self.ns[where[ok]] = np.round(floats[ok] * per).astype(np.int64)
        rows[where] = ~ok
        self.add(
            "out_of_range",
            f"has epoch numbers ({time_unit}) outside the supported range ({_RANGE_TEXT})",
            f"check the unit (time_unit={time_unit!r}): milliseconds read as seconds, for "
            "instance, land far outside it",
            rows,
        )

    def result(self) -> tuple[pd.Series, bool | None]:
        mixed = self.aware.any() and self.naive.any()
        self.add(
            "mixed_timezones",
            "mixes timezone-aware and naive timestamps (these rows are naive, others are not)",
            "give every timestamp an explicit offset (e.g. '2024-05-01T10:00:00+00:00'), "
            "or none of them (naive timestamps are read as UTC)",
            self.naive if mixed else np.zeros(0, dtype=bool),
        )
        aware = True if self.aware.any() else (False if self.naive.any() else None)
        stamps = pd.DatetimeIndex(self.ns.view("M8[ns]")).tz_localize("UTC")
        out = pd.Series(stamps, index=self.index)
        return out, aware


def parse_times(
    col: pd.Series, table: str, column: str, problems: Problems, *, time_unit: str | None
) -> tuple[pd.Series, bool | None]:
    """One timestamp column as ``datetime64[ns, UTC]`` with a ``RangeIndex``, and its zone kind.

    Examples
    --------
    >>> import pandas as pd
    >>> p = Problems()
    >>> s, aware = parse_times(pd.Series(["2024-05-01T10:00+02:00", None]), "events", "at",
    ...                        p, time_unit=None)
    >>> s.tolist(), aware, len(p)
    ([Timestamp('2024-05-01 08:00:00+0000', tz='UTC'), NaT], True, 0)
    >>> parse_times(pd.Series([1714557600]), "events", "at", p, time_unit="s")[0].iloc[0]
    Timestamp('2024-05-01 10:00:00+0000', tz='UTC')
    """
    col = fresh_index(col)
    dtype = col.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(dtype):
        return _datetime_column(col, table, column, problems)
    out = _Column(col.index, table, column, problems)
    everything = np.arange(len(col))
    if pd.api.types.is_bool_dtype(dtype):
        _not_timestamps(out, col.notna().to_numpy())
    elif pd.api.types.is_numeric_dtype(dtype):
        present = col.notna().to_numpy()
        out.put_numbers(everything[present], col.to_numpy()[present], time_unit)
    elif isinstance(dtype, pd.StringDtype) or _all_strings(col):
        _strings(out, col, everything, time_unit)
    else:
        _objects(out, col, time_unit)
    return out.result()


def _datetime_column(
    col: pd.Series, table: str, column: str, problems: Problems
) -> tuple[pd.Series, bool | None]:
    """The fast path: a datetime64 column of any unit and zone (naive ones are read as UTC)."""
    nat = col.array.asi8 == _NAT  # type: ignore[attr-defined]
    aware = None if nat.all() else isinstance(col.dtype, pd.DatetimeTZDtype)
    if col.dtype == _UTC_NS:
        return col, aware
    out = _Column(col.index, table, column, problems)
    out.put_datetimes(np.arange(len(col)), col)
    return out.result()[0], aware


def _all_strings(col: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(col.dtype) and (
        pd.api.types.infer_dtype(col.to_numpy(), skipna=True) in ("string", "empty")
    )


def _not_timestamps(out: _Column, rows: np.ndarray) -> None:
    out.add("not_timestamp", "has values that are not timestamps", _FIX_ISO, rows)


def _strings(out: _Column, col: pd.Series, where: np.ndarray, time_unit: str | None) -> None:
    """Parse strings (rows ``where`` of the column): ISO 8601 at C speed, others one by one."""
    if time_unit is None and is_small(len(col)) and _few_iso_strings(out, col.tolist(), where):
        return
    text = col if isinstance(col.dtype, pd.StringDtype) else col.astype("str")
    present = text.notna().to_numpy().copy()
    if time_unit is not None:  # numbers written as text are epoch numbers in that unit
        numeric = present & text.str.fullmatch(_NUMBER.pattern).fillna(False).to_numpy(bool)
        if numeric.any():
            values = pd.to_numeric(text[numeric].str.strip()).to_numpy()
            out.put_numbers(where[numeric], values, time_unit)
            present &= ~numeric
    if not present.any():
        return
    parsed = pd.to_datetime(text.where(present), format="ISO8601", utc=True, errors="coerce")
    ok = present & parsed.notna().to_numpy()
    _store_parsed(out, text, where, ok, parsed[ok])
    failed = present & ~ok
    if failed.any():
        _retry(out, text, failed, where, time_unit)


def _few_iso_strings(out: _Column, values: list, where: np.ndarray) -> bool:
    """``_strings`` of a few values without epoch numbers, done if every string reads as
    ISO 8601 (else False, ``out`` untouched: blanks, other spellings and numbers need the
    vectorised path's rules)."""
    present = np.array([isinstance(v, str) for v in values], dtype=bool)
    strings = [v for v in values if isinstance(v, str)]
    if not strings:
        return True
    parsed = pd.to_datetime(
        np.array(strings, dtype=object), format="ISO8601", utc=True, errors="coerce"
    )
    if parsed.hasnans:
        return False
    zone = np.array([_TZ_SUFFIX.search(v) is not None for v in strings], dtype=bool)
    rows = where[present]
    out.aware[rows[zone]] = True
    out.naive[rows[~zone]] = True
    out.put_datetimes(rows, parsed)
    return True


def _store_parsed(
    out: _Column, text: pd.Series, where: np.ndarray, ok: np.ndarray, parsed: pd.Series
) -> None:
    """Store parsed strings; a string with an offset or ``Z``/``UTC`` suffix is tz-aware."""
    zone = text[ok].str.contains(_TZ_SUFFIX.pattern).fillna(False).to_numpy(bool)
    out.aware[where[ok][zone]] = True
    out.naive[where[ok][~zone]] = True
    out.put_datetimes(where[ok], parsed)


def _retry(
    out: _Column, text: pd.Series, failed: np.ndarray, where: np.ndarray, time_unit: str | None
) -> None:
    """Rows ISO 8601 could not read: blanks are missing, numbers need a unit, others are
    parsed one at a time by pandas' format inference (``format="mixed"``)."""
    sub = text[failed]
    blank = (sub.str.strip() == "").to_numpy(bool)
    number = sub.str.fullmatch(_NUMBER.pattern).fillna(False).to_numpy(bool) & ~blank
    positions = np.flatnonzero(failed)
    if number.any():
        values = pd.to_numeric(sub[number].str.strip()).to_numpy()
        out.put_numbers(where[positions[number]], values, time_unit)
    rest = ~blank & ~number
    if not rest.any():
        return
    again = pd.Series(
        [pd.to_datetime(v, utc=True, errors="coerce", format="mixed") for v in sub[rest]],
        dtype="datetime64[us, UTC]",
    )
    good = again.notna().to_numpy()
    mask = np.zeros(len(text), dtype=bool)
    mask[positions[rest][good]] = True
    _store_parsed(out, text, where, mask, again[good])
    bad = np.zeros(len(out.ns), dtype=bool)
    bad[where[positions[rest][~good]]] = True
    _not_timestamps(out, bad)


def _objects(out: _Column, col: pd.Series, time_unit: str | None) -> None:
    """Columns of mixed Python objects: each kind of value through its own path."""
    values = col.to_numpy(dtype=object)
    kinds = np.array([_kind(v) for v in values], dtype=object)
    where = np.arange(len(values))
    strings = kinds == "str"
    if strings.any():
        _strings(out, pd.Series(values[strings], dtype="str"), where[strings], time_unit)
    numbers = kinds == "number"
    if numbers.any():
        out.put_numbers(where[numbers], values[numbers].astype(np.float64), time_unit)
    for kind, mask in (("aware", out.aware), ("naive", out.naive)):
        rows = kinds == kind
        if rows.any():
            mask[rows] = True
            stamps = [pd.Timestamp(v) for v in values[rows]]
            out.put_datetimes(where[rows], pd.Series(pd.to_datetime(stamps, utc=True)))
    _not_timestamps(out, kinds == "other")


def _kind(v: object) -> str:
    if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return "missing"
    if isinstance(v, str):
        return "str"
    if isinstance(v, bool | np.bool_):
        return "other"
    if isinstance(v, int | float | np.integer | np.floating):
        return "number"
    if isinstance(v, np.datetime64):
        return "missing" if np.isnat(v) else "naive"
    if isinstance(v, _dt.datetime):
        return "naive" if v.tzinfo is None else "aware"
    if isinstance(v, _dt.date):
        return "naive"
    return "other"
