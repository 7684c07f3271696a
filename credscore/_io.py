"""Reading and writing the three tables (CSV, JSONL, Parquet), with atomic writes.

What :func:`write_tables` writes, :func:`read_tables` reads back identically: every string
cell of a CSV file is quoted (so that a lone ``\r`` or ``\n`` in a text stays inside its
cell), timestamps are ISO 8601 with their offset, and the reader takes every CSV cell as
text (an empty cell is a missing value), never converts JSONL values by their column's name,
and drops a byte-order mark at the start of a file. A table file whose name is close to a
table's but not exact (``Statements.CSV``, ``statement.csv``, ``sources.tsv``) is pointed to,
never skipped silently; so is a CSV header naming a column twice (which pandas would rename
``text.1``).
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from credscore._problems import Problems
from credscore._tables import Tables, _empty
from credscore.exceptions import SchemaError
from credscore.schema import validate_tables

__all__ = ["atomic_write_bytes", "atomic_write_text", "read_tables", "write_tables"]

_FORMATS = (".csv", ".jsonl", ".parquet")
_ID_COLUMNS = ("source_id", "statement_id", "event_id")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Writes ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The bytes go to a temporary file in the same directory, are flushed to disk, and the file
    is renamed over ``path`` with :func:`os.replace` (atomic on POSIX and Windows).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> atomic_write_bytes(p, b"hello")
    >>> p.read_bytes()
    b'hello'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Like :func:`atomic_write_bytes` for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"))


_TABLES = ("sources", "statements", "events")
#: JSONL lines whose keys are checked for duplicates (a writer that repeats a key repeats it
#: on every line; checking all lines would double the reading time).
_JSON_KEY_CHECK_LINES = 1000
#: pandas before 3.1 converts JSON columns named like dates even with ``dtype=False``.
_NO_DATES = (
    {}
    if tuple(int(p) for p in pd.__version__.split(".")[:2]) >= (3, 1)
    else {"convert_dates": False, "keep_default_dates": False}
)


def _find(directory: Path, name: str) -> Path | None:
    hits = [directory / f"{name}{ext}" for ext in _FORMATS if (directory / f"{name}{ext}").exists()]
    if len(hits) > 1:
        raise SchemaError(
            f"{directory} holds the '{name}' table more than once ({[h.name for h in hits]}). "
            "Fix: keep one file per table.",
            table=name,
        )
    return hits[0] if hits else None


def _near_misses(directory: Path, name: str) -> list[str]:
    """Files that look like the ``name`` table but are not read: another case, a singular,
    a typo, an unsupported extension (``Statements.CSV``, ``statement.csv``, ``sources.tsv``)."""
    exact = {f"{t}{ext}" for t in _TABLES for ext in _FORMATS}
    out = []
    for path in sorted(directory.iterdir()):
        if path.name in exact or path.name.startswith("."):
            continue
        stem = path.name.split(".")[0].lower()
        if stem == name or difflib.SequenceMatcher(None, stem, name).ratio() >= 0.8:
            out.append(path.name)
    return out


def _missing_table(directory: Path, name: str, near: list[str]) -> SchemaError:
    formats = f"{name}.csv, {name}.jsonl or {name}.parquet"
    if near:
        shown = ", ".join(repr(n) for n in near[:5])
        return SchemaError(
            f"{directory} has no '{name}' table, but {shown} looks like one and is not read "
            f"(table files are named exactly {formats}, in lower case). Fix: rename or convert "
            f"it to {formats}, or move it out of the directory.",
            table=name,
        )
    return SchemaError(
        f"{directory} has no '{name}' table. Fix: add {formats} (see "
        "credscore.schema.TABLE_COLUMNS for its columns).",
        table=name,
    )


def _duplicate_names(path: Path, table: str, names: list) -> None:
    """Refuse a header (or JSON object) that names a column twice."""
    problems = Problems()
    seen = pd.Index([str(n) for n in names])
    for name in seen[seen.duplicated()].unique():
        problems.add(
            table,
            name,
            "duplicate_column",
            f"appears {int((seen == name).sum())} times in {path.name}",
            "keep one column of each name (rename or drop the others)",
        )
    problems.raise_if_any()


def _read_csv(path: Path, table: str) -> pd.DataFrame:
    header = pd.read_csv(
        path, header=None, nrows=1, dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    _duplicate_names(path, table, header.iloc[0].tolist() if len(header) else [])
    # ids and text stay strings; empty cells become missing values
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")


def _read_jsonl(path: Path, table: str) -> pd.DataFrame:
    if not path.read_bytes().strip():  # no line: a table with no rows
        return _empty(table)
    with open(path, encoding="utf-8-sig") as fh:
        for _, line in zip(range(_JSON_KEY_CHECK_LINES), fh, strict=False):
            if line.strip():
                pairs = json.loads(line, object_pairs_hook=lambda kv: kv)
                if isinstance(pairs, list):
                    _duplicate_names(path, table, [k for k, _ in pairs])
    # no conversion by column name (pandas would read "made_at" numbers as epoch times)
    return pd.read_json(  # type: ignore[call-overload]
        path, lines=True, dtype=False, encoding="utf-8-sig", **_NO_DATES
    )


def _read_one(path: Path, table: str) -> pd.DataFrame:
    try:
        if path.suffix == ".csv":
            return _read_csv(path, table)
        if path.suffix == ".jsonl":
            return _read_jsonl(path, table)
        return pd.read_parquet(path)
    except SchemaError:
        raise
    except (ValueError, OSError, ImportError, pd.errors.ParserError) as exc:
        raise SchemaError(
            f"could not read the '{table}' table from {path}: {exc}. "
            "Fix: check the file is valid "
            f"{path.suffix[1:].upper()} (one header row for CSV, one JSON object per line for "
            "JSONL); Parquet needs the pyarrow package.",
            table=table,
        ) from exc


def read_tables(
    path: str | os.PathLike, *, validate: bool = True, time_unit: str | None = None
) -> Tables:
    """Reads ``sources``, ``statements`` and (optionally) ``events`` from a directory.

    Each table is one file named after it with the extension ``.csv``, ``.jsonl`` or
    ``.parquet``; formats may differ between tables.

    Parameters
    ----------
    path : path-like
        The directory.
    validate : bool, default True
        Validate and normalise with :func:`credscore.validate_tables` (the result is then
        :class:`~credscore.schema.ValidatedTables`).
    time_unit : {"D", "s", "ms", "us", "ns"}, optional
        Unit of epoch numbers in the timestamp columns (see :func:`credscore.validate_tables`).

    Returns
    -------
    Tables

    Raises
    ------
    SchemaError
        If the directory or a required file is missing, a file name is a near miss of a
        table's, or a table is malformed.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> d = tempfile.mkdtemp()
    >>> t = Tables(statements=pd.DataFrame({"statement_id": ["s1"], "source_id": ["a"],
    ...     "text": ["Nearly all units left."], "made_at": ["2024-03-01"]}),
    ...     sources=pd.DataFrame({"source_id": ["a"], "title": ["Colonel"]}))
    >>> write_tables(t, d)
    >>> read_tables(d).sources["title"].tolist()
    ['Colonel']
    """
    directory = Path(path)
    if not directory.is_dir():
        raise SchemaError(
            f"{directory} is not a directory. Fix: point to a directory holding "
            "sources.csv and statements.csv (and optionally events.csv); .jsonl and .parquet "
            "work too.",
        )
    found = {name: _find(directory, name) for name in _TABLES}
    for name in _TABLES:
        near = _near_misses(directory, name) if found[name] is None else []
        if found[name] is None and (near or name != "events"):
            raise _missing_table(directory, name, near)
    frames = {name: _read_one(p, name) for name, p in found.items() if p is not None}
    tables = Tables(
        statements=frames["statements"], sources=frames["sources"], events=frames.get("events")
    )
    return validate_tables(tables, time_unit=time_unit) if validate else tables


def _serialise(df: pd.DataFrame, fmt: str) -> bytes:
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].map(lambda t: t.isoformat() if pd.notna(t) else None)
    if fmt == "csv":  # strings quoted: a lone "\r" in a text stays in its cell
        return out.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8")
    if fmt == "jsonl":
        text = out.to_json(
            orient="records", lines=True, force_ascii=False, double_precision=15, date_format="iso"
        )
        return text.encode("utf-8")
    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False)
    return buffer.getvalue()


def write_tables(tables: Tables, path: str | os.PathLike, *, fmt: str = "csv") -> None:
    """Writes the tables to ``path/{sources,statements,events}.{fmt}``, each file atomically.

    :class:`~credscore.schema.ValidatedTables` (what :func:`credscore.validate_tables` and
    :func:`read_tables` return) read back identically, in every format (but for extra
    columns of a CSV file, which come back as text). Other tables are written as they are
    (invalid ones too, e.g. to test a pipeline's error path), after deriving ``sources`` or
    ``events`` when they are None. Timestamps are written in ISO 8601 with their offset.

    Parameters
    ----------
    tables : Tables
    path : path-like
        Directory, created if needed.
    fmt : {"csv", "jsonl", "parquet"}

    Raises
    ------
    ParameterError
        If ``fmt`` is not one of the three formats.
    SchemaError
        If ``sources`` or ``events`` is None and the tables are not valid.
    """
    from credscore.exceptions import ParameterError

    if fmt not in ("csv", "jsonl", "parquet"):
        raise ParameterError(f"fmt must be 'csv', 'jsonl' or 'parquet', got {fmt!r}")
    if tables.sources is None or tables.events is None:
        tables = validate_tables(tables)  # derive the missing tables (no sources / no events)
    directory = Path(path)
    for name in _TABLES:
        frame = getattr(tables, name)
        atomic_write_bytes(directory / f"{name}.{fmt}", _serialise(frame, fmt))
