"""Qualifier detection on annotated text: our set per category, and the shared corpora on folds.

Run from the repository root::

    python experiments/qualifiers_eval.py            # everything; writes results/qualifiers_eval.*
    python experiments/qualifiers_eval.py --own-only # our set only (no corpora needed)

1. **Our set** (``datasets/qualifiers/eval.jsonl``, written by us: a regression test, not
   evidence): per-category precision/recall of :func:`find_qualifiers`, overlap and exact, for
   the lexicon alone and with the bundled learned model (which saw these sentences in
   training, so its row there is in-sample). Floor 0.90 per category.
2. **Shared corpora** (CoNLL-2010 Wikipedia training sentences, BioScope abstracts), on 5
   folds that keep related sentences together (see ``_hedge_corpora``): for each fold, the
   learned model (word model and sentence component, the component's weight chosen on the
   other folds' out-of-fold scores) is fitted on the other folds of every corpus plus our set,
   saved, loaded and run through :func:`scan_qualifiers` (the shipped code path) on the
   held-out fold. Sentence
   level "does it carry an uncertainty cue": credscore = ``q_uncertainty >= threshold``, the
   threshold picked on the other folds' predictions (the fold model's fallback spans use
   it too); "credscore q >= 0.5" the same at 0.5; "credscore counts" the issue's rule on
   the count columns, ``q_hedge + q_hearsay + q_approximator > 0`` (``q_hearsay`` includes
   the weasel spans); "credscore counts or q" that rule or ``q_uncertainty >= threshold``:
   the most any span rule that follows ``q`` could reach under the counts rule (every
   sentence the learned model flags counted); "credscore counts without approximator" the
   rule on ``q_hedge + q_hearsay`` alone; "credscore spans" any span of ``hedge,
   hearsay, weasel, peacock``;
   lexicon alone = the same spans without the learned model; naive = any word of a 39-word
   list. Cue level (BioScope
   speculation cues, our set's uncertainty spans): a predicted span is correct when it overlaps
   a gold cue (one-to-one).

Only aggregate figures are printed or written; no corpus sentence leaves this script.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _hedge_corpora as hc
import _qualifier_training as qt
import numpy as np
import pandas as pd

from credscore._io import atomic_write_text
from credscore.features._qualifiers_model import save_model_file
from credscore.features.qualifiers import (
    QUALIFIER_CATEGORIES,
    Lexicon,
    find_qualifiers,
    load_lexicon,
    scan_qualifiers,
)

FLOOR = 0.90
RESULTS = Path(__file__).resolve().parent / "results"
BITS = 21
#: The fitting settings of the shipped model (train_qualifier_model.py uses the same).
FIT = {"l2": 1.0, "bag_weight": 1.0, "min_count": 2, "max_iter": 250}
#: The sentence component (``_qualifier_training.fit_sentence``) and its candidate weights in
#: ``q = expit((1 - w) logit q_words + w z_sentence)``; w is chosen on out-of-fold scores.
SENTENCE = {"C": 4.0, "min_count": 2}
SENTENCE_WEIGHTS = (0.0, 0.2, 0.35, 0.5)
#: The naive keyword list (39 words) the issue compares against.
NAIVE = (
    "may might could would should can possible possibly probably probable likely unlikely "
    "perhaps maybe seem seems appear appears suggest suggests suggested indicate indicates "
    "believe believed think thought assume presumably apparently allegedly reportedly suspect "
    "doubt unclear uncertain some many often"
).split()
NAIVE_RE = re.compile(r"\b(?:" + "|".join(NAIVE) + r")\b", re.IGNORECASE)
GRID = np.round(np.arange(0.10, 0.81, 0.025), 3)
#: Sentence-level systems, in table order. "credscore" decides on ``q_uncertainty``; "credscore
#: spans" on any uncertainty span the shipped scan reports (lexicon and learned spans).
SYSTEMS = (
    "credscore",
    "credscore q >= 0.5",
    "credscore counts (hedge, hearsay, approximator)",
    "credscore counts or q >= threshold",
    "credscore counts without approximator",
    "credscore spans",
    "credscore q or a lexicon span",
    "lexicon alone",
    "lexicon counts (hedge, hearsay, approximator)",
    "naive 39-word list",
)
#: The count columns of the issue's sentence rule (``q_hearsay`` includes weasel spans).
COUNTED = ("q_hedge", "q_hearsay", "q_approximator")


def match(gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> tuple[int, int]:
    """One-to-one overlap matching: ``(matched predictions, matched gold)`` (equal counts)."""
    used = [False] * len(gold)
    hits = 0
    for s, e in pred:
        for i, (a, b) in enumerate(gold):
            if not used[i] and a < e and s < b:
                used[i] = True
                hits += 1
                break
    return hits, hits


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0}


def sentence_prf(y: np.ndarray, yhat: np.ndarray) -> dict[str, float]:
    tp = int(np.sum((y == 1) & yhat))
    return prf(tp, int(yhat.sum()), int((y == 1).sum()))


# --------------------------------------------------------------------------- our set


def own_set_table(learned: bool) -> tuple[list[str], bool]:
    rows = [json.loads(x) for x in hc.OWN_SET.read_text(encoding="utf-8").splitlines() if x]
    lex = load_lexicon(learned=learned)
    tp, n_pred, n_gold, tp_exact = Counter(), Counter(), Counter(), Counter()
    for row in rows:
        pred = [(q.category, q.start, q.end) for q in find_qualifiers(row["text"], lex)]
        for cat in QUALIFIER_CATEGORIES:
            g = [(s["start"], s["end"]) for s in row["spans"] if s["category"] == cat]
            p = [(s, e) for c, s, e in pred if c == cat]
            tp[cat] += match(g, p)[0]
            tp_exact[cat] += len(set(g) & set(p))
            n_pred[cat] += len(p)
            n_gold[cat] += len(g)
    lines = [f"{'category':14s} {'gold':>5s} {'pred':>5s} {'P':>6s} {'R':>6s}   exact P/R"]
    failed = False
    for cat in QUALIFIER_CATEGORIES:
        m, e = prf(tp[cat], n_pred[cat], n_gold[cat]), prf(tp_exact[cat], n_pred[cat], n_gold[cat])
        flag = "" if min(m["P"], m["R"]) >= FLOOR else "   < 0.90 FLOOR"
        failed |= bool(flag)
        lines.append(
            f"{cat:14s} {n_gold[cat]:5d} {n_pred[cat]:5d} {m['P']:6.3f} {m['R']:6.3f}"
            f"   {e['P']:.3f}/{e['R']:.3f}{flag}"
        )
    return lines, failed


# --------------------------------------------------------------------------- folds


def shipped_lexicon(
    fitted: qt.Fitted,
    path: Path,
    fallback_threshold: float | None = None,
    sentence: qt.SentenceFit | None = None,
    weight: float = 0.0,
) -> Lexicon:
    """The bundled lexicon with ``fitted`` (and the sentence component ``sentence`` at
    ``weight``) as its learned model, saved to ``path`` and loaded back as the shipped model is
    (the model's version is the file's stem)."""
    meta: dict[str, Any] = {
        "format": 1,
        "version": path.stem,
        "bits": BITS,
        "threshold": 0.5,
        "span_threshold": 0.5,
        "lexicon_categories": list(QUALIFIER_CATEGORIES),
    }
    if fallback_threshold is not None:
        meta["fallback_threshold"] = fallback_threshold
    parts = None
    if sentence is not None:
        meta["sentence_weight"] = weight
        parts = (sentence.hashed, sentence.lexicon, sentence.bias)
    save_model_file(path, meta, fitted.hashed, fitted.lexicon, fitted.bias, sentence=parts)
    return load_lexicon(learned=path)


def pick_weight(
    data: pd.DataFrame,
    q: np.ndarray,
    z: np.ndarray,
    mask: np.ndarray,
    weights: tuple[float, ...] = SENTENCE_WEIGHTS,
) -> float:
    """The candidate sentence weight whose combined scores give the best mean F1 of the two
    corpora (at their best threshold) on ``mask`` rows."""
    y, corpus = data["label"].to_numpy(), data["corpus"].to_numpy()
    masks = [mask & (corpus == c) for c in ("wikipedia", "bioscope")]
    best, best_w = -1.0, 0.0
    for w in weights:
        s = qt.combine(q, z, w)
        t = pick_threshold(data, s, mask)
        f = np.mean([sentence_prf(y[m], s[m] >= t)["F1"] for m in masks])
        if f > best:
            best, best_w = float(f), float(w)
    return best_w


def _uncertain_spans(table: pd.DataFrame, n: int) -> list[list[tuple[int, int]]]:
    """Per text, the spans of the uncertainty categories (``hc.UNCERTAIN_CATEGORIES``)."""
    out: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for r, s, e, c in table[["row", "start", "end", "category"]].itertuples(index=False):
        if c in hc.UNCERTAIN_CATEGORIES:
            out[r].append((s, e))
    return out


def fold_predictions(data: pd.DataFrame, tmp: Path) -> dict[str, Any]:
    """Out-of-fold ``q_uncertainty`` of every sentence from the fold models (saved in
    ``tmp``, as shipped), the fitted fold models for :func:`with_fallback`, and the
    lexicon's own spans and counts."""
    lex_only = load_lexicon(learned=False)
    t0 = time.process_time()
    d = qt.design(data, lex_only, BITS)
    print(f"design matrix {d.X.shape[0]:,} words ({time.process_time() - t0:.1f} s CPU)")
    q = np.zeros(len(data))
    lex_feats, lex_table = scan_qualifiers(data["text"], lex_only, spans=True)
    assert lex_table is not None
    lexicon_spans = _uncertain_spans(lex_table, len(data))
    folds = data["fold"].to_numpy()
    S = qt.sentence_matrix(d)
    fits: list[qt.Fitted] = []
    sentence_fits: list[qt.SentenceFit] = []
    q_words, z_sentence = np.zeros(len(data)), np.zeros(len(data))
    for k in range(hc.N_FOLDS):
        t0 = time.process_time()
        train, test = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        f = qt.fit(d, train, **FIT)
        sf = qt.fit_sentence(d, S, train, **SENTENCE)
        fits.append(f)
        sentence_fits.append(sf)
        q_words[test] = qt.predict(f, d, test)[0]
        z_sentence[test] = qt.predict_sentence(sf, S, test)
        print(
            f"fold {k}: {f.iterations} L-BFGS iterations, {time.process_time() - t0:.0f} s CPU",
            flush=True,
        )
    # each fold's sentence weight is chosen on the other folds' out-of-fold scores
    weights = [pick_weight(data, q_words, z_sentence, folds != k) for k in range(hc.N_FOLDS)]
    for k in range(hc.N_FOLDS):
        lex = shipped_lexicon(fits[k], tmp / f"fold{k}.npz", None, sentence_fits[k], weights[k])
        test = np.flatnonzero(folds == k)
        feats, _ = scan_qualifiers(data["text"].iloc[test].reset_index(drop=True), lex)
        q[test] = feats["q_uncertainty"].to_numpy()
    return {
        "q": q,
        "lexicon_spans": lexicon_spans,
        "lexicon_counts": lex_feats[list(COUNTED)].to_numpy(dtype=float),
        "fits": fits,
        "sentence_fits": sentence_fits,
        "weights": weights,
        "sentence_weight": pick_weight(data, q_words, z_sentence, np.ones(len(data), dtype=bool)),
    }


