"""Id, text, label and kind columns: normalised with vectorised paths for the usual dtypes.

Private to :mod:`credscore.schema`, whose docstring states the rules. Each function takes one
column (any index), returns it normalised with a ``RangeIndex`` and records its problems.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from credscore._problems import Problems
from credscore._tables import EVENT_KINDS

__all__ = [
    "STR",
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


def _as_str(col: pd.Series) -> pd.Series | None:
    """``col`` as the ``str`` dtype when every value is a string or missing, else None."""
    if isinstance(col.dtype, pd.StringDtype):
        return col if col.dtype == STR else col.astype(STR)
    if pd.api.types.is_object_dtype(col.dtype) and pd.api.types.infer_dtype(col, skipna=True) in (
        "string",
        "empty",
    ):
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
    col = col.reset_index(drop=True)
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
        out = texts.where(~wrong, None).astype(STR)
    missing = out.isna().to_numpy()
    if missing.any():
        problems.add(
            table,
            column,
            "missing_id",
            "has missing ids",
            "give every row an id; they are required",
            rows=missing,
        )
    empty = (out.str.len() == 0).to_numpy(dtype=bool, na_value=False)
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
    col = col.reset_index(drop=True)
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
        out = texts.where(~wrong, None).astype(STR)
    return out.fillna("")


def normalise_labels(col: pd.Series | None, n: int, problems: Problems) -> np.ndarray:
    """Labels as float 1.0 / 0.0 / NaN (missing: not yet checked)."""
    if col is None:
        return np.full(n, np.nan)
    col = col.reset_index(drop=True)
    if pd.api.types.is_bool_dtype(col.dtype) or pd.api.types.is_numeric_dtype(col.dtype):
        out = col.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~(np.isnan(out) | (out == 0.0) | (out == 1.0))
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


def normalise_kinds(col: pd.Series, problems: Problems) -> pd.Series:
    """Event kinds, each one of :data:`~credscore._tables.EVENT_KINDS` (strings)."""
    col = col.reset_index(drop=True)
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    known = np.array([isinstance(k, str) and k in EVENT_KINDS for k in uniques], dtype=bool)
    missing = codes < 0
    bad = ~missing & ~known[np.maximum(codes, 0)] if len(codes) else np.zeros(0, bool)
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
        shown = sorted({str(k) for k, ok in zip(uniques, known, strict=True) if not ok})
        problems.add(
            "events",
            "kind",
            "unknown_kind",
            f"has values outside the allowed set ({shown[:10]})",
            f"use one of: {', '.join(EVENT_KINDS)}",
            rows=bad,
        )
    names = [k if ok else None for k, ok in zip(uniques, known, strict=True)]
    kinds = np.array([*names, None], dtype=object)[np.where(codes < 0, -1, codes)]
    return pd.Series(kinds, dtype=object).astype(STR)


def normalise_optional_text(col: pd.Series) -> pd.Series:
    """An optional free-text column (``title``, ``topic``...): strings as the ``str`` dtype,
    ``""`` read as missing (as an empty CSV cell is); columns holding other values are kept."""
    col = col.reset_index(drop=True)
    out = _as_str(col)
    if out is None:
        return col
    return out.mask(out == "")
