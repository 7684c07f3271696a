"""Offline evaluation report: a model and labelled tables in, an HTML page and a JSON out.

* :func:`evaluate` — every figure (metrics with bootstrap intervals, the calibration test,
  reliability bins, baselines, slices, the model's manifest) as one JSON-ready dict;
* :func:`write_report` — that dict as a self-contained HTML page (inline CSS and SVG) and,
  optionally, as JSON; both files written atomically;
* :func:`render_html` — the page as a string;
* :func:`drift_monitor` — the calibration test per period of dated verdicts (also
  ``evaluate(..., by="month")`` and ``credscore evaluate --by month``).

The command line is ``credscore evaluate DIR --out REPORT.html [--json REPORT.json]``
(:func:`credscore.report._cli.add_evaluate_parser`).
"""

from credscore.report._drift import drift_monitor
from credscore.report._evaluate import DEFAULT_SLICES, evaluate
from credscore.report._html import render_html, write_report
from credscore.report._slices import BUILTIN_SLICES

__all__ = [
    "BUILTIN_SLICES",
    "DEFAULT_SLICES",
    "drift_monitor",
    "evaluate",
    "render_html",
    "write_report",
]
