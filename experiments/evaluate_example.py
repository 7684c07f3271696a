"""The example run of ``docs/evaluate.md``: train on the newsroom's past, evaluate its future.

The simulated newsroom (``datasets/examples/simulated_newsroom``, 1,200 labelled statements) is
ordered by ``made_at``; a default ``CredibilityModel(cv=3)`` is fitted on the first 70% and
evaluated with ``credscore.report.evaluate`` (its defaults: 500 resamples by source, 1,000
simulations) on the rest, with the first part as history. The figures between the markers
``<!-- example:start -->`` and ``<!-- example:end -->`` of ``docs/evaluate.md`` are printed here;
``tests/experiments/test_doc_figures.py`` re-runs this and fails when they differ::

    python experiments/evaluate_example.py            # rewrite the block, record the figures
    python experiments/evaluate_example.py --check    # exit 1 if the block is stale

Writes ``experiments/results/evaluate_example.json`` (the report's JSON, and the wall time).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "evaluate.md"
RESULT = REPO / "experiments" / "results" / "evaluate_example.json"
START, END = "<!-- example:start -->", "<!-- example:end -->"
TRAIN_SHARE = 0.7


def run() -> tuple[dict[str, Any], float]:
    """(the report's figures, seconds ``evaluate`` took)."""
    import credscore
    from credscore import CredibilityModel, Tables
    from credscore.report import evaluate

    t = credscore.read_tables(REPO / "datasets" / "examples" / "simulated_newsroom")
    st = t.statements.sort_values("made_at", kind="stable").reset_index(drop=True)
    cut = int(TRAIN_SHARE * len(st))

    def part(s: Any) -> Tables:
        ev = t.events[t.events["statement_id"].isin(s["statement_id"])]
        return Tables(statements=s.reset_index(drop=True), sources=t.sources, events=ev)

    train, test = part(st.iloc[:cut]), part(st.iloc[cut:])
    model = CredibilityModel(cv=3).fit(train)
    t0 = time.perf_counter()
    res = evaluate(model, test, history=train)
    return json.loads(json.dumps(res)), time.perf_counter() - t0


def _words(kind: str, name: str) -> str:
    from credscore.report._words import selection_words

    return selection_words(kind, name)


def block(res: dict[str, Any]) -> str:
    """The Markdown the doc quotes, every figure printed from ``res``."""
    from credscore.report._words import baseline_title, outcome_words

    mm, cal, sel = res["model_metrics"], res["calibration"], res["model"]["selection"]
    met, iv = mm["metrics"], mm["intervals"]

    def c(d: dict[str, Any], digits: int = 3) -> str:
        return f"{d['low']:.{digits}f}–{d['high']:.{digits}f}"

    learner = f"{_words('base', sel['base'])} + {_words('calibrator', sel['calibrator'])}"
    lines = [
        f"Evaluated: {res['data']['n_evaluated']:,} statements from "
        f"{res['data']['n_sources']} sources, {res['data']['n_history_statements']:,} history "
        f"statements; intervals resample {res['bootstrap']['n_clusters']} "
        f"{res['bootstrap']['unit']}s.",
        "",
        "| | log loss (95% CI) | Brier | AUC (95% CI) |",
        "|---|---|---|---|",
        f"| model ({learner}) | {met['log_loss']:.3f} ({c(iv['log_loss'])}) "
        f"| {met['brier_score']:.3f} | {met['roc_auc']:.3f} ({c(iv['roc_auc'])}) |",
    ]
    for b in res["baselines"]:
        name = baseline_title(b["name"])
        if b["name"] == "constant":
            name = f"constant {b['p']:.3f} (training prior)"
        m = b["metrics"]
        lines.append(
            f"| {name} | {m['log_loss']:.3f} ({c(b['intervals']['log_loss'])}) "
            f"| {m['brier_score']:.3f} | {m['roc_auc']:.3f} |"
        )
    word = "consistent with calibrated" if cal["consistent"] else "not consistent with calibrated"
    comps = [
        f"{outcome_words(x['outcome'])} the {baseline_title(x['baseline'])} (model − baseline "
        f"log loss {x['difference']['estimate']:+.3f}, 95% CI {x['difference']['low']:+.3f} to "
        f"{x['difference']['high']:+.3f})"
        for x in res["verdict"]["comparisons"]
    ]
    shift = met["calibration_in_the_large"]
    lines += [
        "",
        f"The verdict line: **{word}** (smECE p = {cal['smece_p_value']:.3f}; slope "
        f"{cal['slope']:.2f}, CI {cal['slope_ci'][0]:.2f}–{cal['slope_ci'][1]:.2f}), and the "
        "model is " + "; ".join(comps) + ". Mean p − observed is "
        f"{shift:+.3f} (base rate {res['data']['base_rate']:.3f} in the evaluated period, "
        f"training prior {res['baselines'][0]['p']:.3f}).",
    ]
    if not res["verdict"]["beats_every_baseline"]:
        lines += [
            "",
            "Calibrated, then, but not measurably better than every baseline: on this corpus "
            "the full model does not earn its complexity, and the report says so on its first "
            "line.",
        ]
    return "\n".join(lines)


def replace_block(text: str, new: str) -> str:
    if START not in text or END not in text:
        raise SystemExit(f"{DOC} lacks the markers {START} and {END}")
    head, rest = text.split(START, 1)
    return f"{head}{START}\n{new}\n{END}{rest.split(END, 1)[1]}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the doc's block is stale")
    args = ap.parse_args(argv)
    from credscore._io import atomic_write_text

    res, seconds = run()
    text = DOC.read_text(encoding="utf-8")
    new = replace_block(text, block(res))
    if args.check:
        if new != text:
            print(f"{DOC}: the example is stale; run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    atomic_write_text(DOC, new)
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    payload = {"evaluate_seconds": round(seconds, 2), "report": res}
    atomic_write_text(RESULT, json.dumps(payload, indent=2) + "\n")
    print(block(res))
    print(f"evaluate took {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
