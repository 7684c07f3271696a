"""The model card: a generated, hashed ``MODEL_CARD.md`` and a free ``NOTES.md``."""

from __future__ import annotations

from typing import Any

__all__ = ["NOTES_TEMPLATE", "default_card", "training_metrics", "training_section"]

NOTES_TEMPLATE = (
    "# Notes\n\n"
    "Write anything about this model here: who asked for it, what it was checked against, "
    "known problems. This file is not hashed or signed, so editing it never stops the model "
    "from loading; MODEL_CARD.md beside it is generated, hashed and signed, and must not be "
    "edited.\n"
)


def training_metrics(selection: dict[str, Any]) -> dict[str, Any]:
    """The cross-validated figures of the chosen learner and calibrator (from ``selection_``).

    Examples
    --------
    >>> sel = {"base": "logistic", "calibrator": "sigmoid", "folds": "time", "n_splits": 3,
    ...        "cv_table": [{"base": "logistic", "calibrator": "sigmoid", "log_loss": 0.61,
    ...                      "brier": 0.21, "n_oof": 900}]}
    >>> training_metrics(sel)
    {'cv_log_loss': 0.61, 'cv_brier': 0.21, 'cv_rows': 900, 'cv_folds': 'time 3-fold'}
    """
    chosen = [
        row
        for row in selection.get("cv_table") or []
        if row.get("base") == selection.get("base")
        and str(selection.get("calibrator", "")).startswith(str(row.get("calibrator")))
    ]
    if not chosen:
        return {}
    row = chosen[0]
    return {
        "cv_log_loss": row.get("log_loss"),
        "cv_brier": row.get("brier"),
        "cv_rows": row.get("n_oof"),
        "cv_folds": f"{selection.get('folds')} {selection.get('n_splits')}-fold",
    }


def training_section(manifest: dict[str, Any]) -> list[str]:
    """The card's lines on the training run: rows, period, and cross-validated metrics."""
    training = manifest["training"]
    period = training.get("period") or ["?", "?"]
    lines = [
        "## Training",
        f"- rows: {training['rows']} labelled statements, {period[0]} to {period[1]} "
        f"(fingerprint `{str(training['fingerprint'])[:16]}…`)",
        f"- data: {training.get('data') or 'not stated'}",
    ]
    cv = manifest.get("card", {}).get("training_metrics") or {}
    if cv:
        lines.append(
            f"- cross-validated ({cv.get('cv_folds')}, {cv.get('cv_rows')} out-of-fold rows): "
            f"log loss {_fmt(cv.get('cv_log_loss'))}, Brier {_fmt(cv.get('cv_brier'))}"
        )
    return lines


def _fmt(x: Any) -> str:
    return f"{x:.4f}" if isinstance(x, float) else str(x)


def default_card(manifest: dict[str, Any]) -> str:
    """The generated card of a model that was saved without one."""
    sel = manifest.get("selection", {})
    metrics = manifest.get("metrics") or {}
    params = manifest.get("params", {})
    left_out = manifest.get("excluded_columns") or []
    lines = [
        "# credscore model card",
        "",
        f"- credscore {manifest['versions']['credscore']}, created {manifest['created_at']}",
        f"- base learner: {sel.get('base')}, calibrator: {sel.get('calibrator')} "
        f"(chosen by {sel.get('folds')} {sel.get('n_splits')}-fold cross-validated log loss)",
        f"- feature families: {', '.join(params.get('families') or [])}"
        + (f" (columns left out: {', '.join(left_out)})" if left_out else ""),
        "",
        "## Intended use",
        "A calibrated prior on whether a statement will hold up, from its source's record, its "
        "wording and its source's rank. It is a triage aid for fact-checkers, not a verdict on "
        "any statement or person.",
        "",
        *training_section(manifest),
        "",
        "## Metrics",
    ]
    if metrics:
        lines += [f"- {k}: {v}" for k, v in metrics.items()]
    else:
        lines.append("- none recorded at save time")
    lines += ["", "Notes on this model go in NOTES.md (this card is generated and hashed)."]
    return "\n".join(lines) + "\n"
