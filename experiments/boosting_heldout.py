"""The boosting schedules in full fits: held-out log loss, AUC and calibration slope.

``experiments/hgb_schedule.py`` compares one boosting fit per schedule; this fits the whole
``CredibilityModel`` (selection, cross-fitted fold models, calibrators) with
``boosting="fine"`` and with ``"coarse"`` (what ``"auto"`` picks from 100,000 labelled
statements) on tables of ``--rows`` LIAR-built statements, trains on the statements made before
the 80% time quantile and scores the labelled later ones with their sources' earlier record as
history. Boosting only (``base_learners=("hgb",)``) so both fits are boosted. Printed per
schedule: fit CPU seconds, held-out log loss, AUC, calibration slope and mean p - mean y.

Usage::

    OMP_NUM_THREADS=1 python experiments/boosting_heldout.py [--rows 1000000]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.metrics import log_loss, roc_auc_score

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_score import load, machine, realistic_tables  # noqa: E402
from hgb_early_stopping import _slope, _time_split  # noqa: E402

import credscore  # noqa: E402
from credscore._io import atomic_write_text  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning)
    lines = [f"{machine()}; OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}"]
    print(lines[0], flush=True)
    history, test = _time_split(realistic_tables(args.rows, seed=args.seed))
    st = test.statements
    y = st["label"].to_numpy().astype(int)
    n_train = int(history.statements["label"].notna().sum())
    lines.append(
        f"{args.rows:,} LIAR-built statements: {n_train:,} labelled for training, "
        f"{len(st):,} held out (base rate {y.mean():.3f})"
    )
    print(lines[-1], flush=True)
    for boosting in ("fine", "coarse"):
        model = credscore.CredibilityModel(base_learners=("hgb",), boosting=boosting, verbose=0)
        c = time.process_time()
        model.fit(history)
        fit = time.process_time() - c
        out = model.score(
            st.assign(label=np.nan), test.sources, test.events, history=history, explain=False
        )
        p = np.clip(out["p_reliable"].to_numpy(), 1e-6, 1 - 1e-6)
        lines.append(
            f"  boosting={boosting!r:8s}: fit {fit:6.1f} CPU s ({model.selection_['base']} + "
            f"{model.selection_['calibrator']}); held-out log loss {log_loss(y, p):.4f}, AUC "
            f"{roc_auc_score(y, p):.4f}, slope {_slope(y, p):.2f}, mean p - mean y "
            f"{p.mean() - y.mean():+.4f} (load {load()})"
        )
        print(lines[-1], flush=True)
    out_file = HERE / "results" / f"boosting_heldout_{args.rows}.txt"
    atomic_write_text(out_file, "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
