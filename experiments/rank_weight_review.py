"""Why the rank family carries almost no weight in the default model (issue 19).

The bundled default model gives a lieutenant general heading a directorate (OF-8) about +1
point over an unknown title. This measures where that comes from, on LIAR only (train for
fitting, valid held out), with nothing but aggregates printed:

1. **The title mix**: rank families of LIAR's statements (train and valid), the share that held
   up in each with its Wilson interval, and how many distinct sources stand behind them.
2. **Signal within a family**: the held-up rate by rank level inside the government family (the
   only family with enough rows at several levels), and the AUC of ``rank_level`` there.
3. **Collinearity with the record**: the correlation of the rank columns with the source's
   record (``hist_failed_rate``) on training rows that have one, and how much of the record's
   variance the rank columns explain (R², ordinary least squares).
4. **Weight in the fitted recipe**: the rank group's effect (group substitution, in points of
   probability, as in the reasons) for a fixed plain statement under a set of titles; the
   spread of the rank effect over LIAR valid beside the other groups'.
5. **Ablations** on LIAR valid (held out), each with the paired by-source bootstrap interval of
   its log loss minus the default recipe's: without rank, without the record, rank alone,
   the base rate.

Usage::

    python experiments/rank_weight_review.py [--cv 5] [--n-boot 1000]

Writes ``experiments/results/rank_weight_review.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bench_common as bc
import numpy as np
import pandas as pd
import train_default_model as tdm

from credscore import CredibilityModel, Tables
from credscore._io import atomic_write_text
from credscore.calibration import log_loss, roc_auc
from credscore.datasets import load_liar
from credscore.features.extractor import FeatureExtractor
from credscore.report._stats import paired_difference, wilson_interval

#: Titles whose rank effect is shown (one plain statement, no record, no context).
PROBE_TITLES = (
    "Lieutenant General, head of the Defence Intelligence Directorate",
    "Colonel",
    "President",
    "U.S. Senator",
    "Governor",
    "State Representative",
    "news outlet",
    "anonymous source",
    "activist",
)
#: Ablations: name -> CredibilityModel keyword arguments (the default recipe's otherwise).
CONFIGS: dict[str, dict[str, Any]] = {
    "default recipe": {},
    "without rank": {"families": ("history", "qualifiers", "context")},
    "without the record (history)": {"families": ("qualifiers", "rank", "context")},
    "rank alone": {"families": ("rank",)},
    # candidate recipe change: the level is flat within the government family (see 2.)
    "candidate: rank without rank_level": {"exclude": (*tdm.EXCLUDE, "rank_level")},
}


def fit(train: Tables, cv: int, **kw: Any) -> CredibilityModel:
    params: dict[str, Any] = {
        "families": tdm.FAMILIES,
        "text_features": False,
        "cv": cv,
        "random_state": 0,
        "exclude": tdm.EXCLUDE,
    }
    params.update(kw)
    if "history" not in params["families"]:
        params["exclude"] = ()
    return CredibilityModel(**params).fit(train)


def title_mix(feats: pd.DataFrame, st: pd.DataFrame) -> list[dict[str, Any]]:
    """Per rank family: statements, share, distinct sources, held-up rate with Wilson 95%."""
    fam = feats["rank_family"].astype(str).to_numpy()
    y = st["label"].to_numpy(dtype=float)
    src = st["source_id"].to_numpy(dtype=object)
    rows = []
    for f in pd.Series(fam).value_counts().index:
        m = fam == f
        lo, hi = wilson_interval([y[m].sum()], [m.sum()])
        rows.append(
            {
                "family": f,
                "n": int(m.sum()),
                "share": float(m.mean()),
                "sources": int(pd.Series(src[m]).nunique()),
                "held_up": float(y[m].mean()),
                "held_up_low": float(lo[0]),
                "held_up_high": float(hi[0]),
                "mean_level": float(feats["rank_level"].to_numpy(dtype=float)[m].mean()),
            }
        )
    return rows


def within_government(feats: pd.DataFrame, st: pd.DataFrame) -> dict[str, Any]:
    """Held-up rate by rank level inside the government family, and the level's AUC there."""
    m = (feats["rank_family"].astype(str) == "government").to_numpy()
    lev = feats["rank_level"].to_numpy(dtype=float)[m]
    y = st["label"].to_numpy(dtype=float)[m]
    by = []
    for v in np.unique(lev):
        k = lev == v
        if k.sum() >= 30:
            by.append({"level": float(v), "n": int(k.sum()), "held_up": float(y[k].mean())})
    return {"n": int(m.sum()), "auc_of_level": float(roc_auc(y, lev)), "by_level": by}


