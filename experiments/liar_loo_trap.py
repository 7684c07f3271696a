"""The leave-one-out trap on real data: LIAR train -> valid.

Compares three ways of giving a model the speaker's track record, evaluated on LIAR's
``valid`` split (log loss, lower is better):

* **base rate** -- no history, the training share of reliable statements;
* **leave-one-out** -- the speaker's *training* verdict tallies minus the row's own (what
  many papers do to "fix" LIAR's leaking count columns); valid rows see the full tallies;
* **point-in-time** -- ``credscore.features.history.history_features`` over the seeded
  pseudo-order written by ``credscore.datasets.load_liar`` (each training row sees only the
  rows before it; valid rows see every training verdict).

The corpus is read at run time from ``../shared/datasets/liar`` (or ``$CREDSCORE_DATASETS``);
no row of it is written anywhere. Usage: ``python experiments/liar_loo_trap.py [--seed 0]``.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # shared machine: no thread oversubscription

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

from credscore.datasets import load_liar
from credscore.features.history import history_features, population_rates


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    tables = load_liar(splits=("train", "valid"), seed=args.seed)
    st = tables.statements
    train = (st["split"] == "train").to_numpy()
    y = st["label"].to_numpy(dtype=float)
    rates = population_rates(st[train], tables.events.iloc[:0])
    a = 5.0

    # Point-in-time history (the engine's features).
    h = history_features(
        st,
        tables.events,
        retraction_prior=rates["retraction_rate"],
        false_prior=rates["false_rate"],
        prior_strength=a,
    )
    pit = np.column_stack([h["hist_false_rate"], np.log1p(h["hist_n_verdicts"])])

    # Leave-one-out history: training tallies minus the row's own verdict.
    spk = st["source_id"].to_numpy()
    codes = {s: i for i, s in enumerate(np.unique(spk))}
    c = np.array([codes[s] for s in spk])
    n_tr = np.bincount(c[train], minlength=len(codes)).astype(float)
    f_tr = np.bincount(c[train], weights=1 - y[train], minlength=len(codes))
    own = train.astype(float)  # valid rows: nothing to leave out
    n_loo = n_tr[c] - own
    f_loo = f_tr[c] - own * (1 - y)
    loo_rate = (f_loo + a * rates["false_rate"]) / (n_loo + a)
    loo = np.column_stack([loo_rate, np.log1p(n_loo)])

    base = np.full((~train).sum(), y[train].mean())
    print(f"LIAR train {train.sum():,} rows -> valid {(~train).sum():,} rows (seed {args.seed})")
    print(f"{'features':<16}{'model':<22}{'train (in-sample)':>18}{'valid':>10}")
    base_train = log_loss(y[train], np.full(train.sum(), y[train].mean()))
    print(f"{'base rate':<16}{'constant':<22}{base_train:>18.3f}{log_loss(y[~train], base):>10.3f}")
    models = {
        "logistic": lambda: LogisticRegression(),
        "gradient boosting": lambda: HistGradientBoostingClassifier(max_iter=100, random_state=0),
    }
    for name, x in (("leave-one-out", loo), ("point-in-time", pit)):
        for mname, make in models.items():
            m = make().fit(x[train], y[train])
            p_tr = m.predict_proba(x[train])[:, 1]
            p_va = m.predict_proba(x[~train])[:, 1]
            print(
                f"{name:<16}{mname:<22}{log_loss(y[train], p_tr):>18.3f}"
                f"{log_loss(y[~train], p_va):>10.3f}"
            )


if __name__ == "__main__":
    main()
