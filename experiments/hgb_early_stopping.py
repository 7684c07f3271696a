"""Early stopping of the boosting fits: time saved and what it does to held-out scores.

Tables of ``--rows`` distinct statements are built from LIAR at run time
(``bench_score.realistic_tables``: spliced LIAR texts, LIAR titles and contexts, half the
statements labelled). The model is trained on the statements made before the 80% time quantile
and scores the labelled later ones (their sources' earlier record as history), twice:

* ``early_stopping=False``: every boosting fit runs its 200 iterations (the behaviour before);
* ``early_stopping=True``: each boosting fit holds out a stratified, seeded 10% of its rows and
  stops after 10 iterations without a lower log loss on them.

Boosting only (``base_learners=("hgb",)``, sigmoid calibrator), so that the two runs fit the
same kind of model. The same two runs on real text follow (unless ``--no-liar``, and when the
corpus is present): LIAR train (10,240 statements) scored on LIAR valid (1,284), early
stopping forced on (at that size ``"auto"`` runs every iteration).

Printed per run: fit CPU seconds, boosting iterations of the fold models, held-out log loss,
AUC, calibration slope and mean p - mean y. Results go to
``experiments/results/hgb_early_stopping.txt``.

Usage::

    OMP_NUM_THREADS=1 python experiments/hgb_early_stopping.py [--rows 100000]
    OMP_NUM_THREADS=1 python experiments/hgb_early_stopping.py --rows 1000000 --no-liar
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
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_score import load, machine, realistic_tables  # noqa: E402

import credscore  # noqa: E402
from credscore import Tables  # noqa: E402
from credscore.exceptions import CorpusNotFoundError  # noqa: E402


def _slope(y: np.ndarray, p: np.ndarray) -> float:
    """Calibration slope: logistic regression of y on logit(p)."""
    z = np.log(p / (1 - p)).reshape(-1, 1)
    return float(LogisticRegression(C=1e6).fit(z, y).coef_[0, 0])


def _time_split(tables: Tables) -> tuple[Tables, Tables]:
    st = tables.statements
    cut = st["made_at"].quantile(0.8)
    train = st[st["made_at"] < cut]
    test = st[(st["made_at"] >= cut) & st["label"].notna()]
    ev = tables.events
    return (
        Tables(
            statements=train,
            sources=tables.sources,
            events=ev[ev["statement_id"].isin(train["statement_id"])],
        ),
        Tables(
            statements=test,
            sources=tables.sources,
            events=ev[ev["statement_id"].isin(test["statement_id"])],
        ),
    )


def _liar_split() -> tuple[Tables, Tables]:
    from liar_benchmark import load_split

    train, valid, y = load_split(seed=0)
    st = valid.statements.assign(label=y)  # load_split hides the valid labels
    return train, Tables(statements=st, sources=valid.sources, events=valid.events)


def run(history: Tables, test_tables: Tables, early_stopping: bool) -> dict[str, float]:
    test = test_tables.statements
    model = credscore.CredibilityModel(
        base_learners=("hgb",),
        calibrators=("sigmoid",),
        early_stopping=early_stopping,
        verbose=0,
    )
    c = time.process_time()
    model.fit(history)
    fit = time.process_time() - c
    unlabelled = test.assign(label=np.nan)
    p = model.score(
        unlabelled, test_tables.sources, test_tables.events, history=history, explain=False
    )
    p = np.clip(p["p_reliable"].to_numpy(), 1e-6, 1 - 1e-6)
    y = test["label"].to_numpy().astype(int)
    iters = [m[0].n_iter_ for m in model.classifier_.members_]
    return {
        "fit_cpu_s": fit,
        "iterations": float(np.mean(iters)),
        "log_loss": log_loss(y, p),
        "auc": roc_auc_score(y, p),
        "slope": _slope(y, p),
        "gap": float(p.mean() - y.mean()),
        "n_train": int(history.statements["label"].notna().sum()),
        "n_test": len(test),
        "load": load(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--no-liar", action="store_true", help="skip the LIAR train -> valid runs")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning)
    print(f"{machine()}; OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}")
    cases = [(f"{args.rows:,} LIAR-built statements, later 20% held out", None)]
    if not args.no_liar:
        cases.append(("LIAR train -> LIAR valid (real text)", "liar"))
    for title, kind in cases:
        if kind is None:
            history, test = _time_split(realistic_tables(args.rows, seed=args.seed))
        else:
            try:
                history, test = _liar_split()
            except CorpusNotFoundError as exc:
                print(f"{title}: skipped ({exc})")
                continue
        print(title)
        for es in (False, True):
            r = run(history, test, es)
            print(
                f"  early_stopping={es!s:5s}: fit {r['fit_cpu_s']:6.1f} CPU s, "
                f"{r['iterations']:5.1f} iterations per fold model; held-out {r['n_test']:,} "
                f"({r['n_train']:,} labelled for training): log loss {r['log_loss']:.4f}, "
                f"AUC {r['auc']:.4f}, slope {r['slope']:.2f}, mean p - mean y "
                f"{r['gap']:+.4f} (load {r['load']})",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