def collinearity(feats: pd.DataFrame) -> dict[str, Any]:
    """Rank columns against the record on training rows that have a record."""
    has = feats["hist_n_known"].to_numpy(dtype=float) > 0
    rec = feats["hist_failed_rate"].to_numpy(dtype=float)[has]
    num = ["rank_level", "rank_is_head", "rank_is_spokesperson", "rank_known"]
    corr = {
        c: float(np.corrcoef(feats[c].to_numpy(dtype=float)[has], rec)[0, 1])
        for c in num
        if np.ptp(feats[c].to_numpy(dtype=float)[has]) > 0
    }
    X = pd.get_dummies(feats.loc[has, "rank_family"].astype(str), dtype=float)
    X = pd.concat([X, feats.loc[has, num].astype(float)], axis=1).to_numpy()
    beta, *_ = np.linalg.lstsq(X, rec, rcond=None)
    resid = rec - X @ beta
    r2 = 1.0 - resid.var() / rec.var()
    return {"rows_with_record": int(has.sum()), "corr_with_failed_rate": corr, "r2": float(r2)}


def probe_effects(model: CredibilityModel) -> dict[str, float]:
    """The rank group's effect (points) on one plain statement, for each probe title."""
    n = len(PROBE_TITLES)
    ids = [f"s{i}" for i in range(n)]
    statements = pd.DataFrame(
        {
            "statement_id": ids,
            "source_id": ids,
            "text": ["The bridge was closed on Monday."] * n,
            "made_at": pd.Timestamp("2024-01-01", tz="UTC"),
        }
    )
    sources = pd.DataFrame({"source_id": ids, "name": ids, "title": list(PROBE_TITLES)})
    ex = model.explain(statements, sources=sources)
    rank = ex[ex["group"] == "rank"].set_index("statement_id")["delta"]
    return {t: round(100 * float(rank[i]), 2) for t, i in zip(PROBE_TITLES, ids, strict=True)}


def group_spread(model: CredibilityModel, valid: Tables, train: Tables) -> dict[str, float]:
    """Standard deviation (points) of each group's effect over the held-out rows."""
    ex = model.explain(valid, history=train)
    return {g: round(100 * float(d.std()), 2) for g, d in ex.groupby("group")["delta"]}


