"""Table definitions and validation: one pass, one kind of error.

:func:`validate_tables` checks the three tables of credscore (sources, statements, events) and
returns normalised copies as :class:`~credscore.schema.ValidatedTables`; every problem found is
reported at once in one :class:`~credscore.exceptions.SchemaError` whose message names, for
each problem, the table, the column, up to ten offending rows (by id, else by 0-based position
``#3``) and the fix. ``validate_tables`` given tables it returned comes back at once: each
later stage (features, scoring, history) validates its input once, at no cost.
:func:`combine_tables` puts background history behind validated tables without checking
either again.

Normalisation rules (documented, tested):

* ids (``source_id``, ``statement_id``, ``event_id``) become strings and are kept **byte for
  byte** (``"a "`` stays ``"a "``, so that the output joins back to the input); an integer id
  ``7``, the float ``7.0`` (an integer column that met a missing value) and the string ``"7"``
  are the same id; ``"07"`` is another. Ids are required and may not be empty;
* timestamps (``made_at``, ``label_at``, ``at``) are parsed and converted to UTC. Naive
  timestamps are read as UTC. Within one corpus they must be *consistently* naive or aware:
  mixing them is an error, because the order of "14:00" and "14:00+02:00" is ambiguous.
  ISO 8601 strings are read at C speed; other spellings ("May 1, 2024") one at a time;
  blank strings are missing;
* numbers in a timestamp column (epoch numbers, as Parquet and JSONL files often hold, or
  digits in a CSV cell) are refused unless their unit is given:
  ``validate_tables(..., time_unit="s")`` (one of ``"D"``, ``"s"``, ``"ms"``, ``"us"``,
  ``"ns"``); they are never guessed;
* times are stored in nanoseconds, which hold 1677-09-21 to 2262-04-11: dates outside that
  range (a year 1500 or 2999) are refused as out of range;
* ``label`` becomes float ``1.0`` / ``0.0`` / ``NaN`` (missing = not yet checked); booleans and
  the strings ``"0"``/``"1"``/``"true"``/``"false"`` are accepted;
* missing ``text`` becomes the empty string (a statement with no text has no qualifier cues);
  text that is not a string (e.g. a number) is an error, and so is text that is not valid
  Unicode (lone surrogates);
* ids, ``text`` and ``kind`` have pandas' ``str`` dtype; the optional free-text columns
  (``name``, ``title``, ``organization``, ``source_type``, ``topic``, ``context``) too when
  they hold text, an empty string in them being a missing value (as an empty CSV cell is);
  missing optional columns are added, empty;
* ``sources`` may be omitted (``None``): every ``source_id`` then becomes a source with no
  title, which the rank features read as ``unknown``. ``events`` may be omitted: no events;
* a column name may appear once per table; extra columns are kept untouched; the input frames
  are never changed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from credscore._problems import Problems
from credscore._schema_check import cache_holds, id_arrays, validate_frames
from credscore._schema_joins import join_ids
from credscore._schema_times import TIME_UNITS
from credscore._tables import _VALIDATOR_TOKEN, TABLE_COLUMNS, Tables, ValidatedTables

__all__ = [
    "TABLE_COLUMNS",
    "TIME_UNITS",
    "ValidatedTables",
    "combine_tables",
    "history_for",
    "validate_tables",
]


def validate_tables(
    statements: pd.DataFrame | Tables,
    sources: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    *,
    time_unit: str | None = None,
) -> ValidatedTables:
    """Validates the three tables and returns normalised copies.

    Parameters
    ----------
    statements : DataFrame, Tables or ValidatedTables
        The statements table, or tables holding all three. ``ValidatedTables`` (what this
        function returns) come back as they are, without a second check.
    sources, events : DataFrame, optional
        Ignored when ``statements`` is a ``Tables``. Missing ``sources`` are derived from the
        statements' ``source_id`` (no titles); missing ``events`` mean no events.
    time_unit : {"D", "s", "ms", "us", "ns"}, optional
        Unit of epoch numbers in timestamp columns. Without it, numbers there are an error.

    Returns
    -------
    ValidatedTables
        Normalised copies with a fresh ``RangeIndex``, in input row order.

    Raises
    ------
    SchemaError
        Listing every problem found, each with table, column, up to 10 row ids and the fix.
    ParameterError
        If ``time_unit`` is not one of the units above.

    Examples
    --------
    >>> import pandas as pd
    >>> st = pd.DataFrame({"statement_id": [1, 2], "source_id": ["a", "a"],
    ...                    "text": ["It rained.", None], "made_at": ["2024-01-01", "2024-01-02"]})
    >>> t = validate_tables(st)
    >>> t.statements["statement_id"].tolist(), t.statements["made_at"].dt.tz is not None
    (['1', '2'], True)
    >>> validate_tables(t) is t
    True
    >>> validate_tables(st.assign(made_at=[1714521600, 1714608000]), time_unit="s").statements[
    ...     "made_at"].dt.strftime("%Y-%m-%d").tolist()
    ['2024-05-01', '2024-05-02']
    >>> bad = st.assign(statement_id=[1, 1], made_at=["2024-01-01", 1714521600])
    >>> validate_tables(bad)
    Traceback (most recent call last):
    ...
    credscore.exceptions.SchemaError: 2 problems in the input tables:
    - table 'statements', column 'made_at', rows ['1']: has numbers, not timestamps: epoch numbers are read only with their unit. Fix: give the unit, e.g. validate_tables(..., time_unit='s') or read_tables(..., time_unit='s') for seconds since 1970 (units: D, s, ms, us, ns), or write timestamps as ISO 8601, e.g. '2024-05-01' or '2024-05-01T10:00:00+00:00'
    - table 'statements', column 'statement_id', rows ['1', '1']: has duplicate ids. Fix: give every row its own id
    """  # noqa: E501
    if isinstance(statements, ValidatedTables):
        return statements
    if isinstance(statements, Tables):
        sources, events, statements = statements.sources, statements.events, statements.statements
    return validate_frames(statements, sources, events, time_unit=time_unit)


def combine_tables(
    scored: ValidatedTables, history: ValidatedTables | None
) -> tuple[ValidatedTables, np.ndarray]:
    """Puts background ``history`` behind ``scored`` tables, without validating either again.

    Statements of ``history`` feed the point-in-time record of their sources but get no
    output row. A statement id present in both is taken from ``scored`` (the one being
    scored); the history's events stay, on that statement, except those whose event id the
    scored tables use too (the scored event wins). Sources in ``scored`` take precedence over
    ``history`` sources with the same id, field by field: what the scored row leaves empty
    (e.g. the title of a source derived from the statements) is taken from the history.

    Parameters
    ----------
    scored, history : ValidatedTables
        From :func:`validate_tables` (other tables are validated first); ``history`` may be
        None.

    Returns
    -------
    combined : ValidatedTables
        History statements first, then the scored ones.
    rows : ndarray of int
        Positions, in ``combined.statements``, of the rows of ``scored.statements`` (in order).

    Raises
    ------
    SchemaError
        If a history event would precede the scored version of its statement.

    Examples
    --------
    >>> import pandas as pd
    >>> old = validate_tables(pd.DataFrame({"statement_id": ["s1", "s2"], "source_id": "a",
    ...     "text": "", "made_at": ["2024-01-01", "2024-01-02"]}))
    >>> new = validate_tables(pd.DataFrame({"statement_id": ["s2", "s3"], "source_id": "a",
    ...     "text": "", "made_at": ["2024-02-01", "2024-02-02"]}))
    >>> both, rows = combine_tables(new, old)
    >>> both.statements["statement_id"].tolist(), rows.tolist()
    (['s1', 's2', 's3'], [1, 2])
    """
    scored = validate_tables(scored)
    if history is None:
        return scored, np.arange(len(scored.statements))
    history = validate_tables(history)
    shared = _positions(scored.statements["statement_id"], history.statements["statement_id"]) >= 0
    kept = history.statements[~shared]
    statements = pd.concat([kept, scored.statements], ignore_index=True)
    # Every history event stays, on the statement it names (the scored version of a statement
    # in both), unless the scored tables carry the same event id: theirs wins.
    hist_events = history.events
    same_id = _positions(scored.events["event_id"], hist_events["event_id"]) >= 0
    hist_events = hist_events[~same_id]
    ev_pos = _positions(statements["statement_id"], hist_events["statement_id"])
    _refuse_events_before_statements(hist_events, statements["made_at"].to_numpy()[ev_pos])
    events = pd.concat([hist_events, scored.events], ignore_index=True)
    known: dict = {}
    if cache_holds(scored):  # where each event's statement lands
        scored_pos = scored._known["event_statement"] + len(kept)
        known["event_statement"] = np.concatenate([ev_pos, scored_pos])
        known["arrays"] = id_arrays(statements, events)
    combined = ValidatedTables(
        statements=statements,
        sources=_combined_sources(scored.sources, history.sources),
        events=events,
        _token=_VALIDATOR_TOKEN,
        _known=known,
    )
    return combined, np.arange(len(kept), len(combined.statements))


#: ``history_for`` keeps the whole history when the scored sources hold more of it than this.
_SUBSET_SHARE = 0.5


def history_for(scored: Tables, history: ValidatedTables | Tables | None) -> ValidatedTables | None:
    """The part of ``history`` that can change the features of ``scored``'s statements.

    A statement's features read only its own source's record and that source's row, so the
    history's statements of other sources (and their events) are left out; statements that
    share an id with a scored one, and every event of the statements kept, stay. Scoring
    with the result gives exactly the features the whole history gives, with work in
    proportion to the scored sources' record (a service scoring one statement against a
    large archive). When the scored sources hold most of the history, it is returned whole.

    Examples
    --------
    >>> import pandas as pd
    >>> old = validate_tables(pd.DataFrame({"statement_id": ["s1", "s2"], "source_id": ["a",
    ...     "b"], "text": "", "made_at": ["2024-01-01", "2024-01-02"]}))
    >>> new = validate_tables(pd.DataFrame({"statement_id": ["s3"], "source_id": ["a"],
    ...     "text": "", "made_at": ["2024-02-01"]}))
    >>> history_for(new, old).statements["statement_id"].tolist()
    ['s1']
    """
    if history is None:
        return None
    reused = isinstance(history, ValidatedTables)  # validated once by the caller: indexed
    scored, history = validate_tables(scored), validate_tables(history)  # no-ops once validated
    st = history.statements
    sources = pd.unique(scored.statements["source_id"].to_numpy(dtype=object)).tolist()
    ids = scored.statements["statement_id"]
    if reused:
        by_source, by_id = _history_index(history)
        keep = np.zeros(len(st), dtype=bool)
        for rows in (by_source[s] for s in sources if s in by_source):
            keep[rows] = True
        keep[[by_id[i] for i in ids.tolist() if i in by_id]] = True
    else:
        keep = st["source_id"].isin(sources).to_numpy() | st["statement_id"].isin(ids).to_numpy()
    if not len(st) or keep.mean() > _SUBSET_SHARE:
        return history
    statements = st[keep].reset_index(drop=True)
    ev = history.events
    events = ev[ev["statement_id"].isin(statements["statement_id"]).to_numpy()]
    src = history.sources
    return ValidatedTables(  # rows of validated tables whose references stay inside them
        statements=statements,
        sources=src[src["source_id"].isin(sources).to_numpy()].reset_index(drop=True),
        events=events.reset_index(drop=True),
        _token=_VALIDATOR_TOKEN,
        _known={},
    )


def _history_index(history: ValidatedTables) -> tuple[dict, dict]:
    """``({source id: its statements' rows}, {statement id: row})`` of validated history,
    built once per history (a service passes the same archive with every statement)."""
    st = history.statements
    arrays = (st["statement_id"].array, st["source_id"].array)
    hit = history._known.get("history_index")
    if hit is not None and all(a is b for a, b in zip(hit[0], arrays, strict=True)):
        return hit[1], hit[2]
    codes, uniques = pd.factorize(st["source_id"])
    order = np.argsort(codes, kind="stable")
    cuts = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    by_source = {u: order[cuts[k] : cuts[k + 1]] for k, u in enumerate(uniques.tolist())}
    by_id = {i: k for k, i in enumerate(st["statement_id"].tolist())}  # validated: unique
    history._known["history_index"] = (arrays, by_source, by_id)
    return by_source, by_id


def _positions(table_ids: pd.Series, query_ids: pd.Series) -> np.ndarray:
    return join_ids(
        table_ids.reset_index(drop=True), query_ids.reset_index(drop=True), "statements", Problems()
    )


def _combined_sources(scored: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Scored sources first; a field the scored row leaves empty is taken from the history.

    Scoring statements without a sources table derives bare source rows (no title); those
    must not hide the titles the history's sources table gives.
    """
    pos = _positions(history["source_id"], scored["source_id"])
    scored = scored.copy()
    hit = pos >= 0
    if hit.any():
        for col in scored.columns.intersection(history.columns).drop("source_id"):
            have = scored[col].to_numpy(dtype=object)
            fill = history[col].to_numpy(dtype=object)[pos[hit]]
            take = pd.isna(have[hit])
            if take.any():
                values = have.copy()
                values[np.flatnonzero(hit)[take]] = fill[take]
                scored[col] = pd.Series(values, index=scored.index).astype(scored[col].dtype)
    only_history = history[_positions(scored["source_id"], history["source_id"]) < 0]
    return pd.concat([scored, only_history], ignore_index=True)


def _refuse_events_before_statements(events: pd.DataFrame, made_at: np.ndarray) -> None:
    """A history event moved onto the scored version of its statement must not precede it."""
    early = (events["at"].to_numpy() < made_at) if len(events) else np.zeros(0, bool)
    if early.any():
        problems = Problems()
        problems.name_rows_by("events", events["event_id"])
        problems.add(
            "events",
            "at",
            "event_before_statement",
            "are history events dated before the scored statement they refer to (the "
            "scored tables give that statement a later made_at than the history does)",
            "give the statement the same made_at in both tables, or correct the events",
            rows=early,
        )
        problems.raise_if_any()
