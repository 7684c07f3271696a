"""Training speed of CredibilityModel against HistGradientBoosting + CalibratedClassifierCV.

Tables of 1k/10k/100k/1M distinct statements are built from LIAR at run time (see
``bench_score.realistic_tables``: spliced LIAR texts, LIAR titles and contexts, half the
statements labelled). For each size, in a fresh process:

* ``CredibilityModel().fit`` (defaults: logistic and boosting learners, four calibrators,
  5 time-ordered selection folds, 5 cross-fitted fold models), CPU and wall seconds, and
  where the time goes: validation, features (each family), the selection per learner, the
  fold models (from the fit's own progress lines);
* the anchor on the same feature matrix: ``CalibratedClassifierCV(
  HistGradientBoostingClassifier(), cv=5)`` (default boosting, sigmoid), CPU and wall;
* the ratio of our fit (everything, features included) to the anchor's fit;
* where ``boosting="auto"`` chose the coarse schedule (100,000+ labelled statements), the
  same fit with ``boosting="fine"``, the schedule of every fit before.

Also the 1,200-row example (``datasets/examples/simulated_newsroom``), and ``n_jobs=2``
beside ``n_jobs=None`` at 10k (wall; the same model either way). OMP_NUM_THREADS=1 unless
set (boosting's OpenMP threads oversubscribe a shared 2-core machine). Every figure is
printed with the 1-minute load average; results go to
``experiments/results/bench_train.{json,md}``.

Usage::

    python experiments/bench_train.py                       # 1k, 10k, 100k, 1M
    python experiments/bench_train.py --sizes 1000 10000    # quicker
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_score import RESULTS, load, machine, write_results  # noqa: E402

EXAMPLE = HERE.parent / "datasets" / "examples" / "simulated_newsroom"


def _phases(lines: list[str]) -> dict[str, float]:
    """Wall seconds of each phase, from the fit's progress lines."""
    stamps = []
    for line in lines:
        m = re.match(r"\[credscore fit\s+([\d.]+) s\] (.*)", line)
        if m:
            stamps.append((float(m.group(1)), m.group(2)))
    out: dict[str, float] = {}
    prev = 0.0
    for t, msg in stamps:
        if msg.startswith("validated"):
            key = "validation"
        elif msg.startswith("features"):
            key = "features (all families)"
        elif msg.startswith("selection: ") and " fold " in msg:
            key = f"selection folds: {msg.split()[1]}"
        elif msg.startswith("selection: "):
            key = "calibrator scoring"
        elif msg.startswith("fold model"):
            key = "fold models"
        else:
            key = "other"
        out[key] = out.get(key, 0.0) + (t - prev)
        prev = t
    return out


def fit_ours(tables: Any, n_jobs: int | None = None, **params: Any) -> dict[str, Any]:
    """CredibilityModel(**params).fit: CPU and wall seconds, phases, the chosen pair."""
    import credscore
    from credscore.model._progress import Progress, progress_scope

    buf = io.StringIO()
    model = credscore.CredibilityModel(n_jobs=n_jobs, verbose=0, **params)
    progress = Progress(verbose=2, stream=buf)
    c, w = time.process_time(), time.perf_counter()
    with progress_scope(progress):
        model.fit(tables)
    cpu, wall = time.process_time() - c, time.perf_counter() - w
    return {
        "cpu_s": cpu,
        "wall_s": wall,
        "phases_wall_s": _phases(buf.getvalue().splitlines()),
        "selected": f"{model.selection_['base']} + {model.selection_['calibrator']}",
        "load": load(),
        "model": model,
    }


def family_seconds(model: Any, tables: Any) -> dict[str, float]:
    """CPU seconds of each family's transform of the training tables."""
    from credscore.features import merge_history

    valid = model._tables(tables, None, None)
    combined, rows = merge_history(valid, None)
    out = {}
    for name, fam in model.extractor_.families_.items():
        c = time.process_time()
        fam.transform(combined, rows)
        out[name] = time.process_time() - c
    return out


