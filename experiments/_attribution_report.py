"""Annotator agreement and the Markdown report of ``experiments/attribution_eval.py``."""

from __future__ import annotations

import _attribution_metrics as am


def agreement(versions: dict) -> dict:
    """Pairwise lenient content F1 between annotators of the multiply-annotated articles."""
    t = am.Tally()
    n = 0
    for vs in versions.values():
        for x in range(len(vs)):
            for y in range(x + 1, len(vs)):
                a, b = vs[x], vs[y]
                m = am.match(
                    [g.content for g in a.attributions], [g.content for g in b.attributions]
                )
                t.add("agree", len(m), len(a.attributions), len(m), len(b.attributions))
                n += 1
    return {"pairs": n, **t.prf("agree")}


def _fmt(x) -> str:
    return "  n/a" if x is None else f"{x:.3f}"


#: The extra speaker figures of the report: result key, and what the figure is.
_SPEAKER_VARIANTS = (
    (
        "speaker_right_old_measure",
        "the speaker measure before 2026-12 (he/she antecedent = nearest earlier gold person "
        "source; unnamed sources by their last capitalised word)",
    ),
    (
        "speaker_right_assertions",
        "default output (the assertions extract() returns: direct, indirect, according to; "
        "matched on their own)",
    ),
)


def report(out: dict, own: dict | None) -> str:
    lines = [
        f"# Attribution on PolNeAR ({out['articles']} training articles, "
        f"{out['folds']}-fold cross-validation by article)",
        "",
        f"Gold attributions: {out['gold_attributions']} "
        f"({out['gold_with_source']} with a source). Baseline: the rule-based extractor at "
        f"commit {out['baseline_commit']}. Lenient: overlap >= half of the shorter span, "
        "one-to-one; exact: same word tokens.",
        "",
        "| measure | learned P | R | F1 | baseline P | R | F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    keys = sorted(set(out["learned"]) | set(out["baseline"]))
    for k in keys:
        if k.startswith("speaker_right") or k == "articles_per_s":
            continue
        a, b = out["learned"].get(k, {}), out["baseline"].get(k, {})
        lines.append(
            f"| {k} | {_fmt(a.get('precision'))} | {_fmt(a.get('recall'))} | "
            f"{_fmt(a.get('f1'))} | {_fmt(b.get('precision'))} | "
            f"{_fmt(b.get('recall'))} | {_fmt(b.get('f1'))} |"
        )
    for name in ("learned", "baseline"):
        sp = out[name]["speaker_right"]
        lines.append(
            f"\n{name}: speaker right on matched pairs {_fmt(sp['all'])} (n={sp['n']}); "
            f"he/she sources {_fmt(sp['pronoun_he_she'])} (n={sp['n_pronoun']}); "
            f"{out[name]['articles_per_s']:.1f} articles/s"
        )
        for key, label in _SPEAKER_VARIANTS:
            v = out[name].get(key)
            if v:
                lines.append(
                    f"{name}, {label}: speaker right {_fmt(v['all'])} (n={v['n']}); he/she "
                    f"{_fmt(v['pronoun_he_she'])} (n={v['n_pronoun']})"
                )
    lines.append(f"\nlearned / baseline time: {out['speed_ratio_learned_over_baseline']:.2f}x")
    ag = out["annotator_agreement"]
    lines.append(
        f"\nAnnotator agreement ({ag['pairs']} pairs on multiply-annotated articles): "
        f"content lenient F1 {_fmt(ag['f1'])}"
    )
    if own:
        lines.append("\nOur 13 articles (experiments/ingest_eval.py rules):")
        for sys_name, rows in own.items():
            for k, v in rows.items():
                lines.append(f"- {sys_name} {k}: P {v[0]:.3f} R {v[1]:.3f}")
    return "\n".join(lines) + "\n"