def findings(payload: dict[str, Any]) -> list[str]:
    """The conclusions, in words, from the measured figures."""
    mix = {r["family"]: r for r in payload["title_mix_train"]}
    mil, anon = mix.get("military", {}), mix.get("anonymous", {})
    gov = payload["within_government_train"]
    col = payload["collinearity_train"]
    ab = payload["ablations"]
    pe = payload["probe_effects"]["default recipe"]
    cand = ab.get("candidate: rank without rank_level", {}).get("minus_default")
    no_rank = ab["without rank"]["minus_default"]
    alone_vs_base = ab["rank alone"]["log_loss"] - ab["base rate (training prior)"]["log_loss"]
    out = [
        "## Findings",
        "",
        f"- **The title mix.** Military titles are {mil.get('n', 0)} of the "
        f"{sum(r['n'] for r in payload['title_mix_train']):,} LIAR training statements "
        f"({mil.get('share', 0):.1%}, {mil.get('sources', 0)} sources): the military family's "
        "own weight cannot be learned from them, so an OF-8 officer's rank effect "
        f"({pe[PROBE_TITLES[0]]:+.2f} points) comes from the level and head columns that "
        "politicians taught. Most of rank's weight sits in the anonymous family "
        f"({anon.get('n', 0)} statements from {anon.get('sources', 0)} sources, "
        f"{anon.get('held_up', 0):.3f} held up; an anonymous source {pe['anonymous source']:+.2f} "
        "points).",
        f"- **No signal in the level where the data are.** Inside the government family "
        f"({gov['n']:,} statements) the AUC of rank_level for holding up is "
        f"{gov['auc_of_level']:.3f}: a more senior office does not go with more statements "
        "holding up on PolitiFact.",
        f"- **Collinearity with the record.** The rank columns explain R² = {col['r2']:.3f} of "
        "the source's record (hist_failed_rate) on training rows that have one "
        f"(rank_level r = {col['corr_with_failed_rate'].get('rank_level', float('nan')):+.3f}); "
        f"alone, rank beats the base rate by {-alone_vs_base:.4f} log loss on LIAR valid, but "
        f"adds only {no_rank['estimate']:.4f} once the record and the wording are in: the "
        "record, measured on the source itself, takes most of what rank would say.",
        f"- **Weight.** Over LIAR valid the rank group's effect has sd "
        f"{payload['group_spread_valid'].get('rank', float('nan')):.2f} points, against "
        f"{payload['group_spread_valid'].get('record', float('nan')):.2f} for the record and "
        f"{payload['group_spread_valid'].get('qualifiers', float('nan')):.2f} for the wording. "
        f"Leaving rank out costs {no_rank['estimate']:+.4f} log loss "
        f"[{no_rank['low']:+.4f}, {no_rank['high']:+.4f}] on LIAR valid.",
        "- **Recipe.** "
        + (
            f"Dropping rank_level (the candidate) changes valid log loss by "
            f"{cand['estimate']:+.4f} [{cand['low']:+.4f}, {cand['high']:+.4f}]: no gain, and "
            "it would only remove what little the level adds. "
            if cand
            else ""
        )
        + "No recipe change on LIAR can give military rank weight, since LIAR holds almost no "
        "military sources; the default recipe is left as it is. Rank can earn weight only "
        "from labelled data that has such sources (a user's own verdicts, `credscore train`).",
        "",
    ]
    return out


