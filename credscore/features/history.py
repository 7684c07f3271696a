"""Point-in-time track record of a source: retractions, confirmations and verdicts.

For a statement ``s`` by source ``S`` made at time ``t``, every feature uses only rows and
events of ``S`` dated **strictly before** ``t``; ties at the same instant count as "not
before". The statement's own label and events therefore never enter its own features, and
nothing dated after ``t`` can change them. The tests in ``tests/features/`` prove this with
hypothesis and against a plain per-statement reference loop.

Definitions (``S`` the source, ``t`` the statement's ``made_at``; ``s'`` ranges over the
statements of ``S`` with ``made_at < t``, the *earlier statements*):

``hist_n_prior``
    Number of earlier statements.
``hist_n_retracted``
    Earlier statements with at least one ``retraction``, ``correction`` or
    ``scope_narrowing`` event dated ``< t``; each statement counts once however many events
    it has. The *event* time decides visibility: an earlier statement whose only
    retraction is dated ``>= t`` does not count yet.
``hist_n_confirmed``
    Same for ``confirmation`` events.
``hist_retraction_rate``
    ``(n_retracted + a·m_r) / (n_prior + a)``: the posterior mean under a
    ``Beta(a·m_r, a·(1 - m_r))`` prior, ``m_r = retraction_prior`` (the population rate,
    see :func:`population_rates`) and ``a = prior_strength`` (pseudo-statements). A
    source with no history gets ``m_r`` exactly — never 0, never NaN.
``hist_n_verdicts``, ``hist_n_false``
    Labelled earlier statements whose *verdict time* is ``< t``, and those among them
    labelled 0. The verdict time is ``label_at``, or ``made_at`` when ``label_at`` is
    missing (the verdict is then assumed known as soon as the statement was made — the
    optimistic choice for corpora without verdict dates, such as LIAR). Unlabelled
    statements count in ``hist_n_prior`` but not here.
``hist_false_rate``
    ``(n_false + a·m_f) / (n_verdicts + a)`` with ``m_f = false_prior``.
``hist_days_since_retraction``
    Days from the latest retraction-type event ``< t`` on any earlier statement to ``t``;
    NaN when there is none, with ``hist_has_retraction`` (1.0/0.0) as indicator.
``hist_retracted_decayed``
    ``Σ 2^(-(t - L(s')) / h)`` over earlier statements with a visible retraction-type
    event, ``L(s')`` the latest such event ``< t`` and ``h = half_life_days``: the number
    of retracted statements, each weighted by how recently it was walked back. Between 0
    and ``hist_n_retracted``; a new retraction never lowers it.
``hist_false_decayed``
    ``(F + a·m_f) / (N + a)`` with ``N = Σ w``, ``F = Σ w·(1 - label)`` over the visible
    verdicts, weight ``w = 2^(-(t - verdict time) / h)``: the false rate of the recent
    record, shrunk like ``hist_false_rate``.
``hist_n_known``, ``hist_n_failed``, ``hist_failed_rate``
    The *record* of the earlier statements, pooling verdicts and retractions into one
    outcome per statement: an earlier statement's outcome is its verdict once the verdict
    is visible (verdict time ``< t``); before that (or with no label at all) it has failed
    if a retraction-type event is visible, and is unknown otherwise. ``hist_n_known``
    counts earlier statements with a known outcome, ``hist_n_failed`` those that failed
    (found false, or walked back with no verdict yet), and ``hist_failed_rate`` is
    ``(n_failed + a·m_f) / (n_known + a)``. Without events these equal ``hist_n_verdicts``,
    ``hist_n_false`` and ``hist_false_rate``; with events they let a model trained on
    verdicts alone (such as the bundled default model) weigh a walked-back statement like
    a false one, instead of ignoring a feature it never saw vary.

The computation is vectorised: one sort of composite ``(source, time)`` keys per kind of
item, ``np.searchsorted`` for the counts and a log-depth segmented scan for the decayed
sums (all factors ``<= 1``: no overflow however long the time span). O(n log n); for a
million statements see ``experiments/results/bench_history.txt``.

Do not build history with leave-one-out counts ("the source's verdicts minus this row's
own"): that is leave-one-out target encoding and leaks the label through the source's
fixed total (see ``tests/features/test_history.py::test_leave_one_out_trap``). For a
corpus without dates (LIAR) give the training rows pseudo-times in a seeded random order.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from credscore._schema_check import validate_frames
from credscore._tables import ValidatedTables
from credscore.features._history_arrays import HistoryArrays, history_arrays
from credscore.features._history_compute import COLUMNS, RET_IDX, compute_history
from credscore.features._history_words import describe_history

__all__ = [
    "DEFAULT_HALF_LIFE_DAYS",
    "DEFAULT_PRIOR_STRENGTH",
    "FALLBACK_RATES",
    "HISTORY_COLUMNS",
    "check_history_inputs",
    "describe_history",
    "history_arrays",
    "history_features",
    "history_values",
    "population_rates",
]

#: Output columns of :func:`history_features`, in order.
HISTORY_COLUMNS: tuple[str, ...] = COLUMNS
#: Default Beta prior strength ``a`` (in pseudo-statements).
DEFAULT_PRIOR_STRENGTH = 5.0
#: Default half-life of the decayed features, in days.
DEFAULT_HALF_LIFE_DAYS = 365.0
#: Rates used by :func:`population_rates` when there is nothing to count: 0.5, the mean of
#: the uniform prior (no information either way).
FALLBACK_RATES: dict[str, float] = {"retraction_rate": 0.5, "false_rate": 0.5}


def _validated(
    statements: pd.DataFrame | ValidatedTables, events: pd.DataFrame | None
) -> ValidatedTables:
    """The one validator, on the two tables the history reads (``text`` may be absent)."""
    if isinstance(statements, ValidatedTables):
        return statements
    return validate_frames(statements, None, events, require_text=False)


def check_history_inputs(
    statements: pd.DataFrame | ValidatedTables, events: pd.DataFrame | None = None
) -> None:
    """Raise :class:`~credscore.exceptions.SchemaError` if the tables cannot give a history.

    The checks are those of :func:`credscore.validate_tables` (one validator, one message
    style), on the statements and events alone: ``text`` may be absent and the sources are
    the statements' ``source_id``. Among them: required columns (``statement_id``,
    ``source_id``, ``made_at``; ``event_id``, ``statement_id``, ``kind``, ``at``); unique,
    present ids; timestamps (naive ones read as UTC, never mixed with aware ones) with no
    missing ``made_at`` or ``at``; ``label`` in {0, 1, missing}; ``label_at`` (may be
    missing) not before ``made_at``; events pointing to known statements, of a known kind,
    not dated before their statement (the same instant is allowed). All problems are reported
    at once, each naming up to 10 rows (by ``statement_id`` / ``event_id``) and the fix.

    Parameters
    ----------
    statements : DataFrame or ValidatedTables
        The statements table (or validated tables, which pass at once).
    events : DataFrame, optional
        The events table (None or empty: no events).

    Examples
    --------
    >>> import pandas as pd
    >>> st = pd.DataFrame({"statement_id": ["s1"], "source_id": ["a"],
    ...     "made_at": pd.to_datetime(["2024-01-02"], utc=True)})
    >>> ev = pd.DataFrame({"event_id": ["e1"], "statement_id": ["s1"], "kind": ["retraction"],
    ...     "at": pd.to_datetime(["2024-01-01"], utc=True)})
    >>> check_history_inputs(st, ev)
    Traceback (most recent call last):
    ...
    credscore.exceptions.SchemaError: 1 problem in the input tables:
    - table 'events', column 'at', rows ['e1']: is earlier than the statement the event happened to. Fix: ...
    """  # noqa: E501
    _validated(statements, events)


def _population_rates(arr: HistoryArrays) -> dict[str, float]:
    n = len(arr.made)
    is_r = np.isin(arr.ev_kind, RET_IDX)
    n_ret = len(np.unique(arr.ev_stmt[is_r]))
    labelled = ~np.isnan(arr.label)
    n_lab = int(labelled.sum())
    return {
        "retraction_rate": n_ret / n if n else FALLBACK_RATES["retraction_rate"],
        "false_rate": float((arr.label == 0.0).sum()) / n_lab
        if n_lab
        else FALLBACK_RATES["false_rate"],
    }


def population_rates(
    statements: pd.DataFrame | ValidatedTables, events: pd.DataFrame | None = None
) -> dict:
    """Population rates to use as the centre of the Beta priors.

    ``retraction_rate`` is the share of statements with at least one retraction-type event
    (ever); ``false_rate`` the share of labelled statements labelled 0. When there are no
    statements (or no labelled ones) the rate falls back to :data:`FALLBACK_RATES` (0.5).
    Compute them on the *training* tables and store them with the model: computing them on
    the table being scored would let its future leak into the prior.

    Examples
    --------
    >>> import pandas as pd
    >>> st = pd.DataFrame({"statement_id": ["s1", "s2"], "source_id": ["a", "a"],
    ...     "made_at": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True),
    ...     "label": [0.0, float("nan")]})
    >>> ev = pd.DataFrame({"event_id": ["e1"], "statement_id": ["s1"], "kind": ["correction"],
    ...     "at": pd.to_datetime(["2024-01-05"], utc=True)})
    >>> population_rates(st, ev)
    {'retraction_rate': 0.5, 'false_rate': 1.0}
    """
    return _population_rates(history_arrays(_validated(statements, events)))


def _check_params(retraction_prior, false_prior, prior_strength, half_life_days) -> None:
    for name, v in (("retraction_prior", retraction_prior), ("false_prior", false_prior)):
        if not (isinstance(v, int | float) and 0.0 <= float(v) <= 1.0):
            raise ValueError(f"{name} must be a rate in [0, 1], got {v!r}")
    if not (isinstance(prior_strength, int | float) and 0 < prior_strength < math.inf):
        raise ValueError(f"prior_strength must be a positive number, got {prior_strength!r}")
    if not (isinstance(half_life_days, int | float) and 0 < half_life_days < math.inf):
        raise ValueError(f"half_life_days must be a positive number, got {half_life_days!r}")


def history_features(
    statements: pd.DataFrame | ValidatedTables,
    events: pd.DataFrame | None = None,
    *,
    retraction_prior: float,
    false_prior: float,
    prior_strength: float = DEFAULT_PRIOR_STRENGTH,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
) -> pd.DataFrame:
    """Point-in-time history features of each statement's source (see the module docstring).

    Parameters
    ----------
    statements : DataFrame or ValidatedTables
        ``statement_id``, ``source_id``, ``made_at`` and optionally ``label`` (1 held up,
        0 did not, missing unknown) and ``label_at``, checked and normalised by the one
        validator (see :func:`check_history_inputs`); or tables from
        :func:`credscore.validate_tables`, used as they are (``events`` is then ignored).
    events : DataFrame or None
        ``event_id``, ``statement_id``, ``kind``, ``at``.
    retraction_prior, false_prior : float
        Centres of the Beta priors, usually :func:`population_rates` of the training data.
    prior_strength : float, default 5.0
        Weight ``a`` of each prior, in pseudo-statements.
    half_life_days : float, default 365.0
        Half-life ``h`` of the decayed features.

    Returns
    -------
    DataFrame
        One float64 row per row of ``statements``, same index and order (a ``RangeIndex``
        for validated tables), columns :data:`HISTORY_COLUMNS`.

    Raises
    ------
    SchemaError
        See :func:`check_history_inputs`.

    Examples
    --------
    >>> import pandas as pd
    >>> st = pd.DataFrame({"statement_id": ["s1", "s2", "s3"], "source_id": ["a"] * 3,
    ...     "made_at": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"], utc=True),
    ...     "label": [0.0, 1.0, float("nan")]})
    >>> ev = pd.DataFrame({"event_id": ["e1"], "statement_id": ["s1"],
    ...     "kind": ["scope_narrowing"], "at": pd.to_datetime(["2024-01-15"], utc=True)})
    >>> f = history_features(st, ev, retraction_prior=0.1, false_prior=0.5, prior_strength=2)
    >>> f[["hist_n_prior", "hist_n_retracted", "hist_retraction_rate", "hist_n_verdicts"]]
       hist_n_prior  hist_n_retracted  hist_retraction_rate  hist_n_verdicts
    0           0.0               0.0                   0.1              0.0
    1           1.0               1.0                   0.4              1.0
    2           2.0               1.0                   0.3              2.0
    >>> describe_history(f.iloc[2])
    'walked back 1 of its 2 earlier statements; 1 of 2 earlier verdicts found it false; latest walk-back 46 days earlier'
    """  # noqa: E501
    _check_params(retraction_prior, false_prior, prior_strength, half_life_days)
    tables = _validated(statements, events)
    values = history_values(
        tables,
        retraction_prior=retraction_prior,
        false_prior=false_prior,
        prior_strength=prior_strength,
        half_life_days=half_life_days,
    )
    index = tables.statements.index if isinstance(statements, ValidatedTables) else statements.index
    return pd.DataFrame(values, index=index, columns=list(HISTORY_COLUMNS), copy=False)


def history_values(
    tables: ValidatedTables,
    *,
    retraction_prior: float,
    false_prior: float,
    prior_strength: float = DEFAULT_PRIOR_STRENGTH,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
) -> np.ndarray:
    """:func:`history_features` of validated tables as a float64 matrix (columns
    :data:`HISTORY_COLUMNS`), for a caller that keeps only some rows of it."""
    _check_params(retraction_prior, false_prior, prior_strength, half_life_days)
    return compute_history(
        history_arrays(tables),
        float(retraction_prior),
        float(false_prior),
        float(prior_strength),
        float(half_life_days),
    )
