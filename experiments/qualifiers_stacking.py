"""Would a sentence-level component lift ``q_uncertainty``? Measured on folds.

The learned qualifier model scores words and combines them by noisy-OR (a sentence is uncertain
unless none of its words is a cue). Wikipedia's labels are per sentence and its conventions
("some of", "many of" are weasels there) are hard to pin on one word. This script measures,
on the folds of ``qualifiers_eval.py`` (never training and testing on the same sentences):

* **word model**: the shipped recipe (``qualifiers_eval.FIT``), its noisy-OR ``q`` per
  sentence (``_qualifier_training.predict``: the shipped arithmetic, in float64);
* **sentence model**: a logistic regression on the same hashed word-feature indices the word
  model reads (``_qualifier_training.sentence_matrix``: summed over the sentence and divided by
  the square root of their count, so long sentences do not win by length), fitted on the other
  folds of every corpus and our set with ``qualifiers_eval.SENTENCE``;
* **stacked**: ``expit((1 - w) * logit(q) + w * z_sentence)``.

For each held-out fold, ``w`` (from ``qualifiers_eval.SENTENCE_WEIGHTS``) and the decision
threshold are chosen on the out-of-fold scores of the *other* folds (one threshold for both
corpora, maximising their mean F1: ``qualifiers_eval.pick_weight`` and ``pick_threshold``).
The naive 39-word list is printed beside them. Only aggregate figures leave the script. The
shipped model (qualifier model 1.1.0) has this component; ``qualifiers_eval.py`` measures it
through the shipped code path.

Run from the repository root::

    python experiments/qualifiers_stacking.py     # writes results/qualifiers_stacking.md
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _hedge_corpora as hc
import _qualifier_training as qt
import numpy as np
from qualifiers_eval import (
    BITS,
    FIT,
    NAIVE_RE,
    RESULTS,
    SENTENCE,
    SENTENCE_WEIGHTS,
    pick_threshold,
    pick_weight,
    sentence_prf,
)

from credscore._io import atomic_write_text
from credscore.features.qualifiers import load_lexicon

CORPORA = ("wikipedia", "bioscope")


def fold_scores(data) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold word-model ``q`` and sentence-model log-odds."""
    d = qt.design(data, load_lexicon(learned=False), BITS)
    S = qt.sentence_matrix(d)
    folds = data["fold"].to_numpy()
    q, zs = np.zeros(len(data)), np.zeros(len(data))
    for k in range(hc.N_FOLDS):
        t0 = time.process_time()
        train, test = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        q[test] = qt.predict(qt.fit(d, train, **FIT), d, test)[0]
        zs[test] = qt.predict_sentence(qt.fit_sentence(d, S, train, **SENTENCE), S, test)
        print(f"fold {k}: {time.process_time() - t0:.0f} s CPU", flush=True)
    return q, zs


def decisions(data, q: np.ndarray, zs: np.ndarray, weights) -> tuple[np.ndarray, list]:
    """Per held-out fold, the weight and threshold chosen on the other folds, and the calls."""
    folds = data["fold"].to_numpy()
    out, chosen = np.zeros(len(data), dtype=bool), []
    for k in range(hc.N_FOLDS):
        other = folds != k
        w = pick_weight(data, q, zs, other, weights)
        s = qt.combine(q, zs, w)
        t = pick_threshold(data, s, other)
        out[folds == k] = s[folds == k] >= t
        chosen.append((w, t))
    return out, chosen


def render(data, systems: dict, chosen: list) -> str:
    out = [
        "# A sentence-level component for q_uncertainty (issue 14)",
        "",
        "5 folds of the shared corpora plus our set (`qualifiers_eval.py`'s folds); weight and "
        "threshold chosen on the other folds. Sentence level: does the sentence carry an "
        "uncertainty cue.",
        "",
        "| corpus | system | P | R | F1 |",
        "|---|---|---|---|---|",
    ]
    corpus, y = data["corpus"].to_numpy(), data["label"].to_numpy()
    for c in (*CORPORA, "own"):
        m = corpus == c
        for name, yhat in systems.items():
            r = sentence_prf(y[m], yhat[m])
            out.append(f"| {c} | {name} | {r['P']:.3f} | {r['R']:.3f} | {r['F1']:.3f} |")
    picks = ", ".join(f"({w:g}, {t:g})" for w, t in chosen)
    out += ["", f"chosen per fold (weight, threshold): {picks}", ""]
    out.append("Regenerate: `python experiments/qualifiers_stacking.py`.")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args(argv)
    if not hc.available():
        print(f"hedge corpora not found under {hc.hedges_dir()}")
        return 2
    data = hc.all_corpora()
    q, zs = fold_scores(data)
    word, _ = decisions(data, q, zs, (0.0,))
    sentence, _ = decisions(data, q, zs, (1.0,))
    stacked, chosen = decisions(data, q, zs, SENTENCE_WEIGHTS)
    naive = np.array([bool(NAIVE_RE.search(t)) for t in data["text"]])
    systems = {
        "word model (shipped recipe, noisy-OR q)": word,
        "sentence model alone": sentence,
        "stacked (weight chosen on the other folds)": stacked,
        "naive 39-word list": naive,
    }
    text = render(data, systems, chosen)
    print(text)
    if not args.no_write:
        atomic_write_text(RESULTS / "qualifiers_stacking.md", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
