"""Train the bundled attribution tagger on every PolNeAR training article.

Usage: ``python experiments/train_attribution_model.py [--epochs 8] [--bits 18]
[--threshold T]``

Writes ``credscore/ingest/data/attribution_tagger.npz`` (int16 weights, transitions; plain
arrays) and ``attribution_tagger.json`` (hashing, learned cue words, the confidence
threshold, the training fingerprint and the SHA-256 of the weights), both atomically. The
threshold defaults to ``threshold_all_folds`` of ``experiments/results/attribution_eval.json``
(chosen on out-of-fold predictions, so the shipped model keeps the precision measured there);
run ``experiments/attribution_eval.py`` first. The figures reported for the model are that
script's cross-validated ones, never scores on its own training articles.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _polnear import load_train

from credscore.ingest._learn import gold_labels, save_tagger, train_tagger
from credscore.ingest._rules import rule_statements
from credscore.ingest._stack import rule_codes
from credscore.ingest._tagdoc import tag_doc

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "credscore" / "ingest" / "data"
EVAL = ROOT / "experiments" / "results" / "attribution_eval.json"


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--bits", type=int, default=18)
    ap.add_argument("--threshold", type=float, default=None)
    args = ap.parse_args(argv)
    threshold = args.threshold
    if threshold is None:
        if not EVAL.exists():
            raise SystemExit(f"{EVAL} is missing: run experiments/attribution_eval.py first")
        threshold = json.loads(EVAL.read_text())["threshold_all_folds"]
    arts = load_train()
    t0 = time.perf_counter()
    docs, codes, labels = [], [], []
    fingerprint = hashlib.sha256()
    for a in arts:
        d = tag_doc(a.text)
        docs.append(d)
        codes.append(rule_codes(d, rule_statements(a.text, d.sents)))
        labels.append(
            gold_labels(
                d,
                [{"source": g.source, "cue": g.cue, "content": g.content} for g in a.attributions],
            )
        )
        fingerprint.update(f"{a.name}_{a.annotator}\n".encode())
    model = train_tagger(docs, labels, codes, bits=args.bits, epochs=args.epochs)
    weights, meta = save_tagger(
        model,
        {
            "threshold": threshold,
            "trained_on": f"PolNeAR train, {len(arts)} articles (one annotator each)",
            "training_fingerprint": fingerprint.hexdigest(),
            "figures": "experiments/results/attribution_eval.md (cross-validated)",
        },
    )
    _atomic_write(DATA / "attribution_tagger.npz", weights)
    _atomic_write(DATA / "attribution_tagger.json", meta)
    print(
        f"trained on {len(arts)} articles in {time.perf_counter() - t0:.0f} s; "
        f"threshold {threshold:.4f}; weights {len(weights):,} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
