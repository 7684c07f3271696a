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
labelled as such), the lexicon alone, and the naive 39-word list. The fitting settings are the
shipped word model's (``qualifiers_eval.FIT``); the shipped model's sentence component
(``qualifiers_eval.SENTENCE``) is left out here.

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
from qualifiers_eval import BITS, FIT, GRID, NAIVE_RE, RESULTS, sentence_prf, shipped_lexicon

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
    fitted: qt.Fitted, texts: pd.Series, where: Path, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``q_uncertainty`` of ``texts`` from ``fitted`` saved (its fallback spans at
    ``threshold``, as the shipped model's are at its own), loaded and scanned as shipped;
    whether each text has an uncertainty span (lexicon or learned); and the issue's rule on
    the counts (``q_hedge + q_hearsay + q_approximator > 0``)."""
    lex = shipped_lexicon(fitted, where, fallback_threshold=threshold)
    feats, table = scan_qualifiers(texts.reset_index(drop=True), lex, spans=True)
    counted = feats[["q_hedge", "q_hearsay", "q_approximator"]].sum(axis=1).to_numpy() > 0
    return feats["q_uncertainty"].to_numpy(), _uncertain_rows(table, len(texts)), counted


def transfer(data: pd.DataFrame, design: qt.Design, target: str, tmp: Path) -> dict[str, Any]:
    """Figures on ``target`` for a model that never saw it."""
    corpus = data["corpus"].to_numpy()
    label = data["label"].to_numpy()
    folds = data["fold"].to_numpy()
    train = np.flatnonzero(corpus != target)
    source = next(c for c in CORPORA if c != target)
    t0 = time.process_time()
    # The threshold, from the training corpus's own out-of-fold predictions.
    oof = np.full(len(data), np.nan)
    for k in range(hc.N_FOLDS):
        fitted = qt.fit(design, train[folds[train] != k], **FIT)
        held = train[(folds[train] == k) & (corpus[train] == source)]
        oof[held], _ = qt.predict(fitted, design, held)
    src = np.flatnonzero(corpus == source)
    threshold, src_f1 = _best_threshold(label[src], oof[src])
    fitted = qt.fit(design, train, **FIT)
    test = np.flatnonzero(corpus == target)
    q, span_says, counted = _shipped_path(
        fitted, data["text"].iloc[test], tmp / f"to_{target}.npz", threshold
    )
    y = label[test]
    oracle_t, oracle_f1 = _best_threshold(y, q)
    _, lex_table = scan_qualifiers(
        data["text"].iloc[test].reset_index(drop=True), load_lexicon(learned=False), spans=True
    )
    lexicon_says = _uncertain_rows(lex_table, len(test))
    naive_says = np.array([NAIVE_RE.search(t) is not None for t in data["text"].iloc[test]])
    print(f"{source} -> {target}: {time.process_time() - t0:.0f} s CPU", flush=True)
    return {
        "source": source,
        "target": target,
        "n": len(test),
        "positive": int(y.sum()),
        "threshold": threshold,
        "source_oof_f1": src_f1,
        "rows": {
            f"credscore, threshold {threshold:.3f} (from {source} folds)": sentence_prf(
                y, q >= threshold
            ),
            "credscore, threshold 0.5": sentence_prf(y, q >= 0.5),
            f"credscore, best threshold on the target ({oracle_t:.3f}; peeks)": {
                **sentence_prf(y, q >= oracle_t),
                "F1": oracle_f1,
            },
            "credscore spans (lexicon and learned spans)": sentence_prf(y, span_says),
            "credscore counts (hedge, hearsay, approximator)": sentence_prf(y, counted),
            f"credscore, threshold {threshold:.3f} or a lexicon span": sentence_prf(
                y, (q >= threshold) | lexicon_says
            ),
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
            f"on {r['source']} at it {r['source_oof_f1']:.3f}"
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
