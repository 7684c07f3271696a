"""Id, text, label and kind columns: normalised with vectorised paths for the usual dtypes.

Private to :mod:`credscore.schema`, whose docstring states the rules. Each function takes one
column (any index), returns it normalised with a ``RangeIndex`` and records its problems.
Columns of at most :data:`_SMALL_ROWS` rows (:func:`is_small`: a statement scored as it
arrives) are checked value by value instead, where a vectorised pandas operation would cost
more to set up than the work it does; both paths give the same columns and problems.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from credscore._problems import Problems
from credscore._tables import EVENT_KINDS

__all__ = [
    "STR",
    "fresh_index",
    "is_small",
    "normalise_ids",
    "normalise_kinds",
    "normalise_labels",
    "normalise_optional_text",
    "normalise_text",
]

#: The string dtype of every id and text column of validated tables (pandas' default ``str``).
STR = pd.StringDtype(na_value=np.nan)
_LABEL_WORDS = {"1": 1.0, "0": 0.0, "1.0": 1.0, "0.0": 0.0, "true": 1.0, "false": 0.0}
_BAD = object()  # a value that is no id
#: Up to this many rows, columns are checked value by value (``tolist()``, one output built
#: at once with its final dtype): each vectorised pandas operation costs some 10-200 µs to set
#: up, most of the time of a one-row table (validated in 0.7 ms instead of 2.7). Measured, the
#: value-by-value paths stay faster up to about 1,000 rows. A module name, so that a test can
#: set it to 0 and compare both paths.
_SMALL_ROWS = 256


def is_small(n: int) -> bool:
    """Whether a column of ``n`` rows takes the value-by-value paths (see ``_SMALL_ROWS``)."""
    return 0 < n <= _SMALL_ROWS


def fresh_index(col: pd.Series) -> pd.Series:
    """``col`` with a ``RangeIndex`` from 0, unnamed (``col`` itself when it has one)."""
    index = col.index
    if (
        isinstance(index, pd.RangeIndex)
        and index.start == 0
        and index.step == 1
        and index.name is None
    ):
        return col
    return col.reset_index(drop=True)


def _as_str(col: pd.Series) -> pd.Series | None:
    """``col`` as the ``str`` dtype when every value is a string or missing, else None."""
    if isinstance(col.dtype, pd.StringDtype):
        return col if col.dtype == STR else col.astype(STR)
    if pd.api.types.is_object_dtype(col.dtype) and pd.api.types.infer_dtype(
        col.to_numpy(), skipna=True
    ) in ("string", "empty"):
        try:
            return col.astype(STR)
        except (UnicodeError, TypeError, ValueError):  # e.g. lone surrogates: not UTF-8
            return None
    return None


def _id_text(value: object) -> object:
    """One id as text: strings as they are, whole numbers without ``.0``; ``_BAD`` else."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return _BAD
        return str(int(value)) if float(value).is_integer() else str(float(value))
    return _BAD