def counted_decision(counts: np.ndarray) -> np.ndarray:
    """The issue's sentence rule on the count columns: any hedge, hearsay (weasel included)
    or approximator span."""
    return counts.sum(axis=1) > 0


def with_fallback(
    data: pd.DataFrame, pred: dict[str, Any], thresholds: list[float], tmp: Path
) -> None:
    """Scan each fold with its model and its fallback threshold (the decision threshold
    picked on the other folds, so that the spans agree with the ``q`` decision), saved with
    it and loaded back, as shipped; sets ``pred``'s spans and counts."""
    folds = data["fold"].to_numpy()
    pred["counts"] = np.zeros((len(data), len(COUNTED)))
    pred["spans"] = [[] for _ in range(len(data))]
    for k, t in enumerate(thresholds):
        lex = shipped_lexicon(
            pred["fits"][k],
            tmp / f"fold{k}_fb.npz",
            fallback_threshold=t,
            sentence=pred["sentence_fits"][k],
            weight=pred["weights"][k],
        )
        test = np.flatnonzero(folds == k)
        feats, table = scan_qualifiers(
            data["text"].iloc[test].reset_index(drop=True), lex, spans=True
        )
        assert table is not None
        pred["counts"][test] = feats[list(COUNTED)].to_numpy(dtype=float)
        for i, sp in zip(test, _uncertain_spans(table, len(test)), strict=True):
            pred["spans"][i] = sp


