"""Recalibration chosen by evidence: window and form picked by rolling-origin evaluation.

Each candidate is a (form, window) pair: a form of :data:`~credscore.model._recalibration.FORMS`
fitted on the verdicts of the last ``window`` days. Rolling origin: at each of the latest
origins (one every ``period_days``), every candidate is fitted on the verdicts known before the
origin and scored (log loss) on the statements made in the next period; a candidate with too few
rows at an origin acts as the identity there, as it would in use. The choice is the simplest
candidate whose mean log loss is within one standard error (of the paired difference) of the
best one: identity before intercept before logistic before isotonic, longer windows before
shorter. With fewer than ``min_origins`` origins there is no evidence to choose by; the
intercept-only map on every verdict given is used, the form with one parameter, when its shift
is significant (95% interval excluding 0), else the identity.

After the choice, the map is fitted on the latest window and checked on it: when the model
passes the calibration test there and the recalibrated one would not, the next candidate is
taken, down to the identity. So recalibrating never turns a passing model into a failing one on
its own window.

Last, a change only the latest period shows: rolling origin cannot see it (every candidate was
fitted before that period), and a long window dilutes it. When the chosen map fails the
calibration test on the latest period's verdicts, the intercept shift there is at least
``CHANGE_Z`` (3) standard errors and the intercept map fitted on that period alone passes, that
map is used (``window_days`` = ``period_days``) and the step is recorded.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from credscore.calibration import calibration_test, fit_logistic, logit
from credscore.model._recalibration import FORMS, MIN_ROWS, apply_recalibration, fit_recalibration

__all__ = ["DEFAULT_WINDOWS", "choose_recalibration"]

#: Candidate windows in days (None: every verdict given).
DEFAULT_WINDOWS: tuple[int | None, ...] = (90, 180, 365, 730, None)
_DAY = 86_400 * 10**9
#: How many standard errors the latest period's intercept shift must clear (a recent change).
CHANGE_Z = 3.0
_N_SIM = 300


def _loss(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-15, 1 - 1e-15)
    return -(y * np.log(q) + (1 - y) * np.log1p(-q))


def _fit_or_none(p: np.ndarray, y: np.ndarray, form: str) -> dict[str, Any]:
    """The form's map, or the identity where it cannot be fitted (too few rows, one class,
    a non-increasing logistic fit)."""
    if form == "none" or len(y) < MIN_ROWS[form] or len(np.unique(y)) < 2:
        return {"form": "none"}
    try:
        return fit_recalibration(p, y, form=form)
    except ValueError:
        return {"form": "none"}


def _origins(t: np.ndarray, period: int, max_origins: int) -> list[int]:
    """Origins one period apart, ending one period before the latest statement."""
    last = int(t.max())
    out = [last - k * period for k in range(1, max_origins + 1)]
    return [o for o in out if o > int(t.min())][::-1]


def _evaluate(
    p: np.ndarray,
    y: np.ndarray,
    t: np.ndarray,
    known: np.ndarray,
    candidates: list[tuple[str, int | None]],
    origins: list[int],
    period: int,
) -> tuple[np.ndarray, int]:
    """Per-row losses ``(n_candidates, n_evaluated)`` over every origin's next period."""
    losses: list[list[np.ndarray]] = [[] for _ in candidates]
    n_used = 0
    for o in origins:
        block = (t >= o) & (t < o + period)
        if not block.any():
            continue
        n_used += 1
        for i, (form, window) in enumerate(candidates):
            train = known < o
            if window is not None:
                train &= t >= o - window * _DAY
            m = _fit_or_none(p[train], y[train], form)
            losses[i].append(_loss(y[block], apply_recalibration(p[block], m)))
    return np.array([np.concatenate(v) if v else np.empty(0) for v in losses]), n_used


def _complexity(form: str, window: int | None) -> tuple[int, int, int]:
    """Simpler first: fewer parameters, then every verdict, then longer windows."""
    return (FORMS.index(form), 0 if window is None else 1, -(window or 0))


