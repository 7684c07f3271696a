"""The self-contained HTML page (inline CSS and SVG) and the JSON twin, both written atomically."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from credscore._io import atomic_write_text
from credscore.report._drift import drift_html
from credscore.report._plots import reliability_png_base64, reliability_svg

__all__ = ["render_html", "write_report"]

_REQUIRED = (
    "report",
    "data",
    "model",
    "model_metrics",
    "calibration",
    "reliability",
    "baselines",
    "slices",
    "warnings",
)
_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#222;
max-width:1000px;margin:2em auto;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em;
border-bottom:1px solid #ddd;padding-bottom:.2em}h3{font-size:1.05em}
table{border-collapse:collapse;margin:.6em 0}th,td{padding:.25em .6em;border-bottom:1px solid #eee;
text-align:right}th:first-child,td:first-child{text-align:left}th{background:#f6f6f6}
.meta{color:#555}.ok{background:#e8f5e9;border-left:4px solid #2e7d32;padding:.6em 1em}
.bad{background:#fdecea;border-left:4px solid #c62828;padding:.6em 1em}
.warn{background:#fff8e1;border-left:4px solid #f9a825;padding:.6em 1em}
.fig{display:flex;gap:1.5em;flex-wrap:wrap;align-items:flex-start}
table.errors td:last-child{text-align:left}
pre{background:#f6f6f6;padding:.6em;overflow:auto;font-size:12px}.note{color:#555;font-size:.92em}
"""


def _n(v: Any, digits: int = 3) -> str:
    """A number for the page ("–" for missing)."""
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return escape(str(v))


def _resampled(res: dict[str, Any]) -> str:
    """What the bootstrap drew ("sources", "statements"); reports from before the option: ""."""
    b = res.get("bootstrap")
    return f"{b['unit']}s" if b else ""


def _bootstrap_note(res: dict[str, Any]) -> str:
    b = res.get("bootstrap")
    if not b:
        return ""
    return (
        f"<p class='note'><b>Intervals</b>: {escape(b['description'])}; {_n(b['n_boot'])} "
        f"resamples. They apply to the {escape(b['applies_to'])}.</p>"
    )


def _ci(d: dict[str, Any] | None, digits: int = 3) -> str:
    if not d:
        return "–"
    return f"{_n(d.get('low'), digits)} – {_n(d.get('high'), digits)}"


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    """Cells are HTML already (escaped by the callers); headers are escaped here."""
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    attr = f" class='{cls}'" if cls else ""
    return f"<table{attr}><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _header(res: dict[str, Any]) -> str:
    d, r, m = res["data"], res["report"], res["model"]
    train = m.get("training") or {}
    model_line = (
        f"model: {escape(str(m.get('class')))}"
        + (" loaded from an artifact" if m.get("from_artifact") else " (in memory)")
        + (f", trained on {_n(train.get('rows'))} labelled statements" if train.get("rows") else "")
    )
    return (
        f"<h1>{escape(r['title'])}</h1>"
        f"<p class='meta'>generated {escape(r['created_at'])} by credscore "
        f"{escape(r['credscore_version'])} · {model_line}</p>"
        f"<p><b>{_n(d['n_evaluated'])}</b> labelled statements evaluated "
        f"({_n(d['n_held_up'])} held up, base rate {_n(d['base_rate'])}) from "
        f"{_n(d['n_sources'])} sources, made {escape(d['made_at_min'][:10])} to "
        f"{escape(d['made_at_max'][:10])}. {_n(d['n_unlabelled_skipped'])} unlabelled "
        f"statements were scored for the sources' records but not evaluated; "
        f"{_n(d['n_history_statements'])} history statements fed the records."
        + (
            f" Bootstrap intervals resample {_n(res['bootstrap']['n_clusters'])} "
            f"{escape(_resampled(res))}."
            if res.get("bootstrap")
            else ""
        )
        + "</p>"
    )


def _verdict(res: dict[str, Any]) -> str:
    c = res["calibration"]
    cls, word = (
        ("ok", "consistent with calibrated")
        if c["consistent"]
        else ("bad", "not consistent with calibrated")
    )
    warn = "".join(f"<li>{escape(w)}</li>" for w in res["warnings"])
    return (
        f"<div class='{cls}'><b>The model's probabilities are {word}</b>: smECE test p-value "
        f"{_n(c['smece_p_value'])}, calibration slope {_n(c['slope'], 2)} (95% CI "
        f"{_n(c['slope_ci'][0], 2)} – {_n(c['slope_ci'][1], 2)}), calibration intercept "
        f"{_n(c['intercept'], 2)}.<br><span class='note'>Rule: {escape(c['rule'])}.</span></div>"
        + (f"<div class='warn'><b>Read with care</b><ul>{warn}</ul></div>" if warn else "")
    )