def pick_threshold(data: pd.DataFrame, q: np.ndarray, mask: np.ndarray) -> float:
    """Threshold maximising the mean sentence F1 of the two shared corpora on ``mask`` rows."""
    best, best_t = -1.0, 0.5
    for t in GRID:
        f1s = []
        for corpus in ("wikipedia", "bioscope"):
            m = mask & (data["corpus"] == corpus).to_numpy()
            f1s.append(sentence_prf(data["label"].to_numpy()[m], q[m] >= t)["F1"])
        if np.mean(f1s) > best:
            best, best_t = float(np.mean(f1s)), float(t)
    return best_t


def corpus_figures(data: pd.DataFrame, pred: dict[str, Any]) -> dict[str, Any]:
    """Per corpus: sentence P/R/F1 and cue P/R of credscore, the lexicon and the naive list."""
    folds = data["fold"].to_numpy()
    q = pred["q"]
    thresholds = [pick_threshold(data, q, folds != k) for k in range(hc.N_FOLDS)]
    decide = np.zeros(len(data), dtype=bool)
    for k, t in enumerate(thresholds):
        decide[folds == k] = q[folds == k] >= t
    naive_spans = [[m.span() for m in NAIVE_RE.finditer(t)] for t in data["text"]]
    lexicon_says = np.array([bool(s) for s in pred["lexicon_spans"]])
    # (sentence decisions, cue spans or None when the system has no spans of its own)
    systems: dict[str, tuple[np.ndarray, list | None]] = {
        "credscore": (decide, pred["spans"]),
        "credscore q >= 0.5": (q >= 0.5, None),
        "credscore counts (hedge, hearsay, approximator)": (
            counted_decision(pred["counts"]),
            None,
        ),
        "credscore counts or q >= threshold": (counted_decision(pred["counts"]) | decide, None),
        "credscore counts without approximator": (counted_decision(pred["counts"][:, :2]), None),
        "credscore spans": (np.array([bool(s) for s in pred["spans"]]), pred["spans"]),
        "credscore q or a lexicon span": (decide | lexicon_says, None),
        "lexicon alone": (lexicon_says, pred["lexicon_spans"]),
        "lexicon counts (hedge, hearsay, approximator)": (
            counted_decision(pred["lexicon_counts"]),
            None,
        ),
        "naive 39-word list": (np.array([bool(s) for s in naive_spans]), naive_spans),
    }
    out: dict[str, Any] = {"fold_thresholds": thresholds, "corpora": {}}
    for corpus in ("wikipedia", "bioscope", "own"):
        m = (data["corpus"] == corpus).to_numpy()
        y = data["label"].to_numpy()[m]
        rows: dict[str, Any] = {"n": int(m.sum()), "positive": int(y.sum())}
        for name, (yhat, sp) in systems.items():
            fig: dict[str, Any] = {"sentence": sentence_prf(y, yhat[m])}
            if corpus != "wikipedia" and sp is not None:
                tp = n_pred = n_gold = 0
                for i in np.flatnonzero(m):
                    gold = data["cues"].iat[i] or []
                    tp += match(gold, sp[i])[0]
                    n_pred += len(sp[i])
                    n_gold += len(gold)
                fig["cue"] = prf(tp, n_pred, n_gold)
            rows[name] = fig
        out["corpora"][corpus] = rows
    return out