def _rank(table: list[dict[str, Any]]) -> list[int]:
    """Candidate indices in the order they are tried: the one-standard-error choice first,
    then the others by log loss."""
    ok = [i for i, r in enumerate(table) if r["excess"] <= r["excess_se"]]
    first = min(ok, key=lambda i: _complexity(table[i]["form"], table[i]["window_days"]))
    rest = sorted((i for i in range(len(table)) if i != first), key=lambda i: table[i]["log_loss"])
    return [first, *rest]


def _candidates(forms: Any, windows: Any, span_days: float) -> list[tuple[str, int | None]]:
    fs = FORMS if forms == "auto" else tuple(forms)
    ws = DEFAULT_WINDOWS if windows == "auto" else tuple(windows)
    bad = sorted(set(fs) - set(FORMS))
    if bad:
        raise ValueError(f"unknown recalibration form(s) {bad}; choose from {FORMS}.")
    ws = tuple(w for w in ws if w is None or w < span_days) or (None,)
    return [(f, w) for f in fs for w in ((None,) if f == "none" else ws)]


def _keeps_passing(p: np.ndarray, y: np.ndarray, m: dict[str, Any]) -> bool:
    """False when the model passes the calibration test on these rows and ``m`` would fail."""
    if m.get("form") == "none" or len(np.unique(y)) < 2:
        return True
    if not calibration_test(y, p, n_sim=_N_SIM).consistent:
        return True
    return calibration_test(y, apply_recalibration(p, m), n_sim=_N_SIM).consistent


def _recent_change(
    p: np.ndarray, y: np.ndarray, t: np.ndarray, period: int, m: dict[str, Any], forms: Any
) -> tuple[dict[str, Any], np.ndarray] | None:
    """``(map, rows)``: the intercept map of the latest period alone and that period's rows,
    when the chosen map fails the calibration test there, the intercept shift against it is at
    least ``CHANGE_Z`` standard errors, and the new map passes the test there; else None.

    Rolling origin cannot see a change that only the latest period's verdicts show (every
    candidate was fitted before it), and a window reaching back before the change dilutes it.
    """
    if forms != "auto" and "intercept" not in forms:
        return None
    last = t >= int(t.max()) - period
    yl, pl = y[last], p[last]
    if len(yl) < MIN_ROWS["intercept"] or len(np.unique(yl)) < 2:
        return None
    q = apply_recalibration(pl, m)
    if calibration_test(yl, q, n_sim=_N_SIM).consistent:
        return None
    fresh = _fit_or_none(pl, yl, "intercept")
    if fresh["form"] == "none":
        return None
    # The shift must be clear on its own (|z| >= CHANGE_Z against the chosen map), not one of
    # the calibration test's false alarms.
    coef, cov = fit_logistic(None, yl, offset=logit(q, eps=1e-6))
    if abs(float(coef[0])) < CHANGE_Z * float(np.sqrt(cov[0, 0])):
        return None
    if not calibration_test(yl, apply_recalibration(pl, fresh), n_sim=_N_SIM).consistent:
        return None
    return fresh, last


def _table(cands: list, losses: np.ndarray) -> list[dict[str, Any]]:
    """Each candidate's mean log loss and its excess over the best, with the paired s.e."""
    mean = losses.mean(axis=1)
    best = int(np.argmin(mean))
    table = []
    for i, (form, window) in enumerate(cands):
        d = losses[i] - losses[best]
        se = float(d.std(ddof=1) / np.sqrt(d.size)) if d.size > 1 else 0.0
        table.append(
            {
                "form": form,
                "window_days": window,
                "log_loss": float(mean[i]),
                "excess": float(d.mean()),
                "excess_se": se,
            }
        )
    return table


def _without_origins(
    p: np.ndarray, y: np.ndarray, forms: Any, cands: list, n_used: int, min_origins: int
) -> dict[str, Any]:
    """Too few periods to compare candidates: the one-parameter intercept map on every verdict,
    applied only when its shift is significant (95% Wald interval excluding 0)."""
    form = "intercept" if forms == "auto" or "intercept" in forms else cands[-1][0]
    chosen = fit_recalibration(p, y, form=form)
    guard = []
    z = np.log(np.clip(p, 1e-6, 1 - 1e-6) / np.clip(1 - p, 1e-6, 1))
    _, cov = fit_logistic(None, y, offset=z)
    if form == "intercept" and abs(chosen["intercept"]) < 1.96 * float(np.sqrt(cov[0, 0])):
        guard.append("intercept: no evidence of a shift (95% interval contains 0)")
        chosen = fit_recalibration(p, y, form="none")
    elif not _keeps_passing(p, y, chosen):
        guard.append(f"{form}: would fail the calibration test on its window")
        chosen = fit_recalibration(p, y, form="none")
    chosen["base_rate"] = float(y.mean())
    return chosen | {
        "window_days": None,
        "selection": {
            "rule": f"too few dated periods for rolling-origin evaluation ({n_used} < "
            f"{min_origins}): the {form} map on every verdict given, if its shift is significant",
            "origins": n_used,
            "table": [],
            "guard": guard,
        },
    }


