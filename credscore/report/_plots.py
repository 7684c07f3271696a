"""The reliability diagram and, under it, the histogram of predictions: an inline SVG written by
hand (no dependency), optionally a PNG.

Both axes show where the predictions are (``reliability.axis``: the diagram zooms in when the
predictions sit in a narrow band, and says so), and the histogram under the diagram shares its
x axis. :func:`reliability_png_base64` draws the same with matplotlib (the ``report`` extra).
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from html import escape
from typing import Any

from credscore.exceptions import CredscoreError

__all__ = ["PNG_NEEDS", "reliability_png_base64", "reliability_svg"]

#: What ``--png`` needs, for the error when it is missing.
PNG_NEEDS = (
    "the PNG reliability diagram needs matplotlib. Fix: pip install 'credscore[report]', or "
    "leave out --png (the inline SVG needs nothing)."
)
_W = 440
_L, _R, _T = 56, 16, 16  # margins
_PW = _W - _L - _R
_PH = 330  # diagram height
_GAP, _HH = 44, 80  # gap under the diagram (its x labels), histogram height
_H = _T + _PH + _GAP + _HH + 40
_FULL = {"x_low": 0.0, "x_high": 1.0, "y_low": 0.0, "y_high": 1.0}


def _f(v: float) -> str:
    return f"{v:.1f}"


class _Frame:
    """Data -> pixel coordinates for the axis ranges of the diagram."""

    def __init__(self, axis: dict[str, float]) -> None:
        self.x0, self.x1 = axis["x_low"], axis["x_high"]
        self.y0, self.y1 = axis["y_low"], axis["y_high"]

    def x(self, v: float) -> float:
        return _L + (min(max(v, self.x0), self.x1) - self.x0) / (self.x1 - self.x0) * _PW

    def y(self, v: float) -> float:
        return _T + (1.0 - (min(max(v, self.y0), self.y1) - self.y0) / (self.y1 - self.y0)) * _PH


def _ticks(lo: float, hi: float) -> list[float]:
    step = 0.1 if hi - lo > 0.35 else 0.05
    k0, k1 = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return [round(k * step, 10) for k in range(k0, k1 + 1)]


def _grid(fr: _Frame) -> list[str]:
    parts = []
    hist_top, hist_bottom = _T + _PH + _GAP, _T + _PH + _GAP + _HH
    for v in _ticks(fr.x0, fr.x1):
        x = _f(fr.x(v))
        parts.append(
            f'<line x1="{x}" y1="{_T}" x2="{x}" y2="{_T + _PH}" stroke="#eee"/>'
            f'<text x="{x}" y="{_T + _PH + 16}" text-anchor="middle" font-size="11">{v:.2f}</text>'
            f'<line x1="{x}" y1="{hist_top}" x2="{x}" y2="{hist_bottom}" stroke="#eee"/>'
            f'<text x="{x}" y="{hist_bottom + 14}" text-anchor="middle" font-size="11">'
            f"{v:.2f}</text>"
        )
    for v in _ticks(fr.y0, fr.y1):
        y = _f(fr.y(v))
        parts.append(
            f'<line x1="{_L}" y1="{y}" x2="{_L + _PW}" y2="{y}" stroke="#eee"/>'
            f'<text x="{_L - 6}" y="{_f(fr.y(v) + 4)}" text-anchor="end" font-size="11">'
            f"{v:.2f}</text>"
        )
    return parts


def _diagonal(fr: _Frame) -> str:
    lo, hi = max(fr.x0, fr.y0), min(fr.x1, fr.y1)
    if hi <= lo:
        return ""
    return (
        f'<line class="diagonal" x1="{_f(fr.x(lo))}" y1="{_f(fr.y(lo))}" x2="{_f(fr.x(hi))}" '
        f'y2="{_f(fr.y(hi))}" stroke="#888" stroke-dasharray="5,4"/>'
    )


def _points(bins: Sequence[dict[str, Any]], fr: _Frame) -> list[str]:
    total = sum(int(b["count"]) for b in bins) or 1
    parts = []
    for b in bins:
        x, y = fr.x(b["mean_p"]), fr.y(b["observed"])
        r = 3.0 + 9.0 * math.sqrt(int(b["count"]) / total)
        tip = escape(
            f"bin {b['bin']}: n={b['count']}, p in [{b['p_min']:.3f}, {b['p_max']:.3f}], "
            f"mean p={b['mean_p']:.3f}, observed={b['observed']:.3f} "
            f"(95% CI {b['observed_low']:.3f}-{b['observed_high']:.3f})"
        )
        lo, hi = fr.y(b["observed_low"]), fr.y(b["observed_high"])
        parts.append(
            f'<g class="bin"><title>{tip}</title>'
            f'<line x1="{_f(x)}" y1="{_f(lo)}" x2="{_f(x)}" y2="{_f(hi)}" stroke="#1f5fa8" '
            'stroke-width="1.5"/>'
            f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}" fill="#1f5fa8" fill-opacity="0.75"/>'
            "</g>"
        )
    return parts


def _histogram(hist: dict[str, Any] | None, fr: _Frame) -> list[str]:
    top, bottom = _T + _PH + _GAP, _T + _PH + _GAP + _HH
    parts = [
        f'<rect x="{_L}" y="{top}" width="{_PW}" height="{_HH}" fill="#fff" stroke="#999"/>',
        f'<text x="14" y="{top + _HH / 2}" text-anchor="middle" font-size="11" '
        f'transform="rotate(-90 14 {top + _HH / 2})">count</text>',
    ]
    if not hist or not hist["counts"]:
        return parts
    peak = max(hist["counts"]) or 1
    edges = hist["edges"]
    for i, c in enumerate(hist["counts"]):
        x0, x1 = fr.x(edges[i]), fr.x(edges[i + 1])
        h = (_HH - 4) * c / peak
        parts.append(
            f'<rect class="hist" x="{_f(x0 + 0.5)}" y="{_f(bottom - h)}" '
            f'width="{_f(max(x1 - x0 - 1.0, 0.5))}" height="{_f(h)}" fill="#9bb7d9">'
            f"<title>{c} predictions in [{edges[i]:.3f}, {edges[i + 1]:.3f})</title></rect>"
        )
    parts.append(
        f'<text x="{_L - 6}" y="{bottom}" text-anchor="end" font-size="10">0</text>'
        f'<text x="{_L - 6}" y="{top + 10}" text-anchor="end" font-size="10">{peak}</text>'
    )
    return parts


def reliability_svg(
    bins: Sequence[dict[str, Any]],
    *,
    axis: dict[str, float] | None = None,
    histogram: dict[str, Any] | None = None,
    title: str = "Reliability diagram and histogram of predictions",
) -> str:
    """An SVG reliability diagram (mean prediction vs observed rate per bin, Wilson 95% bars)
    over a histogram of the predictions on the same x axis.

    Marker area is proportional to the bin's count; the dashed diagonal is perfect calibration.
    Every bin and histogram bar carries a ``<title>`` tooltip with its figures.

    Parameters
    ----------
    bins : sequence of dict
        As returned by :func:`credscore.report._stats.reliability_bins`.
    axis : dict, optional
        ``x_low``, ``x_high``, ``y_low``, ``y_high`` (:func:`~credscore.report._stats.
        prediction_axis`); default the whole of [0, 1] on both.
    histogram : dict, optional
        ``edges`` and ``counts`` (:func:`~credscore.report._stats.prediction_histogram`).
    title : str
        Accessible title (escaped).

    Returns
    -------
    str
        A standalone ``<svg>`` element.

    Examples
    --------
    >>> svg = reliability_svg([{"bin": 0, "count": 10, "mean_p": 0.2, "observed": 0.3,
    ...     "observed_low": 0.1, "observed_high": 0.6, "p_min": 0.1, "p_max": 0.3}],
    ...     histogram={"edges": [0.0, 0.5, 1.0], "counts": [10, 0]})
    >>> svg.startswith("<svg") and svg.count("<circle") == 1, svg.count('class="hist"')
    (True, 2)
    """
    fr = _Frame(axis or _FULL)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="{_W}" '
        f'height="{_H}" role="img" aria-labelledby="rd-title" class="reliability">',
        f'<title id="rd-title">{escape(title)}</title>',
        f'<rect x="{_L}" y="{_T}" width="{_PW}" height="{_PH}" fill="#fff" stroke="#999"/>',
        *_grid(fr),
        _diagonal(fr),
        f'<text x="{_L + _PW / 2}" y="{_T + _PH + 34}" text-anchor="middle" font-size="12">'
        "mean predicted probability of holding up</text>"
        f'<text x="14" y="{_T + _PH / 2}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 14 {_T + _PH / 2})">observed share that held up</text>',
        *_points(bins, fr),
        *_histogram(histogram, fr),
        f'<text x="{_L + _PW / 2}" y="{_H - 8}" text-anchor="middle" font-size="12">'
        "predicted probability (histogram of the predictions)</text>",
        "</svg>",
    ]
    return "\n".join(p for p in parts if p)


def reliability_png_base64(
    bins: Sequence[dict[str, Any]],
    *,
    axis: dict[str, float] | None = None,
    histogram: dict[str, Any] | None = None,
    dpi: int = 110,
) -> str:
    """The same diagram and histogram as a base64 PNG drawn with matplotlib.

    Raises
    ------
    CredscoreError
        If matplotlib is not installed (``pip install credscore[report]``); the command line
        turns it into exit code 2.
    """
    try:
        from matplotlib.figure import Figure  # no pyplot: no global backend state
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise CredscoreError(PNG_NEEDS) from exc
    ax_range = axis or _FULL
    fig = Figure(figsize=(4.4, 5.6))
    ax, hx = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [4, 1]})
    lo, hi = max(ax_range["x_low"], ax_range["y_low"]), min(ax_range["x_high"], ax_range["y_high"])
    ax.plot([lo, hi], [lo, hi], ls="--", color="#888", lw=1)
    xs = [b["mean_p"] for b in bins]
    ys = [b["observed"] for b in bins]
    err = [
        [b["observed"] - b["observed_low"] for b in bins],
        [b["observed_high"] - b["observed"] for b in bins],
    ]
    ax.errorbar(xs, ys, yerr=err, fmt="o", color="#1f5fa8", ms=5, capsize=2)
    ax.set(
        xlim=(ax_range["x_low"], ax_range["x_high"]),
        ylim=(ax_range["y_low"], ax_range["y_high"]),
        ylabel="observed share that held up",
    )
    if histogram and histogram["counts"]:
        e = histogram["edges"]
        widths = [e[i + 1] - e[i] for i in range(len(e) - 1)]
        hx.bar(e[:-1], histogram["counts"], width=widths, align="edge", color="#9bb7d9")
    hx.set(xlabel="predicted probability of holding up", ylabel="n")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")