def _metrics(res: dict[str, Any]) -> str:
    mm = res["model_metrics"]
    met, iv, t = mm["metrics"], mm["intervals"], mm["test"]
    rows = [
        ["log loss (lower is better)", _n(met["log_loss"]), _ci(iv.get("log_loss"))],
        ["Brier score (lower is better)", _n(met["brier_score"]), _ci(iv.get("brier_score"))],
        ["ROC AUC", _n(met["roc_auc"]), _ci(iv.get("roc_auc"))],
        ["smECE", _n(met["smece"]), _ci(iv.get("smece"))],
        [f"ECE ({t['n_bins']} equal-mass bins)", _n(met["ece"]), "–"],
        ["calibration-in-the-large (mean p − rate)", _n(met["calibration_in_the_large"]), "–"],
        ["accuracy at 0.5", _n(met["accuracy"]), "–"],
    ]
    test_rows = [
        [
            name,
            _n(t[key]["observed"]),
            _n(t[key]["null_mean"]),
            _n(t[key]["null_p95"]),
            _n(t[key]["p_value"]),
        ]
        for name, key in (("smECE", "smece"), ("ECE", "ece"))
    ]
    bd = mm["brier_decomposition"]
    return (
        "<h2>Calibration and ranking metrics</h2>"
        + _table(["metric", "estimate", "95% bootstrap CI"], rows)
        + _bootstrap_note(res)
        + f"<h3>Calibration test ({_n(t['n_sim'])} simulations under “calibrated”)</h3>"
        + _table(["error", "observed", "null mean", "null 95th pct", "p-value"], test_rows)
        + "<p class='note'>Calibration errors are biased upwards by noise; the test compares "
        "them with their noise floor at this sample size. The smECE interval sits above the "
        "estimate for the same reason — judge calibration by the test, not the interval.</p>"
        + "<h3>Brier decomposition</h3>"
        + _table(list(bd), [[_n(v) for v in bd.values()]])
    )


def _baselines(res: dict[str, Any]) -> str:
    mm = res["model_metrics"]
    rows = [
        [
            "<b>the model</b>",
            _n(mm["metrics"]["log_loss"]),
            _ci(mm["intervals"]["log_loss"]),
            _n(mm["metrics"]["brier_score"]),
            _ci(mm["intervals"]["brier_score"]),
            _n(mm["metrics"]["roc_auc"]),
            "",
            "",
        ]
    ]
    notes = []
    for b in res["baselines"]:
        d = b["model_minus_baseline"]
        rows.append(
            [
                escape(b["name"]),
                _n(b["metrics"]["log_loss"]),
                _ci(b["intervals"]["log_loss"]),
                _n(b["metrics"]["brier_score"]),
                _ci(b["intervals"]["brier_score"]),
                _n(b["metrics"]["roc_auc"]),
                f"{_n(d['log_loss']['estimate'], 4)} ({_ci(d['log_loss'], 4)})",
                f"{_n(d['brier_score']['estimate'], 4)} ({_ci(d['brier_score'], 4)})",
            ]
        )
        notes.append(f"<li><b>{escape(b['name'])}</b>: {escape(b['description'])}</li>")
    head = [
        "predictor",
        "log loss",
        "95% CI",
        "Brier",
        "95% CI",
        "AUC",
        "model − baseline log loss (95% CI)",
        "model − baseline Brier (95% CI)",
    ]
    return (
        "<h2>Baselines (same statements)</h2>" + _table(head, rows) + f"<ul>{''.join(notes)}</ul>"
        "<p class='note'>Differences use a paired bootstrap (both predictors scored on the same "
        f"resampled {escape(_resampled(res) or 'statements')}); a negative difference whose "
        "interval excludes 0 means the model is better.</p>"
    )


def _reliability(res: dict[str, Any], png: str | None) -> str:
    bins = res["reliability"]["bins"]
    rows = [
        [
            str(b["bin"]),
            _n(b["count"]),
            f"{_n(b['p_min'])} – {_n(b['p_max'])}",
            _n(b["mean_p"]),
            _n(b["observed"]),
            f"{_n(b['observed_low'])} – {_n(b['observed_high'])}",
        ]
        for b in bins
    ]
    img = (
        f"<img alt='reliability diagram (matplotlib)' src='data:image/png;base64,{png}'>"
        if png
        else ""
    )
    return (
        "<h2>Reliability diagram</h2>"
        f"<div class='fig'>{reliability_svg(bins)}{img}"
        + _table(["bin", "n", "p range", "mean p", "observed", "Wilson 95% CI"], rows)
        + "</div><p class='note'>Equal-mass bins of the predictions (the bins of the ECE). A "
        "calibrated model's points scatter around the diagonal within their intervals.</p>"
    )


