"""The self-contained HTML page (inline CSS and SVG) and the JSON twin, both written atomically.

Every figure on the page is one value of the result dict, tagged with its JSON Pointer
(:func:`credscore.report._words.fig`); the page holds words, not identifiers or a JSON dump.
Sections are the functions in :data:`SECTIONS`, in page order.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from html import escape
from typing import Any

from credscore._io import atomic_write_text
from credscore.report._drift import drift_html
from credscore.report._sections import errors, model, reliability, slices
from credscore.report._words import baseline_text, baseline_title, ci, fig, outcome_words, table

__all__ = ["SECTIONS", "render_html", "write_report"]

_REQUIRED = (
    "report",
    "data",
    "model",
    "model_metrics",
    "calibration",
    "verdict",
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
.verdict ul{margin:.3em 0 .2em}.fig{display:flex;gap:1.5em;flex-wrap:wrap;align-items:flex-start}
table.errors td:last-child{text-align:left}.scroll{overflow-x:auto;max-width:100%}
.note{color:#555;font-size:.92em}
"""


def _header(res: dict[str, Any]) -> str:
    m = res["model"]
    train = m.get("training") or {}
    model_line = (
        f"model: {escape(str(m.get('class')))}"
        + (" loaded from an artifact" if m.get("from_artifact") else " (in memory)")
        + (
            f", trained on {fig(res, 'model', 'training', 'rows')} labelled statements"
            if train.get("rows")
            else ""
        )
    )
    r, d = res["report"], res["data"]
    boot = ""
    if res.get("bootstrap"):
        unit = escape(res["bootstrap"]["unit"]) + "s"
        boot = f" Bootstrap intervals resample {fig(res, 'bootstrap', 'n_clusters')} {unit}."
    return (
        f"<h1>{escape(r['title'])}</h1>"
        f"<p class='meta'>generated {fig(res, 'report', 'created_at')} by credscore "
        f"{fig(res, 'report', 'credscore_version')} · {model_line}</p>"
        f"<p><b>{fig(res, 'data', 'n_evaluated')}</b> labelled statements evaluated "
        f"({fig(res, 'data', 'n_held_up')} held up, base rate {fig(res, 'data', 'base_rate')}) "
        f"from {fig(res, 'data', 'n_sources')} sources, made "
        f"{fig(res, 'data', 'made_at_min', text=d['made_at_min'][:10])} to "
        f"{fig(res, 'data', 'made_at_max', text=d['made_at_max'][:10])}. "
        f"{fig(res, 'data', 'n_unlabelled_skipped')} unlabelled statements were scored for the "
        f"sources' records but not evaluated; {fig(res, 'data', 'n_history_statements')} "
        f"history statements fed the records.{boot}</p>"
    )


def _verdict(res: dict[str, Any]) -> str:
    c, v = res["calibration"], res["verdict"]
    word = "consistent with calibrated" if c["consistent"] else "not consistent with calibrated"
    items = []
    for i, comp in enumerate(v["comparisons"]):
        items.append(
            f"<li><b>{outcome_words(comp['outcome'])} the "
            f"{escape(baseline_title(comp['baseline']))}</b>: model − baseline log loss "
            f"{fig(res, 'verdict', 'comparisons', i, 'difference', 'estimate', digits=4)} "
            f"(95% CI {ci(res, 'verdict', 'comparisons', i, 'difference', digits=4)})</li>"
        )
    warn = "".join(
        f"<li><span class='s' data-json='/warnings/{i}'>{escape(w)}</span></li>"
        for i, w in enumerate(res["warnings"])
    )
    return (
        f"<div class='verdict {escape(v['level'])}'><b>Calibration: the model's probabilities "
        f"are {word}</b> (smECE test p-value {fig(res, 'calibration', 'smece_p_value')}, "
        f"calibration slope {fig(res, 'calibration', 'slope', digits=2)}, 95% CI "
        f"{fig(res, 'calibration', 'slope_ci', 0, digits=2)} – "
        f"{fig(res, 'calibration', 'slope_ci', 1, digits=2)}; calibration intercept "
        f"{fig(res, 'calibration', 'intercept', digits=2)}).<br><b>Against the baselines</b> "
        "(log loss on the same statements, paired bootstrap; a difference below 0 whose "
        f"interval excludes 0 means the model is better):<ul>{''.join(items)}</ul>"
        f"<span class='note'>Rule: <span class='s' data-json='/calibration/rule'>"
        f"{escape(c['rule'])}</span>.</span></div>"
        + (f"<div class='warn'><b>Read with care</b><ul>{warn}</ul></div>" if warn else "")
    )


