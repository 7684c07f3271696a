"""Reading and writing the three tables (CSV, JSONL, Parquet), with atomic writes."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

import pandas as pd

from credscore._tables import Tables
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


def _find(directory: Path, name: str) -> Path | None:
    hits = [directory / f"{name}{ext}" for ext in _FORMATS if (directory / f"{name}{ext}").exists()]
    if len(hits) > 1:
        raise SchemaError(
            f"{directory} holds the '{name}' table more than once ({[h.name for h in hits]}). "
            "Fix: keep one file per table.",
            table=name,
        )
    return hits[0] if hits else None


def _read_one(path: Path, table: str) -> pd.DataFrame:
    try:
        if path.suffix == ".csv":
            # ids and text stay strings; empty cells become missing values
            return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        if path.suffix == ".jsonl":
            return pd.read_json(path, lines=True, dtype=False)
        return pd.read_parquet(path)
    except (ValueError, OSError, ImportError, pd.errors.ParserError) as exc:
        raise SchemaError(
            f"could not read the '{table}' table from {path}: {exc}. "
            "Fix: check the file is valid "
            f"{path.suffix[1:].upper()} (one header row for CSV, one JSON object per line for "
            "JSONL); Parquet needs the pyarrow package.",
            table=table,
        ) from exc


def read_tables(path: str | os.PathLike, *, validate: bool = True) -> Tables:
    """Reads ``sources``, ``statements`` and (optionally) ``events`` from a directory.

    Each table is one file named after it with the extension ``.csv``, ``.jsonl`` or
    ``.parquet``; formats may differ between tables.

    Parameters
    ----------
    path : path-like
        The directory.
    validate : bool, default True
        Validate and normalise with :func:`credscore.validate_tables`.

    Returns
    -------
    Tables

    Raises
    ------
    SchemaError
        If the directory or a required file is missing or a table is malformed.

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
    found = {name: _find(directory, name) for name in ("sources", "statements", "events")}
    for name in ("sources", "statements"):
        if found[name] is None:
            raise SchemaError(
                f"{directory} has no '{name}' table. Fix: add {name}.csv, {name}.jsonl or "
                f"{name}.parquet (see credscore.schema.TABLE_COLUMNS for its columns).",
                table=name,
            )
    frames = {name: _read_one(p, name) for name, p in found.items() if p is not None}
    tables = Tables(
        statements=frames["statements"], sources=frames["sources"], events=frames.get("events")
    )
    return validate_tables(tables) if validate else tables


def _serialise(df: pd.DataFrame, fmt: str) -> bytes:
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].map(lambda t: t.isoformat() if pd.notna(t) else None)
    if fmt == "csv":
        return out.to_csv(index=False).encode("utf-8")
    if fmt == "jsonl":
        return out.to_json(orient="records", lines=True, force_ascii=False).encode("utf-8")
    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False)
    return buffer.getvalue()


def write_tables(tables: Tables, path: str | os.PathLike, *, fmt: str = "csv") -> None:
    """Writes the tables to ``path/{sources,statements,events}.{fmt}``, each file atomically.

    Timestamps are written in ISO 8601 with their UTC offset, so :func:`read_tables` reads them
    back unchanged.

    Parameters
    ----------
    tables : Tables
    path : path-like
        Directory, created if needed.
    fmt : {"csv", "jsonl", "parquet"}
    """
    if fmt not in ("csv", "jsonl", "parquet"):
        raise ValueError(f"fmt must be 'csv', 'jsonl' or 'parquet', got {fmt!r}")
    if tables.sources is None or tables.events is None:
        tables = validate_tables(tables)  # derive the missing tables (no sources / no events)
    directory = Path(path)
    for name in ("sources", "statements", "events"):
        frame = getattr(tables, name)
        atomic_write_bytes(directory / f"{name}.{fmt}", _serialise(frame, fmt))
