"""The drift monitor in the report: calibration per period, its figures and its HTML section.

:func:`drift_monitor` scores a model's labelled statements and runs
:func:`credscore.calibration.calibration_by_period` on them (by source); :func:`drift_section`
does the same from scores already computed (``evaluate(..., by="month")`` uses it) and
:func:`drift_html` renders the section: the observed rate and the mean prediction per period
(flagged periods in red), and the table of periods.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from credscore.calibration import calibration_by_period
from credscore.report._stats import jsonable

__all__ = ["drift_html", "drift_monitor", "drift_section"]

_W, _H, _L, _R, _T, _B = 640, 220, 48, 12, 12, 40


def drift_section(
    y: np.ndarray,
    p: np.ndarray,
    made_at: Any,
    sources: np.ndarray | None,
    *,
    by: str = "month",
    min_n: int = 30,
    n_sim: int = 500,
    random_state: int = 0,
) -> dict[str, Any]:
    """The drift figures (JSON-ready) of labelled statements already scored."""
    res = calibration_by_period(
        y, p, made_at, by=by, groups=sources, min_n=min_n, n_sim=n_sim, random_state=random_state
    )
    return jsonable(res)


def drift_monitor(
    model: Any,
    tables: Any,
    *,
    history: Any = None,
    by: str = "month",
    min_n: int = 30,
    n_sim: int = 500,
    random_state: int = 0,
) -> dict[str, Any]:
    """Runs the calibration test per period on the labelled statements of ``tables``.

    Parameters
    ----------
    model : CredibilityModel
    tables : Tables
        Statements with verdicts (unlabelled ones still feed their sources' records).
    history : Tables, optional
    by : {"week", "month", "quarter", "year"}, default="month"
    min_n : int, default=30
        Periods with fewer verdicts are listed, not tested.
    n_sim : int, default=500
    random_state : int, default=0

    Returns
    -------
    dict
        See :func:`credscore.calibration.calibration_by_period`; each period is tested with
        the by-source null.

    Examples
    --------
    >>> import credscore
    >>> t = credscore.read_tables("datasets/examples/simulated_newsroom")
    >>> mon = drift_monitor(credscore.load_model(), t, by="quarter", n_sim=100)
    >>> mon["by"], mon["n_tested"] == len(mon["periods"])
    ('quarter', True)
    """
    scores = model.score(tables, history=history, explain=False)
    st = tables.statements
    y = pd.to_numeric(st["label"], errors="coerce").to_numpy(dtype=float)
    k = np.isfinite(y)
    p = scores["p_reliable"].to_numpy(dtype=float)
    src = st["source_id"].to_numpy(dtype=object)
    return drift_section(
        y[k],
        p[k],
        pd.DatetimeIndex(st["made_at"])[k],
        src[k],
        by=by,
        min_n=min_n,
        n_sim=n_sim,
        random_state=random_state,
    )


def _svg(periods: Sequence[dict[str, Any]], by: str) -> str:
    n = len(periods)
    pw, ph = _W - _L - _R, _H - _T - _B
    top = max(0.05, *(max(r["base_rate"], r["mean_p"]) for r in periods))
    top = min(1.0, np.ceil(top * 10 + 0.5) / 10)

    def x(i: int) -> float:
        return _L + (i + 0.5) * pw / max(n, 1)

    def yv(v: float) -> float:
        return _T + (1 - v / top) * ph

    def line(key: str, colour: str, dash: str = "") -> str:
        pts = " ".join(f"{x(i):.1f},{yv(r[key]):.1f}" for i, r in enumerate(periods))
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        return f'<polyline points="{pts}" fill="none" stroke="{colour}"{extra}/>'

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="{_W}" '
        f'height="{_H}" role="img" aria-label="share held up and mean prediction per {by}">',
        f'<rect x="{_L}" y="{_T}" width="{pw}" height="{ph}" fill="#fff" stroke="#999"/>',
    ]
    for v in np.linspace(0, top, 5):
        parts.append(
            f'<text x="{_L - 6}" y="{yv(v) + 4:.1f}" text-anchor="end" font-size="10">'
            f"{v:.2f}</text>"
        )
    parts += [line("base_rate", "#222"), line("mean_p", "#1565c0", "4 3")]
    step = max(1, n // 12)
    for i, r in enumerate(periods):
        colour = "#c62828" if r["flag"] else ("#2e7d32" if r["tested"] else "#aaa")
        tip = (
            f"{r['period']}: {r['n']} verdicts, held up {r['base_rate']:.3f}, mean prediction "
            f"{r['mean_p']:.3f}, {r['status']}"
        )
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{yv(r["base_rate"]):.1f}" r="3.5" fill="{colour}">'
            f"<title>{escape(tip)}</title></circle>"
        )
        if i % step == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{_T + ph + 14}" text-anchor="middle" font-size="10">'
                f"{escape(r['period'])}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _num(v: Any, d: int = 3) -> str:
    return "–" if v is None or (isinstance(v, float) and not np.isfinite(v)) else f"{v:.{d}f}"


def drift_html(result: dict[str, Any]) -> str:
    """The report's "Calibration over time" section from ``result["drift"]`` ('' if absent)."""
    d = result.get("drift")
    if not d:
        return ""
    periods = d["periods"]
    rows = []
    for r in periods:
        lo, hi = r["shift_ci"]
        status = {"ok": "consistent", "drift": "drift: not consistent"}.get(r["status"], "")
        status = status or f"not tested ({escape(r['status'])} verdicts)"
        rows.append(
            f"<tr><td>{escape(r['period'])}</td><td>{r['n']:,}</td><td>{_num(r['base_rate'])}"
            f"</td><td>{_num(r['mean_p'])}</td><td>{_num(r['shift'])} [{_num(lo)}, {_num(hi)}]"
            f"</td><td>{_num(r.get('smece_p'))}</td><td>{_num(r.get('slope'), 2)}</td>"
            f"<td>{status}</td></tr>"
        )
    first = d["first_flag"]
    verdict = (
        f"<p class='bad'>Drift: {d['n_flagged']} of {d['n_tested']} tested {d['by']}s fail the "
        f"calibration test, the first in {escape(first)}.</p>"
        if first
        else f"<p class='ok'>No {d['by']} fails the calibration test ({d['n_tested']} tested).</p>"
    )
    head = (
        "<tr><th>period</th><th>verdicts</th><th>held up</th><th>mean prediction</th>"
        "<th>shift (mean prediction − held up) [95% CI]</th><th>smECE p</th><th>slope</th>"
        "<th>status</th></tr>"
    )
    return (
        f"<h2>Calibration over time (by {escape(d['by'])})</h2>{verdict}"
        f"<div class='fig'>{_svg(periods, d['by'])}</div>"
        "<p class='note'>Solid line and dots: share of the period's statements that held up "
        "(red: the period fails the calibration test, grey: too few verdicts to test); dashed: "
        f"mean prediction. Rule: {escape(d['rule'])}. Each period is tested on its own, so a "
        "calibrated model is still flagged now and then by chance.</p>"
        f"<table>{head}{''.join(rows)}</table>"
    )
