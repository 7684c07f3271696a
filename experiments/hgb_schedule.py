"""Boosting schedules for large training sets: fit time against held-out scores.

The fold models of a 1M-statement fit spend most of their time in 200 boosting iterations at
learning rate 0.05 (15 leaves). This compares that schedule with shorter ones on the same
feature matrix: tables of ``--rows`` distinct statements built from LIAR at run time
(``bench_score.realistic_tables``), features fitted on the statements made before the 80%
time quantile, held-out rows the labelled later ones (their sources' earlier record as
history). One boosting fit per schedule on every labelled training row (what a fold model
sees, without the fold split), the preprocessing and monotone constraints of the fold models.

Printed per schedule: fit CPU seconds, held-out log loss and AUC of the booster's own
probabilities (the fold models calibrate these on their own fold; this compares the boosters).
Results go to
``experiments/results/hgb_schedule_<rows>.txt``.

Usage::

    OMP_NUM_THREADS=1 python experiments/hgb_schedule.py [--rows 1000000]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import log_loss, roc_auc_score

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_score import load, machine, realistic_tables  # noqa: E402
from hgb_early_stopping import _time_split  # noqa: E402

from credscore import FeatureExtractor  # noqa: E402
from credscore._io import atomic_write_text  # noqa: E402
from credscore.model._learners import BaseLearner, fit_median_imputers  # noqa: E402

#: (learning rate, iterations, leaves): the current schedule first.
SCHEDULES = [(0.05, 200, 15), (0.1, 100, 15), (0.1, 100, 31), (0.15, 70, 31), (0.2, 50, 31)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args(argv)
    lines = [f"{machine()}; OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}"]
    print(lines[0], flush=True)
    history, test = _time_split(realistic_tables(args.rows, seed=args.seed))
    ext = FeatureExtractor().fit(history)
    X_all = ext.transform(history).reset_index(drop=True)
    X_te = ext.transform(test, history=history).reset_index(drop=True)
    y_all = history.statements["label"].to_numpy(dtype=float)
    keep = np.isfinite(y_all)
    X, y = X_all[keep].reset_index(drop=True), y_all[keep].astype(int)
    y_te = test.statements["label"].to_numpy(dtype=float).astype(int)
    learner = BaseLearner("hgb", monotonic_cst=ext.monotone_constraints())
    learner.numeric_ = [c for c in X.columns if X[c].dtype.kind in "biuf"]
    learner.categorical_ = [c for c in X.columns if c not in learner.numeric_]
    pre = learner._preprocessor(learner.numeric_, learner.categorical_, [])
    Z = fit_median_imputers(pre, X)
    Z_te = pre.transform(X_te)
    directions = learner._directions()
    cst = np.zeros(Z.shape[1], dtype=int)
    for i, name in enumerate(learner.numeric_):
        cst[i] = directions.get(name, 0)
    head = (
        f"{args.rows:,} LIAR-built statements: {len(y):,} labelled training rows, "
        f"{len(y_te):,} held out; {Z.shape[1]} model columns; base-rate log loss "
        f"{log_loss(y_te, np.full(len(y_te), y.mean())):.4f}"
    )
    print(head, flush=True)
    lines.append(head)
    for lr, iters, leaves in SCHEDULES:
        clf = HistGradientBoostingClassifier(
            max_iter=iters,
            learning_rate=lr,
            max_leaf_nodes=leaves,
            min_samples_leaf=40,
            l2_regularization=1.0,
            monotonic_cst=cst,
            early_stopping=False,
            random_state=0,
        )
        c = time.process_time()
        clf.fit(Z, y)
        fit = time.process_time() - c
        p = np.clip(clf.predict_proba(Z_te)[:, 1], 1e-6, 1 - 1e-6)
        line = (
            f"  lr {lr:<4} x {iters:3d} iterations, {leaves:2d} leaves: fit {fit:6.1f} CPU s; "
            f"held-out log loss {log_loss(y_te, p):.4f}, AUC {roc_auc_score(y_te, p):.4f} "
            f"(load {load()})"
        )
        print(line, flush=True)
        lines.append(line)
    out = HERE / "results" / f"hgb_schedule_{args.rows}.txt"
    atomic_write_text(out, "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
