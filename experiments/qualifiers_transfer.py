"""Qualifier detection across domains: train on one shared corpus, test on the other.

The held-out corpora that will be run against the detector include domains it never saw
(issue 14 names product reviews). Cross-validation folds *within* Wikipedia and BioScope say
how the learned model does on more text of a domain it was trained on; this script asks what
happens when the domain changes:

* **Wikipedia as the unseen domain:** the learned model is fitted on BioScope abstracts and our
  set only, then run through :func:`scan_qualifiers` (the shipped code path, saved and loaded
  like the bundled model) on every Wikipedia sentence;
* **BioScope as the unseen domain:** fitted on Wikipedia and our set, run on BioScope.

The decision threshold on ``q_uncertainty`` is chosen without the target's labels: on
out-of-fold predictions of the *training* corpus (5 folds within it). Beside it: the fixed
threshold 0.5, the target's best threshold (an upper bound that peeks at the target's labels,
labelled as such), the lexicon alone, and the naive 39-word list. Two configurations: the word
model alone (``qualifiers_eval.FIT``), and the shipped one, which adds the sentence component
(``qualifiers_eval.SENTENCE``) with its weight picked from ``qualifiers_eval.SENTENCE_WEIGHTS``
together with the threshold on the same out-of-fold predictions of the training corpus.

Run from the repository root::

    python experiments/qualifiers_transfer.py      # writes results/qualifiers_transfer.md

Only aggregate figures are printed or written; no corpus sentence leaves this script.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _hedge_corpora as hc
import _qualifier_training as qt
import numpy as np
import pandas as pd
from qualifiers_eval import (
    BITS,
    FIT,
    GRID,
    NAIVE_RE,
    RESULTS,
    SENTENCE,
    SENTENCE_WEIGHTS,
    sentence_prf,
    shipped_lexicon,
)

from credscore._io import atomic_write_text
from credscore.features.qualifiers import load_lexicon, scan_qualifiers

CORPORA = ("wikipedia", "bioscope")


def _best_threshold(y: np.ndarray, q: np.ndarray) -> tuple[float, float]:
    """``(threshold, F1)`` of the grid threshold with the best sentence F1."""
    f1 = [sentence_prf(y, q >= t)["F1"] for t in GRID]
    k = int(np.argmax(f1))
    return float(GRID[k]), float(f1[k])


def _uncertain_rows(table: pd.DataFrame | None, n: int) -> np.ndarray:
    """Whether each of ``n`` texts has a span of an uncertainty category in ``table``."""
    assert table is not None
    rows = table[table["category"].isin(hc.UNCERTAIN_CATEGORIES)]["row"].unique()
    says = np.zeros(n, dtype=bool)
    says[rows] = True
    return says


def _shipped_path(
    fitted: qt.Fitted,
    texts: pd.Series,
    where: Path,
    threshold: float,
    sentence: qt.SentenceFit | None = None,
    weight: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``q_uncertainty`` of ``texts`` from ``fitted`` (and the sentence component
    ``sentence`` at ``weight``) saved (its fallback spans at ``threshold``, as the shipped
    model's are at its own), loaded and scanned as shipped; whether each text has an
    uncertainty span (lexicon or learned); and the issue's rule on the counts (``q_hedge +
    q_hearsay + q_approximator > 0``)."""
    lex = shipped_lexicon(fitted, where, threshold, sentence, weight)
    feats, table = scan_qualifiers(texts.reset_index(drop=True), lex, spans=True)
    counted = feats[["q_hedge", "q_hearsay", "q_approximator"]].sum(axis=1).to_numpy() > 0
    return feats["q_uncertainty"].to_numpy(), _uncertain_rows(table, len(texts)), counted


def _pick_weight(y: np.ndarray, q: np.ndarray, z: np.ndarray) -> tuple[float, float, float]:
    """``(weight, threshold, F1)``: the candidate sentence weight (and grid threshold) with
    the best F1 of the combined out-of-fold scores ``combine(q, z, weight)``."""
    best = (0.0, 0.5, -1.0)
    for w in SENTENCE_WEIGHTS:
        t, f1 = _best_threshold(y, qt.combine(q, z, w))
        if f1 > best[2]:
            best = (float(w), t, f1)
    return best


def _rows(
    y: np.ndarray, q: np.ndarray, span_says: np.ndarray, counted: np.ndarray,
    lexicon_says: np.ndarray, threshold: float, source: str, tag: str,
) -> dict[str, dict[str, float]]:  # fmt: skip
    """The credscore rows of one configuration on the target."""
    oracle_t, oracle_f1 = _best_threshold(y, q)
    return {
        f"{tag}, threshold {threshold:.3f} (from {source} folds)": sentence_prf(y, q >= threshold),
        f"{tag}, threshold 0.5": sentence_prf(y, q >= 0.5),
        f"{tag}, best threshold on the target ({oracle_t:.3f}; peeks)": {
            **sentence_prf(y, q >= oracle_t),
            "F1": oracle_f1,
        },
        f"{tag} spans (lexicon and learned spans)": sentence_prf(y, span_says),
        f"{tag} counts (hedge, hearsay, approximator)": sentence_prf(y, counted),
        f"{tag}, threshold {threshold:.3f} or a lexicon span": sentence_prf(
            y, (q >= threshold) | lexicon_says
        ),
    }


