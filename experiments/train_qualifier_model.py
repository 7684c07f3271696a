"""Train the learned qualifier model shipped in ``credscore/features/data/qualifier_model.npz``.

Run from the repository root, after ``experiments/qualifiers_eval.py`` (which measures the
recipe on folds and picks the decision threshold on them)::

    python experiments/train_qualifier_model.py [--threshold T] [--version V]

Fits the recipe of ``qualifiers_eval.FIT`` (and the sentence component of
``qualifiers_eval.SENTENCE`` at the weight the folds chose) on all of the shared data
(CoNLL-2010 Wikipedia training sentences, BioScope abstracts) plus our annotated set, and
writes the model file with its metadata: the threshold, the training data (counts, never
rows) and the cross-validated figures from ``experiments/results/qualifiers_eval.json`` (the
figures to quote: the shipped model itself has seen every sentence). Changing the file
changes the lexicon's ``sha256``, so the default credibility model must be retrained
afterwards (``train_default_model.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _hedge_corpora as hc
import _qualifier_training as qt
import numpy as np
import qualifiers_eval as qe

from credscore.features._qualifiers_model import save_model_file
from credscore.features.qualifiers import QUALIFIER_CATEGORIES, load_lexicon

OUT = hc.REPO / "credscore" / "features" / "data" / "qualifier_model.npz"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threshold", type=float, help="default: picked on the folds")
    ap.add_argument("--version", default="1.1.0")
    ap.add_argument("--max-iter", type=int, default=qe.FIT["max_iter"])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if not hc.available():
        print(f"hedge corpora not found under {hc.hedges_dir()}")
        return 2
    cv_path = qe.RESULTS / "qualifiers_eval.json"
    cv = json.loads(cv_path.read_text()) if cv_path.is_file() else {}
    threshold = args.threshold if args.threshold is not None else cv.get("threshold")
    if threshold is None:
        print(f"no threshold: run experiments/qualifiers_eval.py first (it writes {cv_path})")
        return 2
    weight = cv.get("sentence_weight")
    if weight is None:
        print(f"no sentence_weight: run experiments/qualifiers_eval.py first (it writes {cv_path})")
        return 2
    data = hc.all_corpora()
    d = qt.design(data, load_lexicon(learned=False), qe.BITS)
    t0 = time.process_time()
    every = np.arange(len(data))
    fit = qt.fit(d, every, **{**qe.FIT, "max_iter": args.max_iter})
    sentence = qt.fit_sentence(d, qt.sentence_matrix(d), every, **qe.SENTENCE) if weight else None
    meta = {
        "format": 1,
        "version": args.version,
        "bits": qe.BITS,
        "threshold": float(threshold),
        "span_threshold": 0.5,
        "lexicon_categories": list(QUALIFIER_CATEGORIES),
        **(
            {"fallback_threshold": float(cv["fallback_threshold"])}
            if "fallback_threshold" in cv
            else {}
        ),
        **({"sentence_weight": float(weight), "sentence": qe.SENTENCE} if sentence else {}),
        "features": "hashed word, neighbour, bigram and trigram features; lexicon categories",
        "fit": {**qe.FIT, "max_iter": args.max_iter, "iterations": fit.iterations},
        "training_data": {
            c: {
                "sentences": int((data["corpus"] == c).sum()),
                "uncertain": int(data.loc[data["corpus"] == c, "label"].sum()),
            }
            for c in ("wikipedia", "bioscope", "own")
        },
        "cross_validated": cv.get("corpora", {}),
    }
    parts = None if sentence is None else (sentence.hashed, sentence.lexicon, sentence.bias)
    save_model_file(args.out, meta, fit.hashed, fit.lexicon, fit.bias, sentence=parts)
    size = args.out.stat().st_size
    print(
        f"wrote {args.out} ({size / 1e6:.1f} MB, {np.count_nonzero(fit.hashed):,} weights, "
        f"{fit.iterations} iterations, {time.process_time() - t0:.0f} s CPU), "
        f"threshold {threshold}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
