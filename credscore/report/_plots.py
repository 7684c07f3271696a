"""The reliability diagram: an inline SVG written by hand (no dependency), optionally a PNG.

The SVG is the core path. :func:`reliability_png_base64` draws the same diagram with matplotlib
(the ``report`` extra) for readers that want a raster image.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from html import escape
from typing import Any

__all__ = ["reliability_png_base64", "reliability_svg"]

_W, _H = 420, 420
_L, _R, _T, _B = 56, 16, 16, 52  # margins
_PW, _PH = _W - _L - _R, _H - _T - _B


def _x(v: float) -> float:
    return _L + v * _PW


def _y(v: float) -> float:
    return _T + (1.0 - v) * _PH


def _f(v: float) -> str:
    return f"{v:.1f}"


def reliability_svg(bins: Sequence[dict[str, Any]], *, title: str = "Reliability diagram") -> str:
    """An SVG reliability diagram: mean prediction vs observed rate per bin, with Wilson 95% bars.

    Marker area is proportional to the bin's count; the dashed diagonal is perfect calibration.
    Every bin carries a ``<title>`` tooltip with its figures.

    Parameters
    ----------
    bins : sequence of dict
        As returned by :func:`credscore.report._stats.reliability_bins`.
    title : str
        Accessible title (escaped).

    Returns
    -------
    str
        A standalone ``<svg>`` element.

    Examples
    --------
    >>> svg = reliability_svg([{"bin": 0, "count": 10, "mean_p": 0.2, "observed": 0.3,
    ...     "observed_low": 0.1, "observed_high": 0.6, "p_min": 0.1, "p_max": 0.3}])
    >>> svg.startswith("<svg") and svg.count("<circle") == 1
    True
    """
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="{_W}" '
        f'height="{_H}" role="img" aria-labelledby="rd-title" class="reliability">',
        f'<title id="rd-title">{escape(title)}</title>',
        f'<rect x="{_L}" y="{_T}" width="{_PW}" height="{_PH}" fill="#fff" stroke="#999"/>',
    ]
    for i in range(11):  # grid and tick labels
        v = i / 10
        parts.append(
            f'<line x1="{_f(_x(v))}" y1="{_T}" x2="{_f(_x(v))}" y2="{_T + _PH}" stroke="#eee"/>'
            f'<line x1="{_L}" y1="{_f(_y(v))}" x2="{_L + _PW}" y2="{_f(_y(v))}" stroke="#eee"/>'
        )
        if i % 2 == 0:
            parts.append(
                f'<text x="{_f(_x(v))}" y="{_T + _PH + 16}" text-anchor="middle" '
                f'font-size="11">{v:.1f}</text>'
                f'<text x="{_L - 6}" y="{_f(_y(v) + 4)}" text-anchor="end" '
                f'font-size="11">{v:.1f}</text>'
            )
    parts.append(
        f'<line x1="{_x(0)}" y1="{_y(0)}" x2="{_x(1)}" y2="{_y(1)}" stroke="#888" '
        'stroke-dasharray="5,4"/>'
        f'<text x="{_L + _PW / 2}" y="{_H - 10}" text-anchor="middle" font-size="12">'
        "mean predicted probability of holding up</text>"
        f'<text x="14" y="{_T + _PH / 2}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 14 {_T + _PH / 2})">observed share that held up</text>'
    )
    total = sum(int(b["count"]) for b in bins) or 1
    for b in bins:
        x, y = _x(b["mean_p"]), _y(b["observed"])
        r = 3.0 + 9.0 * math.sqrt(int(b["count"]) / total)
        tip = escape(
            f"bin {b['bin']}: n={b['count']}, p in [{b['p_min']:.3f}, {b['p_max']:.3f}], "
            f"mean p={b['mean_p']:.3f}, observed={b['observed']:.3f} "
            f"(95% CI {b['observed_low']:.3f}-{b['observed_high']:.3f})"
        )
        lo, hi = _y(b["observed_low"]), _y(b["observed_high"])
        parts.append(
            f'<g class="bin"><title>{tip}</title>'
            f'<line x1="{_f(x)}" y1="{_f(lo)}" x2="{_f(x)}" y2="{_f(hi)}" stroke="#1f5fa8" '
            'stroke-width="1.5"/>'
            f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}" fill="#1f5fa8" fill-opacity="0.75"/>'
            "</g>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def reliability_png_base64(bins: Sequence[dict[str, Any]], *, dpi: int = 110) -> str:
    """The same diagram as a base64 PNG drawn with matplotlib (``pip install credscore[report]``).

    Raises
    ------
    ImportError
        If matplotlib is not installed (the message names the extra to install).
    """
    try:
        from matplotlib.figure import Figure  # no pyplot: no global backend state
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "the PNG reliability diagram needs matplotlib. Fix: pip install 'credscore[report]', "
            "or leave the PNG out (the inline SVG needs nothing)."
        ) from exc
    fig = Figure(figsize=(4.2, 4.2))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], ls="--", color="#888", lw=1)
    xs = [b["mean_p"] for b in bins]
    ys = [b["observed"] for b in bins]
    err = [
        [b["observed"] - b["observed_low"] for b in bins],
        [b["observed_high"] - b["observed"] for b in bins],
    ]
    ax.errorbar(xs, ys, yerr=err, fmt="o", color="#1f5fa8", ms=5, capsize=2)
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1),
        xlabel="mean predicted probability",
        ylabel="observed share that held up",
    )
    ax.set_aspect("equal")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")
