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

It also writes ``credscore/ingest/data/speaker_linker.json``, the speaker linker, fitted on the
candidates of every article as read by a tagger trained on the other folds (``--folds``), so
that it learns from the tagger's out-of-sample readings, as at run time. ``--linker-only``
keeps the bundled tagger and retrains the linker alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _polnear import load_train
from attribution_eval import folds_of, gold_of, recorded_groups, tagger_on

from credscore._io import atomic_write_bytes
from credscore.ingest._learn import gold_labels, save_tagger, train_tagger
from credscore.ingest._linklearn import fit_linker
from credscore.ingest._rules import rule_statements
from credscore.ingest._stack import rule_codes
from credscore.ingest._tagdoc import tag_doc

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "credscore" / "ingest" / "data"
EVAL = ROOT / "experiments" / "results" / "attribution_eval.json"


def train_linker(arts, docs, labels, codes, args, fingerprint: str) -> bytes:
    """The linker's data file, fitted on out-of-fold readings of every article."""
    golds = [gold_of(a.text, d, a.attributions) for a, d in zip(arts, docs, strict=True)]
    folds = folds_of([a.name for a in arts], [a.publisher for a in arts], args.folds)
    groups = []
    for f in range(args.folds):
        model = tagger_on([i for i in range(len(arts)) if folds[i] != f], docs, labels, codes, args)
        for i in (i for i in range(len(arts)) if folds[i] == f):
            groups += recorded_groups(arts[i], model, golds[i])
    linker = fit_linker(groups, c=args.linker_c)
    return linker.to_json(
        {
            "trained_on": f"PolNeAR train, {len(arts)} articles (one annotator each), read by "
            f"{args.folds}-fold out-of-fold taggers",
            "training_fingerprint": fingerprint,
            "figures": "experiments/results/attribution_eval.md (cross-validated)",
        }
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--bits", type=int, default=18)
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--linker-c", type=float, default=1.0)
    ap.add_argument("--linker-only", action="store_true")
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
    linker = train_linker(arts, docs, labels, codes, args, fingerprint.hexdigest())
    atomic_write_bytes(DATA / "speaker_linker.json", linker)
    print(f"speaker linker written in {time.perf_counter() - t0:.0f} s", flush=True)
    if args.linker_only:
        return 0
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
    atomic_write_bytes(DATA / "attribution_tagger.npz", weights)
    atomic_write_bytes(DATA / "attribution_tagger.json", meta)
    print(
        f"trained on {len(arts)} articles in {time.perf_counter() - t0:.0f} s; "
        f"threshold {threshold:.4f}; weights {len(weights):,} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
