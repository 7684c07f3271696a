"""Joins on ids for the validator and the history features: fast, exact, or declined.

Each id becomes a row of ``uint64`` words (:func:`_id_words`), is hashed to one ``uint64``
(:func:`hash_rows`) and sorted (:func:`locate_rows`) or grouped (:func:`group_rows`) by it.
A hash can collide, so every match is confirmed on the words themselves; a collision, a
missing or duplicated id, or an id kind without an encoding makes the fast path return
``None``, and the caller falls back to an exact path (``pd.factorize``, ``Index.get_indexer``),
which also names the rows at fault.
The fast path never guesses. Sorting rather than a hash table: for a million ids a hash
table costs a cache miss per id; a sort of their hashes is several times cheaper.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = [
    "dictionary_positions",
    "event_positions_fast",
    "group_rows",
    "hash_rows",
    "id_codes",
    "locate_rows",
]

#: Longer string ids (UTF-8 bytes) go to ``pd.factorize``: ``_id_words`` copies every id
#: padded to the longest one, n × width bytes.
_MAX_ID_BYTES = 64


def _arrow_strings(col: pd.Series):
    """The Arrow array behind a pyarrow-backed string column (no copy), else None."""
    if not (isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow"):
        return None
    import pyarrow as pa

    values = pa.array(col.array)
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _dictionary_codes(*arrays) -> tuple[NDArray[np.int64], int]:
    """Codes (order of first appearance, -1 for missing) of Arrow arrays taken together,
    by Arrow's hash table (one C++ pass: faster than sorting when values repeat)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    both = (
        arrays[0]
        if len(arrays) == 1
        else pa.concat_arrays([a.cast(pa.large_string()) for a in arrays])
    )
    encoded = both.dictionary_encode()
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return codes.astype(np.int64, copy=False), len(encoded.dictionary)


def dictionary_positions(table: pd.Series, queries: pd.Series) -> NDArray[np.int64] | None:
    """Position in ``table`` of each query id (-1: absent), by Arrow's hash table.

    For pyarrow-backed string columns whose ``table`` ids are present and distinct; ``None``
    otherwise (the caller's exact path then names the duplicates). Several times faster than
    :func:`locate_rows` when many queries look up few ids (statements -> sources).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.Series(["a", "b", "c"], dtype="str")
    >>> dictionary_positions(t, pd.Series(["c", "zz", "a", "c"], dtype="str")).tolist()
    [2, -1, 0, 2]
    """
    t, q = _arrow_strings(table), _arrow_strings(queries)
    if t is None or q is None or t.null_count:
        return None
    codes, k = _dictionary_codes(t, q)
    n = len(t)
    if np.bincount(codes[:n], minlength=k).max(initial=0) > 1:
        return None
    pos_of = np.full(k + 1, -1, dtype=np.int64)  # last slot: missing queries (code -1)
    pos_of[codes[:n]] = np.arange(n, dtype=np.int64)
    return pos_of[codes[n:]]