def choose_recalibration(
    p: np.ndarray,
    y: np.ndarray,
    t: np.ndarray,
    known: np.ndarray | None = None,
    *,
    forms: Any = "auto",
    windows: Any = "auto",
    period_days: float = 30.0,
    max_origins: int = 24,
    min_origins: int = 3,
) -> dict[str, Any]:
    """Chooses and fits a recalibration map by rolling-origin evaluation (module docstring).

    Parameters
    ----------
    p, y : ndarray of shape (n,)
        The model's (unrecalibrated) probabilities on labelled statements, and their verdicts.
    t : ndarray of shape (n,)
        When each statement was made (int64 nanoseconds).
    known : ndarray of shape (n,), optional
        When each verdict became known (default ``t``); a verdict trains a candidate only
        from then on.
    forms : "auto" or sequence of str
        Candidate forms; "auto" is every form, the identity included.
    windows : "auto" or sequence of int days (None: all)
    period_days : float, default 30
    max_origins, min_origins : int

    Returns
    -------
    dict
        The map (see :func:`fit_recalibration`) with ``window_days`` and ``selection``: how it
        was chosen, the table of candidates and any guard step.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> t = np.sort(rng.integers(0, 400, 2000)) * 86_400 * 10**9
    >>> p = rng.uniform(0.1, 0.9, 2000)
    >>> y = (rng.random(2000) < 1 / (1 + np.exp(-(np.log(p / (1 - p)) - 1.0)))).astype(float)
    >>> m = choose_recalibration(p, y, t)
    >>> m["form"], m["selection"]["rule"][:14]
    ('intercept', 'rolling origin')
    """
    p, y, t = np.asarray(p, float), np.asarray(y, float), np.asarray(t, np.int64)
    known = t if known is None else np.asarray(known, np.int64)
    period = int(period_days * _DAY)
    span = (int(t.max()) - int(t.min())) / _DAY if len(t) else 0.0
    cands = _candidates(forms, windows, span)
    origins = _origins(t, period, max_origins) if len(t) else []
    losses, n_used = _evaluate(p, y, t, known, cands, origins, period)
    if n_used < min_origins or losses.shape[1] == 0:
        return _without_origins(p, y, forms, cands, n_used, min_origins)
    table = _table(cands, losses)
    steps: list[str] = []
    for i in _rank(table):
        form, window = cands[i]
        rows = np.ones(len(t), bool) if window is None else t >= int(t.max()) - window * _DAY
        m = _fit_or_none(p[rows], y[rows], form)
        if _keeps_passing(p[rows], y[rows], m):
            break
        steps.append(f"{form}/{window}: would fail the calibration test on its window")
    else:  # pragma: no cover - the identity always keeps passing
        m, window = {"form": "none"}, None
    if m["form"] == "none":
        m = fit_recalibration(p, y, form="none")
    recent = _recent_change(p, y, t, period, m, forms)
    if recent is not None:
        steps.append(
            f"{m['form']}/{window}: fails the calibration test on the latest "
            f"{period_days:g} days; the intercept map on those days alone (a recent change)"
        )
        (m, rows), window = recent, round(period_days)
    m["n"], m["base_rate"] = int(rows.sum()), float(y[rows].mean())
    return m | {
        "window_days": window,
        "selection": {
            "rule": f"rolling origin: {n_used} periods of {period_days:g} days; the simplest "
            "candidate within one standard error of the best log loss",
            "origins": n_used,
            "evaluated_rows": int(losses.shape[1]),
            "table": table,
            "guard": steps,
        },
    }