def _bootstrap_note(res: dict[str, Any]) -> str:
    b = res.get("bootstrap")
    if not b:
        return ""
    n = fig(res, "bootstrap", "n_clusters")
    how = (
        f"percentile bootstrap over the {n} evaluated sources: each resample draws sources "
        "with replacement and keeps all their statements (a source's statements share its "
        "unmodelled reliability)"
        if b["unit"] == "source"
        else f"percentile bootstrap over the {n} evaluated statements, drawn one by one "
        "(treats statements of one source as independent)"
    )
    return (
        f"<p class='note'><b>Intervals</b>: {how}; {fig(res, 'bootstrap', 'n_boot')} "
        "resamples. They apply to the metric intervals, the baselines' intervals and the "
        "model − baseline differences, not to the calibration test or the slope's interval.</p>"
    )


def _metrics(res: dict[str, Any]) -> str:
    mm = ("model_metrics", "metrics")
    iv = ("model_metrics", "intervals")
    rows = [
        ["log loss (lower is better)", fig(res, *mm, "log_loss"), ci(res, *iv, "log_loss")],
        [
            "Brier score (lower is better)",
            fig(res, *mm, "brier_score"),
            ci(res, *iv, "brier_score"),
        ],
        ["ROC AUC", fig(res, *mm, "roc_auc"), ci(res, *iv, "roc_auc")],
        ["smECE", fig(res, *mm, "smece"), ci(res, *iv, "smece")],
        [
            f"ECE ({fig(res, 'model_metrics', 'test', 'n_bins')} equal-mass bins)",
            fig(res, *mm, "ece"),
            "–",
        ],
        [
            "calibration-in-the-large (mean p − rate)",
            fig(res, *mm, "calibration_in_the_large"),
            "–",
        ],
        ["accuracy at 0.5", fig(res, *mm, "accuracy"), "–"],
    ]
    t = ("model_metrics", "test")
    test_rows = [
        [name, *(fig(res, *t, key, k) for k in ("observed", "null_mean", "null_p95", "p_value"))]
        for name, key in (("smECE", "smece"), ("ECE", "ece"))
    ]
    words = {
        "brier": "Brier score",
        "reliability": "reliability (miscalibration)",
        "resolution": "resolution",
        "uncertainty": "uncertainty",
        "within_bin": "within-bin term",
    }
    bd = res["model_metrics"]["brier_decomposition"]
    return (
        "<h2>Calibration and ranking metrics</h2>"
        + table(["metric", "estimate", "95% bootstrap CI"], rows)
        + _bootstrap_note(res)
        + f"<h3>Calibration test ({fig(res, *t, 'n_sim')} simulations under “calibrated”)</h3>"
        + table(["error", "observed", "null mean", "null 95th percentile", "p-value"], test_rows)
        + "<p class='note'>Calibration errors are biased upwards by noise; the test compares "
        "them with their noise floor at this sample size. The smECE interval sits above the "
        "estimate for the same reason — judge calibration by the test, not the interval.</p>"
        + "<h3>Brier decomposition</h3>"
        + table(
            [escape(words.get(k, k.replace("_", " "))) for k in bd],
            [[fig(res, "model_metrics", "brier_decomposition", k) for k in bd]],
        )
    )


def _baseline_words(res: dict[str, Any], i: int) -> str:
    b = res["baselines"][i]
    if b["name"] == "constant" and "p" in b:
        src = (
            "the share of the model's labelled training statements that held up"
            if b.get("p_source") == "training_prior"
            else "the share of the evaluated statements that held up (the training prior is "
            "unknown; this baseline has seen the evaluation labels, which flatters it)"
        )
        return f"{src}, p = {fig(res, 'baselines', i, 'p', digits=4)}, for every statement"
    return escape(baseline_text(b))