def id_codes(col: pd.Series) -> tuple[NDArray[np.int64], int]:
    """Integer codes of a column (-1 for missing) and the number of distinct values.

    The codes follow the order of first appearance, as ``pd.factorize``'s do.
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(dtype=np.int64), len(col.cat.categories)  # type: ignore[return-value]
    arrow = _arrow_strings(col)
    if arrow is not None:
        return _dictionary_codes(arrow)
    encoded = _id_words(col)
    grouped = group_rows(encoded[1]) if encoded is not None else None
    if grouped is not None:  # same codes as pd.factorize, about twice as fast
        return grouped
    codes, uniques = pd.factorize(col)
    return codes.astype(np.int64, copy=False), len(uniques)


def _id_words(col: pd.Series) -> tuple[str, NDArray[np.uint64]] | None:
    """Each id as a row of ``uint64`` words, for the id kernels (the fast path).

    Two ids are equal exactly when their rows are: an integer is one word; a string is its
    UTF-8 byte length, then its bytes zero-padded to whole words (the length tells "a" from
    "a\\0"). The first element is the kind, "int" or "str": 7 and "7" are different ids.
    ``None`` when there is no such encoding (missing ids, floats, mixed objects, very long
    strings, no pyarrow); the caller then uses ``pd.factorize``, which also reports problems.
    """
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        categories = _id_words(pd.Series(col.cat.categories))
        if categories is None or (codes < 0).any():
            return None
        return categories[0], categories[1][codes]
    if isinstance(dtype, np.dtype) and dtype.kind in "iu" and dtype != np.uint64:
        return "int", col.to_numpy().astype(np.int64).view(np.uint64)[:, None]
    if not (isinstance(dtype, pd.StringDtype) or pd.api.types.is_object_dtype(dtype)):
        return None
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is optional (the dev and dask extras)
        return None
    arrow = getattr(col.array, "__arrow_array__", None) is not None
    if not arrow and pd.api.types.infer_dtype(col, skipna=False) != "string":
        return None
    try:
        values = pa.array(col.array if arrow else col.to_numpy(), type=pa.large_string())
    except (pa.ArrowException, ValueError, TypeError):  # e.g. lone surrogates: no UTF-8
        return None
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    words = _string_words(values) if values.null_count == 0 else None
    return None if words is None else ("str", words)


def _string_words(values) -> NDArray[np.uint64] | None:
    """``[byte length, bytes as zero-padded words...]`` per string of an Arrow string array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    binary = values.cast(pa.large_binary())
    n = len(binary)
    lengths = pc.binary_length(binary).to_numpy()
    width = int(lengths.max(initial=0))
    if width > _MAX_ID_BYTES:
        return None
    words = np.zeros((n, 1 + -(-width // 8)), dtype=np.uint64)
    words[:, 0] = lengths
    if width == 0:
        return words
    if lengths.min() < width:  # append `width` zero bytes to each id, keep its first `width`
        pad = pa.scalar(b"\0" * width, pa.large_binary())
        joined = pc.binary_join_element_wise(binary, pad, pa.scalar(b"", pa.large_binary()))
        binary = pc.binary_slice(joined, 0, width)
    # Every id now has `width` bytes, so the ids are one (n, width) block of the data buffer.
    offsets = np.frombuffer(binary.buffers()[1], dtype=np.int64)[binary.offset :][: n + 1]
    data = np.frombuffer(binary.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[n]]
    words.view(np.uint8)[:, 8 : 8 + width] = data.reshape(n, width)
    return words


def _same_width(a: NDArray[np.uint64], b: NDArray[np.uint64]) -> tuple[NDArray, NDArray]:
    """Pad the narrower word rows with zero words (zero bytes past the end: same ids)."""
    k = max(a.shape[1], b.shape[1])
    return tuple(np.pad(w, ((0, 0), (0, k - w.shape[1]))) for w in (a, b))  # type: ignore[return-value]


def event_positions_fast(st_ids: pd.Series, ev_ids: pd.Series) -> NDArray[np.int64] | None:
    """Position in ``statements`` of each event's statement (-1: unknown), or ``None``.

    The fast path, for present, unique statement ids of one kind in both tables (the
    common case). ``None`` otherwise: then the caller's exact path decides (and names the
    rows at fault).
    """
    st_words = _id_words(st_ids)
    if st_words is None:
        return None
    # No events: nothing to join, but the statement ids must still be unique.
    ev_words = _id_words(ev_ids) if len(ev_ids) else (st_words[0], st_words[1][:0])
    if ev_words is None or st_words[0] != ev_words[0]:
        return None
    return locate_rows(*_same_width(st_words[1], ev_words[1]))


#: Odd 64-bit constant (2**64 / golden ratio): multiplying by it is a bijection on uint64.
_MIX = np.uint64(0x9E3779B97F4A7C15)


def hash_rows(words: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """One ``uint64`` per row of ``words``; equal rows give equal hashes.

    Each word is xor-ed in, then multiplied by an odd constant and xor-shifted: every step is
    a bijection, so rows of one word never collide. Longer rows can (rarely) collide; the
    callers below check.

    Examples
    --------
    >>> import numpy as np
    >>> h = hash_rows(np.array([[1, 2], [1, 2], [2, 1]], dtype=np.uint64))
    >>> bool(h[0] == h[1]), bool(h[0] == h[2])
    (True, False)
    """
    h = np.zeros(len(words), dtype=np.uint64)
    for j in range(words.shape[1]):
        h ^= words[:, j]
        h *= _MIX  # wraps modulo 2**64, as intended
        h ^= h >> np.uint64(29)
    return h


def locate_rows(table: NDArray[np.uint64], queries: NDArray[np.uint64]) -> NDArray[np.int64] | None:
    """Position of each query row in ``table`` (-1 where absent), ``table`` rows being distinct.

    Returns ``None`` when two table rows have one hash (duplicated rows, or a collision) or
    a query matches a table row's hash but not its words: the caller then takes the exact
    path, which also names the duplicates. Sorting, not a hash table: a hash table of a
    million ids is a cache miss per id, a sort of their hashes is several times cheaper.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array([[5], [7], [9]], dtype=np.uint64)
    >>> locate_rows(t, np.array([[9], [4], [5]], dtype=np.uint64))
    array([ 2, -1,  0])
    >>> locate_rows(np.array([[5], [5]], dtype=np.uint64), t) is None
    True
    """
    th, qh = hash_rows(table), hash_rows(queries)
    order = np.argsort(th)
    sorted_h = th[order]
    if (sorted_h[1:] == sorted_h[:-1]).any():
        return None
    pos = np.full(len(qh), -1, dtype=np.int64)
    if len(th) == 0:
        return pos
    q_order = np.argsort(qh)  # sorted queries make searchsorted cache-friendly
    i = np.minimum(np.searchsorted(sorted_h, qh[q_order]), len(th) - 1)
    hit = sorted_h[i] == qh[q_order]
    pos[q_order[hit]] = order[i[hit]]
    found = pos >= 0
    # np.take(axis=0) rather than table[idx]: three times faster for 2-D rows (numpy 2.4).
    if not (np.take(table, pos[found], axis=0) == queries[found]).all():
        return None
    return pos


def group_rows(words: NDArray[np.uint64]) -> tuple[NDArray[np.int64], int] | None:
    """Codes of equal rows (0, 1, ... in order of first appearance) and how many there are.

    Like ``pd.factorize`` of the rows (same codes), from ``pd.factorize`` of their hashes;
    ``None`` when two different rows share a hash.

    Examples
    --------
    >>> import numpy as np
    >>> group_rows(np.array([[3, 1], [2, 0], [3, 1]], dtype=np.uint64))
    (array([0, 1, 0]), 2)
    """
    codes, uniques = pd.factorize(hash_rows(words))
    some_row = np.empty(len(uniques), dtype=np.int64)
    some_row[codes] = np.arange(len(codes))  # any row of each group will do
    # Each row must equal its group's row. Gathered in two steps so the second reads from a
    # table of groups (small enough for the cache), and with np.take: see locate_rows.
    group_words = np.take(words, some_row, axis=0)
    if not (np.take(group_words, codes, axis=0) == words).all():
        return None
    return codes.astype(np.int64, copy=False), len(uniques)