def transfer(data: pd.DataFrame, design: qt.Design, target: str, tmp: Path) -> dict[str, Any]:
    """Figures on ``target`` for a model that never saw it: the word model alone, and the
    shipped configuration (word model and sentence component, the weight chosen with the
    threshold on the training corpus's folds)."""
    corpus = data["corpus"].to_numpy()
    label = data["label"].to_numpy()
    folds = data["fold"].to_numpy()
    train = np.flatnonzero(corpus != target)
    source = next(c for c in CORPORA if c != target)
    t0 = time.process_time()
    S = qt.sentence_matrix(design)
    # The threshold (and weight), from the training corpus's own out-of-fold predictions.
    oof, oof_z = np.full(len(data), np.nan), np.full(len(data), np.nan)
    for k in range(hc.N_FOLDS):
        fit_rows = train[folds[train] != k]
        fitted = qt.fit(design, fit_rows, **FIT)
        held = train[(folds[train] == k) & (corpus[train] == source)]
        oof[held], _ = qt.predict(fitted, design, held)
        oof_z[held] = qt.predict_sentence(qt.fit_sentence(design, S, fit_rows, **SENTENCE), S, held)
    src = np.flatnonzero(corpus == source)
    threshold, src_f1 = _best_threshold(label[src], oof[src])
    weight, s_threshold, s_src_f1 = _pick_weight(label[src], oof[src], oof_z[src])
    fitted = qt.fit(design, train, **FIT)
    sentence = qt.fit_sentence(design, S, train, **SENTENCE)
    test = np.flatnonzero(corpus == target)
    texts = data["text"].iloc[test]
    y = label[test]
    _, lex_table = scan_qualifiers(
        texts.reset_index(drop=True), load_lexicon(learned=False), spans=True
    )
    lexicon_says = _uncertain_rows(lex_table, len(test))
    naive_says = np.array([NAIVE_RE.search(t) is not None for t in texts])
    word = _shipped_path(fitted, texts, tmp / f"to_{target}.npz", threshold)
    both = _shipped_path(fitted, texts, tmp / f"to_{target}_s.npz", s_threshold, sentence, weight)
    print(f"{source} -> {target}: {time.process_time() - t0:.0f} s CPU", flush=True)
    return {
        "source": source,
        "target": target,
        "n": len(test),
        "positive": int(y.sum()),
        "threshold": threshold,
        "source_oof_f1": src_f1,
        "weight": weight,
        "s_threshold": s_threshold,
        "s_source_oof_f1": s_src_f1,
        "rows": {
            **_rows(y, *word, lexicon_says, threshold, source, "word model"),
            **_rows(y, *both, lexicon_says, s_threshold, source, f"shipped (w {weight:.2f})"),
            "lexicon alone": sentence_prf(y, lexicon_says),
            "naive 39-word list": sentence_prf(y, naive_says),
        },
    }


def render(results: list[dict[str, Any]]) -> str:
    out = [
        "# Qualifier detection across domains (issue 14)",
        "",
        "The learned model is fitted on one shared corpus and our set, and tested on the other",
        "corpus, which it never saw; the threshold comes from the training corpus's own folds.",
        "Two configurations: the word model alone, and the shipped one (word model and sentence",
        "component; its weight w chosen with the threshold on the training corpus's folds).",
        "Sentence level: does the sentence carry an uncertainty cue.",
        "",
        "| trained on -> tested on | system | P | R | F1 |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        for name, s in r["rows"].items():
            out.append(
                f"| {r['source']} -> {r['target']} ({r['n']:,} sentences, {r['positive']:,} "
                f"uncertain) | {name} | {s['P']:.3f} | {s['R']:.3f} | {s['F1']:.3f} |"
            )
    out.append("")
    for r in results:
        out.append(
            f"- {r['source']} -> {r['target']}: threshold {r['threshold']:.3f}, out-of-fold F1 "
            f"on {r['source']} at it {r['source_oof_f1']:.3f}; shipped: w {r['weight']:.2f}, "
            f"threshold {r['s_threshold']:.3f}, out-of-fold F1 {r['s_source_oof_f1']:.3f}"
        )
    out += ["", "Regenerate: `python experiments/qualifiers_transfer.py`."]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args(argv)
    if not hc.available():
        print(f"hedge corpora not found under {hc.hedges_dir()}")
        return 2
    data = hc.all_corpora()
    design = qt.design(data, load_lexicon(learned=False), BITS)
    with tempfile.TemporaryDirectory() as tmp:
        results = [transfer(data, design, target, Path(tmp)) for target in CORPORA]
    text = render(results)
    print(text)
    if not args.no_write:
        atomic_write_text(RESULTS / "qualifiers_transfer.md", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
