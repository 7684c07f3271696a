"""One collector of input problems, one message style (private; used by every table check).

Every check of the tables adds what it found to a :class:`Problems`; nothing is raised until
all checks have run, so that one :class:`~credscore.exceptions.SchemaError` lists every
problem at once. Each problem names its table, its column, up to ten rows (by id where the row
has one, else by 0-based position, ``#3``), how many rows in all, and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from credscore.exceptions import SchemaError

__all__ = ["MAX_ROWS_SHOWN", "Problems"]

#: Rows named per problem; the count says how many there are in all.
MAX_ROWS_SHOWN = 10


class Problems:
    """Collects problems across tables and raises them together as one ``SchemaError``.

    Rows are named lazily: a check passes a boolean mask or positions, and only the first
    :data:`MAX_ROWS_SHOWN` are turned into names, by the ids given to :meth:`name_rows_by`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> p = Problems()
    >>> p.name_rows_by("statements", pd.Series(["s1", None, "s3"]))
    >>> p.add("statements", "label", "label_domain", "has values other than 1, 0 or missing",
    ...       "map your verdicts to 1/0", rows=np.array([True, True, False]))
    >>> p.raise_if_any()
    Traceback (most recent call last):
    ...
    credscore.exceptions.SchemaError: 1 problem in the input tables:
    - table 'statements', column 'label', rows ['s1', #1]: has values other than 1, 0 or missing. Fix: map your verdicts to 1/0
    >>> p.items[0]["rows"], p.items[0]["n_rows"]
    (['s1', '#1'], 2)
    """  # noqa: E501

    def __init__(self) -> None:
        self.items: list[dict] = []
        self._ids: dict[str, pd.Series] = {}
        self._shown: list[list[tuple[str, bool]]] = []

    def __len__(self) -> int:
        return len(self.items)

    def name_rows_by(self, table: str, ids: pd.Series) -> None:
        """Name the rows of ``table`` by ``ids`` from now on (missing or empty ids: by
        position)."""
        self._ids[table] = ids  # read by position (``iat``): its index does not matter

    def add(
        self,
        table: str,
        column: str | None,
        check: str,
        what: str,
        fix: str,
        *,
        rows: np.ndarray | Sequence[int] | None = None,
    ) -> None:
        """Record one problem.

        Parameters
        ----------
        table, column : str
            Where (``column`` None for a whole-table problem).
        check : str
            A short stable code, e.g. ``"duplicate_id"`` (for programs).
        what : str
            What is wrong, as a sentence fragment ("has duplicate ids").
        fix : str
            How to fix it.
        rows : boolean mask or positions, optional
            The offending rows of ``table``.
        """
        positions = _positions(rows)
        shown = self._names(table, positions[:MAX_ROWS_SHOWN])
        self._shown.append(shown)
        self.items.append(
            {
                "table": table,
                "column": column,
                "check": check,
                "what": what,
                "rows": [name for name, _ in shown],
                "n_rows": len(positions),
                "fix": fix,
            }
        )

    def _names(self, table: str, positions: np.ndarray) -> list[tuple[str, bool]]:
        ids = self._ids.get(table)
        out = []
        for pos in positions.tolist():
            value = ids.iat[pos] if ids is not None and pos < len(ids) else None
            if isinstance(value, str) and value:
                out.append((value, False))
            else:
                out.append((f"#{pos}", True))
        return out

    def message(self) -> str:
        """All problems, one line each."""
        n = len(self.items)
        lines = [f"{n} problem{'' if n == 1 else 's'} in the input tables:"]
        for p, shown in zip(self.items, self._shown, strict=True):
            where = f"table '{p['table']}'" + (f", column '{p['column']}'" if p["column"] else "")
            if shown:
                names = ", ".join(name if is_pos else repr(name) for name, is_pos in shown)
                more = p["n_rows"] - len(shown)
                where += f", rows [{names}{f' and {more} more' if more else ''}]"
            lines.append(f"- {where}: {p['what']}. Fix: {p['fix']}")
        return "\n".join(lines)

    def raise_if_any(self) -> None:
        """Raise one :class:`SchemaError` listing every problem, if there is any."""
        if not self.items:
            return
        tables = {p["table"] for p in self.items}
        raise SchemaError(
            self.message(),
            table=next(iter(tables)) if len(tables) == 1 else None,
            problems=list(self.items),
        )


def _positions(rows: np.ndarray | Sequence[int] | None) -> np.ndarray:
    if rows is None:
        return np.zeros(0, dtype=np.int64)
    arr = np.asarray(rows)
    if arr.dtype == bool:
        return np.flatnonzero(arr)
    return arr.astype(np.int64, copy=False).ravel()