def fit_anchor(X: pd.DataFrame, y: np.ndarray) -> dict[str, Any]:
    """HistGradientBoosting inside CalibratedClassifierCV(cv=5) on the same features."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OrdinalEncoder

    cats = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    pre = ColumnTransformer(
        [("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), cats)],
        remainder="passthrough",
    )
    anchor = CalibratedClassifierCV(
        make_pipeline(pre, HistGradientBoostingClassifier(random_state=0)), cv=5
    )
    c, w = time.process_time(), time.perf_counter()
    anchor.fit(X.astype({c: object for c in cats}), y)
    return {"cpu_s": time.process_time() - c, "wall_s": time.perf_counter() - w, "load": load()}


def child(n: int, with_jobs: bool) -> dict[str, Any]:
    """All measurements of one size, in this process."""
    from bench_score import realistic_tables

    import credscore

    tables = credscore.read_tables(EXAMPLE) if n == 0 else realistic_tables(n, seed=5)
    ours = fit_ours(tables)
    model = ours.pop("model")
    feats = model.features(tables)
    st = tables.statements
    labelled = st["label"].notna().to_numpy()
    X, y = feats.iloc[labelled].reset_index(drop=True), st["label"].to_numpy()[labelled].astype(int)
    out: dict[str, Any] = {
        "n_statements": len(st),
        "n_labelled": int(labelled.sum()),
        "ours": ours,
        "families_cpu_s": family_seconds(model, tables),
        "anchor": fit_anchor(X, y),
    }
    out["ratio_cpu"] = ours["cpu_s"] / out["anchor"]["cpu_s"]
    if model.classifier_.selection_.get("boosting") == "coarse":
        # the same fit with the schedule every fit had before boosting="auto"
        fine = fit_ours(tables, boosting="fine")
        fine.pop("model")
        out["fine"] = fine
    if with_jobs:
        two = fit_ours(tables, n_jobs=2)
        same = bool(
            np.array_equal(two.pop("model").predict_proba(tables), model.predict_proba(tables))
        )
        out["n_jobs_2"] = two | {"same_model": same}
    return out


def run_child(n: int, with_jobs: bool) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", str(n), str(int(with_jobs))]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def markdown(res: dict[str, Any]) -> str:
    lines = [
        "# Training speed (experiments/bench_train.py)",
        "",
        f"Machine: {res['machine']}; OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}. "
        "Ours: `CredibilityModel().fit` (validation and features included). Anchor: "
        "`CalibratedClassifierCV(HistGradientBoostingClassifier(), cv=5)` on the same feature "
        "matrix (features not included). Load = 1-minute load average of the shared 2-core "
        "machine.",
        "",
        "| statements (labelled) | ours CPU s | ours wall s | anchor CPU s | anchor wall s "
        "| ours / anchor (CPU) | chosen | load |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in res["sizes"].items():
        o, a = r["ours"], r["anchor"]
        lines.append(
            f"| {name} ({r['n_labelled']:,}) | {o['cpu_s']:.1f} | {o['wall_s']:.1f} | "
            f"{a['cpu_s']:.1f} | {a['wall_s']:.1f} | {r['ratio_cpu']:.2f} | {o['selected']} | "
            f"{o['load']} / {a['load']} |"
        )
    lines += [
        "",
        "Where our fit's time goes (wall s from the fit's progress lines; the "
        "families' CPU s measured separately):",
        "",
    ]
    for name, r in res["sizes"].items():
        ph = ", ".join(f"{k} {v:.1f}" for k, v in r["ours"]["phases_wall_s"].items())
        fam = ", ".join(f"{k} {v:.2f}" for k, v in r["families_cpu_s"].items())
        lines.append(f"- {name}: {ph}; families (CPU s): {fam}")
        if "fine" in r:
            f = r["fine"]
            lines.append(
                f'  - the same fit with `boosting="fine"` (the schedule of every fit before '
                f'`"auto"`): {f["cpu_s"]:.1f} s CPU / {f["wall_s"]:.1f} s wall against '
                f"{r['ours']['cpu_s']:.1f} / {r['ours']['wall_s']:.1f} ({f['selected']}, load "
                f"{f['load']})"
            )
        if "n_jobs_2" in r:
            j = r["n_jobs_2"]
            lines.append(
                f"  - n_jobs=2: {j['wall_s']:.1f} s wall against {r['ours']['wall_s']:.1f} s "
                f"(load {j['load']}); same model: {j['same_model']}"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000, 1_000_000])
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        out = child(int(args.child[0]), bool(int(args.child[1])))
        print(json.dumps(out, default=float))
        return
    res: dict[str, Any] = {
        "machine": machine(),
        "sizes": {},
    }
    print(res["machine"], "load", load(), flush=True)
    for n in [0, *args.sizes]:
        name = "example (1,200 rows)" if n == 0 else f"{n:,}"
        r = run_child(n, with_jobs=n == 10_000)
        res["sizes"][name] = r
        print(
            f"{name}: ours {r['ours']['cpu_s']:.1f} s CPU / {r['ours']['wall_s']:.1f} s wall "
            f"({r['ours']['selected']}), anchor {r['anchor']['cpu_s']:.1f} s CPU, ratio "
            f"{r['ratio_cpu']:.2f} (load {r['ours']['load']})",
            flush=True,
        )
        write_results("bench_train", res, markdown(res))
    print(f"wrote {RESULTS / 'bench_train.md'}")


if __name__ == "__main__":
    main()