def _slices(res: dict[str, Any]) -> str:
    out = [
        "<h2>Slices</h2><p class='note'>Per group: observed rate with its Wilson 95% CI, "
        "mean prediction, and calibration-in-the-large (mean p − observed; positive = too "
        "confident that statements hold up). AUC needs both outcomes in the group.</p>"
    ]
    head = [
        "value",
        "n",
        "observed",
        "95% CI",
        "mean p",
        "mean p − observed",
        "log loss",
        "Brier",
        "AUC",
    ]
    for name, sl in res["slices"].items():
        rows = [
            [
                escape(r["value"]),
                _n(r["n"]),
                _n(r["base_rate"]),
                f"{_n(r['base_rate_low'])} – {_n(r['base_rate_high'])}",
                _n(r["mean_p"]),
                _n(r["calibration_in_the_large"]),
                _n(r["log_loss"]),
                _n(r["brier_score"]),
                _n(r["roc_auc"]),
            ]
            for r in sl["rows"]
        ]
        out.append(
            f"<h3>{escape(name)} <span class='note'>— {escape(sl['description'])}</span>"
            f"</h3>" + _table(head, rows)
        )
    return "".join(out)


def _errors(res: dict[str, Any]) -> str:
    rows = [
        [
            escape(e["statement_id"]),
            escape(e["source_id"]),
            str(e["label"]),
            _n(e["p_reliable"]),
            f"{_n(e['p_low'])} – {_n(e['p_high'])}",
            escape(e["text"]),
        ]
        for e in res.get("largest_errors", [])
    ]
    if not rows:
        return ""
    head = ["statement", "source", "label", "p", "interval", "text (first 200 characters)"]
    return (
        "<h2>Largest errors</h2><p class='note'>The evaluated statements with the highest log "
        "loss: worth reading for label noise, missing history, or cues the model misreads.</p>"
        + _table(head, rows, cls="errors")
    )


def _model(res: dict[str, Any]) -> str:
    text = json.dumps(res["model"], indent=2, sort_keys=True)
    settings = json.dumps(res["report"]["settings"], sort_keys=True)
    return (
        "<h2>Model</h2><p class='note'>From the artifact's manifest when the model was loaded "
        "from one (versions, selection, training-data fingerprint).</p>"
        f"<pre>{escape(text)}</pre><p class='note'>Report settings: {escape(settings)}</p>"
    )


def render_html(result: dict[str, Any], *, png: bool = False) -> str:
    """The report page as one self-contained HTML string (every user-supplied text escaped).

    Parameters
    ----------
    result : dict
        From :func:`credscore.report.evaluate`.
    png : bool, default False
        Also embed a matplotlib PNG of the reliability diagram (needs the ``report`` extra).
    """
    missing = [k for k in _REQUIRED if k not in result]
    if missing:
        raise ValueError(
            f"result lacks {missing}; pass the dict returned by credscore.report.evaluate."
        )
    png_b64 = reliability_png_base64(result["reliability"]["bins"]) if png else None
    body = (
        _header(result)
        + _verdict(result)
        + _metrics(result)
        + _baselines(result)
        + _reliability(result, png_b64)
        + drift_html(result)  # drift monitor section, only with evaluate(..., by=...)
        + _slices(result)
        + _errors(result)
        + _model(result)
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(result['report']['title'])}</title><style>{_CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def write_report(
    result: dict[str, Any],
    out_html: str | os.PathLike,
    out_json: str | os.PathLike | None = None,
    *,
    png: bool = False,
) -> None:
    """Writes the HTML report and, optionally, the JSON of the same figures; each atomically.

    Parameters
    ----------
    result : dict
        From :func:`credscore.report.evaluate`.
    out_html : path-like
    out_json : path-like, optional
        ``result`` as JSON (NaN written as ``null``).
    png : bool, default False
        Also embed a matplotlib PNG of the reliability diagram (``pip install credscore[report]``);
        the inline SVG is always there.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> from credscore import CredibilityModel
    >>> from credscore.datasets.simulator import simulate
    >>> from credscore.report import evaluate
    >>> tables, _ = simulate(n_statements=300, n_sources=20, random_state=1)
    >>> model = CredibilityModel(base_learners=("logistic",), calibrators=("sigmoid",),
    ...                          cv=2).fit(tables)
    >>> res = evaluate(model, tables, n_boot=20, n_sim=20, slices=())
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_report(res, d / "r.html", d / "r.json")
    >>> "<svg" in (d / "r.html").read_text()
    True
    >>> json.loads((d / "r.json").read_text())["data"]["n_evaluated"]
    300
    """
    page = render_html(result, png=png)
    if out_json is not None:
        text = json.dumps(result, indent=2, allow_nan=False, ensure_ascii=False) + "\n"
        atomic_write_text(out_json, text)
    atomic_write_text(out_html, page)
