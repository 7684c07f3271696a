"""Raw history counts as features or not: calibration slope and test on LIAR re-splits.

Why: a model that scores later statements than it was trained on sees longer records than
its training rows did (on LIAR's pseudo-order, held-out rows see every training verdict,
training rows about half their source's), and a logistic model extrapolates raw counts
linearly. This fits ``CredibilityModel()`` with and without
the columns the history family declares as raw counts on the official LIAR split and the first 30
random re-splits of ``liar_resplit_calibration.py`` and prints slope, calibration test and
log loss for each. The LIAR2 side of the comparison is ``liar2_time_benchmark.py``.

Usage::

    python experiments/raw_counts_ablation.py [--splits 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bench_common as bc
import liar_resplit_calibration as lr
import numpy as np

from credscore import CredibilityModel
from credscore._io import atomic_write_text
from credscore.datasets import load_liar
from credscore.features import RAW_COUNT_COLUMNS

CONFIGS = {"with raw counts": {"exclude": ()}, "without (the default)": {}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--splits", type=int, default=30, help="random re-splits besides the official")
    args = ap.parse_args(argv)
    bc.quiet()
    liar = load_liar(seed=0)
    pool = liar.statements.reset_index(drop=True)
    lines = [f"# raw counts: {', '.join(RAW_COUNT_COLUMNS)}; calibration test n_sim=1000"]
    res: dict[str, list[tuple[float, bool, float]]] = {k: [] for k in CONFIGS}
    for r in [-1, *range(args.splits)]:  # -1: the official split
        st = pool if r < 0 else lr.with_split(pool, lr.resplit(pool, r), lr.order_seed(r))
        tr, va = st[st["split"] == "train"], st[st["split"] != "train"]
        train, valid = bc.subset(liar, tr), bc.subset(liar, bc.hide_labels(va))
        y = va["label"].to_numpy(float)
        for name, kw in CONFIGS.items():
            t0 = time.perf_counter()
            m = CredibilityModel(random_state=0, **kw).fit(train)
            p = m.score(valid, history=train, explain=False)["p_reliable"].to_numpy()
            rep = bc.evaluate(y, p, n_boot=10, n_sim=1000)
            s, ok, ll = rep["slope"], rep["consistent_with_calibrated"], rep["log_loss"]["estimate"]
            res[name].append((s["estimate"], ok, ll))
            split = "official" if r < 0 else f"re-split {r}"
            chosen = f"{m.selection_['base']}+{m.selection_['calibrator']}"
            verdict = "pass" if ok else "FAIL"
            seconds = time.perf_counter() - t0
            line = (
                f"{split:12s} {name:22s} {chosen:20s} p {rep['smece_p_value']:.3f} {verdict} "
                f"slope {s['estimate']:.3f} [{s['low']:.2f}, {s['high']:.2f}] "
                f"log loss {ll:.4f} ({seconds:.0f} s)"
            )
            print(line, flush=True)
            lines.append(line)
    for name, v in res.items():
        a = np.array(v, dtype=float)
        line = (
            f"SUMMARY {name}: {len(a)} splits, {int(a[:, 1].sum())} pass, "
            f"mean slope {a[:, 0].mean():.3f}, mean log loss {a[:, 2].mean():.4f}"
        )
        print(line)
        lines.append(line)
    bc.RESULTS.mkdir(parents=True, exist_ok=True)
    atomic_write_text(bc.RESULTS / "raw_counts_ablation.txt", "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
