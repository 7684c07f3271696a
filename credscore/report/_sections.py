"""The report page's later sections: reliability diagram, slices, largest errors, the model."""

from __future__ import annotations

from html import escape
from typing import Any

from credscore.report._plots import reliability_svg
from credscore.report._words import (
    fig,
    selection_words,
    slice_text,
    slice_title,
    table,
    user,
    value_words,
)

__all__ = ["errors", "model", "reliability", "slices"]

_DATA_FILES = {
    "qualifier_lexicon": "qualifier lexicon",
    "rank_table": "rank tables",
    "context_table": "context table",
}


def reliability(res: dict[str, Any], png: str | None) -> str:
    """The diagram over the histogram of predictions, its bins as a table, and a caption."""
    rel = res["reliability"]
    rows = [
        [
            fig(res, "reliability", "bins", i, "bin"),
            fig(res, "reliability", "bins", i, "count"),
            f"{fig(res, 'reliability', 'bins', i, 'p_min')} – "
            f"{fig(res, 'reliability', 'bins', i, 'p_max')}",
            fig(res, "reliability", "bins", i, "mean_p"),
            fig(res, "reliability", "bins", i, "observed"),
            f"{fig(res, 'reliability', 'bins', i, 'observed_low')} – "
            f"{fig(res, 'reliability', 'bins', i, 'observed_high')}",
        ]
        for i in range(len(rel["bins"]))
    ]
    img = (
        f"<img alt='reliability diagram and histogram (matplotlib)' "
        f"src='data:image/png;base64,{png}'>"
        if png
        else ""
    )
    svg = reliability_svg(rel["bins"], axis=rel.get("axis"), histogram=rel.get("histogram"))
    zoom = ""
    axis, hist = rel.get("axis"), rel.get("histogram")
    if axis and hist:
        ax = ("reliability", "axis")
        h = ("reliability", "histogram")
        zoom = (
            f" The axes show where the predictions are: predicted probability from "
            f"{fig(res, *ax, 'x_low', digits=2)} to {fig(res, *ax, 'x_high', digits=2)}, observed "
            f"share from {fig(res, *ax, 'y_low', digits=2)} to {fig(res, *ax, 'y_high', digits=2)}"
            " (the whole 0–1 range only when the predictions spread over most of it). The "
            f"predictions run from {fig(res, *h, 'min')} to {fig(res, *h, 'max')}, median "
            f"{fig(res, *h, 'median')}; 90% of them lie between {fig(res, *h, 'q05')} and "
            f"{fig(res, *h, 'q95')}. The histogram under the diagram counts them in "
            "equal-width bins on the same axis."
        )
    return (
        "<h2>Reliability diagram</h2>"
        f"<div class='fig'>{svg}{img}"
        + table(["bin", "n", "p range", "mean p", "observed", "Wilson 95% CI"], rows)
        + f"</div><p class='note'>Equal-mass bins of the predictions: the "
        f"{fig(res, 'reliability', 'n_bins')} bins of the ECE above. A calibrated model's "
        f"points scatter around the diagonal within their intervals.{zoom}</p>"
    )