def _md(payload: dict[str, Any]) -> str:
    lines = ["# Why rank carries little weight in the default model", ""]
    lines += findings(payload)
    lines += ["## LIAR train: rank families", ""]
    lines += ["| family | statements | share | sources | held up [Wilson 95%] | mean level |"]
    lines += ["|---|---|---|---|---|---|"]
    for r in payload["title_mix_train"]:
        lines.append(
            f"| {r['family']} | {r['n']:,} | {r['share']:.1%} | {r['sources']:,} "
            f"| {r['held_up']:.3f} [{r['held_up_low']:.3f}, {r['held_up_high']:.3f}] "
            f"| {r['mean_level']:.2f} |"
        )
    g = payload["within_government_train"]
    lines += ["", f"Government family ({g['n']:,} statements): AUC of rank_level "]
    lines[-1] += f"{g['auc_of_level']:.3f}; held-up rate by level (levels with 30+ rows): "
    lines[-1] += ", ".join(
        f"{b['level']:.2f}: {b['held_up']:.3f} (n {b['n']})" for b in g["by_level"]
    )
    c = payload["collinearity_train"]
    lines += [
        "",
        f"Collinearity with the record ({c['rows_with_record']:,} training rows with a known "
        f"earlier outcome): R² of hist_failed_rate on the rank columns {c['r2']:.3f}; "
        "correlations: "
        + ", ".join(f"{k} {v:+.3f}" for k, v in c["corr_with_failed_rate"].items()),
        "",
        "## Rank effect of the default recipe on one plain statement (points)",
        "",
        "| title | default recipe | without the record |",
        "|---|---|---|",
    ]
    pe, pn = payload["probe_effects"]["default recipe"], payload["probe_effects"]["no record"]
    lines += [f"| {t} | {pe[t]:+.2f} | {pn[t]:+.2f} |" for t in pe]
    lines += ["", "Spread (sd, points) of each group's effect over LIAR valid, default recipe: "]
    lines[-1] += ", ".join(f"{k} {v:.2f}" for k, v in payload["group_spread_valid"].items())
    lines += ["", "## Ablations on LIAR valid (held out; paired by-source bootstrap)", ""]
    lines += [
        "| recipe | log loss | − default [95%] | AUC | chosen | fit s |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in payload["ablations"].items():
        d = r.get("minus_default")
        diff = f"{d['estimate']:+.4f} [{d['low']:+.4f}, {d['high']:+.4f}]" if d else "–"
        lines.append(
            f"| {name} | {r['log_loss']:.4f} | {diff} | {r['auc']:.3f} | {r['chosen']} "
            f"| {r['seconds']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cv", type=int, default=5)
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument(
        "--render", action="store_true", help="rewrite the .md from the recorded .json only"
    )
    args = ap.parse_args(argv)
    if args.render:
        payload = json.loads((bc.RESULTS / "rank_weight_review.json").read_text())
        atomic_write_text(bc.RESULTS / "rank_weight_review.md", _md(payload))
        print(_md(payload))
        return 0
    bc.quiet()
    liar = load_liar(seed=0)
    st = liar.statements
    tr, va = st[st["split"] == "train"], st[st["split"] == "valid"]
    train, valid = bc.subset(liar, tr), bc.subset(liar, bc.hide_labels(va))
    y = va["label"].to_numpy(dtype=float)
    src = va["source_id"].to_numpy(dtype=object)
    payload: dict[str, Any] = {"cv": args.cv, "n_boot": args.n_boot, "ablations": {}}
    preds: dict[str, np.ndarray] = {}
    models: dict[str, CredibilityModel] = {}
    for name, kw in CONFIGS.items():
        t0 = time.perf_counter()
        m = fit(train, args.cv, **kw)
        p = m.score(valid, history=train, explain=False)["p_reliable"].to_numpy()
        preds[name], models[name] = p, m
        payload["ablations"][name] = {
            "log_loss": log_loss(y, p),
            "auc": roc_auc(y, p),
            "chosen": f"{m.selection_['base']} + {m.selection_['calibrator']}",
            "seconds": time.perf_counter() - t0,
        }
        print(name, payload["ablations"][name], flush=True)
    base = np.full(len(y), float(models["default recipe"].base_rate_))
    preds["base rate (training prior)"] = base
    payload["ablations"]["base rate (training prior)"] = {
        "log_loss": log_loss(y, base),
        "auc": 0.5,
        "chosen": "constant",
        "seconds": 0.0,
    }
    for name, p in preds.items():
        if name != "default recipe":
            d = paired_difference(
                y, p, preds["default recipe"], n_boot=args.n_boot, random_state=0, groups=src
            )
            payload["ablations"][name]["minus_default"] = d["log_loss"]
    default = models["default recipe"]
    fe = FeatureExtractor(families=tdm.FAMILIES).fit(train)  # every column, excluded ones too
    feats_tr = fe.transform(train)
    payload["title_mix_train"] = title_mix(feats_tr, tr)
    payload["title_mix_valid"] = title_mix(fe.transform(valid, history=train), va)
    payload["within_government_train"] = within_government(feats_tr, tr)
    payload["collinearity_train"] = collinearity(feats_tr)
    payload["probe_effects"] = {
        "default recipe": probe_effects(default),
        "no record": probe_effects(models["without the record (history)"]),
    }
    payload["group_spread_valid"] = group_spread(default, valid, train)
    md = _md(payload)
    bc.write_results("rank_weight_review", payload, md)
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