def render(fig: dict[str, Any]) -> list[str]:
    lines = [
        "| corpus | system | sentence P | sentence R | sentence F1 | cue P | cue R |",
        "|---|---|---|---|---|---|---|",
    ]
    for corpus, rows in fig["corpora"].items():
        for name in SYSTEMS:
            s, c = rows[name]["sentence"], rows[name].get("cue")
            cue = f"{c['P']:.3f} | {c['R']:.3f}" if c else "n/a | n/a"
            lines.append(
                f"| {corpus} ({rows['n']:,} sentences, {rows['positive']:,} uncertain) | {name} "
                f"| {s['P']:.3f} | {s['R']:.3f} | {s['F1']:.3f} | {cue} |"
            )
    lines.append(f"\nthresholds picked on the other folds: {fig['fold_thresholds']}")
    if "fold_sentence_weights" in fig:
        lines.append(
            "sentence-component weights picked on the other folds: "
            f"{fig['fold_sentence_weights']} (q = expit((1 - w) logit q_words + w z_sentence))"
        )
    lines.append(
        "a text with q at or above its fold's threshold and no hedge, hearsay, weasel or "
        "peacock span gets its most probable content word as a learned hedge span (the "
        "fallback), so that spans and counts agree with the q decision"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--own-only", action="store_true", help="our set only (no corpora needed)")
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args(argv)
    out: list[str] = ["# Qualifier evaluation", ""]
    failed = False
    for learned in (False, True):
        name = "with the bundled learned model (in-sample)" if learned else "lexicon alone"
        lines, bad = own_set_table(learned)
        failed |= bad
        out += [f"## Our set ({hc.OWN_SET.name}), {name}", "", "```", *lines, "```", ""]
    payload: dict[str, Any] = {}
    if not args.own_only:
        if not hc.available():
            print(f"hedge corpora not found under {hc.hedges_dir()}; use --own-only")
            return 2
        data = hc.all_corpora()
        with tempfile.TemporaryDirectory() as tmp:
            pred = fold_predictions(data, Path(tmp))
            folds = data["fold"].to_numpy()
            fold_t = [pick_threshold(data, pred["q"], folds != k) for k in range(hc.N_FOLDS)]
            with_fallback(data, pred, fold_t, Path(tmp))
        payload = corpus_figures(data, pred)
        payload["fit"] = FIT
        payload["sentence"] = SENTENCE
        payload["fold_sentence_weights"] = pred["weights"]
        payload["sentence_weight"] = pred["sentence_weight"]
        # The shipped model's threshold: picked on all out-of-fold predictions; its fallback
        # spans use the same one.
        payload["threshold"] = pick_threshold(data, pred["q"], np.ones(len(data), dtype=bool))
        payload["fallback_threshold"] = payload["threshold"]
        out += ["## Shared corpora, 5 folds (never trained and tested on the same sentences)", ""]
        out += render(payload)
    text = "\n".join(out)
    print(text)
    if not args.no_write and not args.own_only:  # --own-only never overwrites the record
        RESULTS.mkdir(exist_ok=True)
        atomic_write_text(RESULTS / "qualifiers_eval.md", text + "\n")
        if payload:
            atomic_write_text(
                RESULTS / "qualifiers_eval.json", json.dumps(payload, indent=2) + "\n"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