def _baselines(res: dict[str, Any]) -> str:
    rows = [
        [
            "<b>the model</b>",
            fig(res, "model_metrics", "metrics", "log_loss"),
            ci(res, "model_metrics", "intervals", "log_loss"),
            fig(res, "model_metrics", "metrics", "brier_score"),
            ci(res, "model_metrics", "intervals", "brier_score"),
            fig(res, "model_metrics", "metrics", "roc_auc"),
            "",
            "",
            "",
        ]
    ]
    notes = []
    outcomes = {c["baseline"]: c["outcome"] for c in res["verdict"]["comparisons"]}
    for i, b in enumerate(res["baselines"]):
        d = ("baselines", i, "model_minus_baseline")
        rows.append(
            [
                escape(baseline_title(b["name"])),
                fig(res, "baselines", i, "metrics", "log_loss"),
                ci(res, "baselines", i, "intervals", "log_loss"),
                fig(res, "baselines", i, "metrics", "brier_score"),
                ci(res, "baselines", i, "intervals", "brier_score"),
                fig(res, "baselines", i, "metrics", "roc_auc"),
                f"{fig(res, *d, 'log_loss', 'estimate', digits=4)} "
                f"({ci(res, *d, 'log_loss', digits=4)})",
                f"{fig(res, *d, 'brier_score', 'estimate', digits=4)} "
                f"({ci(res, *d, 'brier_score', digits=4)})",
                escape(outcomes.get(b["name"], "")),
            ]
        )
        notes.append(
            f"<li><b>{escape(baseline_title(b['name']))}</b>: {_baseline_words(res, i)}</li>"
        )
    head = [
        "predictor",
        "log loss",
        "95% CI",
        "Brier",
        "95% CI",
        "AUC",
        "model − baseline log loss (95% CI)",
        "model − baseline Brier (95% CI)",
        "the model is",
    ]
    unit = f"{res['bootstrap']['unit']}s" if res.get("bootstrap") else "statements"
    return (
        "<h2>Baselines (same statements)</h2>" + table(head, rows) + f"<ul>{''.join(notes)}</ul>"
        "<p class='note'>Differences use a paired bootstrap (both predictors scored on the same "
        f"resampled {escape(unit)}); a negative difference whose interval excludes 0 means the "
        "model is better.</p>"
    )


#: The page's sections in order; each maps the result (and the PNG, if any) to HTML.
SECTIONS: list[Callable[[dict[str, Any], str | None], str]] = [
    lambda r, png: _header(r),
    lambda r, png: _verdict(r),
    lambda r, png: _metrics(r),
    lambda r, png: _baselines(r),
    reliability,
    lambda r, png: drift_html(r),  # the drift monitor, only with evaluate(..., by=...)
    lambda r, png: slices(r),
    lambda r, png: errors(r),
    lambda r, png: model(r),
]


def render_html(result: dict[str, Any], *, png: bool = False) -> str:
    """The report page as one self-contained HTML string (every user-supplied text escaped).

    Parameters
    ----------
    result : dict
        From :func:`credscore.report.evaluate`.
    png : bool, default False
        Also embed a matplotlib PNG of the diagram (needs the ``report`` extra; without it a
        :class:`~credscore.exceptions.CredscoreError` says so).
    """
    missing = [k for k in _REQUIRED if k not in result]
    if missing:
        raise ValueError(
            f"result lacks {missing}; pass the dict returned by credscore.report.evaluate."
        )
    png_b64 = None
    if png:
        from credscore.report._plots import reliability_png_base64

        rel = result["reliability"]
        png_b64 = reliability_png_base64(
            rel["bins"], axis=rel.get("axis"), histogram=rel.get("histogram")
        )
    body = "".join(section(result, png_b64) for section in SECTIONS)
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
        Also embed a matplotlib PNG of the diagram (``pip install credscore[report]``); the
        inline SVG is always there.

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