def slices(res: dict[str, Any]) -> str:
    """One table per slice: observed rate, mean prediction and scores per group."""
    out = [
        "<h2>Slices</h2><p class='note'>Per group: observed rate with its Wilson 95% CI, "
        "mean prediction, and calibration-in-the-large (mean p − observed; positive = too "
        "confident that statements hold up). AUC needs both outcomes in the group.</p>"
    ]
    head = [
        "group",
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
        rows = []
        for i, r in enumerate(sl["rows"]):
            at = ("slices", name, "rows", i)
            rows.append(
                [
                    user(value_words(r["value"])),
                    *(fig(res, *at, k) for k in ("n", "base_rate")),
                    f"{fig(res, *at, 'base_rate_low')} – {fig(res, *at, 'base_rate_high')}",
                    *(
                        fig(res, *at, k)
                        for k in (
                            "mean_p",
                            "calibration_in_the_large",
                            "log_loss",
                            "brier_score",
                            "roc_auc",
                        )
                    ),
                ]
            )
        out.append(
            f"<h3>{user(slice_title(name))} <span class='note'>— "
            f"{escape(slice_text(name, sl['description']))}</span></h3>" + table(head, rows)
        )
    return "".join(out)


def errors(res: dict[str, Any]) -> str:
    """The statements with the highest log loss, with their text."""
    rows = [
        [
            user(e["statement_id"]),
            user(e["source_id"]),
            fig(res, "largest_errors", i, "label"),
            fig(res, "largest_errors", i, "p_reliable"),
            f"{fig(res, 'largest_errors', i, 'p_low')} – {fig(res, 'largest_errors', i, 'p_high')}",
            user(e["text"]),
        ]
        for i, e in enumerate(res.get("largest_errors", []))
    ]
    if not rows:
        return ""
    head = ["statement", "source", "label", "p", "interval", "text (first 200 characters)"]
    return (
        "<h2>Largest errors</h2><p class='note'>The evaluated statements with the highest log "
        "loss: worth reading for label noise, missing history, or cues the model misreads.</p>"
        + table(head, rows, cls="errors")
    )


def _cv_table(res: dict[str, Any]) -> str:
    sel = res["model"].get("selection") or {}
    cv = sel.get("cv_table") or []
    rows = [
        [
            escape(selection_words("base", r.get("base"))),
            escape(selection_words("calibrator", r.get("calibrator"))),
            fig(res, "model", "selection", "cv_table", i, "log_loss", digits=4),
            fig(res, "model", "selection", "cv_table", i, "brier", digits=4),
        ]
        for i, r in enumerate(cv)
    ]
    if not rows:
        return ""
    return "<h3>Cross-validated choice of learner and calibrator</h3>" + table(
        ["base learner", "calibrator", "log loss", "Brier"], rows
    )


def _model_rows(res: dict[str, Any]) -> list[list[str]]:
    m = res["model"]
    sel, train, params = m.get("selection") or {}, m.get("training") or {}, m.get("params") or {}
    rows = [
        [
            "model",
            escape(str(m.get("class")))
            + (", from an artifact" if m.get("from_artifact") else ", in memory"),
        ]
    ]
    if sel:
        rows.append(["base learner", escape(selection_words("base", sel.get("base")))])
        rows.append(["calibrator", escape(selection_words("calibrator", sel.get("calibrator")))])
        if sel.get("calibrated_on"):
            rows.append(["final model", user(sel["calibrated_on"])])
    if train.get("data"):
        rows.append(["training data", user(train["data"])])
    if train.get("rows"):
        rows.append(["training statements", fig(res, "model", "training", "rows")])
    if train.get("fingerprint"):
        rows.append(["training-data fingerprint (SHA-256)", user(train["fingerprint"])])
    if params.get("families"):
        rows.append(["feature families", escape(", ".join(map(str, params["families"])))])
    if params.get("exclude"):
        rows.append(
            ["feature columns left out", f"{len(params['exclude'])} (named in the JSON report)"]
        )
    versions = m.get("versions") or {}
    if versions:
        rows.append(["library versions", user(", ".join(f"{k} {v}" for k, v in versions.items()))])
    for key, entry in (m.get("data_files") or {}).items():
        name = _DATA_FILES.get(key, key.replace("_", " "))
        rows.append(
            [escape(name), user(f"version {entry.get('version')}, SHA-256 {entry.get('sha256')}")]
        )
    return rows


def model(res: dict[str, Any]) -> str:
    """What the model is (from its manifest when loaded from an artifact) and the settings."""
    s = ("report", "settings")
    settings = (
        f"{fig(res, *s, 'n_boot')} bootstrap resamples, {fig(res, *s, 'n_sim')} simulations of "
        f"the calibration test, random seed {fig(res, *s, 'random_state')}, "
        f"{fig(res, *s, 'n_bins')} bins, test level {fig(res, *s, 'alpha', digits=2)}; intervals "
        f"resample by {escape(str(res['report']['settings']['bootstrap_by']))}."
    )
    return (
        "<h2>Model</h2><p class='note'>From the artifact's manifest when the model was loaded "
        "from one; the JSON report holds every field.</p>"
        + table(["", ""], _model_rows(res))
        + _cv_table(res)
        + f"<p class='note'>Report settings: {settings}</p>"
    )