def _utf8(value: str) -> bool:
    """Whether ``value`` can be written as UTF-8 (no lone surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _unencodable(values: pd.Series) -> np.ndarray:
    """Rows whose string cannot be written as UTF-8 (lone surrogates)."""
    out = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values.tolist()):
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                out[i] = True
    return out


def normalise_ids(col: pd.Series, table: str, column: str, problems: Problems) -> pd.Series:
    """Ids as strings, byte for byte (``7`` and ``"7"`` are one id); problems recorded.

    Examples
    --------
    >>> import pandas as pd
    >>> p = Problems()
    >>> normalise_ids(pd.Series([7, "a ", 7.0]), "sources", "source_id", p).tolist()
    ['7', 'a ', '7']
    """
    col = fresh_index(col)
    out = _as_str(col)
    if out is None and col.dtype.kind in "iub":
        out = col.astype(STR)
    if out is None:
        values = [_id_text(v) for v in col.to_numpy(dtype=object)]
        bad = np.array([v is _BAD for v in values], dtype=bool)
        if bad.any():
            problems.add(
                table,
                column,
                "not_id",
                "has values that are not ids",
                "write ids as text or whole numbers",
                rows=bad,
            )
        texts = pd.Series([None if v is _BAD else v for v in values], dtype=object)
        wrong = _unencodable(texts)
        if wrong.any():
            problems.add(
                table,
                column,
                "not_unicode",
                "has text that is not valid Unicode (lone surrogates)",
                "decode the source data as UTF-8 (or replace the broken characters)",
                rows=wrong,
            )
        out = (texts.where(~wrong, None) if wrong.any() else texts).astype(STR)
    if is_small(len(out)):
        ids = out.tolist()  # strings or NaN
        missing = np.array([not isinstance(v, str) for v in ids], dtype=bool)
        empty = np.array([v == "" for v in ids], dtype=bool)
    else:
        missing = out.isna().to_numpy()
        empty = (out.str.len() == 0).to_numpy(dtype=bool, na_value=False)
    if missing.any():
        problems.add(
            table,
            column,
            "missing_id",
            "has missing ids",
            "give every row an id; they are required",
            rows=missing,
        )
    if empty.any():
        problems.add(
            table,
            column,
            "empty_id",
            "has empty ids",
            "give every row a non-empty id (a CSV file cannot tell an empty id from a missing one)",
            rows=empty,
        )
    return out


def normalise_text(col: pd.Series, problems: Problems) -> pd.Series:
    """Statement text as strings, byte for byte; missing text becomes ``""``."""
    col = fresh_index(col)
    out = _as_str(col)
    if out is None:
        values = col.to_numpy(dtype=object)
        missing = pd.isna(values)
        not_str = np.array(
            [not (m or isinstance(v, str)) for v, m in zip(values, missing, strict=True)],
            dtype=bool,
        )
        if not_str.any():
            problems.add(
                "statements",
                "text",
                "not_text",
                "has values that are not text",
                "give each statement its text as a string (missing text is read as empty)",
                rows=not_str,
            )
        texts = pd.Series(
            [None if bad else v for v, bad in zip(values, not_str, strict=True)], dtype=object
        )
        wrong = _unencodable(texts)
        if wrong.any():
            problems.add(
                "statements",
                "text",
                "not_unicode",
                "has text that is not valid Unicode (lone surrogates)",
                "decode the source data as UTF-8 (or replace the broken characters)",
                rows=wrong,
            )
        out = (texts.where(~wrong, None) if wrong.any() else texts).astype(STR)
    if is_small(len(out)):
        listed = out.tolist()  # strings or NaN
        if all(isinstance(v, str) for v in listed):
            return out
        return pd.Series([v if isinstance(v, str) else "" for v in listed], out.index, STR)
    return out.fillna("")


def normalise_labels(col: pd.Series | None, n: int, problems: Problems) -> np.ndarray:
    """Labels as float 1.0 / 0.0 / NaN (missing: not yet checked)."""
    if col is None:
        return np.full(n, np.nan)
    col = fresh_index(col)
    if pd.api.types.is_bool_dtype(col.dtype) or pd.api.types.is_numeric_dtype(col.dtype):
        out = col.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~(np.isnan(out) | (out == 0.0) | (out == 1.0))
    elif is_small(len(col)) and (small := _small_labels(col.tolist())) is not None:
        out, bad = small
    else:
        # every accepted spelling (1, 1.0, True, "1", "true"...) is a key of _LABEL_WORDS once
        # written as lower-case text; missing values and blank strings are "not yet checked"
        words = col.astype(object).astype("str").str.strip().str.lower()
        missing = (col.isna() | (words == "")).to_numpy(dtype=bool)
        out = words.map(_LABEL_WORDS).astype(float).to_numpy()
        bad = ~missing & np.isnan(out)
    if bad.any():
        problems.add(
            "statements",
            "label",
            "label_domain",
            "has values other than 1 (held up), 0 (did not) or missing",
            "map your verdict scale to 1/0 (e.g. half-true and above = 1) or leave it empty",
            rows=bad,
        )
        out = np.where(bad, np.nan, out)
    return out


def _small_labels(values: list) -> tuple[np.ndarray, np.ndarray] | None:
    """``(labels, bad)`` of a few values read as the vectorised path reads them (each written
    as text, stripped, lower-cased, looked up); None if a value is not missing, a number, a
    boolean or a string that is valid UTF-8 (such columns take the vectorised path).

    Python's ``strip``/``lower`` and Arrow's agree here: on whitespace for every code point, and
    on case for every character that lower-cases to an ASCII letter of a label word.
    """
    out = np.full(len(values), np.nan)
    bad = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values):
        if v is None or v is pd.NA or (isinstance(v, float | np.floating) and math.isnan(v)):
            continue
        if isinstance(v, str):
            if not (v.isascii() or _utf8(v)):
                return None
            word = v
        elif isinstance(v, float | np.floating):
            word = str(v)
        elif isinstance(v, int | np.integer | np.bool_):
            word = f"{v}"
        else:
            return None
        word = word.strip().lower()
        if word:  # blank text is "not yet checked", as missing values are
            label = _LABEL_WORDS.get(word)
            out[i] = np.nan if label is None else label
            bad[i] = label is None
    return out, bad


def normalise_kinds(col: pd.Series, problems: Problems) -> pd.Series:
    """Event kinds, each one of :data:`~credscore._tables.EVENT_KINDS` (strings)."""
    col = fresh_index(col)
    values = col.tolist() if is_small(len(col)) else []
    if values and all(isinstance(v, str) or _is_na(v) for v in values):
        ok = [isinstance(v, str) and v in EVENT_KINDS for v in values]
        missing = np.array([not isinstance(v, str) for v in values], dtype=bool)
        bad = ~missing & ~np.array(ok, dtype=bool)
        unknown = {str(v) for v, b in zip(values, bad.tolist(), strict=True) if b}
        kinds = pd.Series(
            [v if k else None for v, k in zip(values, ok, strict=True)], col.index, STR
        )
    else:
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        known = np.array([isinstance(k, str) and k in EVENT_KINDS for k in uniques], dtype=bool)
        missing = codes < 0
        bad = ~np.append(known, True)[codes]  # the last entry: missing kinds (code -1)
        unknown = {str(k) for k, ok in zip(uniques, known, strict=True) if not ok}
        names = [k if ok else None for k, ok in zip(uniques, known, strict=True)]
        picked = np.array([*names, None], dtype=object)[np.where(codes < 0, -1, codes)]
        kinds = pd.Series(picked, dtype=object).astype(STR)
    if missing.any():
        problems.add(
            "events",
            "kind",
            "missing_value",
            "has missing values",
            f"give every event its kind, one of: {', '.join(EVENT_KINDS)}",
            rows=missing,
        )
    if bad.any():
        problems.add(
            "events",
            "kind",
            "unknown_kind",
            f"has values outside the allowed set ({sorted(unknown)[:10]})",
            f"use one of: {', '.join(EVENT_KINDS)}",
            rows=bad,
        )
    return kinds


def _is_na(v: object) -> bool:
    """Whether ``v`` is one of the missing values of a text column (None, NA, NaN)."""
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def normalise_optional_text(col: pd.Series) -> pd.Series:
    """An optional free-text column (``title``, ``topic``...): strings as the ``str`` dtype,
    ``""`` read as missing (as an empty CSV cell is); columns holding other values are kept."""
    col = fresh_index(col)
    out = _as_str(col)
    if out is None:
        return col
    if is_small(len(out)):
        # strings or missing values (the input's, when they are objects: cheaper to list)
        values = (col if col.dtype == object else out).tolist()
        if not any(isinstance(v, str) and not v for v in values):
            return out
        return pd.Series(
            [None if isinstance(v, str) and not v else v for v in values], out.index, STR
        )
    return out.mask(out == "")
