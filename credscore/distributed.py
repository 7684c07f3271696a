"""Batch scoring on Dask, with the same numbers as the single-machine path.

History features depend only on the statements and events of the same source, so the statements
are shuffled by ``source_id`` (every source's record lands in one partition) and each partition
is scored with :meth:`CredibilityModel.score`, events and sources broadcast to the partitions
that need them. The model's population rates and data files are fixed at fit time, so a
partition computes exactly what the whole table would. The output comes back in input order.

Requires the ``dask`` extra: ``pip install "credscore[dask]"``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from credscore._tables import Tables

__all__ = ["score_dask", "score_parquet"]

_ROW = "__credscore_row__"
_META = pd.DataFrame(
    {
        "statement_id": pd.Series(dtype="string"),
        "p_reliable": pd.Series(dtype=float),
        "p_low": pd.Series(dtype=float),
        "p_high": pd.Series(dtype=float),
        "reasons": pd.Series(dtype="string"),
        _ROW: pd.Series(dtype="int64"),
    }
)


def _dd():
    try:
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError('distributed scoring needs Dask: pip install "credscore[dask]"') from exc
    return dd


def _with_rows(part: pd.DataFrame, offsets: np.ndarray, partition_info: Any = None):
    start = int(offsets[partition_info["number"]]) if partition_info else 0
    return part.assign(**{_ROW: np.arange(start, start + len(part), dtype="int64")})


def _score_partition(
    part: pd.DataFrame, model: Any, sources: pd.DataFrame, events: pd.DataFrame, explain: bool
) -> pd.DataFrame:
    if part.empty:
        return _META.copy()
    rows = part[_ROW].to_numpy()
    statements = part.drop(columns=_ROW)
    ev = events[events["statement_id"].isin(statements["statement_id"])]
    src = sources[sources["source_id"].isin(statements["source_id"])]
    out = model.score(Tables(statements=statements, sources=src, events=ev), explain=explain)
    out = out.astype({"statement_id": "string", "reasons": "string"})
    return out.assign(**{_ROW: rows})


def score_dask(
    statements: Any,
    model: Any,
    *,
    sources: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    explain: bool = False,
) -> Any:
    """Scores a Dask DataFrame of statements; returns a Dask DataFrame in input order.

    Parameters
    ----------
    statements : dask.dataframe.DataFrame
        The statements table (all statements whose record matters must be in it).
    model : CredibilityModel
        A fitted model (e.g. :func:`credscore.load_model`).
    sources, events : pandas.DataFrame, optional
        Broadcast to the partitions (they are small next to the statements).
    explain : bool, default False
        Compute ``reasons`` (slower).

    Returns
    -------
    dask.dataframe.DataFrame
        ``statement_id, p_reliable, p_low, p_high, reasons``, indexed by input position.

    Examples
    --------
    >>> import dask.dataframe as dd, credscore
    >>> t = credscore.read_tables("datasets/examples/kursk_withdrawal_reports")
    >>> model = credscore.load_model()
    >>> ddf = dd.from_pandas(t.statements, npartitions=3)
    >>> out = score_dask(ddf, model, sources=t.sources, events=t.events).compute()
    >>> out["statement_id"].tolist() == t.statements["statement_id"].tolist()
    True
    """
    _dd()
    sources = (
        sources if sources is not None else pd.DataFrame({"source_id": pd.Series(dtype=object)})
    )
    if events is None:
        events = pd.DataFrame(
            {c: pd.Series(dtype=object) for c in ("event_id", "statement_id", "kind", "at")}
        )
    lengths = statements.map_partitions(len).compute().to_numpy()
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    numbered = statements.map_partitions(
        _with_rows, offsets, meta=statements._meta.assign(**{_ROW: np.int64(0)})
    )
    by_source = numbered.shuffle(on="source_id")
    scored = by_source.map_partitions(_score_partition, model, sources, events, explain, meta=_META)
    return scored.set_index(_ROW, sorted=False)


def score_parquet(
    statements_path: str,
    out_path: str,
    model: Any,
    *,
    sources: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    explain: bool = False,
) -> None:
    """Reads statements from Parquet, scores them on Dask, writes the scores as Parquet."""
    dd = _dd()
    statements = dd.read_parquet(statements_path)
    score_dask(statements, model, sources=sources, events=events, explain=explain).to_parquet(
        out_path
    )
